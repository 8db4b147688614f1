/**
 * The readiness report for GET /health/ready: each database answers within a bound — Django by showing the tables
 * the gateway reads (a Django that was down at start-up may turn out to be the wrong database) — and the
 * sync worker's lag is within SYNC_MAX_LAG_MS. Databases down or Django without its tables → unavailable (503);
 * sync lagging or not through its first cycle yet → degraded (200).
 */
import type { Databases } from './databases';
import type { ObservedPool } from './pg-pool';
import type { ReadinessReport } from './server';
import { djangoTablesProblem } from './django-tables';
import type { SyncWorker } from './sync/worker';

const PROBE_TIMEOUT_MS = 2000;

/** Answers the database's problem, or undefined when there is none. */
type Check = (pool: ObservedPool) => Promise<string | undefined>;

const answers: Check = async (pool) => {
  await pool.query('SELECT 1');
  return undefined;
};

async function probe(pool: ObservedPool, check: Check): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const problem = await Promise.race([
      check(pool),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    return problem === undefined ? { ok: true, latencyMs } : { ok: false, latencyMs, error: problem };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(parts: { dbs: Pick<Databases, 'django' | 'metrics'>; worker: SyncWorker | undefined; maxLagMs: number }): Promise<ReadinessReport> {
  const [django, metrics] = await Promise.all([probe(parts.dbs.django.pool, djangoTablesProblem), probe(parts.dbs.metrics.pool, answers)]);
  const sync = parts.worker ? parts.worker.health(parts.maxLagMs) : { status: 'disabled' };
  // Until the first sync cycle completes (status 'starting') lists may be incomplete: say so, but stay ready.
  const status = !django.ok || !metrics.ok ? 'unavailable' : sync.status === 'ok' || sync.status === 'disabled' ? 'ok' : 'degraded';
  return { status, django, metrics, sync };
}
