/** dpdTransitioned over graphql-ws: filters on live events, the `since` replay seam, and the history query. */
import { TOPICS } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, DPD_SUBSCRIPTION, ids, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';

let dbs: TestDatabases;
let live: LiveInstance;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  await live?.stop();
  await dbs?.drop();
});

const subscribers = () => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION);

test('each filter delivers exactly the live transitions it matches, in id order', async () => {
  const client = live.client();
  const before = subscribers();
  const all = collect<DpdEvent>(client, DPD_SUBSCRIPTION);
  const byOfficer = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { officerIds: ['502'] } });
  const byBranch = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { branches: ['AGEGE', 'EPE'] } });
  const byRegion = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { regions: ['Jade'] } });
  const byBuckets = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { fromBuckets: ['DPD_7_30'], toBuckets: ['DPD_31_60', 'DPD_90_PLUS'] } });
  const worsening = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { direction: 'WORSENING' } });
  const improving = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { direction: 'IMPROVING', regions: ['Crystal'] } });
  await waitUntil(() => subscribers() === before + 7, 'seven live subscriptions');

  const [a, b, c, d, e] = await insertTransitions(dbs, [
    { officerId: '501', branch: 'YABA', region: 'Crystal', from: '1-6', to: '7-30' },
    { officerId: '502', branch: 'EPE', region: 'Crystal', from: '7-30', to: '31-60' },
    { officerId: '503', branch: 'AGEGE', region: 'Jade', from: '31-60', to: '7-30' },
    { officerId: '501', branch: 'YABA', region: 'Crystal', from: '7-30', to: '0' },
    { officerId: '502', branch: 'EPE', region: 'Crystal', from: '7-30', to: '90+' },
  ]);
  // A second statement (a second NOTIFY) after the first.
  const [f] = await insertTransitions(dbs, [{ officerId: '503', branch: 'AGEGE', region: 'Jade', from: '0', to: '1-6' }]);

  await waitUntil(() => all.values.length === 6, 'all six transitions on the unfiltered subscription');
  await waitUntil(() => byRegion.values.length === 2 && byBranch.values.length === 4, 'the last event on the filtered subscriptions');
  await waitUntil(() => worsening.values.length === 4 && improving.values.length === 1, 'direction subscriptions');
  await waitUntil(() => byOfficer.values.length === 2 && byBuckets.values.length === 2, 'officer and bucket subscriptions');

  expect(ids(all)).toEqual([a, b, c, d, e, f]);
  expect(ids(byOfficer)).toEqual([b, e]);
  expect(ids(byBranch)).toEqual([b, c, e, f]);
  expect(ids(byRegion)).toEqual([c, f]);
  expect(ids(byBuckets)).toEqual([b, e]);
  expect(ids(worsening)).toEqual([a, b, e, f]);
  expect(ids(improving)).toEqual([d]);
  expect(all.values[1]).toEqual({
    dpdTransitioned: { id: b, fromBucket: 'DPD_7_30', toBucket: 'DPD_31_60', dpdBefore: 6, dpdAfter: 7, actualOutstanding: '12500.50', branch: 'EPE', region: 'Crystal' },
  });
  for (const sub of [all, byOfficer, byBranch, byRegion, byBuckets, worsening, improving]) {
    expect(sub.errors).toEqual([]);
    sub.stop();
  }
  await waitUntil(() => subscribers() === before, 'the subscriptions to end on the server');
});

test('since replays the missed transitions, then continues live: no gap, no duplicate at the seam', async () => {
  const [seen] = await insertTransitions(dbs, [{ from: '0', to: '1-6' }]);
  const missed = await insertTransitions(dbs, [{}, {}, { branch: 'EPE', officerId: '502' }]);
  const client = live.client();
  const sub = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { since: seen });
  // Rows committed while the subscription is being set up and replayed: each statement is its own NOTIFY.
  const during: string[] = [];
  for (let i = 0; i < 12; i += 1) during.push(...(await insertTransitions(dbs, [{ dpdAfter: 100 + i }])));
  await waitUntil(() => subscribers() >= 1, 'the subscription to be live');
  const after = await insertTransitions(dbs, [{}, {}]);
  const expected = [...missed, ...during, ...after];
  await waitUntil(() => sub.values.length >= expected.length, `${expected.length} transitions`);
  expect(sub.errors).toEqual([]);
  expect(ids(sub)).toEqual(expected);
  // Nothing more arrives: a marker inserted now is the very next event.
  const [marker] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === expected.length + 1, 'the marker');
  expect(ids(sub).at(-1)).toEqual(marker);
  sub.stop();
});

test('since with a filter replays only matching rows; "0" replays from the first event', async () => {
  const client = live.client();
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT transition_id::text AS id FROM dpd_transitions WHERE officer_id = '502' ORDER BY transition_id`);
  const sub = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { since: '0', filter: { officerIds: ['502'] } });
  await waitUntil(() => sub.values.length === rows.length, `${rows.length} replayed transitions of officer 502`);
  const [next] = await insertTransitions(dbs, [{ officerId: '502', branch: 'EPE' }]);
  await waitUntil(() => sub.values.length === rows.length + 1, 'the live one');
  expect(ids(sub)).toEqual([...rows.map((r) => r.id), next]);
  sub.stop();
});

test('Query.dpdTransitions pages the history by id with the same filter; endCursor works as since', async () => {
  const client = live.client();
  const query = `query H($filter: DpdTransitionFilterInput, $first: Int, $after: ID) {
    dpdTransitions(filter: $filter, first: $first, after: $after) { nodes { id branch } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
  }`;
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT transition_id::text AS id FROM dpd_transitions WHERE branch = 'EPE' ORDER BY transition_id`);
  expect(rows.length).toBeGreaterThanOrEqual(3);
  const run = (variables: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query, variables }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
    });
  const first = (await run({ filter: { branches: ['EPE'] }, first: 2 })) as { data: { dpdTransitions: { nodes: { id: string; branch: string }[]; pageInfo: Record<string, unknown> } } };
  expect(first.data.dpdTransitions.nodes).toEqual([
    { id: rows[0]!.id, branch: 'EPE' },
    { id: rows[1]!.id, branch: 'EPE' },
  ]);
  expect(first.data.dpdTransitions.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: rows[0]!.id, endCursor: rows[1]!.id });
  const rest = (await run({ filter: { branches: ['EPE'] }, first: 500, after: rows[1]!.id })) as { data: { dpdTransitions: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } } };
  expect(rest.data.dpdTransitions.nodes.map((n) => n.id)).toEqual(rows.slice(2).map((r) => r.id));
  expect(rest.data.dpdTransitions.pageInfo.hasNextPage).toBe(false);
});
