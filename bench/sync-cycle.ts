/**
 * Engine figures of a run, on the working copy: the worker's start-up cycle (full recompute of open loans at the
 * pinned business date, plus its first reconciliation), then incremental cycles after N new repayments were
 * committed into Django for N distinct open loans (target: under 1 s, recomputing only those loans): the loop's
 * usual cycle (new rows only), then, after N more, the cycle that also looks for edits (every 30 s by default);
 * last, reconciliations that find nothing to repair (no new row is copied meanwhile): a forced one, which
 * fingerprints every loan's repayments in its cycle, and one the loop schedules (every 5 minutes by default), which
 * surveys every loan's repayments beside the cycles, fingerprinting a twelfth, and then holds up one cycle.
 */
import pg from 'pg';
import { silentLogger } from '../src/logger';
import { createPool } from '../src/pg-pool';
import { FingerprintRotation } from '../src/sync/fingerprint-rotation';
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
  /**
   * The cycle of the loop that takes a scheduled reconciliation, which fingerprints one slice of the loans (absent
   * before session 16). Until session 17 the whole comparison ran in that cycle; since, the loop surveys every loan's
   * repayments beside its cycles first (scheduledSurveyMs) and the cycle compares the loans the survey named.
   */
  scheduledReconcileMs?: number;
  scheduledReconcileSlice?: string;
  /** The survey of a scheduled reconciliation, beside the loop's cycles (absent before session 17). */
  scheduledSurveyMs?: number;
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
    return { ...figures, scheduledReconcileMs: scheduled.cycleMs, scheduledReconcileSlice: scheduled.slice, scheduledSurveyMs: scheduled.surveyMs };
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
 * A scheduled reconciliation, timed on a worker of its own whose loop looks for edits every cycle and reconciles as
 * soon as it may (a 1-ms interval): its first cycle (runOnce) fingerprints every loan; then the loop surveys the
 * repayments beside its cycles, fingerprinting one slice as every 5-minute one does, and a cycle takes the survey.
 * That cycle's duration comes from its sync_runs row, the survey's from health().
 */
async function timeScheduledReconciliation(pools: { djangoPool: pg.Pool; metricsPool: pg.Pool }): Promise<{ cycleMs: number; surveyMs: number; slice: string }> {
  const worker = new SyncWorker({ ...pools, businessTz: 'Africa/Lagos', reconcileIntervalMs: 1, editScanIntervalMs: 0, intervalMs: 100, log: silentLogger() });
  let taken: { ms: number; rows_written: number } | undefined;
  try {
    await worker.runOnce();
    const { rows: before } = await pools.metricsPool.query<{ last: string }>(`SELECT COALESCE(max(run_id), 0)::text AS last FROM sync_runs`);
    worker.start();
    for (const deadline = Date.now() + 600_000; taken === undefined; await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (Date.now() > deadline) throw new Error('the loop took no scheduled reconciliation within 10 minutes');
      const { rows } = await pools.metricsPool.query<{ ms: number; rows_written: number }>(
        `SELECT round(extract(epoch FROM finished_at - started_at) * 1000)::int AS ms, rows_written FROM sync_runs
          WHERE run_id > $1::bigint AND kind = 'reconcile' ORDER BY run_id LIMIT 1`,
        [before[0]!.last],
      );
      taken = rows[0];
    }
  } finally {
    await worker.stop();
  }
  if (taken.rows_written > 0) throw new Error(`the bench's scheduled reconciliation wrote ${taken.rows_written} rows; a quiet one was expected`);
  const surveyMs = worker.health().lastSurveyMs;
  if (surveyMs === null) throw new Error("the bench's scheduled reconciliation ran without a survey beside the loop");
  // The first scheduled reconciliation after a worker's first fingerprints the first slice (FingerprintRotation).
  return { cycleMs: taken.ms, surveyMs, slice: `0 of ${new FingerprintRotation(1).slices}` };
}
