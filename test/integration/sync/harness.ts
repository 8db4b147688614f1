/** A fresh database pair and a worker over it, pinned to a business date, for each sync test. */
import { fixedBusinessClock } from '../../../src/engine/clock';
import { silentLogger } from '../../../src/logger';
import type { RecomputeSteps } from '../../../src/sync/recompute';
import { SyncWorker, type SyncWorkerOptions } from '../../../src/sync/worker';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { djangoRows } from './django-rows';

export const TODAY = '2025-12-10';

export interface SyncHarness {
  dbs: TestDatabases;
  django: ReturnType<typeof djangoRows>;
  worker(options?: Partial<SyncWorkerOptions>): SyncWorker;
  /** Rows of a seedsmetrics query. */
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Polls `condition` every 25 ms until it holds; past `timeoutMs` fails naming `what` it waited for. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Records every recompute call instead of running the engine (copy logic on its own). */
export function recordingRecompute(): RecomputeSteps & { calls: Array<{ loanIds: string[]; asOf: string }>; openCalls: string[] } {
  const calls: Array<{ loanIds: string[]; asOf: string }> = [];
  const openCalls: string[] = [];
  return {
    calls,
    openCalls,
    loans: async (_client, loanIds, asOf) => {
      if (loanIds.length > 0) calls.push({ loanIds: [...loanIds], asOf });
      return loanIds.length;
    },
    openLoans: async (_client, asOf) => {
      openCalls.push(asOf);
      return 0;
    },
  };
}

export async function syncHarness(): Promise<SyncHarness> {
  const dbs = await createTestDatabases();
  const workers: SyncWorker[] = [];
  return {
    dbs,
    django: djangoRows(dbs.djangoWriter),
    worker(options = {}) {
      const worker = new SyncWorker({
        djangoPool: dbs.django.pool,
        metricsPool: dbs.metrics.pool,
        businessTz: 'Africa/Lagos',
        clock: fixedBusinessClock(TODAY),
        reconcileIntervalMs: 3_600_000,
        log: silentLogger(),
        ...options,
      });
      workers.push(worker);
      return worker;
    },
    async rows(sql, params = []) {
      const result = await dbs.metrics.pool.query(sql, params);
      return result.rows;
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await dbs.drop();
    },
  };
}
