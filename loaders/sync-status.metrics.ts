/**
 * How fresh seedsmetrics is, from the sync worker's log (sync_runs), so every instance can answer it whichever one
 * runs the worker: the start of the last successful cycle (every Django row created before it has been copied),
 * its end, and since when cycles have been failing, if they are (not why: an error can name hosts; operators read
 * it in the log and on /health/ready).
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { dateText, timestampText, type Queryable } from './sql';

export interface SyncStatusRow {
  syncedThrough: string | null;
  lastCycleAt: string | null;
  /** Seconds from syncedThrough to now on the database's clock. */
  lagSeconds: number | null;
  failingSince: string | null;
  businessDate: string;
}

export async function fetchSyncStatus(db: Queryable): Promise<SyncStatusRow> {
  const { rows } = await db.query<SyncStatusRow>(
    `WITH ok AS (SELECT started_at, finished_at FROM sync_runs WHERE error_message IS NULL ORDER BY started_at DESC LIMIT 1),
          failed AS (SELECT min(f.started_at) AS since
                       FROM sync_runs f WHERE f.error_message IS NOT NULL AND f.started_at > COALESCE((SELECT started_at FROM ok), '-infinity'))
     SELECT (SELECT ${timestampText('started_at')} FROM ok) AS "syncedThrough",
            (SELECT ${timestampText('finished_at')} FROM ok) AS "lastCycleAt",
            (SELECT round(extract(epoch FROM now() - started_at)::numeric, 1)::float8 FROM ok) AS "lagSeconds",
            ${timestampText('failed.since')} AS "failingSince",
            ${dateText(BUSINESS_TODAY_SQL)} AS "businessDate"
       FROM failed`,
  );
  return rows[0]!;
}
