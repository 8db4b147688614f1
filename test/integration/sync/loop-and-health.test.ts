/** The periodic loop as the server runs it, and the health operators read (sync_runs, sync_tracking, health()). */
import { memoryLogger } from '../../support/memory-logger';
import type { SyncHealth } from '../../../src/sync/worker';
import { recordingRecompute, syncHarness, waitFor, type SyncHarness } from './harness';

/**
 * health() as the wall clock reads `at` (epoch ms): Date alone is faked, only for this synchronous call, so a lag
 * is an exact number rather than a bound on how long the test took.
 */
function healthAt(worker: { health(maxLagMs?: number): SyncHealth }, at: number, maxLagMs?: number): SyncHealth {
  jest.useFakeTimers({
    now: at,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
  try {
    return worker.health(maxLagMs);
  } finally {
    jest.useRealTimers();
  }
}

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(100, 7, 11);
});
afterEach(async () => {
  await h.close();
});

it('start() copies new Django rows within a few cycles; stop() ends the loop and releases the lock', async () => {
  const worker = h.worker({ recompute: recordingRecompute(), intervalMs: 100 });
  worker.start();
  await waitFor('a first cycle', async () => (await h.rows(`SELECT 1 FROM sync_runs`)).length >= 1);
  expect(await h.rows(`SELECT loan_id FROM loans`)).toEqual([{ loan_id: '100' }]);
  await h.django.repayment(1000, 100, 123.45, '2025-12-01T10:00:00+01:00');
  await waitFor('the new repayment', async () => (await h.rows(`SELECT 1 FROM repayments WHERE repayment_id = '1000'`)).length === 1);
  // The cycle that copied it records itself at its end (a stop before that would cancel it, recording nothing).
  await waitFor('the cycle that copied it', async () => (await h.rows(`SELECT 1 FROM sync_runs WHERE rows_written > 0`)).length >= 2);
  await worker.stop();
  const runs = await h.rows<{ runs: number; failed: number }>(`SELECT count(*)::int AS runs, count(error_message)::int AS failed FROM sync_runs`);
  expect(runs[0]!.runs).toBeGreaterThanOrEqual(2);
  expect(runs[0]!.failed).toBe(0);
  expect(await h.rows(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 7301003
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toEqual([{ n: 0 }]);
  const tracking = await h.rows<{ entity_type: string; last_synced_record_id: string; sync_count: number }>(
    `SELECT entity_type, last_synced_record_id, sync_count FROM sync_tracking ORDER BY entity_type`,
  );
  expect(tracking.map((t) => [t.entity_type, t.last_synced_record_id])).toEqual([
    ['customers', '11'], ['holiday', '0'], ['loan_schedule', '0'], ['loans', '100'], ['officers', '7'], ['repayments', '1000'],
  ]);
  expect(tracking.every((t) => t.sync_count === runs[0]!.runs)).toBe(true);
});

it('a loop whose cycles keep failing logs the first failure only (same cause, within a minute), and one line when cycles succeed again', async () => {
  const { log, lines } = memoryLogger();
  await h.django.query(`ALTER TABLE loans_ajoloan RENAME TO loans_ajoloan_away`);
  const worker = h.worker({ recompute: recordingRecompute(), intervalMs: 20, log });
  worker.start();
  await waitFor('five failed cycles', async () => worker.health().cycles.failed >= 5);
  await h.django.query(`ALTER TABLE loans_ajoloan_away RENAME TO loans_ajoloan`);
  await waitFor('a cycle that succeeds', async () => worker.health().cycles.succeeded >= 1);
  await worker.stop();
  const failedLines = lines.filter((line) => line.msg === 'sync cycle failed; retrying next interval');
  expect(failedLines).toHaveLength(1);
  expect(failedLines[0]).toMatchObject({ level: 50, failuresSinceLastLine: 0, err: { message: expect.stringContaining('"loans_ajoloan" does not exist') } });
  const failed = worker.health().cycles.failed;
  expect(lines.filter((line) => String(line.msg).startsWith('sync cycles succeed again'))).toEqual([
    expect.objectContaining({ level: 30, msg: `sync cycles succeed again, after ${failed} failed`, failures: failed, failingForMs: expect.any(Number) }),
  ]);
  expect(await h.rows(`SELECT loan_id FROM loans`)).toEqual([{ loan_id: '100' }]);
});

it('health() is starting before the first cycle, ok after it, degraded past maxLagMs, and reports the last cycle', async () => {
  await h.django.repayment(1000, 100, -5, '2025-12-01T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute() });
  expect(worker.health()).toEqual({ status: 'starting', lastCycleAt: null, lastCycleMs: null, lagMs: null, newestChangeAt: null, rowsLastCycle: 0, errorsLastCycle: 0, lastError: null, cycles: { succeeded: 0, failed: 0 }, rejectedRows: null, lastReconciliationMs: null, lastSurveyMs: null });
  const before = Date.now();
  const report = await worker.runOnce();
  const health = worker.health();
  const startedAt = report.startedAt.getTime();
  expect(health).toMatchObject({ status: 'ok', rowsLastCycle: 4, errorsLastCycle: 1, lastError: null, newestChangeAt: report.newestChangeAt, cycles: { succeeded: 1, failed: 0 } });
  // Counted at the first cycle's reconciliation: the repayment of -5 is kept and reported (D3).
  expect(health.rejectedRows).toEqual({ officers: 0, customers: 0, loans: 0, repayments: 1, loan_schedule: 0, holiday: 0, loan_recompute: 0 });
  // The cycle's duration is the report's, in whole milliseconds. The first cycle reconciles: its reconciliation's
  // duration is known, in whole milliseconds, and part of the cycle's (both are measured on the same monotonic
  // clock, the reconciliation inside the cycle: an order, not a bound on how long either took).
  expect(health.lastCycleMs).toBe(Math.round(report.durationMs));
  expect(Number.isInteger(health.lastReconciliationMs)).toBe(true);
  expect(health.lastReconciliationMs).toBeLessThanOrEqual(health.lastCycleMs!);
  expect(Date.parse(health.lastCycleAt!)).toBeGreaterThanOrEqual(before);
  // The lag counts from the start of the cycle, which scanned for edits; past maxLagMs the status degrades.
  expect(healthAt(worker, startedAt + 1)).toMatchObject({ lagMs: 1, status: 'ok' });
  expect(healthAt(worker, startedAt + 1, 1)).toMatchObject({ lagMs: 1, status: 'ok' });
  expect(healthAt(worker, startedAt + 2, 1)).toMatchObject({ lagMs: 2, status: 'degraded' });
  expect(healthAt(worker, startedAt + 90_000)).toMatchObject({ lagMs: 90_000 });
  expect(await h.rows(`SELECT kind, rows_read, rows_written, errors_count, newest_django_change_at IS NOT NULL AS has_newest FROM sync_runs`)).toEqual([
    { kind: 'reconcile', rows_read: 4, rows_written: 4, errors_count: 1, has_newest: true },
  ]);
});

describe('the loop scans for edited rows every editScanIntervalMs (Django has no index on updated_at)', () => {
  const amountOf = async (id: string): Promise<string | undefined> =>
    (await h.rows<{ payment_amount: string }>(`SELECT payment_amount FROM repayments WHERE repayment_id = $1`, [id]))[0]?.payment_amount;
  const repaymentsMark = async (): Promise<string> =>
    (await h.rows<{ mark: string }>(`SELECT max_updated_at::text AS mark FROM sync_watermarks WHERE entity = 'repayments'`))[0]!.mark;
  const runs = async (): Promise<number> => (await h.rows<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs`))[0]!.n;

  it('between scans the loop copies new rows only, keeps the updated_at watermark, does not reconcile, and the lag counts from the last scan; runOnce() scans', async () => {
    await h.django.repayment(1000, 100, 100, '2025-12-01T10:00:00+01:00');
    // Reconciliation is due every cycle: it must still wait for a scan, or the pending edit would read as drift.
    const worker = h.worker({ recompute: recordingRecompute(), intervalMs: 100, editScanIntervalMs: 3_600_000, reconcileIntervalMs: 1 });
    worker.start();
    await waitFor('the first cycle', async () => (await runs()) >= 1);
    const markAfterFirstScan = await repaymentsMark();
    expect(await amountOf('1000')).toBe('100.00');

    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 250, updated_at = now() WHERE id = 1000`);
    await h.django.repayment(1001, 100, 300, '2025-12-02T10:00:00+01:00');
    await waitFor('the new repayment', async () => (await amountOf('1001')) === '300.00');
    const cyclesSoFar = await runs();
    await waitFor('two more cycles', async () => (await runs()) >= cyclesSoFar + 2);
    expect(await amountOf('1000')).toBe('100.00'); // the edit waits for the next scan
    expect(await repaymentsMark()).toBe(markAfterFirstScan);
    const [kinds] = await h.rows<{ reconciles: number; cycles: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'reconcile')::int AS reconciles, count(*) FILTER (WHERE kind = 'cycle')::int AS cycles FROM sync_runs`,
    );
    expect(kinds!.reconciles).toBe(1); // the first cycle's
    expect(kinds!.cycles).toBeGreaterThanOrEqual(2);
    expect(worker.health().status).toBe('ok');
    // The lag still counts from the start of the first cycle, the last that scanned for edits (its sync_runs row).
    const [scan] = await h.rows<{ started_at: Date }>(`SELECT started_at FROM sync_runs WHERE kind = 'reconcile'`);
    expect(healthAt(worker, scan!.started_at.getTime() + 4_321).lagMs).toBe(4_321);

    const report = await worker.runOnce();
    expect(report.editsScanned).toBe(true);
    // The window reads both versions; 1001's is the one the loop already copied, so only the edit is written.
    expect(report.entities.repayments).toMatchObject({ rowsRead: 2, rowsWritten: 1 });
    expect(await amountOf('1000')).toBe('250.00');
    expect(await repaymentsMark()).not.toBe(markAfterFirstScan);
    await worker.stop();
  });

  it('runOnce({ scanEdits: false }) runs the loop\'s cycle between looks: new rows copied, edits left for the next look', async () => {
    await h.django.repayment(1000, 100, 100, '2025-12-01T10:00:00+01:00');
    const worker = h.worker({ recompute: recordingRecompute() });
    await worker.runOnce();
    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 250, updated_at = now() WHERE id = 1000`);
    await h.django.repayment(1001, 100, 300, '2025-12-02T10:00:00+01:00');
    const between = await worker.runOnce({ scanEdits: false });
    expect(between.editsScanned).toBe(false);
    expect([await amountOf('1000'), await amountOf('1001')]).toEqual(['100.00', '300.00']);
    expect((await worker.runOnce()).editsScanned).toBe(true);
    expect(await amountOf('1000')).toBe('250.00');
  });

  it('with editScanIntervalMs 0 every cycle of the loop copies edits', async () => {
    await h.django.repayment(1000, 100, 100, '2025-12-01T10:00:00+01:00');
    const worker = h.worker({ recompute: recordingRecompute(), intervalMs: 100, editScanIntervalMs: 0 });
    worker.start();
    await waitFor('the first cycle', async () => (await amountOf('1000')) === '100.00');
    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 250, updated_at = now() WHERE id = 1000`);
    await waitFor('the edit', async () => (await amountOf('1000')) === '250.00');
    await worker.stop();
  });
});
