/**
 * Each published event is read through one fresh context shared by every subscriber of this instance: one
 * statement per entity for the event whatever the number of subscribers, and no row cached for an earlier event.
 */
import { TOPICS } from '../../../src/events/pubsub';
import { countStatements, createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, insertTransitions, seedDjango, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from './harness';

let dbs: TestDatabases;
let live: LiveInstance;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  await seedDjango(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  await live?.stop();
  await dbs?.drop();
});

const NESTED = `subscription { dpdTransitioned { id toBucket loan { id amount } officer { id name branch } } }`;

interface NestedEvent {
  dpdTransitioned: { id: string; toBucket: string; loan: { id: string; amount: string } | null; officer: { id: string; name: string; branch: string } | null };
}

test('five subscribers of one event: one context, one statement per entity; the next event reads fresh rows', async () => {
  const clients = [live.client(), live.client()];
  const subs = Array.from({ length: 5 }, (_, i) => collect<NestedEvent>(clients[i % 2]!, NESTED));
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 5, 'five live subscriptions');

  const contextsBefore = live.contexts.created;
  const { result: first, statements } = await countStatements({ django: dbs.django.pool, metrics: dbs.metrics.pool }, async () => {
    const [id] = await insertTransitions(dbs, [{ loanId: '9001', officerId: '501' }]);
    await waitUntil(() => subs.every((s) => s.values.length === 1), 'the event on every subscription');
    return id!;
  });
  expect(live.contexts.created - contextsBefore).toBe(1);
  const reads = (pool: string, pattern: RegExp) => statements[pool]!.filter((sql) => pattern.test(sql)).length;
  expect(reads('metrics', /FROM dpd_transitions WHERE transition_id = (ANY|\$)/)).toBe(1);
  expect(reads('django', /FROM loans_ajoloan/)).toBe(1);
  // The transition's officer (a user statement of its own; the loan's officer would come joined to the loan).
  expect(reads('django', /FROM accounts_customuser u WHERE u.id = (ANY|\$)/)).toBe(1);
  expect(reads('metrics', /FROM officers o WHERE o.officer_id = (ANY|\$)/)).toBe(1);
  for (const sub of subs) {
    expect(sub.errors).toEqual([]);
    expect(sub.values).toEqual([
      { dpdTransitioned: { id: first, toBucket: 'DPD_7_30', loan: { id: '9001', amount: '50000.00' }, officer: { id: '501', name: 'ada', branch: 'YABA' } } },
    ]);
  }

  // Django changes between two events of the same loan: the second event shows the new values.
  await dbs.djangoWriter.query(`UPDATE loans_ajoloan SET amount = 60000 WHERE id = 9001`);
  await dbs.djangoWriter.query(`UPDATE accounts_customuser SET username = 'ada.obi' WHERE id = 501`);
  const [second] = await insertTransitions(dbs, [{ loanId: '9001', officerId: '501', from: '7-30', to: '31-60' }]);
  await waitUntil(() => subs.every((s) => s.values.length === 2), 'the second event everywhere');
  for (const sub of subs) {
    expect(sub.values[1]).toEqual({
      dpdTransitioned: { id: second, toBucket: 'DPD_31_60', loan: { id: '9001', amount: '60000.00' }, officer: { id: '501', name: 'ada.obi', branch: 'YABA' } },
    });
    sub.stop();
  }
});

test('a transition whose loan Django does not have shows loan: null, not an error', async () => {
  const sub = collect<NestedEvent>(live.client(), NESTED);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'a live subscription');
  const [id] = await insertTransitions(dbs, [{ loanId: '123456', officerId: '502' }]);
  await waitUntil(() => sub.values.length === 1, 'the event');
  expect(sub.errors).toEqual([]);
  expect(sub.values[0]).toEqual({ dpdTransitioned: { id, toBucket: 'DPD_7_30', loan: null, officer: { id: '502', name: 'bola', branch: 'EPE' } } });
  sub.stop();
});
