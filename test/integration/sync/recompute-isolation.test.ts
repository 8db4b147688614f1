/**
 * A loan the engine fails on does not stop the sync (src/sync/isolated-recompute.ts). The failure is made real in
 * seedsmetrics: a trigger on the DPD snapshots, which only the engine's recompute writes, raises a numeric overflow
 * for the poisoned loans, as an engine bug meeting an unforeseen row would.
 */
import type { BusinessClock } from '../../../src/engine/clock';
import { RECOMPUTE_ISOLATION_BOUND } from '../../../src/sync/isolated-recompute';
import { validate } from '../../../src/sync/validate';
import { memoryLogger } from '../../support/memory-logger';
import { syncHarness, TODAY, type SyncHarness } from './harness';
import type { SyncWorker } from '../../../src/sync/worker';

let h: SyncHarness;
let today = TODAY;
const clock: BusinessClock = { today: async () => today };
const { log, lines } = memoryLogger();
/** One worker for the file: it holds the sync lock between cycles, as in production. */
let worker: SyncWorker;

beforeAll(async () => {
  h = await syncHarness();
  worker = h.worker({ clock, log });
  await h.django.user(7);
  await h.django.customer(11);
  for (const id of [100, 101, 102]) await h.django.loan(id, 7, 11);
  await h.django.repayment(1000, 100, 4400, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 101, 4400, '2025-11-04T10:00:00+01:00');
  await h.dbs.metrics.pool.query(`
    CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'engine cannot compute loan %', NEW.loan_id USING ERRCODE = '22003';
    END $$`);
});
afterAll(async () => {
  await h.close();
});

/** Makes the engine fail on these loans (none when empty). */
async function poison(loanIds: readonly string[]): Promise<void> {
  await h.dbs.metrics.pool.query(`DROP TRIGGER IF EXISTS test_poison ON loan_dpd_daily`);
  if (loanIds.length === 0) return;
  const ids = loanIds.map((id) => `'${id}'`).join(', ');
  await h.dbs.metrics.pool.query(`CREATE TRIGGER test_poison BEFORE INSERT OR UPDATE ON loan_dpd_daily FOR EACH ROW WHEN (NEW.loan_id IN (${ids})) EXECUTE FUNCTION test_poison()`);
}

const loans = () => h.rows(`SELECT loan_id, total_repayments::text, computed_as_of::text FROM loans ORDER BY loan_id`);
const reports = () => h.rows(`SELECT django_id, reason, seen_count FROM sync_rejects WHERE entity = 'loan_recompute' ORDER BY django_id`);
const REASON = (id: string) =>
  `recomputing this loan failed: engine cannot compute loan ${id} (SQLSTATE 22003): kept, its computed fields are those of its last recompute`;

it('copies a batch whose recompute fails on one loan, recomputes the others, and reports that loan once', async () => {
  await worker.runOnce();
  expect(await loans()).toEqual([
    { loan_id: '100', total_repayments: '4400.00', computed_as_of: TODAY },
    { loan_id: '101', total_repayments: '4400.00', computed_as_of: TODAY },
    { loan_id: '102', total_repayments: '0.00', computed_as_of: TODAY },
  ]);

  await poison(['101']);
  await h.django.repayment(1002, 100, 4400, '2025-11-05T10:00:00+01:00');
  await h.django.repayment(1003, 101, 4400, '2025-11-05T10:00:00+01:00');
  const report = await worker.runOnce();
  expect(report.rowsWritten).toBe(2);
  expect(report.rejects).toBe(1);
  // Loan 100 recomputed; loan 101's repayment copied, its computed fields as before.
  expect(await loans()).toEqual([
    { loan_id: '100', total_repayments: '8800.00', computed_as_of: TODAY },
    { loan_id: '101', total_repayments: '4400.00', computed_as_of: TODAY },
    { loan_id: '102', total_repayments: '0.00', computed_as_of: TODAY },
  ]);
  expect(await h.rows(`SELECT repayment_id FROM repayments WHERE loan_id = '101' ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1001' },
    { repayment_id: '1003' },
  ]);
  expect(await reports()).toEqual([{ django_id: '101', reason: REASON('101'), seen_count: 1 }]);
  expect(lines.filter((l) => l.msg === 'Django row rejected by the sync')).toEqual([
    expect.objectContaining({ entity: 'loan_recompute', djangoId: '101', reason: REASON('101') }),
  ]);

  // The watermark moved past the batch: the next cycle has nothing to copy, and says nothing again.
  lines.length = 0;
  expect((await worker.runOnce()).rowsWritten).toBe(0);
  expect(lines.filter((l) => l.msg === 'Django row rejected by the sync')).toEqual([]);

  // validate names the loan rather than failing on it.
  const mismatches = await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool });
  expect(mismatches).toEqual([{ check: 'recompute_failed', key: '101', field: 'computed_as_of', expected: TODAY, actual: REASON('101') }]);

  // Operators see it counted (health, and the gateway_sync_rejected_rows gauge) from the next reconciliation.
  await worker.reconcileNow();
  expect(worker.health().rejectedRows).toMatchObject({ loans: 0, repayments: 0, loan_recompute: 1 });
});

it('a recompute of the loan that succeeds later ends its report', async () => {
  await poison([]);
  await h.django.repayment(1004, 101, 4400, '2025-11-06T10:00:00+01:00');
  await worker.runOnce();
  expect((await loans()).find((l) => l.loan_id === '101')).toEqual({ loan_id: '101', total_repayments: '13200.00', computed_as_of: TODAY });
  expect(await reports()).toEqual([]);
});

it('each reconciliation tries the loans set aside again, so a fixed engine brings them back unasked', async () => {
  await poison(['100']);
  await h.django.repayment(1005, 100, 4400, '2025-11-06T10:00:00+01:00');
  await worker.runOnce();
  expect(await reports()).toEqual([{ django_id: '100', reason: REASON('100'), seen_count: 1 }]);
  // Still failing: set aside again, the report as it was.
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRecomputed: 0, rejects: 0 });
  expect(await reports()).toEqual([{ django_id: '100', reason: REASON('100'), seen_count: 1 }]);
  // The fault gone, with nothing new from Django for the loan: the next reconciliation recomputes it.
  await poison([]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRecomputed: 1 });
  expect((await loans()).find((l) => l.loan_id === '100')).toEqual({ loan_id: '100', total_repayments: '13200.00', computed_as_of: TODAY });
  expect(await reports()).toEqual([]);
  expect(worker.health().rejectedRows).toMatchObject({ loan_recompute: 0 });
});

it('the report of a set-aside loan that Django then deletes ends with the loan', async () => {
  await poison(['102']);
  await h.django.repayment(1006, 102, 4400, '2025-11-06T10:00:00+01:00');
  await worker.runOnce();
  expect(await reports()).toEqual([{ django_id: '102', reason: REASON('102'), seen_count: 1 }]);
  await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE ajo_loan_id = 102`);
  await h.django.query(`DELETE FROM loans_ajoloan WHERE id = 102`);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRemoved: ['102'] });
  expect(await reports()).toEqual([]);
  // Django has the loan again (as before this test) for the next ones.
  await poison([]);
  await h.django.loan(102, 7, 11);
  await worker.runOnce();
});

it('the daily recompute of open loans leaves out a loan it fails on and recomputes the rest', async () => {
  await poison(['102']);
  today = '2025-12-11';
  try {
    const report = await worker.runOnce();
    expect(report.openLoansRecomputed).toBe(2);
    expect(report.rejects).toBe(1);
    expect((await loans()).map((l) => [l.loan_id, l.computed_as_of])).toEqual([
      ['100', '2025-12-11'],
      ['101', '2025-12-11'],
      ['102', TODAY],
    ]);
    expect(await reports()).toEqual([{ django_id: '102', reason: REASON('102'), seen_count: 1 }]);

    // The next day, with the fault gone, the daily recompute takes it again and its report ends.
    await poison([]);
    today = '2025-12-12';
    expect((await worker.runOnce()).openLoansRecomputed).toBe(3);
    expect(await reports()).toEqual([]);
  } finally {
    today = TODAY;
  }
});

it('a failure of more loans than the bound is the engine\'s: the cycle fails naming it, and nothing is left half-written', async () => {
  const ids = Array.from({ length: RECOMPUTE_ISOLATION_BOUND + 1 }, (_, i) => 200 + i);
  for (const id of ids) {
    await h.django.loan(id, 7, 11);
    await h.django.repayment(id * 10, id, 4400, '2025-11-04T10:00:00+01:00');
  }
  await poison(ids.map(String));
  await expect(worker.runOnce()).rejects.toThrow(
    /^copying loans: engine cannot compute loan 2\d\d \(SQLSTATE 22003\)$/,
  );
  expect(await h.rows(`SELECT count(*)::int AS n FROM loans WHERE loan_id = ANY($1::text[])`, [ids.map(String)])).toEqual([{ n: 0 }]);
  expect(await reports()).toEqual([]);
  await poison([]);
});
