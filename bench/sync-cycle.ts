/**
 * Engine figures of a run, on the working copy: the worker's start-up cycle (full recompute of open loans at the
 * pinned business date, plus its first reconciliation), then incremental cycles after N new repayments were
 * committed into Django for N distinct open loans (target: under 1 s, recomputing only those loans): the loop's
 * usual cycle (new rows only), then, after N more, the cycle that also looks for edits (every 30 s by default);
 * last, reconciliations that find nothing to repair (no new row is copied meanwhile): a forced one, which
 * fingerprints every loan's repayments, and a scheduled one (every 5 minutes by default), which fingerprints a twelfth.
 */
import pg from 'pg';
import { silentLogger } from '../src/logger';
import { createPool } from '../src/pg-pool';
import { SyncWorker, type CycleReport } from '../src/sync/worker';

export interface SyncFigures {
  startupCycleMs: number;
  startupOpenLoansRecomputed: number | null;
  /** recompute_open_loans alone, timed directly (ms). */
  fullRecomputeMs: number;
  fullRecomputeLoans: number;
  newRepayments: number;
  distinctLoans: number;
  /** The loop's usual cycle: new rows only. */
  incrementalCycleMs: number;
  incrementalRowsWritten: number;
  incrementalLoansRecomputed: number;
  /** The same for N more repayments in a cycle that also scans Django's updated_at for edits (absent before session 7). */
  incrementalWithEditScanMs?: number;
  incrementalWithEditScanLoansRecomputed?: number;
  /**
   * A cycle that reconciles and finds no drift, its edit scan included (absent before session 15): forced, so every
   * loan's repayments are fingerprinted (until session 15 every reconciliation did).
   */
  quietReconcileMs?: number;
  /** The same for a scheduled reconciliation, which fingerprints one slice of the loans (absent before session 16). */
  scheduledReconcileMs?: number;
  scheduledReconcileSlice?: string;
}

/** Inserts one repayment (a day's instalment, paid on the business date) for each of `count` open loans. */
export async function insertRepayments(djangoUrl: string, count: number, asOf: string): Promise<{ inserted: number; loans: number }> {
  const client = new pg.Client({ connectionString: djangoUrl, application_name: 'bench/django-writer' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `INSERT INTO loans_ajoloanrepayment (ajo_loan_id, agent_id, borrower_id, paid_date, repayment_amount, repayment_type, created_at, updated_at)
       SELECT l.id, l.agent_id, l.borrower_id, ($2::date + time '10:00') AT TIME ZONE 'Africa/Lagos',
              GREATEST(500, round((l.repayment_amount / GREATEST(l.tenor_in_days, 1))::numeric, 2))::float8, 'AGENT_DEBIT', now(), now()
         FROM (SELECT id, agent_id, borrower_id, repayment_amount, tenor_in_days FROM loans_ajoloan
                WHERE is_disbursed AND status IN ('OPEN', 'ACTIVE') AND agent_id IS NOT NULL
                ORDER BY md5(id::text) LIMIT $1) l`,
      [count, asOf],
    );
    return { inserted: rowCount ?? 0, loans: rowCount ?? 0 };
  } finally {
    await client.end();
  }
}

export async function measureSync(urls: { djangoUrl: string; metricsUrl: string }, asOf: string, newRepayments: number): Promise<SyncFigures> {
  const djangoPool = createPool({ url: urls.djangoUrl, max: 4, readOnly: true, applicationName: 'bench/sync' });
  const metricsPool = createPool({ url: urls.metricsUrl, max: 4, applicationName: 'bench/sync' });
  try {
    let figures: SyncFigures;
    const worker = new SyncWorker({ djangoPool, metricsPool, businessTz: 'Africa/Lagos', reconcileIntervalMs: 86_400_000, log: silentLogger() });
    try {
      const startup = await worker.runOnce();
      const full = await timed(() => metricsPool.query<{ n: number }>(`SELECT recompute_open_loans($1::date) AS n`, [asOf]));
      const inserted = await insertRepayments(urls.djangoUrl, newRepayments, asOf);
      const incremental = await timed(() => worker.runOnce({ scanEdits: false }));
      await insertRepayments(urls.djangoUrl, newRepayments, asOf);
      const withEditScan = await timed(() => worker.runOnce({ scanEdits: true }));
      const reconciled = await timed(() => worker.reconcileNow());
      expectQuiet(reconciled.result);
      figures = {
        startupCycleMs: Math.round(startup.durationMs),
        startupOpenLoansRecomputed: startup.openLoansRecomputed,
        fullRecomputeMs: full.ms,
        fullRecomputeLoans: Number(full.result.rows[0]!.n),
        newRepayments: inserted.inserted,
        distinctLoans: inserted.loans,
        incrementalCycleMs: incremental.ms,
        incrementalRowsWritten: incremental.result.rowsWritten,
        incrementalLoansRecomputed: incremental.result.loansRecomputed,
        incrementalWithEditScanMs: withEditScan.ms,
        incrementalWithEditScanLoansRecomputed: withEditScan.result.loansRecomputed,
        quietReconcileMs: reconciled.ms,
      };
    } finally {
      await worker.stop();
    }
    const scheduled = await timeScheduledReconciliation({ djangoPool, metricsPool });
    return { ...figures, scheduledReconcileMs: scheduled.ms, scheduledReconcileSlice: scheduled.slice };
  } finally {
    await Promise.all([djangoPool.end(), metricsPool.end()]);
  }
}

/** How long `run` took (whole milliseconds), and what it gave. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: Math.round(performance.now() - started), result };
}

function expectQuiet(report: CycleReport): void {
  const repaired = report.reconciliation?.loansRepaired.length ?? 0;
  if (repaired > 0) throw new Error(`the bench's reconciliation repaired ${repaired} loans; a quiet one was expected (the cycles before it copied every row)`);
}

/**
 * A scheduled reconciliation, timed on a worker of its own whose every cycle reconciles as scheduled (a 1-ms
 * interval): its first cycle fingerprints every loan, its second (timed) one slice, as every 5-minute one does.
 */
async function timeScheduledReconciliation(pools: { djangoPool: pg.Pool; metricsPool: pg.Pool }): Promise<{ ms: number; slice: string }> {
  const worker = new SyncWorker({ ...pools, businessTz: 'Africa/Lagos', reconcileIntervalMs: 1, log: silentLogger() });
  try {
    await worker.runOnce();
    const { ms, result: report } = await timed(() => worker.runOnce());
    expectQuiet(report);
    const slice = report.reconciliation?.fingerprintSlice;
    if (slice === undefined || slice.of === 1) throw new Error(`the bench's scheduled reconciliation fingerprinted ${slice ? 'every loan' : 'nothing'}; one slice was expected`);
    return { ms, slice: `${slice.index} of ${slice.of}` };
  } finally {
    await worker.stop();
  }
}
