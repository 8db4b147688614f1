/**
 * Copies one Django table into seedsmetrics (D11): keyset pages of new-or-changed rows, each page written in
 * ONE seedsmetrics transaction that upserts the rows, records rejects, recomputes the loans it touched
 * (with the repayment trigger skipped, so each loan is recomputed once) and advances the watermark. How each kind
 * of row is written (a bad row never aborts its batch) is batch-writers.ts'; the transaction, batch-transaction.ts'.
 */
import type pg from 'pg';
import { announceRejects, inBatchTransaction, recomputeBatch } from './batch-transaction';
import { addToReport, emptyOutcome, NO_MISSING_LOANS, writeEntityRows, type BatchOutcome, type MissingLoans } from './batch-writers';
import type { DjangoReader, SyncEntity } from './django-reader';
import type { RepaymentSourceRow, SourceRow, ScheduleSourceRow } from './django-source-rows';
import type { RecomputeSteps } from './recompute';
import { copiedVersions, RECOMPUTE_REJECT_ENTITY, recordRejects, type Reject } from './upsert';
import { latestPlausible, maxId, maxTime, windowStart, writeWatermark, type Watermark } from './watermarks';

export interface CopyContext {
  reader: DjangoReader;
  /** The worker's dedicated seedsmetrics connection (it holds the advisory lock). */
  client: pg.ClientBase;
  recompute: RecomputeSteps;
  /** Business date the touched loans are recomputed at. */
  asOf: string;
  /**
   * Django's clock when this cycle began, before any read (UTC ISO). Every row committed before it was visible
   * to the cycle, so the next window only has to start there minus the overlap (rows whose transaction was
   * still open), however long ago the newest change was. It is also as far as the updated_at watermark goes:
   * a row dated later (a wrong clock, a bad import) must not carry the watermark into the future, where the
   * window would no longer see the edits Django stamps with its real time.
   */
  scanStartedAt: string;
  overlapMs: number;
  /**
   * How long a repayment whose loan Django does not have holds the id watermark below it, by the distance of its
   * updated_at from Django's clock (either way, so a row dated in the future is not waited for forever). Within
   * it the loan may still be committed (the next cycle pulls it); past it the repayment is rejected once and the
   * watermark moves on, and the reconciliation copies it if the loan ever appears.
   */
  missingLoanWaitMs: number;
  /**
   * False: this cycle copies new rows only and skips the overlap window (edits). The updated_at watermark then
   * stays where it is, so the next cycle that scans edits covers this one's. @default true
   */
  scanEdits?: boolean;
  batchSize: number;
  /** Called once per reject the first time it is reported. */
  onReject(entity: string, reject: Reject): void;
  /** Versions (id → Django updated_at) of this entity's rows this worker has committed and need not rewrite. */
  seen: Map<string, string>;
  /**
   * True while the repayments have not finished their initial scan: it ends by recomputing every loan, so the
   * loans' own initial scan must not compute them first. Computing a loan before its repayments are copied
   * gives it a DPD it never had; the second computation would then log thousands of bucket "moves" that never
   * happened (the first computation of a loan is its starting point and appends no transition).
   */
  repaymentsInitialScanPending?: boolean;
  /** True once the worker is stopping: no further batch starts (the one under way is cancelled by the worker). */
  stopping?: () => boolean;
}

export interface CopyStats {
  rowsRead: number;
  rowsWritten: number;
  loansRecomputed: number;
  /** Rejects reported for the first time. */
  rejects: number;
  /** Newest Django updated_at among the rows read (UTC ISO text). */
  newestChangeAt: string | null;
  /** Id of a repayment whose loan is missing everywhere: the watermark waits below it for the next cycle. */
  heldAt: string | null;
  /**
   * The updated_at watermark as stored when it was ahead of Django's clock (else null). Such a watermark hid
   * every edit stamped before it minus the overlap, so this look re-read every row's version once and ended at
   * the clock.
   */
  watermarkAheadOfClock: string | null;
  watermark: Watermark;
  /** True when `watermark` moved (updated_at only) without being written: the caller saves it. */
  unsavedWatermark: boolean;
}

/**
 * Reports the rows dated more than the overlap after Django's clock (a wrong server clock, a bad import): taken as they
 * are (such a row only stays inside the window until the clock passes it), but Django holds a wrong time. A row already
 * reported for something else gets this added to its reason (one reject per row); a flagged row leaves `fixedIds`,
 * which would clear the report again in the same batch. (Rows without updated_at are noted by the batch writers.)
 */
function flagFutureRows(rows: readonly SourceRow[], ctx: Pick<CopyContext, 'scanStartedAt' | 'overlapMs'>, outcome: BatchOutcome): void {
  const plausible = latestPlausible(ctx.scanStartedAt, ctx.overlapMs);
  const flagged = new Set<string>();
  for (const row of rows) {
    if (row.updated_at === null || row.updated_at <= plausible || outcome.heldIds.has(row.id)) continue;
    addToReport(outcome, row, `updated_at ${row.updated_at} is later than Django's clock (${ctx.scanStartedAt})`);
    flagged.add(row.id);
  }
  if (flagged.size > 0) outcome.fixedIds = outcome.fixedIds.filter((id) => !flagged.has(id));
}

/** Rows of a page that the keyset selected (schedules carry their loans' other instalments too). */
function pageRows(entity: SyncEntity, rows: readonly SourceRow[]): SourceRow[] {
  return entity === 'loan_schedule' ? (rows as ScheduleSourceRow[]).filter((r) => r.in_page) : [...rows];
}

/** Read before the batch transaction: which loans are missing locally, and those loans from Django. */
async function missingLoans(ctx: CopyContext, rows: readonly RepaymentSourceRow[]): Promise<MissingLoans> {
  const ids = [...new Set(rows.map((r) => r.loan_id))];
  if (ids.length === 0) return NO_MISSING_LOANS;
  const { rows: missing } = await ctx.client.query<{ id: string }>(
    `SELECT id FROM unnest($1::text[]) AS id WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = id)`,
    [ids],
  );
  if (missing.length === 0) return NO_MISSING_LOANS;
  const missingIds = missing.map((r) => r.id);
  return { ids: new Set(missingIds), pulled: await ctx.reader.loansByIds(missingIds) };
}

/**
 * Copies every new or changed row of one entity and returns what it did and the final watermark. Two phases:
 * 1. the overlap window: rows at or below the id watermark whose updated_at is at or after the watermark
 *    minus the overlap (edits, and rows committed late). Their versions are read narrowly first; versions this
 *    worker already committed (`ctx.seen`, id → updated_at) are skipped, the rest fetched by id in batches;
 * 2. new rows: keyset pages of ids above the id watermark, the next page read while this one is written.
 * Each batch is one seedsmetrics transaction (rows, rejects, recompute of the touched loans, watermark). The
 * id watermark moves with phase 2's pages; the updated_at watermark once the whole entity is done.
 *
 * During an entity's first scan (no updated_at watermark yet: the initial load) loans are not recomputed
 * batch by batch; the scan's last page recomputes them once in its transaction (every loan, for repayments).
 * A crash in the middle leaves the initial scan unfinished, so the resumed scan ends with the same recompute,
 * and loans never computed are covered by the start-up recompute_open_loans.
 */
export async function copyEntity(ctx: CopyContext, entity: SyncEntity, start: Watermark): Promise<CopyStats> {
  const initialScan = start.maxUpdatedAt === null;
  // The initial scan reads every row (phase 2), so it covers edits whatever the cycle asked.
  const coversEdits = ctx.scanEdits !== false || initialScan;
  // A watermark later than Django's clock was saved before the watermark stopped at the clock (a row dated in
  // the future carried it), or Django's clock went back. Either way its window started too late for the edits
  // since, and nothing tells how far back they go: this look re-reads the version of every row once. The
  // watermark as stored stays until the look completes, so a look that fails half-way is redone.
  const aheadOfClock = coversEdits && start.maxUpdatedAt !== null && start.maxUpdatedAt > ctx.scanStartedAt;
  const stats: CopyStats = {
    rowsRead: 0,
    rowsWritten: 0,
    loansRecomputed: 0,
    rejects: 0,
    newestChangeAt: null,
    heldAt: null,
    watermarkAheadOfClock: aheadOfClock ? start.maxUpdatedAt : null,
    watermark: start,
    unsavedWatermark: false,
  };
  const deferredLoans = new Set<string>();
  const isFresh = (row: SourceRow): boolean => ctx.seen.get(row.id) !== row.updated_at;
  // Remember only versions a later overlap window can re-read: that window starts at the watermark this scan
  // ends with, minus the overlap, and the watermark never ends below this bound. Without it the initial load
  // held every row of the table in memory until its end (4.7 M repayments at scale 10).
  const rememberFrom = versionCutoff(coversEdits ? ctx.scanStartedAt : start.maxUpdatedAt, ctx.overlapMs);

  /** Writes one batch; `lastId` is the keyset position reached (null in the window phase), `complete` ends the scan. */
  const writeBatch = async (rows: readonly SourceRow[], lastId: string | null, complete: boolean): Promise<void> => {
    if (ctx.stopping?.() === true) throw new Error('the sync worker is stopping');
    // Schedules carry their loans' other instalments: the version filter applies to the selected rows only.
    const fresh = entity === 'loan_schedule' ? (pageRows(entity, rows).some(isFresh) ? [...rows] : []) : rows.filter(isFresh);
    const missing = entity === 'repayments' ? await missingLoans(ctx, fresh as RepaymentSourceRow[]) : NO_MISSING_LOANS;
    const outcome = emptyOutcome();
    // The repayments' initial scan always ends with the recompute of every loan, even when Django has no repayment
    // yet: the loans' scan left computing to it.
    const finishesInitialLoad = (): boolean =>
      initialScan && complete && (entity === 'repayments' || (entity === 'loans' && (deferredLoans.size > 0 || start.maxId !== '0')));
    const nextMark = (batchHeldAt: string | null): Watermark =>
      nextWatermark(stats.watermark, lowerId(stats.heldAt, batchHeldAt), lastId, complete && coversEdits ? ctx.scanStartedAt : null);
    const write = async (): Promise<{ mark: Watermark; reported: Reject[]; recomputeReported: Reject[]; recomputed: number }> => {
      await writeEntityRows(ctx, entity, fresh, missing, outcome);
      flagFutureRows(pageRows(entity, fresh), ctx, outcome);
      const reported = await recordRejects(ctx.client, entity, outcome.rejects, outcome.fixedIds);
      let recomputeNow = [...outcome.touchedLoans];
      if (initialScan) {
        for (const id of outcome.touchedLoans) deferredLoans.add(id);
        recomputeNow =
          !finishesInitialLoad() || (entity === 'loans' && ctx.repaymentsInitialScanPending)
            ? []
            : entity === 'repayments'
              ? await allLoanIds(ctx.client)
              : [...deferredLoans];
      }
      const recomputeReported: Reject[] = [];
      const recomputed = await recomputeBatch(ctx, recomputeNow.sort(), recomputeReported);
      const mark = nextMark(outcome.heldAt);
      if (mark.maxId !== stats.watermark.maxId || mark.maxUpdatedAt !== stats.watermark.maxUpdatedAt || stats.unsavedWatermark) {
        await writeWatermark(ctx.client, entity, mark);
        stats.unsavedWatermark = false;
      }
      return { mark, reported, recomputeReported, recomputed };
    };
    let done: { mark: Watermark; reported: Reject[]; recomputeReported: Reject[]; recomputed: number };
    if (fresh.length > 0 || finishesInitialLoad()) {
      done = await inBatchTransaction(ctx.client, write);
    } else {
      // Every row is already copied in this version: only the watermark may move. A move of the updated_at
      // watermark alone covers nothing uncommitted, so the worker saves it with the cycle's bookkeeping.
      const mark = nextMark(null);
      if (mark.maxId !== stats.watermark.maxId) {
        await inBatchTransaction(ctx.client, () => writeWatermark(ctx.client, entity, mark));
      } else if (mark.maxUpdatedAt !== stats.watermark.maxUpdatedAt) {
        stats.unsavedWatermark = true;
      }
      done = { mark, reported: [], recomputeReported: [], recomputed: 0 };
    }
    stats.heldAt = lowerId(stats.heldAt, outcome.heldAt);
    for (const row of pageRows(entity, fresh)) {
      if (!outcome.heldIds.has(row.id) && row.updated_at !== null && (rememberFrom === null || row.updated_at >= rememberFrom)) ctx.seen.set(row.id, row.updated_at);
    }
    stats.rejects += announceRejects(ctx, entity, done.reported) + announceRejects(ctx, RECOMPUTE_REJECT_ENTITY, done.recomputeReported);
    stats.rowsWritten += outcome.written;
    stats.loansRecomputed += done.recomputed;
    stats.watermark = done.mark;
  };

  /** Copies the rows of these versions that neither this worker committed nor the copy holds in that version. */
  const copyVersions = async (versions: readonly SourceRow[], copied: ReadonlyMap<string, string> = new Map()): Promise<void> => {
    for (const version of versions) stats.newestChangeAt = maxTime(stats.newestChangeAt, version.updated_at);
    stats.rowsRead += versions.length;
    const unseen = versions.filter((v) => isFresh(v) && copied.get(v.id) !== v.updated_at).map((v) => v.id);
    for (let i = 0; i < unseen.length; i += ctx.batchSize) {
      await writeBatch(await ctx.reader.page(entity, { ids: unseen.slice(i, i + ctx.batchSize) }), null, false);
    }
  };

  /** Phase 1: the overlap window, or every row up to the id watermark when the watermark cannot be trusted. */
  const copyEdits = async (): Promise<void> => {
    if (aheadOfClock) {
      for (let afterId = '0'; ; ) {
        const versions = await ctx.reader.versionsPage(entity, afterId, start.maxId, ctx.batchSize);
        // Only rows whose copy holds another version are fetched and written: at scale 1 that spares fetching and
        // upserting 465k repayments (officers and customers keep no version in the copy: all of theirs are fetched).
        await copyVersions(versions, await copiedVersions(ctx.client, entity, versions.map((v) => v.id)));
        if (versions.length < ctx.batchSize) break;
        afterId = versions[versions.length - 1]!.id;
      }
    } else {
      const since = coversEdits ? windowStart(start.maxUpdatedAt, ctx.overlapMs) : null;
      if (since !== null) await copyVersions(await ctx.reader.windowVersions(entity, start.maxId, since));
    }
  };

  /** Phase 2: new ids, keyset pages, the next page read from Django while this one is written. */
  const copyNewRows = async (): Promise<void> => {
    const read = (afterId: string): Promise<SourceRow[]> => ctx.reader.page(entity, { afterId, limit: ctx.batchSize });
    let pending = read(start.maxId);
    for (;;) {
      const rows = await pending;
      const selected = pageRows(entity, rows);
      const complete = selected.length < ctx.batchSize;
      const lastId = selected.length > 0 ? selected[selected.length - 1]!.id : start.maxId;
      if (!complete) {
        // Read the next page from Django while this one is written to seedsmetrics (the keyset cursor is known).
        pending = read(lastId);
        pending.catch(() => undefined); // awaited (and its error thrown) on the next turn, unless this page fails first
      }
      for (const row of selected) stats.newestChangeAt = maxTime(stats.newestChangeAt, row.updated_at);
      stats.rowsRead += selected.length;
      await writeBatch(rows, lastId, complete);
      if (complete) break;
    }
  };

  await copyEdits();
  await copyNewRows();
  forgetBefore(ctx.seen, versionCutoff(stats.watermark.maxUpdatedAt, ctx.overlapMs));
  return stats;
}

async function allLoanIds(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ loan_id: string }>('SELECT loan_id FROM loans');
  return rows.map((r) => r.loan_id);
}

/**
 * The oldest version the overlap window of a watermark at `maxUpdatedAt` re-reads, in the microsecond ISO form
 * rows carry (so versions compare as strings); null when there is no window yet.
 */
function versionCutoff(maxUpdatedAt: string | null, overlapMs: number): string | null {
  const start = windowStart(maxUpdatedAt, overlapMs);
  return start === null ? null : start.replace('Z', '000Z');
}

/** Drops versions older than the next re-read window: they will not be read again. */
function forgetBefore(seen: Map<string, string>, cutoff: string | null): void {
  if (cutoff === null) return;
  for (const [id, version] of seen) if (version < cutoff) seen.delete(id);
}

const minId = (a: string, b: string): string => (BigInt(a) <= BigInt(b) ? a : b);

/** The lower of two ids, either of which may be missing (null). */
const lowerId = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : minId(a, b));

/**
 * The watermark after a batch: the id the keyset reached (`lastId`; null in the window phase, which moves none), kept
 * below the lowest repayment held for its loan, never lower than before; and, once a look that covers edits completes
 * (`coveredUntil`), Django's clock at its start as the updated_at watermark.
 */
function nextWatermark(current: Watermark, heldAt: string | null, lastId: string | null, coveredUntil: string | null): Watermark {
  const reached = lastId === null ? current.maxId : heldAt === null ? lastId : minId((BigInt(heldAt) - 1n).toString(), lastId);
  return {
    maxId: maxId(current.maxId, reached),
    // Django's clock at the start, never the newest updated_at read: a row dated in the future stays inside
    // the window (skipped as copied) instead of moving it past the edits that follow. A held repayment does
    // not hold this back: ids from the held one up are re-read through the id watermark.
    maxUpdatedAt: coveredUntil ?? current.maxUpdatedAt,
  };
}
