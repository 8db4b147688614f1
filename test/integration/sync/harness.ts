/** A fresh database pair and a worker over it, pinned to a business date, for each sync test. */
import { fixedBusinessClock, pinBusinessDate } from '../../../src/engine/clock';
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

/** Loan A's three repayments in the DOMAIN.md §3.9 worked example: Django id, amount, when. */
export const LOAN_A_REPAYMENTS: ReadonlyArray<readonly [number, number, string]> = [
  [1000, 20000, '2025-11-04T10:00:00+01:00'],
  [1001, 20000, '2025-11-20T10:00:00+01:00'],
  [1002, 20000, '2025-12-08T10:00:00+01:00'],
];

/**
 * DOMAIN.md §3.9 loan A in Django: officer 7, customer 11, loan 100 (100,000 at 30 % + 2,000 fee over 30
 * instalments, R = 132,000, D1 2025-11-04, maturity 2025-12-15), with `repayments` of it (all three by default).
 */
export async function seedLoanA(h: Pick<SyncHarness, 'django'>, repayments = LOAN_A_REPAYMENTS): Promise<void> {
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(100, 7, 11);
  for (const [id, amount, at] of repayments) await h.django.repayment(id, 100, amount, at);
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
  // seedsmetrics' business_today() says what the worker's clock says, as in production (where the worker reads it):
  // validate reports open loans computed for an earlier date than business_today().
  await pinBusinessDate(dbs.metrics.pool, TODAY);
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
