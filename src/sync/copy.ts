/**
 * Copies one Django table into seedsmetrics (D11): keyset pages of new-or-changed rows, each page written in
 * ONE seedsmetrics transaction that upserts the rows, records rejects, recomputes the loans it touched
 * (with the repayment trigger skipped, so each loan is recomputed once) and advances the watermark.
 * A bad row never aborts its batch: rows that break a constraint are retried one by one under savepoints
 * and the failing ones are rejected with PostgreSQL's message.
 */
import type pg from 'pg';
import { lockEngineInTransaction } from '../engine/recompute';
import { isRowError } from './database-failure';
import {
  AMOUNT_LIMIT,
  type CustomerSourceRow,
  type DjangoReader,
  type KeptNote,
  type LoanSourceRow,
  type OfficerSourceRow,
  type RepaymentSourceRow,
  type ScheduleSourceRow,
  type SourceRow,
  type SyncEntity,
} from './django-reader';
import { recomputeLoansIsolated } from './isolated-recompute';
import type { RecomputeSteps } from './recompute';
import {
  copiedVersions,
  insertUnknownOfficers,
  RECOMPUTE_REJECT_ENTITY,
  recordRejects,
  replaceSchedules,
  upsertCustomers,
  upsertHolidays,
  upsertLoans,
  upsertOfficers,
  upsertRepayments,
  type Reject,
} from './upsert';
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

/** The reject of `row` for `reason`: its id and version, and its loan when it is a repayment or schedule row. */
function rejectOf(row: SourceRow, reason: string): Reject {
  const loanId = 'loan_id' in row && typeof row.loan_id === 'string' ? row.loan_id : null;
  return { id: row.id, reason, version: row.updated_at, loanId };
}

/** What writing one batch did, inside its transaction. */
export interface BatchOutcome {
  written: number;
  touchedLoans: Set<string>;
  rejects: Reject[];
  /** Rows that are fine now: a reject they had is cleared. */
  fixedIds: string[];
  heldAt: string | null;
  /** Repayments not written because their loan is missing everywhere (retried next cycle). */
  heldIds: Set<string>;
  /** Loans this batch inserted (the copy had no row for them before). */
  insertedLoans: Set<string>;
}

export const emptyOutcome = (): BatchOutcome => ({ written: 0, touchedLoans: new Set(), rejects: [], fixedIds: [], heldAt: null, heldIds: new Set(), insertedLoans: new Set() });

/**
 * Writes `rows` with `write` under a savepoint; if a row breaks a constraint, rolls back and writes them one by
 * one, rejecting each failing row with the database's message (added to `rejects`, and returned as `refused`: row
 * id → reason). Other errors propagate (the batch rolls back).
 */
async function writeResilient<R extends SourceRow>(
  client: pg.ClientBase,
  rows: readonly R[],
  write: (rows: readonly R[]) => Promise<void>,
  rejects: Reject[],
): Promise<{ written: R[]; refused: [string, string][] }> {
  if (rows.length === 0) return { written: [], refused: [] };
  await client.query('SAVEPOINT sync_batch');
  try {
    await write(rows);
    await client.query('RELEASE SAVEPOINT sync_batch');
    return { written: [...rows], refused: [] };
  } catch (error) {
    if (!isRowError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT sync_batch');
  }
  const written: R[] = [];
  const refused: [string, string][] = [];
  for (const row of rows) {
    await client.query('SAVEPOINT sync_row');
    try {
      await write([row]);
      await client.query('RELEASE SAVEPOINT sync_row');
      written.push(row);
    } catch (error) {
      if (!isRowError(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT sync_row');
      const reason = `rejected by seedsmetrics: ${error.message} (SQLSTATE ${error.code})`;
      rejects.push(rejectOf(row, reason));
      refused.push([row.id, reason]);
    }
  }
  return { written, refused };
}

/**
 * Recomputes a batch's loans in its transaction, setting aside those the engine fails on (src/sync/isolated-recompute.ts);
 * the reports made for the first time are added to `reported`, for the caller to announce once the batch commits.
 * Returns the number of loans recomputed.
 */
export async function recomputeBatch(ctx: Pick<CopyContext, 'client' | 'recompute' | 'asOf'>, loanIds: readonly string[], reported: Reject[]): Promise<number> {
  const { recomputed, newlyReported } = await recomputeLoansIsolated(ctx.client, ctx.recompute, loanIds, ctx.asOf);
  reported.push(...newlyReported);
  return recomputed;
}

/** Announces the reports a committed batch made for the first time; returns how many. */
export function announceRejects(ctx: Pick<CopyContext, 'onReject'>, entity: string, rejects: readonly Reject[]): number {
  for (const reject of rejects) ctx.onReject(entity, reject);
  return rejects.length;
}

/**
 * Reports the notes of rows copied as they are (kept_note: odd dates, truncated text) once each; rows copied
 * without one lose a note an earlier version had.
 */
function reportKept(rows: ReadonlyArray<SourceRow & KeptNote>, outcome: BatchOutcome): void {
  for (const row of rows) {
    if (row.kept_note === null) outcome.fixedIds.push(row.id);
    else outcome.rejects.push(rejectOf(row, row.kept_note));
  }
}

/**
 * Writes Django officers or customers, row by row when seedsmetrics refuses one (a Django column wider than the
 * copy's, a rule the reader does not check), as loans and repayments are: one such row used to fail every cycle (and
 * every reconciliation that copied it again). The refused ones are in `outcome.rejects`; an officer whose uncurated
 * branch moved adds its loans to `outcome.touchedLoans`. Returns the ids written.
 */
export async function writeParties(
  client: pg.ClientBase,
  entity: 'officers' | 'customers',
  rows: ReadonlyArray<OfficerSourceRow | CustomerSourceRow>,
  outcome: BatchOutcome,
): Promise<string[]> {
  const upsert = async (batch: ReadonlyArray<OfficerSourceRow | CustomerSourceRow>): Promise<number> =>
    entity === 'officers'
      ? (await upsertOfficers(client, batch as OfficerSourceRow[], false, outcome.touchedLoans)).length
      : (await upsertCustomers(client, batch as CustomerSourceRow[])).length;
  const { written } = await writeResilient(client, rows, async (batch) => void (outcome.written += await upsert(batch)), outcome.rejects);
  reportKept(written, outcome);
  return written.map((row) => row.id);
}

/** The refused officers or customers (id → reason) of which seedsmetrics holds no earlier copy. One statement, none when there are none. */
async function withoutCopy(client: pg.ClientBase, table: 'officers' | 'customers', refused: readonly [string, string][]): Promise<Map<string, string>> {
  const refusals = new Map(refused);
  if (refusals.size === 0) return refusals;
  const column = table === 'officers' ? 'officer_id' : 'customer_id';
  const { rows } = await client.query<{ id: string }>(`SELECT ${column} AS id FROM ${table} WHERE ${column} = ANY($1::text[])`, [[...refusals.keys()]]);
  for (const { id } of rows) refusals.delete(id);
  return refusals;
}

/**
 * Writes loans with what they need first: their officers (inactive ones as placeholders with
 * is_active_in_django = false, unknown ones as 'Unknown officer <id>') and customers. Loans outside the
 * population are skipped (not disbursed) or rejected (everything else), never written.
 */
export async function writeLoans(client: pg.ClientBase, rows: readonly LoanSourceRow[], outcome: BatchOutcome): Promise<void> {
  const ok: LoanSourceRow[] = [];
  for (const row of rows) {
    if (!row.is_disbursed) continue;
    const reason = row.reject_reason ?? (row.customer === null ? `borrower ${row.customer_id} does not exist in Django` : null);
    if (reason !== null) outcome.rejects.push(rejectOf(row, reason));
    else ok.push(row);
  }
  const officers = new Map<string, OfficerSourceRow>();
  const unknownOfficers = new Set<string>();
  const customers = new Map<string, CustomerSourceRow>();
  for (const row of ok) {
    // Their own copy reports what is odd about them (kept_note), once, under their own entity.
    if (row.officer !== null) officers.set(row.officer_id!, { ...row.officer, id: row.officer_id!, updated_at: row.updated_at, kept_note: null });
    else unknownOfficers.add(row.officer_id!);
    customers.set(row.customer_id, { ...row.customer!, id: row.customer_id, updated_at: row.updated_at, kept_note: null });
  }
  // An officer or customer seedsmetrics refuses (reported under its own entity by its own copy) no longer aborts the
  // batch: its loans keep to its earlier copy, or without one are not copied, naming why.
  const officersWritten = await writeResilient(client, [...officers.values()], async (batch) => void (await upsertOfficers(client, batch, true, outcome.touchedLoans)), []);
  const officerRefusals = await withoutCopy(client, 'officers', officersWritten.refused);
  await insertUnknownOfficers(client, [...unknownOfficers]);
  const customersWritten = await writeResilient(client, [...customers.values()], async (batch) => void (await upsertCustomers(client, batch)), []);
  const customerRefusals = await withoutCopy(client, 'customers', customersWritten.refused);
  const loans: LoanSourceRow[] = [];
  for (const row of ok) {
    const officerRefusal = officerRefusals.get(row.officer_id!);
    const customerRefusal = customerRefusals.get(row.customer_id);
    if (officerRefusal !== undefined) outcome.rejects.push(rejectOf(row, `officer ${row.officer_id} could not be copied (${officerRefusal}): not copied`));
    else if (customerRefusal !== undefined) outcome.rejects.push(rejectOf(row, `borrower ${row.customer_id} could not be copied (${customerRefusal}): not copied`));
    else loans.push(row);
  }
  const { written } = await writeResilient(
    client,
    loans,
    async (batch) => {
      for (const loan of await upsertLoans(client, batch)) {
        outcome.touchedLoans.add(loan.loanId);
        if (loan.inserted) outcome.insertedLoans.add(loan.loanId);
        outcome.written += 1;
      }
    },
    outcome.rejects,
  );
  reportKept(written, outcome);
}

/**
 * Copies, in the batch's transaction, the repayments Django already has for the loans the batch inserted, so that
 * a loan is first computed with them. Computed without, a loan committed together with its repayments (or late,
 * and found by another look than its repayments) got the DPD of a loan never repaid, kept it as max_dpd_ever,
 * and moved PAR and the DPD feed back and forth when its repayments followed. Their rejects are reported under
 * repayments, as their own copy would; that copy later finds them written (idempotent upserts).
 */
export async function copyRepaymentsOfInsertedLoans(ctx: CopyContext, outcome: BatchOutcome): Promise<number> {
  if (outcome.insertedLoans.size === 0) return 0;
  const rows = await ctx.reader.repaymentsOfLoans([...outcome.insertedLoans]);
  if (rows.length === 0) return 0;
  const repayments: BatchOutcome = { ...emptyOutcome(), touchedLoans: outcome.touchedLoans };
  await writeRepayments(ctx, rows, NO_MISSING_LOANS, repayments);
  for (const reject of await recordRejects(ctx.client, 'repayments', repayments.rejects, repayments.fixedIds)) ctx.onReject('repayments', reject);
  return repayments.written;
}

/** Why a repayment is kept but never counted (D3), or null when it is a normal row. */
function uncountedReason(row: RepaymentSourceRow): string | null {
  if (row.infinite_paid_date !== null) return `paid_date must be a point in time; got ${row.infinite_paid_date}: kept, never counted`;
  if (row.paid_at === null) return 'paid_date is NULL: kept, never counted';
  if (!isPositiveDecimal(row.payment_amount!)) return `repayment_amount must be > 0; got ${row.raw_amount}: kept, never counted`;
  return null;
}

/** A copied repayment with everything worth reporting about it (never counted, odd date, truncated channel). */
function withNotes(row: RepaymentSourceRow): RepaymentSourceRow {
  const uncounted = uncountedReason(row);
  if (uncounted === null) return row;
  return { ...row, kept_note: row.kept_note === null ? uncounted : `${uncounted}; ${row.kept_note}` };
}

/** Sign test on exact decimal text (no float conversion of money): true for 0.01, false for 0.00 and -5.00. */
export function isPositiveDecimal(value: string): boolean {
  return !value.startsWith('-') && /[1-9]/.test(value);
}

/**
 * Writes repayments. A repayment whose loan is not in seedsmetrics pulls that loan from Django first (it may
 * have been committed after this cycle's loan pages); if the loan exists in Django but is outside the
 * population, the repayment is rejected; if it does not exist at all, the watermark holds below it for
 * `missingLoanWaitMs`, then the repayment is rejected.
 */
export async function writeRepayments(ctx: CopyContext, rows: readonly RepaymentSourceRow[], missing: MissingLoans, outcome: BatchOutcome): Promise<void> {
  const { client } = ctx;
  const pulledLoans = missing.pulled;
  const loanOutcome: BatchOutcome = { ...emptyOutcome(), touchedLoans: outcome.touchedLoans };
  if (pulledLoans.length > 0) {
    await writeLoans(client, pulledLoans, loanOutcome);
    for (const reject of await recordRejects(client, 'loans', loanOutcome.rejects, loanOutcome.fixedIds)) ctx.onReject('loans', reject);
    // The first scan recomputes every loan at its end, with all their repayments.
    if (!ctx.repaymentsInitialScanPending) outcome.written += await copyRepaymentsOfInsertedLoans(ctx, loanOutcome);
  }
  const loanRejected = new Map(loanOutcome.rejects.map((r) => [r.id, r.reason]));
  const loanIds = [...new Set(rows.map((r) => r.loan_id))];
  let local: Set<string>;
  if (missing.ids.size === 0) {
    local = new Set(loanIds); // checked just before the transaction, and only this worker writes loans
  } else {
    const { rows: present } = await client.query<{ loan_id: string }>('SELECT loan_id FROM loans WHERE loan_id = ANY($1::text[])', [loanIds]);
    local = new Set(present.map((r) => r.loan_id));
  }
  const inDjango = new Map(pulledLoans.map((l) => [l.id, l]));
  const copyable: RepaymentSourceRow[] = [];
  for (const row of rows) {
    if (!local.has(row.loan_id)) {
      const loan = inDjango.get(row.loan_id);
      if (loan === undefined) {
        // A row without updated_at cannot tell how long ago it was written: it is not waited for.
        if (row.updated_at !== null && Math.abs(Date.parse(ctx.scanStartedAt) - Date.parse(row.updated_at)) < ctx.missingLoanWaitMs) {
          if (outcome.heldAt === null || BigInt(row.id) < BigInt(outcome.heldAt)) outcome.heldAt = row.id;
          outcome.heldIds.add(row.id);
        } else {
          const reason = `loan ${row.loan_id} does not exist in Django: repayment not copied (it is copied with the loan if the loan appears)`;
          outcome.rejects.push(rejectOf(row, reason));
        }
        continue;
      }
      const why = loan.is_disbursed ? (loanRejected.get(row.loan_id) ?? loan.reject_reason ?? 'it was rejected') : 'it is not disbursed';
      outcome.rejects.push(rejectOf(row, `loan ${row.loan_id} is not synced (${why}): repayment not copied`));
      continue;
    }
    if (row.payment_amount === null) {
      outcome.rejects.push(rejectOf(row, `repayment_amount must be a number between -${AMOUNT_LIMIT} and ${AMOUNT_LIMIT}; got ${row.raw_amount}: not copied`));
      continue;
    }
    copyable.push(withNotes(row));
  }
  const { written } = await writeResilient(
    client,
    copyable,
    async (batch) => {
      const result = await upsertRepayments(client, batch);
      outcome.written += result.written;
      for (const id of result.loanIds) outcome.touchedLoans.add(id);
    },
    outcome.rejects,
  );
  reportKept(written, outcome);
}

/** What the sync says of a row without updated_at: taken, but the edit scan cannot see its edits. */
export const NO_UPDATED_AT = 'updated_at is NULL: kept; its later edits are copied by the reconciliation only (SYNC_RECONCILE_INTERVAL_MS)';

/**
 * Reports the rows dated more than the overlap after Django's clock (a wrong server clock, a bad import), and the
 * rows without updated_at. Both are taken as they are (a future row only stays inside the window until the clock
 * passes it), but Django holds a wrong time, or none. A row already rejected for something else gets this added to
 * its reason (one reject per row); a flagged row leaves `fixedIds`, which would clear the report again in the same
 * batch.
 */
function flagFutureRows(rows: readonly SourceRow[], ctx: Pick<CopyContext, 'scanStartedAt' | 'overlapMs'>, outcome: BatchOutcome): void {
  const plausible = latestPlausible(ctx.scanStartedAt, ctx.overlapMs);
  const flagged = new Set<string>();
  for (const row of rows) {
    if ((row.updated_at !== null && row.updated_at <= plausible) || outcome.heldIds.has(row.id)) continue;
    const clause = row.updated_at === null ? NO_UPDATED_AT : `updated_at ${row.updated_at} is later than Django's clock (${ctx.scanStartedAt})`;
    const earlier = outcome.rejects.find((r) => r.id === row.id);
    if (earlier) earlier.reason = `${earlier.reason}; ${clause}`;
    else outcome.rejects.push(rejectOf(row, clause));
    flagged.add(row.id);
  }
  if (flagged.size > 0) outcome.fixedIds = outcome.fixedIds.filter((id) => !flagged.has(id));
}

/**
 * Runs `work` in one seedsmetrics transaction on the dedicated client, with the repayment trigger skipped, holding the
 * engine's lock from the start (lockEngineInTransaction: its rows are locked after it, as every recompute's are).
 */
export async function inBatchTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await lockEngineInTransaction(client);
    // The worker recomputes the touched loans itself, once per batch (D9); the trigger would do it per statement.
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Rows of a page that the keyset selected (schedules carry their loans' other instalments too). */
function pageRows(entity: SyncEntity, rows: readonly SourceRow[]): SourceRow[] {
  return entity === 'loan_schedule' ? (rows as ScheduleSourceRow[]).filter((r) => r.in_page) : [...rows];
}

/** Loan ids the repayments of a page refer to that seedsmetrics does not have (read before the transaction). */
/** Loans the repayments of a page refer to that seedsmetrics lacks, and what Django has of them. */
export interface MissingLoans {
  ids: Set<string>;
  pulled: LoanSourceRow[];
}

export const NO_MISSING_LOANS: MissingLoans = { ids: new Set(), pulled: [] };

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
    const nextMark = (batchHeldAt: string | null): Watermark => {
      const heldAt = batchHeldAt !== null && (stats.heldAt === null || BigInt(batchHeldAt) < BigInt(stats.heldAt)) ? batchHeldAt : stats.heldAt;
      const reached = lastId === null ? stats.watermark.maxId : heldAt === null ? lastId : minId((BigInt(heldAt) - 1n).toString(), lastId);
      return {
        maxId: maxId(stats.watermark.maxId, reached),
        // Django's clock at the start, never the newest updated_at read: a row dated in the future stays inside
        // the window (skipped as copied) instead of moving it past the edits that follow. A held repayment does
        // not hold this back: ids from the held one up are re-read through the id watermark.
        maxUpdatedAt: complete && coversEdits ? ctx.scanStartedAt : stats.watermark.maxUpdatedAt,
      };
    };
    const write = async (): Promise<{ mark: Watermark; reported: Reject[]; recomputeReported: Reject[]; recomputed: number }> => {
      switch (entity) {
        case 'officers':
        case 'customers':
          await writeParties(ctx.client, entity, fresh as Array<OfficerSourceRow | CustomerSourceRow>, outcome);
          break;
        case 'loans':
          await writeLoans(ctx.client, fresh as LoanSourceRow[], outcome);
          // Before the repayments' first scan, that scan copies every repayment and then computes every loan.
          if (!ctx.repaymentsInitialScanPending) await copyRepaymentsOfInsertedLoans(ctx, outcome);
          break;
        case 'repayments':
          await writeRepayments(ctx, fresh as RepaymentSourceRow[], missing, outcome);
          break;
        case 'loan_schedule':
          outcome.written += await replaceSchedules(ctx.client, fresh as ScheduleSourceRow[], ctx.asOf);
          break;
        case 'holiday':
          outcome.written += await upsertHolidays(ctx.client, fresh as never);
          break;
      }
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
    if (outcome.heldAt !== null && (stats.heldAt === null || BigInt(outcome.heldAt) < BigInt(stats.heldAt))) stats.heldAt = outcome.heldAt;
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

  // Phase 1: the overlap window, or every row up to the id watermark when the watermark cannot be trusted.
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

  // Phase 2: new ids, keyset pages.
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
