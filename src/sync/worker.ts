/**
 * The sync worker (D11): every `intervalMs` it copies new Django rows into seedsmetrics entity by entity
 * (parents first, so a new loan and its repayments land in the same cycle), every `editScanIntervalMs` also the
 * rows edited since the last such scan (Django has no index on updated_at: each scan reads whole tables, so
 * the primary is spared it every 2 s), recomputes open loans at
 * start-up (once a first sync is through: it computes every loan itself) and whenever the business date changes
 * (D9), reconciles per-loan totals every
 * `reconcileIntervalMs` (the loop surveys them beside its cycles first: repayment-survey.ts), and records each
 * cycle in sync_runs / sync_tracking. One worker runs at a time:
 * it holds a session advisory lock on its own seedsmetrics connection, which is also the connection every
 * batch transaction runs on, so losing the connection loses the lock and nothing else.
 */
import type pg from 'pg';
import type { SyncConfig } from '../config';
import { sqlBusinessClock, type BusinessClock } from '../engine/clock';
import type { Logger } from '../logger';
import { cancelStatementOf, destroyConnection, LongStatementSession, setStatementTimeout } from '../pg-pool';
import { causeKey, RepeatedFailures } from '../repeated-failures';
import { adoptBusinessDate } from './business-day';
import { announceRejects } from './batch-transaction';
import { copyEntity, type CopyContext, type CopyStats } from './copy';
import { DjangoReader, SYNC_ENTITIES, type FingerprintSlice, type SyncEntity } from './django-reader';
import { lockHolder, SyncLockBusyError, SYNC_APPLICATION_NAME, SYNC_LOCK_KEY, SYNC_LOCK_NAME, tryLock } from './lock';
import { CycleRejectLog } from './reject-log';
import { recordRun } from './run-log';
import { FingerprintRotation } from './fingerprint-rotation';
import { reconcile, type DriftSearch, type ReconcileResult } from './reconcile';
import { logReconciliation } from './reconcile-log';
import { surveyRepayments, type RepaymentSurvey } from './repayment-survey';
import { engineRecompute, type RecomputeSteps } from './recompute';
import { step } from './sync-step';
import { countRejectsByEntity, RECOMPUTE_REJECT_ENTITY, type Reject, type RejectEntity } from './upsert';
import { DEFAULT_OVERLAP_MS, maxTime, NO_WATERMARK, readWatermarks, writeTracking, writeWatermarks, type EntityRunStats, type Watermark } from './watermarks';

export { SyncStepError } from './sync-step';

/** The subset of a pino logger the worker uses. */
export type SyncLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface SyncWorkerOptions {
  /** Django pool; read-only (default_transaction_read_only=on). */
  djangoPool: pg.Pool;
  /** seedsmetrics pool; the worker keeps one of its connections for the advisory lock and the batch transactions. */
  metricsPool: pg.Pool;
  /** IANA zone of business dates (D1): payment and disbursement dates are taken in this zone. */
  businessTz: string;
  /** Milliseconds between cycles. @default 2000 */
  intervalMs?: number;
  /** How far back the updated_at watermark re-reads, to catch rows committed out of order. @default 60000 */
  overlapMs?: number;
  /**
   * Milliseconds between the periodic loop's scans for edited rows (the updated_at window); the cycles between
   * copy new rows only. The first cycle, runOnce() and reconcileNow() always scan. 0 scans every cycle. @default 30000
   */
  editScanIntervalMs?: number;
  /**
   * Milliseconds between reconciliations (the first cycle always reconciles). Each compares every loan's repayment
   * counts and sums, and the fingerprints of a slice of the loans in turn (src/sync/fingerprint-rotation.ts); the
   * loop's do so beside its cycles (src/sync/repayment-survey.ts). @default 300000
   */
  reconcileIntervalMs?: number;
  /** Lag above which health() reports "degraded". @default 120000 */
  maxLagMs?: number;
  /** Source of "today"; @default the engine's business_today() */
  clock?: BusinessClock;
  /** The engine calls; @default recompute_loans / recompute_open_loans */
  recompute?: RecomputeSteps;
  /** Rows per keyset page and transaction. @default 2000 */
  batchSize?: number;
  /** Days of loan_dpd_daily snapshots kept, pruned once per business date (each loan's latest is always kept); undefined keeps all. */
  dpdHistoryRetentionDays?: number;
  /** Days of PAR changes kept, pruned once per business date (as a prefix of ids, src/engine/retention.ts); undefined keeps all. */
  parChangesRetentionDays?: number;
  /** Days of sync_runs rows kept, pruned once per business date. @default 30 */
  syncRunsRetentionDays?: number;
  /**
   * Longest statement of the worker, on both databases, whatever the pools allow requests: its reads and
   * transactions run on connections it holds with this bound (a full recompute takes tens of seconds at scale).
   * 0 for none. @default 600000
   */
  statementTimeoutMs?: number;
  /** What a worker does while another holds the lock: wait (poll every intervalMs) or fail with SyncLockBusyError. @default "wait" */
  onLockBusy?: 'wait' | 'fail';
  log: SyncLogger;
}

export interface EntityReport {
  rowsRead: number;
  rowsWritten: number;
  loansRecomputed: number;
  rejects: number;
  maxId: string;
  maxUpdatedAt: string | null;
  /** Id of a repayment waiting for its loan (the id watermark stays below it). */
  heldAt: string | null;
}

export interface CycleReport {
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  /** Business date the cycle recomputed at. */
  asOf: string;
  /** Loans recomputed by recompute_open_loans this cycle (start-up or a new business date), else null. */
  openLoansRecomputed: number | null;
  /** Whether the cycle scanned for edited rows (else it copied new rows only). */
  editsScanned: boolean;
  entities: Record<SyncEntity, EntityReport>;
  rowsRead: number;
  rowsWritten: number;
  loansRecomputed: number;
  /** Rejects reported for the first time this cycle. */
  rejects: number;
  /** Newest Django updated_at among the rows read this cycle (UTC ISO), null when nothing was read. */
  newestChangeAt: string | null;
  reconciliation: ReconcileResult | null;
}

export interface SyncHealth {
  status: 'ok' | 'degraded' | 'starting';
  /** When the last cycle finished (ISO), successful or not. */
  lastCycleAt: string | null;
  lastCycleMs: number | null;
  /**
   * How stale seedsmetrics may be: now − the newest Django change known to be copied. A successful cycle that
   * scanned edits has copied every change committed before it started, so that instant counts as "seen" even
   * when Django was quiet (otherwise a quiet night would read as lag); a cycle copying new rows only does not
   * move it. null before the first successful cycle.
   */
  lagMs: number | null;
  /** Newest Django updated_at the worker has copied (ISO). */
  newestChangeAt: string | null;
  rowsLastCycle: number;
  errorsLastCycle: number;
  lastError: string | null;
  /** Cycles finished since the worker was created: through, or failed (the loop retries a failed one next interval). */
  cycles: { succeeded: number; failed: number };
  /**
   * Rows in sync_rejects per entity (Django rows not taken as they are, and `loan_recompute`: loans the engine
   * fails on), counted at each reconciliation; null before the first.
   */
  rejectedRows: Record<RejectEntity, number> | null;
  /**
   * How long the last reconciliation took in its cycle (ms): no new row is copied meanwhile, so live feeds lag by as
   * much once every reconcile interval. The loop's scheduled ones compare every loan's repayments beside its cycles
   * first (lastSurveyMs) and only the loans that differed in the cycle. null before the first.
   */
  lastReconciliationMs: number | null;
  /** How long the last survey of repayments beside the loop took (ms; src/sync/repayment-survey.ts); null before the first. */
  lastSurveyMs: number | null;
}

type Schedule = Pick<
  SyncWorkerOptions,
  'intervalMs' | 'overlapMs' | 'editScanIntervalMs' | 'reconcileIntervalMs' | 'maxLagMs' | 'dpdHistoryRetentionDays' | 'parChangesRetentionDays' | 'syncRunsRetentionDays' | 'statementTimeoutMs'
>;

/** The worker's schedule as the SYNC_* variables set it. */
export function scheduleOf(sync: SyncConfig): Schedule {
  const { intervalMs, overlapMs, editScanIntervalMs, reconcileIntervalMs, maxLagMs, dpdHistoryRetentionDays, parChangesRetentionDays, syncRunsRetentionDays, statementTimeoutMs } = sync;
  return { intervalMs, overlapMs, editScanIntervalMs, reconcileIntervalMs, maxLagMs, dpdHistoryRetentionDays, parChangesRetentionDays, syncRunsRetentionDays, statementTimeoutMs };
}

/** How often a stop cancels the running cycle's statement again until the cycle ends. */
const CANCEL_RETRY_MS = 250;

const DEFAULTS = { intervalMs: 2000, overlapMs: DEFAULT_OVERLAP_MS, editScanIntervalMs: 30_000, reconcileIntervalMs: 300_000, maxLagMs: 120_000, batchSize: 2000, syncRunsRetentionDays: 30, statementTimeoutMs: 600_000 };

export class SyncWorker {
  /** The cycle's Django reads, on one connection bounded by statementTimeoutMs, handed back when the cycle ends. */
  private readonly djangoSession: LongStatementSession;
  private readonly reader: DjangoReader;
  private readonly clock: BusinessClock;
  private readonly recompute: RecomputeSteps;
  private readonly intervalMs: number;
  private readonly overlapMs: number;
  private readonly editScanIntervalMs: number;
  private readonly reconcileIntervalMs: number;
  private readonly maxLagMs: number;
  private readonly batchSize: number;
  private readonly statementTimeoutMs: number;
  private readonly log: SyncLogger;
  private readonly createdAt = Date.now();

  /** The dedicated connection holding the advisory lock; null when not held. */
  private client: pg.PoolClient | null = null;
  /** Cycles run one after another, whoever asks (timer, runOnce, reconcileNow). */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private wake: (() => void) | null = null;
  private waitingLogged = false;
  private lockAnnounced = false;
  private openLoansRecomputedFor: string | null = null;
  /** Per entity: versions this worker committed inside the current overlap window (see copyEntity). */
  private readonly seen = new Map<SyncEntity, Map<string, string>>();
  private lastReconcileAt = 0;
  private readonly fingerprints: FingerprintRotation;
  /** The loop's survey of repayments running beside its cycles, or done and waiting for a cycle to take it. */
  private survey: { running: Promise<void>; outcome: RepaymentSurvey | Error | null } | null = null;
  private lastSurveyMs: number | null = null;
  /** The last lock connection dropped, until its socket has closed (dropConnection). */
  private closing: Promise<void> = Promise.resolve();
  /** Aborted by stop(): a survey under way is cancelled rather than waited for. */
  private readonly stopSurvey = new AbortController();
  /** Per entity: the held repayment last logged, so a wait is logged once, not every cycle. */
  private readonly loggedHolds = new Map<SyncEntity, string | null>();

  private lastCycleAt: Date | null = null;
  private lastCycleMs: number | null = null;
  /** Start of the last successful cycle that scanned edits: everything committed before it is copied. */
  private lastCompleteStartedAt: number | null = null;
  private newestChangeAt: string | null = null;
  private rowsLastCycle = 0;
  private errorsLastCycle = 0;
  private lastError: string | null = null;
  private readonly cycles = { succeeded: 0, failed: 0 };
  private rejectedRows: Record<RejectEntity, number> | null = null;
  private lastReconciliationMs: number | null = null;
  /** A Django that is down fails the loop's cycle every interval: one line per cause and minute, and one when it ends. */
  private readonly loopFailures = new RepeatedFailures();

  constructor(private readonly options: SyncWorkerOptions) {
    this.statementTimeoutMs = options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs;
    this.djangoSession = new LongStatementSession(options.djangoPool, this.statementTimeoutMs, SYNC_APPLICATION_NAME);
    this.reader = new DjangoReader(this.djangoSession, options.businessTz);
    this.clock = options.clock ?? sqlBusinessClock(options.metricsPool);
    this.recompute = options.recompute ?? engineRecompute;
    this.intervalMs = options.intervalMs ?? DEFAULTS.intervalMs;
    this.overlapMs = options.overlapMs ?? DEFAULTS.overlapMs;
    this.editScanIntervalMs = options.editScanIntervalMs ?? DEFAULTS.editScanIntervalMs;
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? DEFAULTS.reconcileIntervalMs;
    this.fingerprints = new FingerprintRotation(this.reconcileIntervalMs);
    this.maxLagMs = options.maxLagMs ?? DEFAULTS.maxLagMs;
    this.batchSize = options.batchSize ?? DEFAULTS.batchSize;
    this.log = options.log;
  }

  /**
   * Runs one cycle now (after any cycle in progress) and resolves with its report; rejects with its error. It
   * looks for edited rows too unless `scanEdits` is false (the cycle the loop runs between looks).
   */
  runOnce(options: { scanEdits?: boolean } = {}): Promise<CycleReport> {
    return this.enqueue(() => this.cycle({ reconcile: false, scanEdits: options.scanEdits ?? true, surveyAside: false }));
  }

  /** Runs one cycle that reconciles whatever the interval says. */
  reconcileNow(): Promise<CycleReport> {
    return this.enqueue(() => this.cycle({ reconcile: true, scanEdits: true, surveyAside: false }));
  }

  /**
   * Starts the periodic loop (first cycle immediately). Errors are logged and retried next interval. Its scheduled
   * reconciliations survey the repayments beside its cycles (src/sync/repayment-survey.ts).
   */
  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    const tick = async (): Promise<void> => {
      this.timer = null;
      try {
        await this.enqueue(() => this.cycle({ reconcile: false, scanEdits: false, surveyAside: true }));
        const outage = this.loopFailures.succeeded();
        if (outage) this.log.info(outage, `sync cycles succeed again, after ${outage.failures} failed`);
      } catch (error) {
        if (this.stopping) {
          // Cancelled by stop(), as a rule: said once, as what it is rather than as a failure.
          this.log.info({ err: error }, 'sync cycle cut short by the stop; the next start resumes from its last committed batch');
          return;
        }
        if (error instanceof SyncLockBusyError) {
          this.log.error({ err: error }, `${error.message}; this worker exits`);
          this.running = false;
          return;
        }
        const line = this.loopFailures.failed(causeKey(error));
        if (line) this.log.error({ err: error, ...line }, 'sync cycle failed; retrying next interval');
      }
      if (!this.stopping) this.timer = setTimeout(() => void tick(), this.intervalMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  /**
   * Stops the loop, cancels the running cycle's statements and waits for it to end (its batch rolls back), cancels a
   * survey under way (it only reads) and waits for it to let its connections go, and closes the lock connection
   * (releasing the lock).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    this.stopSurvey.abort();
    await this.cancelCycle(); // returns once the running cycle has ended
    await this.survey?.running; // started by that cycle, perhaps: no cycle starts one once stopping
    if (this.client) {
      // Unlock explicitly: a destroyed connection releases the lock too, but only once the server notices.
      await this.client.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]).catch(() => undefined);
    }
    this.dropConnection();
    await this.closing; // a cycle cancelled by the stop dropped its connection already
    this.running = false;
  }

  /**
   * Cancels the statements a cycle under way runs — on the lock connection in seedsmetrics and on its Django session —
   * again until the cycle ends (a cancel that lands between two statements finds nothing to cancel), so a stop waits
   * neither for a first sync of every Django row, a recompute of every open loan, nor a read blocked on a lock
   * someone holds: the batch rolls back, no further one starts (CopyContext.stopping), and the next start resumes
   * from the last committed batch.
   */
  private async cancelCycle(): Promise<void> {
    let ended = false;
    const cycle = this.queue.catch(() => undefined).then(() => {
      ended = true;
    });
    // The Django cancel may wait for a connection of a busy pool: it goes its own way, not holding up the other.
    let djangoCancel: Promise<void> | undefined;
    while (!ended) {
      djangoCancel ??= this.djangoSession
        .cancel()
        .catch(() => undefined)
        .finally(() => {
          djangoCancel = undefined;
        });
      if (this.client) await cancelStatementOf(this.client, this.options.metricsPool).catch(() => undefined);
      await Promise.race([cycle, new Promise((resolve) => setTimeout(resolve, CANCEL_RETRY_MS))]);
    }
    await djangoCancel;
  }

  health(maxLagMs: number = this.maxLagMs): SyncHealth {
    const now = Date.now();
    const lagMs = this.lastCompleteStartedAt === null ? null : Math.max(0, now - this.lastCompleteStartedAt);
    let status: SyncHealth['status'];
    if (lagMs === null) status = now - this.createdAt > maxLagMs ? 'degraded' : 'starting';
    else status = lagMs > maxLagMs ? 'degraded' : 'ok';
    return {
      status,
      lastCycleAt: this.lastCycleAt?.toISOString() ?? null,
      lastCycleMs: this.lastCycleMs,
      lagMs,
      newestChangeAt: this.newestChangeAt,
      rowsLastCycle: this.rowsLastCycle,
      errorsLastCycle: this.errorsLastCycle,
      lastError: this.lastError,
      cycles: { ...this.cycles },
      rejectedRows: this.rejectedRows === null ? null : { ...this.rejectedRows },
      lastReconciliationMs: this.lastReconciliationMs,
      lastSurveyMs: this.lastSurveyMs,
    };
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new Error('the sync worker is stopped'));
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The lock connection, acquiring the lock first if needed (waiting or failing per onLockBusy). */
  private async lockedClient(): Promise<pg.PoolClient> {
    if (this.client) return this.client;
    const client = await this.options.metricsPool.connect();
    client.on('error', (error) => {
      // The connection died between cycles (e.g. terminated): the lock went with it.
      this.log.warn({ err: error }, 'sync lock connection lost');
      if (this.client === client) this.dropConnection();
    });
    try {
      // The pool bounds statements for requests; the worker's transactions get their own, longer bound. The name needs
      // no reset: this connection is never handed back to the pool (dropConnection destroys it).
      await setStatementTimeout(client, this.statementTimeoutMs, SYNC_APPLICATION_NAME);
      for (;;) {
        if (await tryLock(client)) {
          this.client = client;
          this.waitingLogged = false;
          // Said once: after a failed cycle the lock is taken again on a new connection every cycle until the
          // databases answer, and the failure's own (rate-limited) line says what goes on meanwhile.
          if (!this.lockAnnounced) this.log.info({ lock: SYNC_LOCK_NAME, key: SYNC_LOCK_KEY }, 'sync worker holds the advisory lock');
          this.lockAnnounced = true;
          return client;
        }
        const holder = await lockHolder(client);
        const busy = new SyncLockBusyError(holder.pid, holder.database);
        if (this.options.onLockBusy === 'fail') throw busy;
        if (!this.waitingLogged) this.log.warn({ lock: SYNC_LOCK_NAME, holderPid: holder.pid }, `${busy.message}; waiting for it`);
        this.waitingLogged = true;
        // Asked before sleeping too: a stop() that came while the lock was tried had no sleep to wake.
        if (!this.stopping) await this.sleep(this.intervalMs);
        if (this.stopping) throw new Error(`the sync worker stopped while waiting for the advisory lock "${SYNC_LOCK_NAME}"`);
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /**
   * Destroys the lock connection (never returned to the pool: it would keep the session lock). Its closing goes on
   * in the background (`closing`), which stop() waits for: the lock goes only once the server has ended the session.
   */
  private dropConnection(): void {
    const client = this.client;
    this.client = null;
    if (client) {
      // A server stopping meanwhile (SIGTERM stops the embedded PostgreSQL right after the worker) terminates the
      // connection, and that error is no longer news.
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      this.closing = destroyConnection(client);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /**
   * One cycle; `force` says what it does whatever the intervals say (the loop forces nothing), `surveyAside` whether
   * a scheduled reconciliation surveys the repayments beside the cycles (the loop's) or compares them in the cycle.
   * In order: the lock, the business date (adopted first when new), every entity's copy, the reconciliation when due,
   * then the watermarks and bookkeeping; a failure anywhere ends the cycle, which the next one redoes.
   */
  private async cycle(force: CycleForce): Promise<CycleReport> {
    const startedAt = new Date();
    // A survey is taken by a cycle that looks for edits: what it names is compared again as of that look.
    const surveyDone = force.surveyAside && this.survey?.outcome != null;
    const scanEdits =
      force.scanEdits || surveyDone || this.lastCompleteStartedAt === null || startedAt.getTime() - this.lastCompleteStartedAt >= this.editScanIntervalMs;
    const t0 = performance.now();
    // Rejects reported for the first time, counted as they are announced: a cycle that fails counts those before it.
    const tally = { rejects: 0 };
    const rejectLog = new CycleRejectLog(this.log);
    const onReject = (entity: string, reject: Reject): void => rejectLog.rejected(entity, reject);
    try {
      const client = await this.lockedClient();
      const asOf = await this.clock.today();
      const marks = await readWatermarks(client);
      let openLoansRecomputed: number | null = null;
      // Until the repayments' first scan is through (a first sync cut short), loans are not computed: that scan ends by
      // computing every loan with all its repayments. Computed before, a loan got the DPD of a loan never repaid, kept
      // it as max_dpd_ever and logged a bucket move that never happened; the first cycle after the scan does this.
      const firstScanPending = (marks.get('repayments') ?? NO_WATERMARK).maxUpdatedAt === null;
      if (asOf !== this.openLoansRecomputedFor && !firstScanPending) {
        const daily = await adoptBusinessDate(client, asOf, {
          recompute: this.recompute,
          dpdHistoryRetentionDays: this.options.dpdHistoryRetentionDays,
          parChangesRetentionDays: this.options.parChangesRetentionDays,
          syncRunsRetentionDays: this.options.syncRunsRetentionDays ?? DEFAULTS.syncRunsRetentionDays,
          log: this.log,
        });
        tally.rejects += announceRejects({ onReject }, RECOMPUTE_REJECT_ENTITY, daily.newlyReported);
        openLoansRecomputed = daily.recomputed;
        this.openLoansRecomputedFor = asOf;
      }
      const scanStartedAt = await this.reader.clock();
      const ctx: Omit<CopyContext, 'seen'> = {
        stopping: () => this.stopping,
        scanStartedAt,
        reader: this.reader,
        client,
        recompute: this.recompute,
        asOf,
        overlapMs: this.overlapMs,
        // Long enough for a loan committed late, and past the overlap window; a loan that turns up later still is the
        // reconciliation's to copy the rejected repayment with.
        missingLoanWaitMs: Math.max(this.overlapMs, this.reconcileIntervalMs),
        scanEdits,
        batchSize: this.batchSize,
        onReject,
      };
      const copied = await this.copyEntities(ctx, marks, tally);
      const reconciliation = await this.reconcileIfDue(ctx, copied.entities, force, scanEdits);
      tally.rejects += reconciliation?.rejects ?? 0;
      const report = cycleReport({ startedAt, t0, asOf, openLoansRecomputed, scanEdits, entities: copied.entities, rejects: tally.rejects, newestChangeAt: copied.newestChangeAt, reconciliation });
      await writeWatermarks(client, copied.unsavedMarks);
      await writeTracking(client, copied.tracking);
      await recordRun(client, { ...report, reconciled: report.reconciliation !== null });
      if (scanEdits) this.lastCompleteStartedAt = startedAt.getTime();
      this.newestChangeAt = maxTime(this.newestChangeAt, copied.newestChangeAt);
      this.finish(report.durationMs, report.rowsWritten, tally.rejects, null);
      return report;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Whatever failed, start the next cycle on a fresh connection: a broken one must not keep (or lose) the lock silently.
      if (!(error instanceof SyncLockBusyError)) this.dropConnection();
      if (this.stopping) throw error; // interrupted by stop(): not a failed cycle
      this.finish(performance.now() - t0, 0, tally.rejects + 1, message);
      await recordRun(this.options.metricsPool, { startedAt, message, errors: tally.rejects + 1 }).catch(() => undefined);
      throw error;
    } finally {
      rejectLog.finish();
      await this.djangoSession.end();
    }
  }

  /**
   * Copies every entity in turn, parents first (SYNC_ENTITIES' order), logging what concerns an operator (a watermark
   * found ahead of Django's clock, a repayment newly waiting for its loan); returns per entity what it did, the
   * bookkeeping the cycle saves at its end; the rejects each entity reported for the first time are added to `tally` as
   * it ends, so a copy that fails later leaves them counted.
   */
  private async copyEntities(ctx: Omit<CopyContext, 'seen'>, marks: ReadonlyMap<string, Watermark>, tally: { rejects: number }): Promise<EntityCopies> {
    const copies: EntityCopies = { entities: {} as Record<SyncEntity, EntityReport>, tracking: new Map(), unsavedMarks: new Map(), newestChangeAt: null };
    for (const entity of SYNC_ENTITIES) {
      const e0 = performance.now();
      const repaymentsInitialScanPending = (marks.get('repayments') ?? NO_WATERMARK).maxUpdatedAt === null;
      const stats: CopyStats = await step(`copying ${entity}`, () =>
        copyEntity({ ...ctx, seen: this.seenVersions(entity), repaymentsInitialScanPending }, entity, marks.get(entity) ?? NO_WATERMARK),
      );
      copies.entities[entity] = {
        rowsRead: stats.rowsRead,
        rowsWritten: stats.rowsWritten,
        loansRecomputed: stats.loansRecomputed,
        rejects: stats.rejects,
        maxId: stats.watermark.maxId,
        maxUpdatedAt: stats.watermark.maxUpdatedAt,
        heldAt: stats.heldAt,
      };
      if (stats.unsavedWatermark) copies.unsavedMarks.set(entity, stats.watermark);
      if (stats.watermarkAheadOfClock !== null) {
        this.log.warn(
          { entity, watermark: stats.watermarkAheadOfClock, djangoClock: ctx.scanStartedAt, rowsRead: stats.rowsRead, rowsWritten: stats.rowsWritten },
          "the updated_at watermark was ahead of Django's clock, hiding the edits since: every row's version re-read once, the watermark set to the clock",
        );
      }
      if (stats.heldAt !== null && stats.heldAt !== this.loggedHolds.get(entity)) {
        this.log.info({ entity, repaymentId: stats.heldAt }, 'repayment waits for its loan, which Django does not have; the id watermark holds below it');
      }
      this.loggedHolds.set(entity, stats.heldAt);
      copies.tracking.set(entity, { durationMs: performance.now() - e0, rowsRead: stats.rowsRead, rowsWritten: stats.rowsWritten, errors: stats.rejects, maxId: stats.watermark.maxId });
      copies.newestChangeAt = maxTime(copies.newestChangeAt, stats.newestChangeAt);
      tally.rejects += stats.rejects;
    }
    return copies;
  }

  /**
   * Reconciles when this cycle should (driftSearch), up to the ids its copy reached, and records what followed: the
   * survey taken or the time of the reconciliation, the count of rejected rows, the log lines. Null when it does not.
   */
  private async reconcileIfDue(ctx: Omit<CopyContext, 'seen'>, entities: Record<SyncEntity, EntityReport>, force: CycleForce, scanEdits: boolean): Promise<ReconcileResult | null> {
    const search = this.driftSearch(force, scanEdits);
    if (search === null) return null;
    const reconcileStarted = performance.now();
    const through = { officers: entities.officers.maxId, loans: entities.loans.maxId, repayments: entities.repayments.maxId };
    const reconciliation = await step('reconciling', () => reconcile({ ...ctx, seen: new Map() }, through, search));
    this.fingerprints.completed(reconciliation.fingerprintSlice);
    this.lastReconciliationMs = Math.round(performance.now() - reconcileStarted);
    if ('survey' in search) this.survey = null;
    else this.lastReconcileAt = Date.now();
    this.rejectedRows = await step('counting rejected rows', () => countRejectsByEntity(ctx.client));
    logReconciliation(this.log, reconciliation);
    return reconciliation;
  }

  /**
   * Whether this cycle reconciles, and how it finds drifting repayments; null when it does not. Only after a look for
   * edits: an edit not yet copied would otherwise read as drift and be "repaired". The first reconciliation and those
   * forced or asked for by runOnce() compare every loan in the cycle; the loop's later ones start a survey beside its
   * cycles when due, and a cycle after it ends takes it (or, when it failed, compares in the cycle), until one
   * reconciles with it.
   */
  private driftSearch(force: Pick<CycleForce, 'reconcile' | 'surveyAside'>, scanEdits: boolean): DriftSearch | null {
    const due = scanEdits && Date.now() - this.lastReconcileAt >= this.reconcileIntervalMs;
    if (force.reconcile || (due && (!force.surveyAside || this.lastReconcileAt === 0))) return { slice: this.fingerprints.next(force.reconcile) };
    if (!force.surveyAside || !scanEdits) return null;
    const outcome = this.survey?.outcome;
    if (outcome instanceof Error) {
      this.survey = null;
      this.log.warn({ err: outcome }, 'the survey of repayments beside the sync loop failed; this cycle compares them itself');
      return { slice: this.fingerprints.next(false) };
    }
    // Left in place until the reconciliation is through: a cycle that fails leaves the survey to the next one.
    if (outcome) return { survey: outcome };
    if (due && this.survey === null && !this.stopping) this.startSurvey(this.fingerprints.next(false));
    return null;
  }

  /** Surveys the repayments beside the loop's cycles; the first cycle that looks for edits after it ends takes it. */
  private startSurvey(slice: FingerprintSlice): void {
    this.lastReconcileAt = Date.now();
    const { djangoPool, metricsPool, businessTz } = this.options;
    const survey: NonNullable<typeof this.survey> = { outcome: null, running: Promise.resolve() };
    survey.running = surveyRepayments({ djangoPool, metricsPool, businessTz, statementTimeoutMs: this.statementTimeoutMs, overlapMs: this.overlapMs }, slice, this.stopSurvey.signal).then(
      (done) => {
        survey.outcome = done;
        this.lastSurveyMs = done.durationMs;
      },
      (error: unknown) => {
        survey.outcome = error instanceof Error ? error : new Error(String(error));
      },
    );
    this.survey = survey;
  }

  private seenVersions(entity: SyncEntity): Map<string, string> {
    let versions = this.seen.get(entity);
    if (!versions) this.seen.set(entity, (versions = new Map()));
    return versions;
  }

  private finish(durationMs: number, rows: number, errors: number, error: string | null): void {
    this.lastCycleAt = new Date();
    this.lastCycleMs = Math.round(durationMs);
    this.rowsLastCycle = rows;
    this.errorsLastCycle = errors;
    this.lastError = error;
    if (error === null) this.cycles.succeeded += 1;
    else this.cycles.failed += 1;
  }
}

/** What a cycle does whatever the intervals say, and whether a scheduled reconciliation surveys beside the cycles. */
interface CycleForce {
  reconcile: boolean;
  scanEdits: boolean;
  surveyAside: boolean;
}

/** What a cycle's copy of every entity did, and the bookkeeping saved at the cycle's end. */
interface EntityCopies {
  entities: Record<SyncEntity, EntityReport>;
  tracking: Map<string, EntityRunStats>;
  /** Updated_at watermarks moved without a write of their own (nothing new was copied). */
  unsavedMarks: Map<string, Watermark>;
  newestChangeAt: string | null;
}

/** A successful cycle's report: per entity what it did, and the totals over entities and reconciliation. */
function cycleReport(cycle: {
  startedAt: Date;
  t0: number;
  asOf: string;
  openLoansRecomputed: number | null;
  scanEdits: boolean;
  entities: Record<SyncEntity, EntityReport>;
  rejects: number;
  newestChangeAt: string | null;
  reconciliation: ReconcileResult | null;
}): CycleReport {
  const { entities, reconciliation } = cycle;
  const sum = (key: 'rowsRead' | 'rowsWritten' | 'loansRecomputed'): number => Object.values(entities).reduce((n, e) => n + e[key], 0);
  return {
    startedAt: cycle.startedAt,
    finishedAt: new Date(),
    durationMs: performance.now() - cycle.t0,
    asOf: cycle.asOf,
    openLoansRecomputed: cycle.openLoansRecomputed,
    editsScanned: cycle.scanEdits,
    entities,
    rowsRead: sum('rowsRead'),
    rowsWritten: sum('rowsWritten') + (reconciliation ? reconciliation.repaymentsWritten + reconciliation.repaymentsDeleted : 0),
    loansRecomputed: sum('loansRecomputed') + (reconciliation?.loansRecomputed ?? 0),
    rejects: cycle.rejects,
    newestChangeAt: cycle.newestChangeAt,
    reconciliation,
  };
}
