/**
 * The sync_runs log: one row per sync cycle for operators (what it read, wrote and recomputed, its errors), kept
 * for a bounded number of days. At one cycle every 2 s that is 43,200 rows a day, so without a bound it would grow
 * by some 16 million rows a year.
 */
import type pg from 'pg';
import { assertKeepDays } from '../engine/retention';

/** What a successful cycle records. */
export interface RunRecord {
  reconciled: boolean;
  startedAt: Date;
  rowsRead: number;
  rowsWritten: number;
  loansRecomputed: number;
  rejects: number;
  newestChangeAt: string | null;
}

/** What a failed cycle records. */
export interface FailedRun {
  startedAt: Date;
  message: string;
  errors: number;
}

type Db = Pick<pg.ClientBase, 'query'>;

/** One sync_runs row (kind 'cycle', or 'reconcile' when the cycle reconciled). */
export async function recordRun(db: Db, run: RunRecord | FailedRun): Promise<void> {
  const values =
    'message' in run
      ? ['cycle', run.startedAt, 0, 0, 0, run.errors, null, run.message]
      : [run.reconciled ? 'reconcile' : 'cycle', run.startedAt, run.rowsRead, run.rowsWritten, run.loansRecomputed, run.rejects, run.newestChangeAt, null];
  await db.query(
    `INSERT INTO sync_runs (kind, started_at, finished_at, rows_read, rows_written, loans_recomputed, errors_count, newest_django_change_at, error_message)
     VALUES ($1, $2, now(), $3, $4, $5, $6, $7::timestamptz, $8)`,
    values,
  );
}

/** Deletes the runs that started more than `keepDays` before the business date `asOf`; returns how many went. */
export async function pruneSyncRuns(db: Db, asOf: string, keepDays: number): Promise<number> {
  assertKeepDays(keepDays);
  const { rowCount } = await db.query(`DELETE FROM sync_runs WHERE started_at < $1::date - $2::int`, [asOf, keepDays]);
  return rowCount ?? 0;
}
