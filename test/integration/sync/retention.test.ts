/**
 * DPD snapshot retention (DPD_HISTORY_RETENTION_DAYS): snapshots older than the retention go, each loan's latest
 * stays (previous_dpd reads it), and the worker prunes once per business date after the daily recompute. The
 * sync_runs log (SYNC_RUNS_RETENTION_DAYS) and the PAR changes (PAR_CHANGES_RETENTION_DAYS) are pruned the same way; the
 * PAR changes as a prefix of ids, recorded in live_history_pruned for the live feed's replay.
 */
import { pruneDpdSnapshots, pruneParChanges } from '../../../src/engine/retention';
import { pruneSyncRuns } from '../../../src/sync/run-log';
import { insertLoans } from '../engine/fixtures';
import { memoryLogger } from '../../support/memory-logger';
import { recordingRecompute, syncHarness, TODAY, type SyncHarness } from './harness';

let h: SyncHarness;

beforeAll(async () => {
  h = await syncHarness();
  // Django has the two loans (the worker's reconciliation removes copies of loans Django does not have).
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(1, 7, 11);
  await h.django.loan(2, 7, 11);
});
afterAll(async () => {
  await h.close();
});

const spec = { amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-09-01', d1: '2025-09-02', maturity: '2026-01-09' };

async function snapshots(): Promise<string[]> {
  const rows = await h.rows<{ s: string }>(`SELECT loan_id || ' ' || snapshot_date::text AS s FROM loan_dpd_daily ORDER BY loan_id, snapshot_date`);
  return rows.map((r) => r.s);
}

async function seedSnapshots(): Promise<void> {
  await h.dbs.metrics.pool.query(`DELETE FROM loan_dpd_daily`);
  await h.dbs.metrics.pool.query(`
    INSERT INTO loan_dpd_daily (loan_id, snapshot_date, current_dpd, dpd_bucket, principal_outstanding, actual_outstanding)
    SELECT v.loan_id, v.d::date, 0, '0', 0, 0
      FROM (VALUES ('1', '2025-11-01'), ('1', '2025-11-20'), ('1', '2025-11-30'), ('1', '2025-12-09'), ('1', '2025-12-10'),
                   ('2', '2025-10-01')) AS v(loan_id, d)`);
}

it('keeps the last keepDays before the business date and every loan\'s latest snapshot', async () => {
  await insertLoans(h.dbs.metrics.pool, [{ id: '1', ...spec }, { id: '2', ...spec, status: 'Closed' }]);
  await seedSnapshots();
  // Cutoff 2025-12-10 − 10 = 11-30: 1's 11-01 and 11-20 go; 2 (closed, no longer recomputed) keeps its only one.
  expect(await pruneDpdSnapshots(h.dbs.metrics.pool, TODAY, 10)).toBe(2);
  expect(await snapshots()).toEqual(['1 2025-11-30', '1 2025-12-09', '1 2025-12-10', '2 2025-10-01']);
  expect(await pruneDpdSnapshots(h.dbs.metrics.pool, TODAY, 10)).toBe(0);
  await expect(pruneDpdSnapshots(h.dbs.metrics.pool, TODAY, 0)).rejects.toThrow('keepDays must be a positive integer; got 0');
});

it('the worker prunes after the recompute of a new business date, and keeps everything when no retention is set', async () => {
  await seedSnapshots();
  const keepAll = h.worker({ recompute: recordingRecompute() });
  await keepAll.runOnce();
  await keepAll.stop(); // it holds the sync lock until stopped
  expect(await snapshots()).toHaveLength(6);

  const { log, lines } = memoryLogger();
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute, dpdHistoryRetentionDays: 10, log });
  await worker.runOnce();
  expect(recompute.openCalls).toEqual([TODAY]);
  expect(await snapshots()).toEqual(['1 2025-11-30', '1 2025-12-09', '1 2025-12-10', '2 2025-10-01']);
  expect(lines.filter((l) => l.msg === 'pruned DPD snapshots past their retention').map(({ asOf, keepDays, pruned }) => ({ asOf, keepDays, pruned }))).toEqual([
    { asOf: TODAY, keepDays: 10, pruned: 2 },
  ]);
  // Not again the same business date.
  await seedSnapshots();
  await worker.runOnce();
  expect(await snapshots()).toHaveLength(6);
  await worker.stop();
});

it('sync_runs: the worker keeps syncRunsRetentionDays (30 by default) of cycles before the business date', async () => {
  await h.dbs.metrics.pool.query(`DELETE FROM sync_runs`);
  await h.dbs.metrics.pool.query(
    `INSERT INTO sync_runs (kind, started_at, finished_at) VALUES
       ('cycle', '2025-10-31 12:00+01', '2025-10-31 12:00+01'), ('cycle', '2025-11-20 12:00+01', '2025-11-20 12:00+01')`,
  );
  const runs = async (): Promise<string[]> =>
    (await h.rows<{ d: string }>(`SELECT (started_at AT TIME ZONE 'Africa/Lagos')::date::text AS d FROM sync_runs ORDER BY run_id`)).map((r) => r.d);
  const { log, lines } = memoryLogger();
  const worker = h.worker({ recompute: recordingRecompute(), log });
  const report = await worker.runOnce();
  // Cutoff 2025-12-10 − 30 = 11-10: the 10-31 run goes, the 11-20 one stays, and so does this cycle's own row.
  expect(await runs()).toEqual(['2025-11-20', new Date(report.startedAt).toLocaleDateString('en-CA', { timeZone: 'Africa/Lagos' })]);
  expect(lines.filter((l) => l.msg === 'pruned sync_runs past their retention').map(({ keepDays, pruned }) => ({ keepDays, pruned }))).toEqual([{ keepDays: 30, pruned: 1 }]);
  await worker.stop();
  await expect(pruneSyncRuns(h.dbs.metrics.pool, TODAY, 0)).rejects.toThrow('keepDays must be a positive integer; got 0');
});

/** PAR changes of these business dates, in this order; answers their ids. */
async function seedParChanges(dates: readonly string[]): Promise<string[]> {
  await h.dbs.metrics.pool.query(`DELETE FROM par_changes; DELETE FROM live_history_pruned`);
  const ids: string[] = [];
  for (const date of dates) {
    const { rows } = await h.dbs.metrics.pool.query<{ id: string }>(
      `INSERT INTO par_changes (scope, scope_key, business_date, portfolio_before, portfolio_after, par15_before, par15_after, par30_before, par30_after,
         par60_before, par60_after, par90_before, par90_after, ratio15_before, ratio15_after, ratio30_before, ratio30_after, ratio60_before, ratio60_after,
         ratio90_before, ratio90_after)
       VALUES ('PORTFOLIO', 'ALL', $1::date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) RETURNING change_id::text AS id`,
      [date],
    );
    ids.push(rows[0]!.id);
  }
  return ids;
}

const parChangeIds = async (): Promise<string[]> => (await h.rows<{ id: string }>(`SELECT change_id::text AS id FROM par_changes ORDER BY change_id`)).map((r) => r.id);
const prunedThrough = async (): Promise<string[]> => (await h.rows<{ s: string }>(`SELECT feed || ' ' || through_id AS s FROM live_history_pruned`)).map((r) => r.s);

it('PAR changes: the dates before the last keepDays go as a prefix of ids, recorded for the replay', async () => {
  // Cutoff 2025-12-10 − 10 = 11-30. The 11-29 change after a 12-01 one goes too: what goes is every id through the
  // newest change of an older date, so "pruned through id N" is exact.
  const ids = await seedParChanges(['2025-11-01', '2025-12-01', '2025-11-29', '2025-11-30', '2025-12-10']);
  expect(await pruneParChanges(h.dbs.metrics.pool, TODAY, 10)).toBe(3);
  expect(await parChangeIds()).toEqual(ids.slice(3));
  expect(await prunedThrough()).toEqual([`par ${ids[2]}`]);
  // Nothing more to prune: the record stays where it was.
  expect(await pruneParChanges(h.dbs.metrics.pool, TODAY, 10)).toBe(0);
  expect(await prunedThrough()).toEqual([`par ${ids[2]}`]);
  await expect(pruneParChanges(h.dbs.metrics.pool, TODAY, 0)).rejects.toThrow('keepDays must be a positive integer; got 0');
});

it('PAR changes: the worker prunes them for a new business date only when a retention is set', async () => {
  const ids = await seedParChanges(['2025-11-01', '2025-12-10']);
  const keepAll = h.worker({ recompute: recordingRecompute() });
  await keepAll.runOnce();
  await keepAll.stop();
  expect(await parChangeIds()).toEqual(ids);

  const { log, lines } = memoryLogger();
  const worker = h.worker({ recompute: recordingRecompute(), parChangesRetentionDays: 10, log });
  await worker.runOnce();
  await worker.stop();
  expect(await parChangeIds()).toEqual([ids[1]]);
  expect(lines.filter((l) => l.msg === 'pruned PAR changes past their retention').map(({ asOf, keepDays, pruned }) => ({ asOf, keepDays, pruned }))).toEqual([
    { asOf: TODAY, keepDays: 10, pruned: 1 },
  ]);
});
