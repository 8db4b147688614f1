/**
 * The D11 watermarks (sync_watermarks: highest Django id copied and newest Django updated_at covered per
 * entity), written in the same transaction as the rows they cover, and the upstream-compatible sync_tracking
 * bookkeeping. Ids are compared as BigInt, timestamps as UTC ISO text (same width, so text order = time order).
 */
import { utcText } from './django-source-rows';
import type { Queryable } from './upsert';

export interface Watermark {
  /** Highest Django id copied (bigint as text; '0' before the first copy). */
  maxId: string;
  /**
   * Django time up to which changes are covered (UTC ISO text): Django's clock when the last complete scan for
   * edits began (every row committed before it was copied). Never the newest updated_at read, which may lie in
   * the future. Null before the first complete scan.
   */
  maxUpdatedAt: string | null;
}

export const NO_WATERMARK: Watermark = { maxId: '0', maxUpdatedAt: null };

/** How far back the updated_at window re-reads unless SYNC_OVERLAP_MS says otherwise, and how far ahead of Django's clock a change may be dated. */
export const DEFAULT_OVERLAP_MS = 60_000;

export async function readWatermarks(db: Queryable): Promise<Map<string, Watermark>> {
  const { rows } = await db.query<{ entity: string; max_id: string; max_updated_at: string | null }>(
    `SELECT entity, max_id::text AS max_id, ${utcText('max_updated_at')} AS max_updated_at FROM sync_watermarks`,
  );
  return new Map(rows.map((r) => [r.entity, { maxId: r.max_id, maxUpdatedAt: r.max_updated_at }]));
}

export async function writeWatermark(db: Queryable, entity: string, mark: Watermark): Promise<void> {
  await db.query(
    `INSERT INTO sync_watermarks (entity, max_id, max_updated_at, updated_at) VALUES ($1, $2::bigint, $3::timestamptz, now())
     ON CONFLICT (entity) DO UPDATE SET max_id = EXCLUDED.max_id, max_updated_at = EXCLUDED.max_updated_at, updated_at = now()`,
    [entity, mark.maxId, mark.maxUpdatedAt],
  );
}

/** Saves several entities' watermarks in one statement. */
export async function writeWatermarks(db: Queryable, marks: ReadonlyMap<string, Watermark>): Promise<void> {
  if (marks.size === 0) return;
  const rows = [...marks].map(([entity, m]) => ({ entity, max_id: m.maxId, max_updated_at: m.maxUpdatedAt }));
  await db.query(
    `INSERT INTO sync_watermarks (entity, max_id, max_updated_at, updated_at)
     SELECT r.entity, r.max_id::bigint, r.max_updated_at::timestamptz, now() FROM jsonb_to_recordset($1::jsonb) AS r(entity text, max_id text, max_updated_at text)
     ON CONFLICT (entity) DO UPDATE SET max_id = EXCLUDED.max_id, max_updated_at = EXCLUDED.max_updated_at, updated_at = now()`,
    [JSON.stringify(rows)],
  );
}

export const maxId = (a: string, b: string): string => (BigInt(a) >= BigInt(b) ? a : b);
export const maxTime = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a >= b ? a : b);

/** Start of the updated_at re-read window: the watermark minus the overlap; null (ids only) before the first complete scan. */
export function windowStart(maxUpdatedAt: string | null, overlapMs: number): string | null {
  if (maxUpdatedAt === null) return null;
  // Dropping the microseconds moves the start earlier by under 1 ms: the window only grows, which is safe.
  return new Date(Date.parse(maxUpdatedAt) - overlapMs).toISOString();
}

/**
 * The latest updated_at a Django row read when Django's clock said `clock` (UTC ISO) can carry while being a change
 * of that time: the overlap allows for the Django servers' own clocks running a little ahead. A later one is dated
 * in the future (a wrong clock, a bad import), in the microsecond ISO form rows carry.
 */
export function latestPlausible(clock: string, overlapMs: number): string {
  return new Date(Date.parse(clock) + overlapMs).toISOString().replace('Z', '999Z');
}

export interface EntityRunStats {
  durationMs: number;
  rowsRead: number;
  rowsWritten: number;
  errors: number;
  maxId: string;
}

/** Upstream's sync_tracking row per entity (last run time, last id, counts), refreshed after each cycle. */
export async function writeTracking(db: Queryable, stats: ReadonlyMap<string, EntityRunStats>): Promise<void> {
  const rows = [...stats].map(([entity, s]) => ({ entity, duration: Math.round(s.durationMs), read: s.rowsRead, errors: s.errors, max_id: s.maxId }));
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO sync_tracking AS t (entity_type, last_sync_timestamp, last_synced_record_id, sync_count, last_sync_duration_ms,
        last_sync_records_count, last_sync_errors_count)
     SELECT r.entity, now() AT TIME ZONE 'UTC', r.max_id, 1, r.duration, r.read, r.errors
     FROM jsonb_to_recordset($1::jsonb) AS r(entity text, duration int, read int, errors int, max_id text)
     ON CONFLICT (entity_type) DO UPDATE SET last_sync_timestamp = EXCLUDED.last_sync_timestamp,
       last_synced_record_id = EXCLUDED.last_synced_record_id, sync_count = COALESCE(t.sync_count, 0) + 1,
       last_sync_duration_ms = EXCLUDED.last_sync_duration_ms, last_sync_records_count = EXCLUDED.last_sync_records_count,
       last_sync_errors_count = EXCLUDED.last_sync_errors_count, updated_at = now()`,
    [JSON.stringify(rows)],
  );
}
