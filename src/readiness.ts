/**
 * The readiness report for GET /health/ready: each database answers a trivial query within a bound, and the
 * sync worker's lag is within SYNC_MAX_LAG_MS. Databases down → unavailable (503); sync lagging or not through its
 * first cycle yet → degraded (200).
 */
import type { Databases } from './databases';
import type { ObservedPool } from './pg-pool';
import type { ReadinessReport } from './server';
import type { SyncWorker } from './sync/worker';

const PROBE_TIMEOUT_MS = 2000;

async function probe(pool: ObservedPool): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(parts: { dbs: Pick<Databases, 'django' | 'metrics'>; worker: SyncWorker | undefined; maxLagMs: number }): Promise<ReadinessReport> {
  const [django, metrics] = await Promise.all([probe(parts.dbs.django.pool), probe(parts.dbs.metrics.pool)]);
  const sync = parts.worker ? parts.worker.health(parts.maxLagMs) : { status: 'disabled' };
  // Until the first sync cycle completes (status 'starting') lists may be incomplete: say so, but stay ready.
  const status = !django.ok || !metrics.ok ? 'unavailable' : sync.status === 'ok' || sync.status === 'disabled' ? 'ok' : 'degraded';
  return { status, django, metrics, sync };
}
