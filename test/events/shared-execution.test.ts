/**
 * A published event is executed once per distinct operation (query text, operation name, variables) and the
 * result goes to every subscriber of it; replayed rows are executed per subscriber (fresh contexts), so they
 * never receive a result read earlier for someone else. Executions are counted as calls of the subscription's
 * root field resolver (one per execution) and of its nested field resolvers.
 */
import { DpdTransitionResolver } from '../../resolvers/dpd-transition.resolver';
import { INTERNAL_ERROR_MESSAGE } from '../../src/errors';
import { TOPICS } from '../../src/events/pubsub';
import { countStatements, createTestDatabases, type TestDatabases } from '../support/databases';
import { collect, DPD_SUBSCRIPTION, insertTransitions, seedDjango, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from '../integration/live/harness';

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

const executions = {
  root: jest.spyOn(DpdTransitionResolver.prototype, 'dpdTransitioned'),
  loan: jest.spyOn(DpdTransitionResolver.prototype, 'loan'),
  officer: jest.spyOn(DpdTransitionResolver.prototype, 'officer'),
};
const calls = () => ({ root: executions.root.mock.calls.length, loan: executions.loan.mock.calls.length, officer: executions.officer.mock.calls.length });

afterEach(() => {
  jest.clearAllMocks();
});

const NESTED = `subscription { dpdTransitioned { id toBucket actualOutstanding loan { id amount } officer { id name branch } } }`;

interface NestedEvent {
  dpdTransitioned: { id: string; toBucket: string; actualOutstanding: string; loan: { id: string; amount: string } | null; officer: { id: string; name: string; branch: string } | null };
}

async function subscribed(count: number): Promise<void> {
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === count, `${count} live subscriptions`);
}

test('five subscribers of one document: one execution per event, the same payload for all, fresh for the next event', async () => {
  const clients = [live.client(), live.client()];
  const subs = Array.from({ length: 5 }, (_, i) => collect<NestedEvent>(clients[i % 2]!, NESTED));
  await subscribed(5);

  const { result: first, statements } = await countStatements({ django: dbs.django.pool, metrics: dbs.metrics.pool }, async () => {
    const [id] = await insertTransitions(dbs, [{ loanId: '9001', officerId: '501' }]);
    await waitUntil(() => subs.every((s) => s.values.length === 1), 'the event on every subscription');
    return id!;
  });
  expect(calls()).toEqual({ root: 1, loan: 1, officer: 1 });
  expect(statements.django!.filter((sql) => /FROM loans_ajoloan/.test(sql))).toHaveLength(1);
  const expected = {
    dpdTransitioned: { id: first, toBucket: 'DPD_7_30', actualOutstanding: '12500.50', loan: { id: '9001', amount: '50000.00' }, officer: { id: '501', name: 'ada', branch: 'YABA' } },
  };
  for (const sub of subs) {
    expect(sub.errors).toEqual([]);
    expect(sub.values).toEqual([expected]);
  }

  // A result belongs to its event: the next event of the same loan executes again and shows the new values.
  await dbs.djangoWriter.query(`UPDATE loans_ajoloan SET amount = 60000 WHERE id = 9001`);
  const [second] = await insertTransitions(dbs, [{ loanId: '9001', officerId: '501', from: '7-30', to: '31-60', outstanding: '13000.00' }]);
  await waitUntil(() => subs.every((s) => s.values.length === 2), 'the second event everywhere');
  expect(calls()).toEqual({ root: 2, loan: 2, officer: 2 });
  for (const sub of subs) {
    expect(sub.errors).toEqual([]);
    expect(sub.values[1]).toEqual({
      dpdTransitioned: { id: second, toBucket: 'DPD_31_60', actualOutstanding: '13000.00', loan: { id: '9001', amount: '60000.00' }, officer: { id: '501', name: 'ada', branch: 'YABA' } },
    });
    sub.stop();
  }
  await subscribed(0);
});

test('different selections, variables or operation names each execute once and get their own payload', async () => {
  const client = live.client();
  const other = live.client();
  const TWO_OPERATIONS = `subscription Ids { dpdTransitioned { id } } subscription Moves { dpdTransitioned { id fromBucket toBucket } }`;
  const nested = [collect<NestedEvent>(client, NESTED), collect<NestedEvent>(other, NESTED)];
  const small = collect<{ dpdTransitioned: { id: string; dpdAfter: number } }>(client, `subscription { dpdTransitioned { id dpdAfter } }`);
  const worsening = [collect(client, DPD_SUBSCRIPTION, { filter: { direction: 'WORSENING' } }), collect(other, DPD_SUBSCRIPTION, { filter: { direction: 'WORSENING' } })];
  const yaba = collect(client, DPD_SUBSCRIPTION, { filter: { branches: ['YABA'] } });
  const epe = collect(client, DPD_SUBSCRIPTION, { filter: { branches: ['EPE'] } });
  const ids = collect<{ dpdTransitioned: { id: string } }>(client, TWO_OPERATIONS, {}, 'Ids');
  const moves = collect<{ dpdTransitioned: { id: string; fromBucket: string; toBucket: string } }>(other, TWO_OPERATIONS, {}, 'Moves');
  const all = [...nested, small, ...worsening, yaba, epe, ids, moves];
  await subscribed(all.length);

  const [id] = await insertTransitions(dbs, [{ loanId: '9002', officerId: '502', branch: 'YABA', dpdBefore: 6, dpdAfter: 8 }]);
  const receivers = all.filter((sub) => sub !== epe);
  await waitUntil(() => receivers.every((s) => s.values.length === 1), 'the event on every matching subscription');

  // Distinct operations among the matching subscriptions: nested, small, worsening, yaba, Ids, Moves.
  expect(calls()).toEqual({ root: 6, loan: 1, officer: 1 });
  for (const sub of all) expect(sub.errors).toEqual([]);
  for (const sub of nested) {
    expect(sub.values).toEqual([
      { dpdTransitioned: { id, toBucket: 'DPD_7_30', actualOutstanding: '12500.50', loan: { id: '9002', amount: '80000.00' }, officer: { id: '502', name: 'bola', branch: 'EPE' } } },
    ]);
  }
  expect(small.values).toEqual([{ dpdTransitioned: { id, dpdAfter: 8 } }]);
  const full = { dpdTransitioned: { id, fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', dpdBefore: 6, dpdAfter: 8, actualOutstanding: '12500.50', branch: 'YABA', region: 'Crystal' } };
  for (const sub of [...worsening, yaba]) expect(sub.values).toEqual([full]);
  expect(epe.values).toEqual([]);
  expect(ids.values).toEqual([{ dpdTransitioned: { id } }]);
  expect(moves.values).toEqual([{ dpdTransitioned: { id, fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30' } }]);
  for (const sub of all) sub.stop();
  await subscribed(0);
});

test('replayed rows are executed per subscriber and read fresh; live events after the replay are shared', async () => {
  const REPLAY = `subscription Replay($since: ID) { dpdTransitioned(since: $since) { id loan { id amount } } }`;
  const [replayed] = await insertTransitions(dbs, [{ loanId: '9002', officerId: '502' }]);
  const since = String(BigInt(replayed!) - 1n);

  const early = collect<NestedEvent>(live.client(), REPLAY, { since });
  await waitUntil(() => early.values.length === 1, 'the replayed row for the first subscriber');
  // Django changes before a second subscriber with the same variables replays the same row.
  await dbs.djangoWriter.query(`UPDATE loans_ajoloan SET amount = 90000 WHERE id = 9002`);
  const late = collect<NestedEvent>(live.client(), REPLAY, { since });
  await waitUntil(() => late.values.length === 1, 'the replayed row for the second subscriber');
  await subscribed(2);
  expect(calls()).toEqual({ root: 2, loan: 2, officer: 0 });

  const [next] = await insertTransitions(dbs, [{ loanId: '9002', officerId: '502', from: '7-30', to: '31-60' }]);
  await waitUntil(() => early.values.length === 2 && late.values.length === 2, 'the live event on both');
  expect(calls()).toEqual({ root: 3, loan: 3, officer: 0 });

  expect(early.errors).toEqual([]);
  expect(late.errors).toEqual([]);
  expect(early.values).toEqual([
    { dpdTransitioned: { id: replayed, loan: { id: '9002', amount: '80000.00' } } },
    { dpdTransitioned: { id: next, loan: { id: '9002', amount: '90000.00' } } },
  ]);
  expect(late.values).toEqual([
    { dpdTransitioned: { id: replayed, loan: { id: '9002', amount: '90000.00' } } },
    { dpdTransitioned: { id: next, loan: { id: '9002', amount: '90000.00' } } },
  ]);
  early.stop();
  late.stop();
  await subscribed(0);
});

test('a shared result with a failed field is masked for every subscriber and logged once', async () => {
  const client = live.client();
  const subs = Array.from({ length: 3 }, () => collect<NestedEvent>(client, NESTED));
  await subscribed(3);
  executions.loan.mockRejectedValueOnce(new Error('loan read failed'));
  const errorsLogged = () => live.log.entries.filter((entry) => entry.level === 'error').length;
  const loggedBefore = errorsLogged();

  const [id] = await insertTransitions(dbs, [{ loanId: '9001', officerId: '501' }]);
  await waitUntil(() => subs.every((s) => s.values.length === 1), 'the event on every subscription');

  expect(calls()).toEqual({ root: 1, loan: 1, officer: 1 });
  expect(errorsLogged() - loggedBefore).toBe(1);
  for (const sub of subs) {
    expect(sub.values).toEqual([
      { dpdTransitioned: { id, toBucket: 'DPD_7_30', actualOutstanding: '12500.50', loan: null, officer: { id: '501', name: 'ada', branch: 'YABA' } } },
    ]);
    expect(sub.errors).toEqual([[expect.objectContaining({ message: INTERNAL_ERROR_MESSAGE, path: ['dpdTransitioned', 'loan'], extensions: { code: 'INTERNAL_SERVER_ERROR' } })]]);
    sub.stop();
  }
  await subscribed(0);
});
