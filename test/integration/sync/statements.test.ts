/** What a cycle costs in statements: a quiet cycle writes nothing; one new repayment is one batch transaction. */
import { countStatements } from '../../support/databases';
import { recordingRecompute, syncHarness, type SyncHarness } from './harness';

let h: SyncHarness;
beforeAll(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
});
afterAll(async () => {
  await h.close();
});

it('counts the statements of a quiet cycle and of a cycle with one new repayment', async () => {
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute, overlapMs: 60_000 });
  await worker.runOnce();
  await worker.runOnce(); // the start-up recompute of open loans, which the first sync leaves to the cycle after it
  const pools = { django: h.dbs.django.pool, metrics: h.dbs.metrics.pool };

  // Quiet: in Django its clock, then per table one narrow read of the overlap window and one keyset page of
  // new ids; everything in the window was copied by this worker in the same version, so nothing is fetched
  // again. In seedsmetrics: the watermarks read, the moved updated_at watermarks saved in one statement, and
  // the two bookkeeping rows (sync_tracking, sync_runs). The Django reads run on one connection the cycle borrows
  // with the worker's own statement bound: one SET when borrowed, one RESET when handed back.
  const quiet = await countStatements(pools, () => worker.runOnce());
  expect(quiet.counts).toEqual({ django: 1 + 1 + 6 + 6 + 1, metrics: 4 });
  expect(quiet.result.rowsWritten).toBe(0);

  // One new repayment: the same reads, plus in seedsmetrics the missing-loan check and one transaction
  // (BEGIN, the engine's lock, SET LOCAL, SAVEPOINT, upsert, RELEASE, clearing fixed rejects, the recompute's SAVEPOINT
  // and RELEASE, clearing the loan's recompute report, watermark, COMMIT); the engine's recompute_loans, recorded here
  // instead of run, is one more statement in that transaction.
  await h.django.repayment(1001, 100, 4400, '2025-12-01T10:00:00+01:00');
  recompute.calls.length = 0;
  const one = await countStatements(pools, () => worker.runOnce());
  expect(one.counts).toEqual({ django: 1 + 1 + 6 + 6 + 1, metrics: 4 + 1 + 12 });
  expect(one.statements.metrics.filter((sql) => /^\s*(BEGIN|COMMIT)/.test(sql))).toEqual(['BEGIN', 'COMMIT']);
  expect(recompute.calls).toEqual([{ loanIds: ['100'], asOf: '2025-12-10' }]);
  expect(one.result.rowsWritten).toBe(1);
});
