/**
 * Retention of the daily DPD snapshots (loan_dpd_daily, D6): about one row per open loan per business day, so
 * without a bound the table grows by the portfolio's size every day. Operators choose how many days to keep
 * (DPD_HISTORY_RETENTION_DAYS); each loan's latest snapshot is always kept, because previous_dpd is read from it.
 */
import type { Executor } from './recompute';

/** Deletes the snapshots older than `keepDays` before `asOf`, except each loan's latest; returns how many went. */
export async function pruneDpdSnapshots(client: Executor, asOf: string, keepDays: number): Promise<number> {
  if (!Number.isInteger(keepDays) || keepDays < 1) throw new Error(`keepDays must be a positive integer; got ${keepDays}`);
  const { rowCount } = await client.query(
    `DELETE FROM loan_dpd_daily d
      WHERE d.snapshot_date < $1::date - $2::int
        AND EXISTS (SELECT 1 FROM loan_dpd_daily later WHERE later.loan_id = d.loan_id AND later.snapshot_date > d.snapshot_date)`,
    [asOf, keepDays],
  );
  return rowCount ?? 0;
}
