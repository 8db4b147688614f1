/**
 * Event ids commit in the order they were allocated, whoever appends: the bridge reads from the last id it delivered
 * and a client resumes from the last id it saw, so a lower id committed after a higher one had been delivered would
 * be skipped live and by every resume. The tables' insert trigger serialises writers (the engine's lock), so a second
 * transaction appending while the first is open waits for it, and its ids come after.
 */
import pg from 'pg';
import { TOPICS } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, DPD_SUBSCRIPTION, ids, insertParChanges, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';

let dbs: TestDatabases;
let live: LiveInstance;
const writers: pg.Client[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  for (const writer of writers) await writer.end().catch(() => undefined);
  await live?.stop();
  await dbs?.drop();
});

async function writer(): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: dbs.metricsUrl, application_name: 'live-test/writer' });
  client.on('error', () => undefined);
  await client.connect();
  writers.push(client);
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0]!.pid };
}

const INSERT_TRANSITION = `INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
  VALUES ('9001', '501', 'YABA', 'Crystal', DATE '2025-12-10', '1-6', '7-30', 6, 7, 12500.50) RETURNING transition_id::text AS id`;

const INSERT_PAR_CHANGE = `INSERT INTO par_changes (scope, scope_key, business_date, portfolio_before, portfolio_after, par15_before, par15_after,
    par30_before, par30_after, par60_before, par60_after, par90_before, par90_after,
    ratio15_before, ratio15_after, ratio30_before, ratio30_after, ratio60_before, ratio60_after, ratio90_before, ratio90_after)
  VALUES ('BRANCH', 'YABA', DATE '2025-12-10', 100000, 100000, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0.001, 0, 0, 0, 0, 0, 0) RETURNING change_id::text AS id`;

async function waitsForALock(pid: number): Promise<boolean> {
  const { rows } = await dbs.metrics.pool.query<{ waiting: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted) AS waiting`, [pid]);
  return rows[0]!.waiting;
}

/**
 * A first transaction appends one row and stays open while a second appends one and commits; then the first
 * commits. Returns the two ids, the first's first.
 */
async function appendWhileAnotherIsOpen(insert: string): Promise<[string, string]> {
  const first = await writer();
  const second = await writer();
  await first.client.query('BEGIN');
  const a = (await first.client.query<{ id: string }>(insert)).rows[0]!.id;
  let secondSettled = false;
  const secondCommitted = (async () => {
    await second.client.query('BEGIN');
    const { rows } = await second.client.query<{ id: string }>(insert);
    await second.client.query('COMMIT');
    return rows[0]!.id;
  })().finally(() => {
    secondSettled = true;
  });
  await waitUntil(async () => secondSettled || (await waitsForALock(second.pid)), 'the second writer to wait for the first (or to be done)');
  await first.client.query('COMMIT');
  return [a, await secondCommitted];
}

test('DPD transitions: a transaction appending while another is open waits for it; the subscriber and a resume get both, in order', async () => {
  const sub = collect<DpdEvent>(live.client(), DPD_SUBSCRIPTION);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  const before = live.bridge.lastDelivered().dpd;
  const [a, b] = await appendWhileAnotherIsOpen(INSERT_TRANSITION);
  const [c] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => ids(sub).includes(c!), 'the event after both');
  expect(ids(sub)).toEqual([a, b, c]);
  sub.stop();

  const resumed = collect<DpdEvent>(live.client(), DPD_SUBSCRIPTION, { since: before });
  await waitUntil(() => ids(resumed).includes(c!), 'the replay');
  expect(ids(resumed)).toEqual([a, b, c]);
  resumed.stop();
});

test('PAR changes: the same', async () => {
  const sub = collect<{ parChanged: { id: string } }>(live.client(), 'subscription { parChanged(scope: BRANCH) { id } }');
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.PAR_CHANGE) === 1, 'the subscription to be live');
  const [a, b] = await appendWhileAnotherIsOpen(INSERT_PAR_CHANGE);
  const [c] = await insertParChanges(dbs, [{ scope: 'BRANCH', key: 'YABA' }]);
  const received = () => sub.values.map((v) => v.parChanged.id);
  await waitUntil(() => received().includes(c!), 'the change after both');
  expect(received()).toEqual([a, b, c]);
  sub.stop();
});
