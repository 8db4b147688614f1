/**
 * The readiness report for GET /health/ready: each database answers within a bound — Django by showing the tables
 * the gateway reads (a Django that was down at start-up may turn out to be the wrong database) — and the
 * sync worker's lag is within SYNC_MAX_LAG_MS. Databases down or Django without its tables → unavailable (503);
 * sync lagging or not through its first cycle yet, requests waiting for a connection of a busy pool, or the live
 * feeds' LISTEN connection down (subscribers get nothing live until it is back; queries are served) → degraded
 * (200).
 *
 * The probes run on connections of their own (Databases' probePool), never in the request pools' queue: a pool
 * busy with heavy queries is a reason to add connections or replicas, not to take this replica (and, alike under
 * the same load, every other) out of rotation.
 */
import { PROBE_TIMEOUT_MS, type Databases } from './databases';
import { djangoTablesProblem } from './django-tables';
import type { ListenerState } from './events/pg-listener';
import type { ObservedPool } from './pg-pool';
import type { ReadinessReport } from './server';
import type { SyncWorker } from './sync/worker';

/** Answers the database's problem, or undefined when there is none. */
type Check = (pool: ObservedPool) => Promise<string | undefined>;

const answers: Check = async (pool) => {
  await pool.query('SELECT 1');
  return undefined;
};

/** A request pool's connections as pg.Pool counts them: open, idle, and callers waiting for one. */
export interface PoolLoad {
  total: number;
  idle: number;
  waiting: number;
}

export interface DatabaseProbe {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** The request pool of that database. */
  pool: PoolLoad;
}

async function probe(database: { pool: ObservedPool; probePool: ObservedPool }, check: Check): Promise<DatabaseProbe> {
  const { totalCount: total, idleCount: idle, waitingCount: waiting } = database.pool;
  const pool = { total, idle, waiting };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    // The probe pool's own bounds end a stuck probe too; this answers the caller on time meanwhile.
    const problem = await Promise.race([
      check(database.probePool),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    return problem === undefined ? { ok: true, latencyMs, pool } : { ok: false, latencyMs, error: problem, pool };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error), pool };
  } finally {
    clearTimeout(timer);
  }
}

/** Probes both databases on their probe connections. */
export async function probeDatabases(dbs: Pick<Databases, 'django' | 'metrics'>): Promise<Record<'django' | 'metrics', DatabaseProbe>> {
  const [django, metrics] = await Promise.all([probe(dbs.django, djangoTablesProblem), probe(dbs.metrics, answers)]);
  return { django, metrics };
}

export async function checkReadiness(parts: {
  dbs: Pick<Databases, 'django' | 'metrics'>;
  worker: SyncWorker | undefined;
  maxLagMs: number;
  /** The live feeds' LISTEN connection (src/events/bridge.ts). */
  listener?: () => ListenerState;
}): Promise<ReadinessReport> {
  const { django, metrics } = await probeDatabases(parts.dbs);
  const sync = parts.worker ? parts.worker.health(parts.maxLagMs) : { status: 'disabled' };
  const listener = parts.listener?.();
  const busy = django.pool.waiting > 0 || metrics.pool.waiting > 0;
  // Until the first sync cycle completes (status 'starting') lists may be incomplete: say so, but stay ready.
  const syncBehind = !(sync.status === 'ok' || sync.status === 'disabled');
  const status = !django.ok || !metrics.ok ? 'unavailable' : busy || syncBehind || listener?.connected === false ? 'degraded' : 'ok';
  return { status, django, metrics, sync, ...(listener && { listener }) };
}
