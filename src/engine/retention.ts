/**
 * Retention of the tables that grow every business day without a bound, as operators choose:
 * - the daily DPD snapshots (loan_dpd_daily, D6), about one row per open loan per day (DPD_HISTORY_RETENTION_DAYS);
 *   each loan's latest snapshot is always kept, because previous_dpd is read from it;
 * - the PAR changes (par_changes, D8), up to four rows per repayment (PAR_CHANGES_RETENTION_DAYS); the engine reads
 *   only par_current, so the log serves the live feed's replay and the parChanges history alone.
 */
import type { Executor } from './recompute';

/** Refuses a retention that is not a whole number of days, at least one (every table's prune takes the same). */
export function assertKeepDays(keepDays: number): void {
  if (!Number.isInteger(keepDays) || keepDays < 1) throw new Error(`keepDays must be a positive integer; got ${keepDays}`);
}

/** Deletes the snapshots older than `keepDays` before `asOf`, except each loan's latest; returns how many went. */
export async function pruneDpdSnapshots(client: Executor, asOf: string, keepDays: number): Promise<number> {
  assertKeepDays(keepDays);
  const { rowCount } = await client.query(
    `DELETE FROM loan_dpd_daily d
      WHERE d.snapshot_date < $1::date - $2::int
        AND EXISTS (SELECT 1 FROM loan_dpd_daily later WHERE later.loan_id = d.loan_id AND later.snapshot_date > d.snapshot_date)`,
    [asOf, keepDays],
  );
  return rowCount ?? 0;
}

/**
 * Deletes the PAR changes of business dates older than `keepDays` before `asOf`, as a prefix of ids: every change
 * through the newest id of such a date, so "pruned through id N" (live_history_pruned) says exactly what is gone and a
 * replay from an earlier id is refused rather than gapped. Returns how many went.
 */
export async function pruneParChanges(client: Executor, asOf: string, keepDays: number): Promise<number> {
  assertKeepDays(keepDays);
  const { rows } = await client.query<{ pruned: number }>(
    `WITH boundary AS (
       SELECT max(change_id) AS through_id FROM par_changes WHERE business_date < $1::date - $2::int
     ), gone AS (
       DELETE FROM par_changes WHERE change_id <= (SELECT through_id FROM boundary) RETURNING 1
     ), marked AS (
       INSERT INTO live_history_pruned (feed, through_id)
       SELECT 'par', through_id FROM boundary WHERE through_id IS NOT NULL
       ON CONFLICT (feed) DO UPDATE SET through_id = GREATEST(live_history_pruned.through_id, EXCLUDED.through_id), pruned_at = now()
     )
     SELECT count(*)::int AS pruned FROM gone`,
    [asOf, keepDays],
  );
  return rows[0]!.pruned;
}
