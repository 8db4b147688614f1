/**
 * The NOTIFY → PubSub bridge against a real server: a LISTEN connection killed with pg_terminate_backend is
 * re-established and catches up, two instances on one database each deliver every event, and a malformed
 * payload, or one naming an id the table does not hold, is logged and skipped.
 */
import pg from 'pg';
import { TOPICS } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, DPD_SUBSCRIPTION, ids, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';

let dbs: TestDatabases;
const instances: LiveInstance[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
});

afterAll(async () => {
  for (const instance of instances) await instance.stop();
  await dbs?.drop();
});

async function listenerPids(applicationName: string): Promise<number[]> {
  const { rows } = await dbs.metrics.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
    [applicationName],
  );
  return rows.map((r) => r.pid);
}

test('a killed LISTEN connection reconnects and catches up: the subscriber misses nothing', async () => {
  const live = await startLiveInstance(dbs, { applicationName: 'live-test/killed', reconnect: { initialMs: 300, maxMs: 1000 } });
  instances.push(live);
  const sub = collect<DpdEvent>(live.client(), DPD_SUBSCRIPTION);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  const [first] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === 1, 'the first event');

  const [pid] = await listenerPids('live-test/killed');
  expect(pid).toBeDefined();
  await dbs.metrics.pool.query('SELECT pg_terminate_backend($1)', [pid]);
  await waitUntil(async () => !(await listenerPids('live-test/killed')).includes(pid!), 'the LISTEN backend to be gone');
  // Committed while nobody listens: their NOTIFYs are lost; only the catch-up can deliver them.
  const whileDown = [...(await insertTransitions(dbs, [{}, {}])), ...(await insertTransitions(dbs, [{}]))];

  await waitUntil(() => sub.values.length === 4, 'the catch-up after reconnect');
  expect(ids(sub)).toEqual([first, ...whileDown]);
  expect(live.log.entries).toContainEqual(
    expect.objectContaining({ level: 'warn', message: 'LISTEN connection lost; reconnecting' }),
  );
  expect(live.log.entries).toContainEqual(
    expect.objectContaining({ level: 'info', message: 'catching up after reconnect', fields: { feed: 'dpd', from: first, to: whileDown[2] } }),
  );
  // And live again after the catch-up.
  const [after] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === 5, 'a live event after the reconnect');
  expect(ids(sub)).toEqual([first, ...whileDown, after]);
  expect(live.bridge.lastDelivered().dpd).toBe(after);
  sub.stop();
});

test('two instances on one seedsmetrics database each deliver every event to their own subscribers', async () => {
  const one = await startLiveInstance(dbs, { applicationName: 'live-test/one' });
  const two = await startLiveInstance(dbs, { applicationName: 'live-test/two' });
  instances.push(one, two);
  const a = collect<DpdEvent>(one.client(), DPD_SUBSCRIPTION);
  const b = collect<DpdEvent>(two.client(), DPD_SUBSCRIPTION);
  const bBranch = collect<DpdEvent>(two.client(), DPD_SUBSCRIPTION, { filter: { branches: ['EPE'] } });
  await waitUntil(
    () => one.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1 && two.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 2,
    'subscriptions on both instances',
  );
  const inserted = [...(await insertTransitions(dbs, [{}, { branch: 'EPE' }])), ...(await insertTransitions(dbs, [{ branch: 'EPE' }]))];
  await waitUntil(() => a.values.length === 3 && b.values.length === 3 && bBranch.values.length === 2, 'every event on both instances');
  expect(ids(a)).toEqual(inserted);
  expect(ids(b)).toEqual(inserted);
  expect(ids(bBranch)).toEqual(inserted.slice(1));
  expect(one.bridge.lastDelivered().dpd).toBe(inserted[2]);
  expect(two.bridge.lastDelivered().dpd).toBe(inserted[2]);
  for (const s of [a, b, bBranch]) s.stop();
});

/** A live instance with one DPD subscription taken, and the feed's position before anything is sent. */
async function subscribed(applicationName: string): Promise<{ live: LiveInstance; sub: ReturnType<typeof collect<DpdEvent>>; before: string }> {
  const live = await startLiveInstance(dbs, { applicationName });
  instances.push(live);
  const sub = collect<DpdEvent>(live.client(), DPD_SUBSCRIPTION);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  return { live, sub, before: live.bridge.lastDelivered().dpd };
}

/** Runs `send` on a seedsmetrics connection of its own: NOTIFYs sent by hand, not by the tables' triggers. */
async function byHand(send: (notifier: pg.Client) => Promise<void>): Promise<void> {
  const notifier = new pg.Client({ connectionString: dbs.metricsUrl });
  notifier.on('error', () => undefined);
  await notifier.connect();
  try {
    await send(notifier);
  } finally {
    await notifier.end();
  }
}

test('a malformed NOTIFY payload is logged and skipped; later events still flow', async () => {
  const { live, sub, before } = await subscribed('live-test/malformed');
  await byHand((notifier) => notifier.query(`SELECT pg_notify('dpd_transition', 'not-an-id'), pg_notify('dpd_transition', '-5'), pg_notify('dpd_transition', '')`).then(() => undefined));
  await waitUntil(() => live.log.entries.filter((e) => e.message.startsWith('malformed NOTIFY payload')).length === 3, 'three warnings');
  expect(live.log.entries.filter((e) => e.message.startsWith('malformed NOTIFY payload'))).toEqual([
    { level: 'warn', fields: { channel: 'dpd_transition', payload: 'not-an-id' }, message: 'malformed NOTIFY payload skipped (expected a positive integer id)' },
    { level: 'warn', fields: { channel: 'dpd_transition', payload: '-5' }, message: 'malformed NOTIFY payload skipped (expected a positive integer id)' },
    { level: 'warn', fields: { channel: 'dpd_transition', payload: '' }, message: 'malformed NOTIFY payload skipped (expected a positive integer id)' },
  ]);
  expect(live.bridge.lastDelivered().dpd).toBe(before);
  const [next] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === 1, 'the next valid event');
  expect(ids(sub)).toEqual([next]);
  sub.stop();
});

test('a NOTIFY naming an id the table does not hold, or one beyond bigint, is logged and skipped; later events still flow', async () => {
  const { live, sub, before } = await subscribed('live-test/bogus');
  await byHand(async (notifier) => {
    // An operator's test, another tool on the channel: no such row.
    await notifier.query(`SELECT pg_notify('dpd_transition', '987654321')`);
    await waitUntil(() => live.log.entries.some((e) => e.message === 'NOTIFY named an id the table does not hold; skipped'), 'the warning');
    await notifier.query(`SELECT pg_notify('dpd_transition', '9300000000000000000')`);
    await waitUntil(() => live.log.entries.some((e) => e.message.startsWith('malformed NOTIFY payload')), 'the second warning');
  });
  expect(live.log.entries.filter((e) => e.level === 'warn')).toEqual([
    { level: 'warn', fields: { feed: 'dpd', notified: '987654321', latest: before }, message: 'NOTIFY named an id the table does not hold; skipped' },
    { level: 'warn', fields: { channel: 'dpd_transition', payload: '9300000000000000000' }, message: 'malformed NOTIFY payload skipped (expected a positive integer id)' },
  ]);
  expect(live.bridge.lastDelivered().dpd).toBe(before);
  // The next events (ids far below the bogus one) are delivered, on the same LISTEN connection.
  const next = [...(await insertTransitions(dbs, [{}, {}])), ...(await insertTransitions(dbs, [{}]))];
  await waitUntil(() => sub.values.length === 3, 'the next valid events');
  expect(ids(sub)).toEqual(next);
  expect(live.bridge.listenerState()).toMatchObject({ connected: true, connectionsLost: 0 });
  sub.stop();
});

test('a burst of 2,500 events in one transaction (one NOTIFY, three pages of reads) reaches subscribers with different filters complete and in order', async () => {
  const live = await startLiveInstance(dbs, { applicationName: 'live-test/burst' });
  instances.push(live);
  const client = live.client();
  const all = collect<DpdEvent>(client, DPD_SUBSCRIPTION);
  const epe = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { branches: ['EPE'] } });
  const improving = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { direction: 'IMPROVING' } });
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 3, 'the subscriptions to be live');
  const specs = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? { branch: 'EPE' } : { from: '7-30', to: '1-6' }));
  const inserted = await insertTransitions(dbs, specs);
  await waitUntil(() => all.values.length === 2500 && epe.values.length === 1250 && improving.values.length === 1250, 'every event on every subscription');
  expect(ids(all)).toEqual(inserted);
  expect(ids(epe)).toEqual(inserted.filter((_, i) => i % 2 === 0));
  expect(ids(improving)).toEqual(inserted.filter((_, i) => i % 2 === 1));
  for (const s of [all, epe, improving]) s.stop();
});
