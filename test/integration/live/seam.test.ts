/**
 * The lossless seam of createLiveFeed, made deterministic: the test plays the bridge (it publishes each id
 * itself) and commits rows at chosen moments around the replay's read of the real table.
 */
import { fetchDpdTransitionsAfter, fetchDpdTransitionsByIds, type DpdTransitionRow } from '../../../loaders/dpd-transition.metrics';
import { createLiveFeed, SHARED_PENDING_EVENTS } from '../../../src/events/live-feed';
import type { LiveEnvelope, LiveTransport } from '../../../src/events/live-transport';
import { createAppPubSub, TOPICS, type RowEvent } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertTransitions, waitUntil } from './harness';

let dbs: TestDatabases;

beforeAll(async () => {
  dbs = await createTestDatabases();
});

afterAll(async () => {
  await dbs?.drop();
});

const transport = (accept: (pending: number) => boolean = () => true): LiveTransport<object> => ({
  eventContext: () => ({}),
  freshContext: () => ({}),
  acceptBacklog: accept,
});

async function take(feed: AsyncIterator<LiveEnvelope<DpdTransitionRow>>, count: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const next = await feed.next();
    if (next.done) break;
    out.push(next.value.row.id);
  }
  return out;
}

test('rows committed and published before and after the replay read arrive exactly once, in order', async () => {
  const pubSub = createAppPubSub();
  const before = await insertTransitions(dbs, [{}, {}]);
  const publish = (ids: string[]) => ids.forEach((id) => pubSub.publish(TOPICS.DPD_TRANSITION, { id }));
  publish(before); // published before the subscription: nobody hears them; the replay must deliver them
  const source = pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>;
  let duringRead: string[] = [];
  let afterRead: string[] = [];
  let replays = 0;
  const feed = createLiveFeed<DpdTransitionRow, object>({
    source,
    since: '0',
    transport: transport(),
    pageSize: 500,
    replayPage: async (_context, afterId, limit) => {
      replays += 1;
      if (replays === 1) {
        duringRead = await insertTransitions(dbs, [{}]);
        publish(duringRead); // buffered live AND in the table: must not arrive twice
      }
      const rows = await fetchDpdTransitionsAfter(dbs.metrics.pool, {}, afterId, limit);
      if (replays === 1) {
        afterRead = await insertTransitions(dbs, [{}, {}]);
        publish(afterRead); // not in the read: must arrive live
      }
      return rows;
    },
    load: async (_context, id) => (await fetchDpdTransitionsByIds(dbs.metrics.pool, [id]))[0] ?? null,
    matches: () => true,
  });
  const delivered = await take(feed, 5);
  expect(delivered).toEqual([...before, ...duringRead, ...afterRead]);
  const [later] = await insertTransitions(dbs, [{}]);
  publish([later!]);
  expect(await take(feed, 1)).toEqual([later]);
  await feed.return!();
  expect(pubSub.subscriberCount(TOPICS.DPD_TRANSITION)).toBe(0);
});

test('a replay of several pages keeps order and hands over to live without a duplicate', async () => {
  const pubSub = createAppPubSub();
  const [since] = await insertTransitions(dbs, [{}]);
  const rows = await insertTransitions(dbs, [{}, {}, {}, {}, {}]);
  const source = pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>;
  const pages: string[][] = [];
  const feed = createLiveFeed<DpdTransitionRow, object>({
    source,
    since,
    transport: transport(),
    pageSize: 2,
    replayPage: async (_context, afterId, limit) => {
      const page = await fetchDpdTransitionsAfter(dbs.metrics.pool, {}, afterId, limit);
      pages.push(page.map((r) => r.id));
      return page;
    },
    load: async (_context, id) => (await fetchDpdTransitionsByIds(dbs.metrics.pool, [id]))[0] ?? null,
    matches: () => true,
  });
  // The last two rows were also published live (the bridge was slower than the replay).
  for (const id of rows.slice(3)) pubSub.publish(TOPICS.DPD_TRANSITION, { id });
  expect(await take(feed, 5)).toEqual(rows);
  expect(pages).toEqual([rows.slice(0, 2), rows.slice(2, 4), rows.slice(4)]);
  await feed.return!();
});

test('over the backlog bound the feed ends and unsubscribes; return() ends a waiting next() at once', async () => {
  const pubSub = createAppPubSub();
  const seen: number[] = [];
  const source = pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>;
  const feed = createLiveFeed<DpdTransitionRow, object>({
    source,
    since: undefined,
    transport: transport((pending) => {
      seen.push(pending);
      return pending <= 2;
    }),
    replayPage: async () => [],
    // Never answers: events pile up behind the first one.
    load: () => new Promise(() => undefined),
    matches: () => true,
  });
  for (const id of ['1', '2', '3', '4']) pubSub.publish(TOPICS.DPD_TRANSITION, { id });
  expect(await feed.next()).toEqual({ value: undefined, done: true });
  // Refused at 3; the feed, ended, then reports that nothing waits for it (its connection's total drops by its share).
  expect(seen.slice(-2)).toEqual([3, 0]);
  expect(pubSub.subscriberCount(TOPICS.DPD_TRANSITION)).toBe(0);

  const idle = createLiveFeed<DpdTransitionRow, object>({
    source: pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>,
    since: undefined,
    transport: transport(),
    replayPage: async () => [],
    load: async () => null,
    matches: () => true,
  });
  const waiting = idle.next();
  await idle.return!();
  expect(await waiting).toEqual({ value: undefined, done: true });
  expect(pubSub.subscriberCount(TOPICS.DPD_TRANSITION)).toBe(0);
});

test('a failed read ends the feed with that error (graphql-ws then sends a masked `error` message)', async () => {
  const pubSub = createAppPubSub();
  const feed = createLiveFeed<DpdTransitionRow, object>({
    source: pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>,
    since: undefined,
    transport: transport(),
    replayPage: async () => [],
    load: async () => {
      throw new Error('connection terminated');
    },
    matches: () => true,
  });
  const waiting = feed.next();
  pubSub.publish(TOPICS.DPD_TRANSITION, { id: '1' });
  await expect(waiting).rejects.toThrow('connection terminated');
  expect(pubSub.subscriberCount(TOPICS.DPD_TRANSITION)).toBe(0);
});

test('a subscription far behind keeps the shared event only for the first events it waits for, the rest as bare ids', async () => {
  // The shared event object keys the context every subscriber of it resolves in (its loaders' cached rows and the
  // shared results, some kilobytes): each one a lagging subscription held would stay alive for it.
  const pubSub = createAppPubSub();
  const published: RowEvent[] = [];
  const contextsAskedFor: RowEvent[] = [];
  const feed = createLiveFeed<DpdTransitionRow, object>({
    source: pubSub.subscribe(TOPICS.DPD_TRANSITION)[Symbol.asyncIterator]() as AsyncIterator<RowEvent>,
    since: undefined,
    transport: { ...transport(), eventContext: (event) => (contextsAskedFor.push(event), {}) },
    replayPage: async () => [],
    load: async (_context, id) => ({ id }) as DpdTransitionRow,
    matches: () => true,
  });
  const publish = (id: number) => {
    const event = { id: String(id) };
    published.push(event);
    pubSub.publish(TOPICS.DPD_TRANSITION, event);
  };
  // Nobody reads the feed: the first event waits to be taken, then 1,499 more wait behind it.
  publish(1);
  await waitUntil(() => contextsAskedFor.length === 1, 'the first event to be taken from the backlog');
  for (let id = 2; id <= 1500; id += 1) publish(id);
  await new Promise((resolve) => setImmediate(resolve)); // the feed moves them into its backlog (microtasks) before it is read
  expect(await take(feed, 1500)).toEqual(published.map((e) => e.id));
  const shared = contextsAskedFor.map((event, i) => event === published[i]);
  expect(shared.indexOf(false)).toBe(1 + SHARED_PENDING_EVENTS);
  expect(shared.slice(1 + SHARED_PENDING_EVENTS).every((s) => !s)).toBe(true);
  await feed.return!();
});
