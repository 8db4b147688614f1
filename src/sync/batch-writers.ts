/**
 * Writes one batch of Django rows of each kind into seedsmetrics inside the caller's transaction — officers and
 * customers, loans with the parties they need, repayments with the loans they need — row by row where seedsmetrics
 * refuses one, gathering what was written, rejected, held back and which loans it touched (BatchOutcome).
 */
import type pg from 'pg';
import type { CopyContext } from './copy';
import { isRowError } from './database-failure';
import type { SyncEntity } from './django-reader';
import { AMOUNT_LIMIT, type CustomerSourceRow, type HolidaySourceRow, type KeptNote, type LoanSourceRow, type OfficerSourceRow, type RepaymentSourceRow, type ScheduleSourceRow, type SourceRow } from './django-source-rows';
import { insertUnknownOfficers, recordRejects, replaceSchedules, upsertCustomers, upsertHolidays, upsertLoans, upsertOfficers, upsertRepayments, type Reject } from './upsert';

/** The reject of `row` for `reason`: its id and version, and its loan when it is a repayment or schedule row. */
export function rejectOf(row: SourceRow, reason: string): Reject {
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

/** Loans the repayments of a page refer to that seedsmetrics lacks, and what Django has of them. */
export interface MissingLoans {
  ids: Set<string>;
  pulled: LoanSourceRow[];
}

export const NO_MISSING_LOANS: MissingLoans = { ids: new Set(), pulled: [] };

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

const LATER_EDITS = 'its later edits are copied by the reconciliation only (SYNC_RECONCILE_INTERVAL_MS)';

/** What the sync says of a row without updated_at: taken, but the edit scan cannot see its edits. */
export const NO_UPDATED_AT = `updated_at is NULL: kept; ${LATER_EDITS}`;

/** What the edit scan's blindness means for a row that was not copied: only a reconciliation will look at it again. */
const EDITS_AT_RECONCILIATION = 'its edits are seen by the reconciliation only (SYNC_RECONCILE_INTERVAL_MS)';

/**
 * The note of a row whose updated_at is NULL or infinite (the edit scan cannot see its edits), or null: "kept" for a row
 * the batch copied, and without it for one it did not.
 */
function noVersionNote(row: SourceRow, copied: boolean): string | null {
  if (row.updated_at !== null) return null;
  const infinite = row.infinite_updated_at ?? null;
  const what = infinite === null ? 'updated_at is NULL' : `updated_at must be a point in time; got ${infinite}`;
  return copied ? `${what}: kept; ${LATER_EDITS}` : `${what}: ${EDITS_AT_RECONCILIATION}`;
}

/**
 * What every entity's batch reports of its rows (`given`), once each, in this one place for the scan (copy.ts) and the
 * reconciliation alike: a row it copied (`written`) with its notes (kept_note: odd dates, truncated text; no
 * updated_at), or, with none, losing a note an earlier version had; any other row without a usable updated_at with
 * that note added to what the batch said of it (refused, rejected) or alone (not copied: a loan not disbursed). A
 * reconciliation that copied such a row again used to clear its report.
 */
function reportRows(given: readonly SourceRow[], written: ReadonlyArray<SourceRow & Partial<KeptNote>>, outcome: BatchOutcome): void {
  for (const row of written) {
    const note = [row.kept_note ?? null, noVersionNote(row, true)].filter((n) => n !== null).join('; ');
    if (note === '') outcome.fixedIds.push(row.id);
    else outcome.rejects.push(rejectOf(row, note));
  }
  const copied = new Set(written.map((row) => row.id));
  for (const row of given) {
    const note = copied.has(row.id) ? null : noVersionNote(row, false);
    if (note !== null) addToReport(outcome, row, note);
  }
}

/** Adds `clause` to what the batch reports of `row`: to its reason when it has one (one reject per row), else alone. */
export function addToReport(outcome: BatchOutcome, row: SourceRow, clause: string): void {
  const earlier = outcome.rejects.find((r) => r.id === row.id);
  if (earlier) earlier.reason = `${earlier.reason}; ${clause}`;
  else outcome.rejects.push(rejectOf(row, clause));
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
  reportRows(rows, written, outcome);
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
  reportRows(rows, written, outcome);
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
  reportRows(rows, written, outcome);
}

/**
 * Writes a batch of `entity`'s rows, each kind its own way, into `outcome`; `missing` are the loans its repayments
 * refer to that seedsmetrics lacked when the batch was read.
 */
export async function writeEntityRows(ctx: CopyContext, entity: SyncEntity, rows: readonly SourceRow[], missing: MissingLoans, outcome: BatchOutcome): Promise<void> {
  switch (entity) {
    case 'officers':
    case 'customers':
      await writeParties(ctx.client, entity, rows as Array<OfficerSourceRow | CustomerSourceRow>, outcome);
      break;
    case 'loans':
      await writeLoans(ctx.client, rows as LoanSourceRow[], outcome);
      // Before the repayments' first scan, that scan copies every repayment and then computes every loan.
      if (!ctx.repaymentsInitialScanPending) await copyRepaymentsOfInsertedLoans(ctx, outcome);
      break;
    case 'repayments':
      await writeRepayments(ctx, rows as RepaymentSourceRow[], missing, outcome);
      break;
    case 'loan_schedule': {
      outcome.written += await replaceSchedules(ctx.client, rows as ScheduleSourceRow[], ctx.asOf);
      // A page carries its loans' other instalments: those are the rows of other pages, reported there.
      const selected = (rows as ScheduleSourceRow[]).filter((row) => row.in_page);
      reportRows(selected, selected, outcome);
      break;
    }
    case 'holiday':
      outcome.written += await upsertHolidays(ctx.client, rows as HolidaySourceRow[]);
      reportRows(rows, rows, outcome);
      break;
  }
}
