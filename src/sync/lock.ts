/**
 * One sync worker at a time across processes (D11): a session-level PostgreSQL advisory lock held on the
 * worker's dedicated seedsmetrics connection for as long as that connection lives.
 */
import type pg from 'pg';

/** The lock's name as operators see it in messages; the key is derived from it once, here. */
export const SYNC_LOCK_NAME = 'seedsmetrics.sync_worker';
/**
 * The application_name of the worker's connections while it has them (borrowed from the request pools), so
 * pg_stat_activity tells its long reads and recomputes apart from the requests'.
 */
export const SYNC_APPLICATION_NAME = 'seedsmetrics-gateway/sync';
/** Fixed key of pg_advisory_lock(bigint) for SYNC_LOCK_NAME (7_301_001 serialises migrations, 7_301_002 the engine recomputes). */
export const SYNC_LOCK_KEY = 7_301_003;

/** Raised when another worker holds the lock and this one was told not to wait. */
export class SyncLockBusyError extends Error {
  constructor(
    readonly holderPid: number | null,
    database: string,
  ) {
    super(
      `another sync worker holds the advisory lock "${SYNC_LOCK_NAME}" (pg_advisory_lock(${SYNC_LOCK_KEY})) on database ` +
        `"${database}"${holderPid === null ? '' : ` (backend pid ${holderPid})`}; only one worker may run at a time`,
    );
    this.name = 'SyncLockBusyError';
  }
}

export async function tryLock(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [SYNC_LOCK_KEY]);
  return rows[0]!.locked;
}

/** The backend holding the lock (for the message), or null if it is gone. */
export async function lockHolder(client: Pick<pg.ClientBase, 'query'>): Promise<{ pid: number | null; database: string }> {
  const { rows } = await client.query<{ pid: number | null; database: string }>(
    `SELECT (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid = 0 AND objid = $1 AND objsubid = 1 AND granted LIMIT 1) AS pid,
            current_database() AS database`,
    [SYNC_LOCK_KEY],
  );
  return rows[0]!;
}
