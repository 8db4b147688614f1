/**
 * Periodic repair of drift (D11, D3), in one transaction per chunk of loans (drift.ts finds it):
 * - loans Django deleted leave the copy (a bounded number at a time: LOAN_REMOVAL_BOUND);
 * - loans Django has but the copy missed (committed later than the overlap window) are copied;
 * - loans, officers and customers whose Django row is no longer the one copied (its fingerprint differs) are
 *   copied again: Django's QuerySet.update() (the admin's bulk actions) leaves updated_at alone, so the edit scan
 *   misses such edits;
 * - per loan, the number and exact sum of Django's repayments (all of them, and those that count under D3) and their
 *   newest change are compared with the copy (one aggregate per database), and so is the fingerprint of their rows
 *   for the loans of the reconciliation's slice (FingerprintSlice; the worker passes every loan in turn); the
 *   repayments of every loan that differs are copied again, copies Django no longer has are deleted, and those loans
 *   recomputed;
 * - the holiday mirror is compared with every Django holiday (a few hundred rows): rows edited behind the edit scan's
 *   back are copied again, rows Django deleted leave;
 * - schedule instalments deleted in Django leave the mirror (the remaining instalments of such a loan are renumbered
 *   as Django now numbers them).
 */
import { removeLoans } from '../engine/recompute';
import { announceRejects, inBatchTransaction, recomputeBatch } from './batch-transaction';
import { copyRepaymentsOfInsertedLoans, emptyOutcome, NO_MISSING_LOANS, writeLoans, writeParties, writeRepayments } from './batch-writers';
import type { CopyContext } from './copy';
import { EVERY_LOAN, SYNC_ENTITIES, type DjangoReader, type FingerprintSlice, type SyncEntity } from './django-reader';
import { findDriftingLoans, findEditedRows, findLoansGoneFromDjango } from './drift';
import type { RepaymentSurvey } from './repayment-survey';
import { deleteVanishedRepayments, RECOMPUTE_REJECT_ENTITY, recordRejects, replaceSchedules, upsertHolidays, type Reject } from './upsert';

export interface ReconcileResult {
  /** Django loans of the population that seedsmetrics lacked (committed too late for the overlap window) and now has. */
  loansAdded: string[];
  /**
   * Loans whose Django row changed without a newer updated_at (QuerySet.update()), or was copied before rows were
   * fingerprinted, re-copied and recomputed.
   */
  loansRefreshed: string[];
  /** Active Django officers seedsmetrics lacked (committed too late for the overlap window, and no loan of theirs since) and now has. */
  officersAdded: string[];
  /** Officers and customers whose Django row changed without a newer updated_at (or was never fingerprinted), copied again. */
  officersRefreshed: string[];
  customersRefreshed: string[];
  /** Copied loans Django deleted, taken out of seedsmetrics (LOAN_REMOVAL_BOUND). */
  loansRemoved: string[];
  /** Copied loans Django lacks, more than LOAN_REMOVAL_BOUND allows at once: kept as they were, repayments included. */
  loansGoneKept: string[];
  /** Loans compared (every loan in seedsmetrics). */
  loansChecked: number;
  /** The loans whose repayments' fingerprints were compared (the others' counts, sums and newest change only). */
  fingerprintSlice: FingerprintSlice;
  /** Loans whose repayments differed and were re-copied and recomputed. */
  loansRepaired: string[];
  repaymentsWritten: number;
  repaymentsDeleted: number;
  /** Holidays whose Django row differed from the mirror's (edited without a newer updated_at), copied again. */
  holidaysRefreshed: number;
  holidaysDeleted: number;
  /** Schedule instalments whose Django row is gone, deleted from the copy. */
  schedulesDeleted: number;
  loansRecomputed: number;
  rejects: number;
  /** Reports in sync_rejects of Django rows deleted since they were reported, ended. */
  reportsEnded: number;
}

/** Loans re-copied per transaction. */
const REPAIR_CHUNK = 200;


/**
 * The loans whose repayments drifted, and how many loans were compared. A survey's loans are compared again as of
 * this cycle (a loan it named may have been copied since, or be changing in Django now), every one fingerprinted.
 */
async function driftingLoans(ctx: CopyContext, throughId: string, search: DriftSearch): Promise<{ checked: number; drifting: string[] }> {
  if (!('survey' in search)) return findDriftingLoans(ctx, throughId, search.slice);
  const { checked, candidates } = search.survey;
  const drifting = candidates.length === 0 ? [] : (await findDriftingLoans(ctx, throughId, EVERY_LOAN, candidates)).drifting;
  return { checked, drifting };
}

/**
 * Copies the disbursed Django loans (the population, §1.8) that seedsmetrics has neither copied nor reported: loans
 * committed too late for the overlap window. A bad one is reported as the copy reports it (and not read again).
 * Only loans up to the id watermark this cycle's copy reached (`throughId`) can be missing: one above it was
 * created after the copy looked, and the next cycle copies it as a new row; adding it here reported it as drift
 * that was never there.
 */
async function addMissingLoans(ctx: CopyContext, disbursed: readonly string[], throughId: string, result: ReconcileResult): Promise<void> {
  const { rows: missing } = await ctx.client.query<{ id: string }>(
    `SELECT id FROM unnest($1::text[]) AS id
     WHERE id::numeric <= $2::numeric
       AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = id)
       AND NOT EXISTS (SELECT 1 FROM sync_rejects r WHERE r.entity = 'loans' AND r.django_id = id)`,
    [disbursed, throughId],
  );
  result.loansAdded.push(...(await copyLoans(ctx, missing.map((r) => r.id), result)));
}

/**
 * Copies the active Django officers (the population, §1.8) up to the id watermark this cycle's copy reached that
 * seedsmetrics neither has nor reports: an officer committed too late for the overlap window came only with a loan of
 * theirs, so one without loans stayed out of the officer lists, counts and filters for good.
 */
async function addMissingOfficers(ctx: CopyContext, fingerprints: Awaited<ReturnType<DjangoReader['rowFingerprints']>>, throughId: string, result: ReconcileResult): Promise<void> {
  const active = fingerprints.filter((f) => f.active === true).map((f) => f.id);
  const { rows: missing } = await ctx.client.query<{ id: string }>(
    `SELECT id FROM unnest($1::text[]) AS id
     WHERE id::numeric <= $2::numeric
       AND NOT EXISTS (SELECT 1 FROM officers o WHERE o.officer_id = id)
       AND NOT EXISTS (SELECT 1 FROM sync_rejects r WHERE r.entity = 'officers' AND r.django_id = id)
     ORDER BY id::numeric`,
    [active, throughId],
  );
  result.officersAdded = await copyPartiesAgain(ctx, 'officers', missing.map((r) => r.id), result);
}


/**
 * Copies these Django officers or customers again (a transaction per chunk); returns the ids written. Their loans'
 * copies of name and phone follow (upsertOfficers, upsertCustomers), and of an uncurated officer's branch and region,
 * whose loans are then recomputed so their PAR share moves with them.
 */
async function copyPartiesAgain(ctx: CopyContext, entity: 'officers' | 'customers', ids: readonly string[], result: ReconcileResult): Promise<string[]> {
  const written: string[] = [];
  for (let i = 0; i < ids.length; i += REPAIR_CHUNK) {
    const request = { ids: ids.slice(i, i + REPAIR_CHUNK) };
    const outcome = emptyOutcome();
    const recomputeReported: Reject[] = [];
    const reported = await inBatchTransaction(ctx.client, async () => {
      written.push(...(await writeParties(ctx.client, entity, await ctx.reader.page(entity, request), outcome)));
      // Loans of officers whose uncurated branch moved (none for customers).
      result.loansRecomputed += await recomputeBatch(ctx, [...outcome.touchedLoans].sort(), recomputeReported);
      return recordRejects(ctx.client, entity, outcome.rejects, outcome.fixedIds);
    });
    result.rejects += announceRejects(ctx, entity, reported) + announceRejects(ctx, RECOMPUTE_REJECT_ENTITY, recomputeReported);
  }
  return written;
}

/** Copies these Django loans (a transaction per chunk) and recomputes those written; returns their ids. */
async function copyLoans(ctx: CopyContext, loanIds: readonly string[], result: ReconcileResult): Promise<string[]> {
  const written: string[] = [];
  for (let i = 0; i < loanIds.length; i += REPAIR_CHUNK) {
    const loans = await ctx.reader.loansByIds(loanIds.slice(i, i + REPAIR_CHUNK));
    const outcome = emptyOutcome();
    const recomputeReported: Reject[] = [];
    const reported = await inBatchTransaction(ctx.client, async () => {
      await writeLoans(ctx.client, loans, outcome);
      // A loan committed too late for the window comes with its repayments (which the comparison below would
      // only copy at the next reconciliation: its totals were read before the loan was).
      result.repaymentsWritten += await copyRepaymentsOfInsertedLoans(ctx, outcome);
      const reported = await recordRejects(ctx.client, 'loans', outcome.rejects, outcome.fixedIds);
      result.loansRecomputed += await recomputeBatch(ctx, [...outcome.touchedLoans].sort(), recomputeReported);
      return reported;
    });
    result.rejects += announceRejects(ctx, 'loans', reported) + announceRejects(ctx, RECOMPUTE_REJECT_ENTITY, recomputeReported);
    written.push(...[...outcome.touchedLoans].sort());
  }
  return written;
}

/**
 * How many loans may vanish from Django in one reconciliation and still be taken out of the copy: the larger of
 * `atLeast` and `shareOfCopied` of the loans copied. Django deletes a loan rarely and one at a time; a loans table
 * emptied or swapped under the worker (a restore in progress, a URL pointed at another database) would otherwise
 * take the whole copy with it. Past the bound no loan is removed and the worker logs an error naming them.
 */
export const LOAN_REMOVAL_BOUND = { atLeast: 10, shareOfCopied: 0.01 };


/**
 * The copied loans Django deleted. Within LOAN_REMOVAL_BOUND they are removed (the engine's remove_loans, one
 * transaction); past it they are listed in loansGoneKept and left alone.
 */
async function removeLoansGoneFromDjango(ctx: CopyContext, djangoIds: readonly string[], result: ReconcileResult): Promise<void> {
  const gone = await findLoansGoneFromDjango(djangoIds, ctx.client);
  if (gone.length === 0) return;
  const { rows: count } = await ctx.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans`);
  const bound = Math.max(LOAN_REMOVAL_BOUND.atLeast, Math.ceil(count[0]!.n * LOAN_REMOVAL_BOUND.shareOfCopied));
  if (gone.length > bound) {
    result.loansGoneKept = gone;
    return;
  }
  await inBatchTransaction(ctx.client, () => removeLoans(ctx.client, gone, ctx.asOf));
  result.loansRemoved = gone;
}

/**
 * How a reconciliation finds the loans whose repayments drifted: by comparing every loan's now, fingerprinting the
 * repayments of the loans of `slice`; or by comparing again the loans a survey run beside the copy loop named
 * (repayment-survey.ts), every one fingerprinted.
 */
export type DriftSearch = { slice: FingerprintSlice } | { survey: RepaymentSurvey };

/** The id watermarks this cycle's copy reached: what it could have copied of officers, loans and repayments. */
export interface CopiedThrough {
  officers: string;
  loans: string;
  repayments: string;
}

export async function reconcile(ctx: CopyContext, through: CopiedThrough, search: DriftSearch = { slice: EVERY_LOAN }): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    loansAdded: [], loansRefreshed: [], officersAdded: [], officersRefreshed: [], customersRefreshed: [], loansRemoved: [], loansGoneKept: [], loansChecked: 0,
    fingerprintSlice: 'survey' in search ? search.survey.slice : search.slice, loansRepaired: [],
    repaymentsWritten: 0, repaymentsDeleted: 0, holidaysRefreshed: 0, holidaysDeleted: 0, schedulesDeleted: 0, loansRecomputed: 0, rejects: 0, reportsEnded: 0,
  };
  // Every Django loan's fingerprint, read once: its disbursed ones tell the loans gone and the loans missing, its
  // fingerprints the edited ones.
  const loanFingerprints = await ctx.reader.rowFingerprints('loans');
  const disbursed = loanFingerprints.filter((f) => f.disbursed === true).map((f) => f.id);
  // Loans Django deleted (or no longer counts as disbursed) first: with their Django row gone, their repayments
  // would read as deleted just below, and the loans would be recomputed as never repaid.
  await removeLoansGoneFromDjango(ctx, disbursed, result);
  // Missing loans next, each copied with its repayments.
  await addMissingLoans(ctx, disbursed, through.loans, result);
  // Then loans edited behind the edit scan's back (their own row; their repayments are compared below).
  result.loansRefreshed = await copyLoans(ctx, await findEditedRows(ctx, 'loans', loanFingerprints), result);
  const officerFingerprints = await ctx.reader.rowFingerprints('officers');
  result.officersRefreshed = await copyPartiesAgain(ctx, 'officers', await findEditedRows(ctx, 'officers', officerFingerprints), result);
  await addMissingOfficers(ctx, officerFingerprints, through.officers, result);
  result.customersRefreshed = await copyPartiesAgain(ctx, 'customers', await findEditedRows(ctx, 'customers', await ctx.reader.rowFingerprints('customers')), result);
  const { checked, drifting: compared } = await driftingLoans(ctx, through.repayments, search);
  const kept = new Set(result.loansGoneKept);
  const drifting = compared.filter((id) => !kept.has(id));
  result.loansChecked = checked;
  result.loansRepaired = drifting;
  for (let i = 0; i < drifting.length; i += REPAIR_CHUNK) {
    const loanIds = drifting.slice(i, i + REPAIR_CHUNK);
    const rows = await ctx.reader.repaymentsOfLoans(loanIds);
    const outcome = emptyOutcome();
    const recomputeReported: Reject[] = [];
    const reported = await inBatchTransaction(ctx.client, async () => {
      await writeRepayments(ctx, rows, NO_MISSING_LOANS, outcome); // drifting loans are local by construction
      // A row Django holds with no amount the copy can store (edited to NaN, say) is gone from Django's side of the
      // comparison too: its earlier copy, still counted, drifted again at every reconciliation.
      result.repaymentsDeleted += await deleteVanishedRepayments(ctx.client, loanIds, rows.filter((r) => r.payment_amount !== null).map((r) => r.id));
      const reported = await recordRejects(ctx.client, 'repayments', outcome.rejects, outcome.fixedIds);
      // Every drifting loan is recomputed, including those that only lost rows (no upsert touched them).
      result.loansRecomputed += await recomputeBatch(ctx, loanIds, recomputeReported);
      return reported;
    });
    result.rejects += announceRejects(ctx, 'repayments', reported) + announceRejects(ctx, RECOMPUTE_REJECT_ENTITY, recomputeReported);
    result.repaymentsWritten += outcome.written;
  }
  await mirrorHolidays(ctx, result);
  result.schedulesDeleted = await repairSchedules(ctx);
  await retrySetAsideLoans(ctx, result);
  result.reportsEnded = await endReportsOfDeletedRows(ctx);
  return result;
}

/**
 * Ends the reports in sync_rejects of Django rows deleted since they were reported (a bad repayment Django then
 * deleted, or one of a loan Django deleted): no copy reads such a row again to clear its report, so it would stay
 * in the table and in the rejected-rows gauge for good. One statement per entity with reports, none when there are
 * none. (The engine's reports, loan_recompute, end with the loan: retrySetAsideLoans.) Returns the reports ended.
 */
async function endReportsOfDeletedRows(ctx: CopyContext): Promise<number> {
  const { rows } = await ctx.client.query<{ entity: SyncEntity; ids: string[] }>(
    `SELECT entity, array_agg(django_id ORDER BY django_id) AS ids FROM sync_rejects WHERE entity = ANY($1::text[]) GROUP BY entity ORDER BY entity`,
    [SYNC_ENTITIES],
  );
  let ended = 0;
  for (const { entity, ids } of rows) {
    const existing = new Set(await ctx.reader.existingIds(entity, ids));
    const gone = ids.filter((id) => !existing.has(id));
    if (gone.length === 0) continue;
    const deleted = await ctx.client.query(`DELETE FROM sync_rejects WHERE entity = $1 AND django_id = ANY($2::text[])`, [entity, gone]);
    ended += deleted.rowCount ?? 0;
  }
  return ended;
}

/**
 * Makes the holiday mirror Django's: rows that differ are written (upsertHolidays leaves equal rows alone, so a
 * quiet reconciliation writes nothing) and rows Django no longer has are deleted, in one transaction.
 */
async function mirrorHolidays(ctx: CopyContext, result: ReconcileResult): Promise<void> {
  const holidays = await ctx.reader.holidays();
  await inBatchTransaction(ctx.client, async () => {
    result.holidaysRefreshed = await upsertHolidays(ctx.client, holidays);
    const deleted = await ctx.client.query(`DELETE FROM holiday WHERE NOT (id = ANY($1::bigint[]))`, [holidays.map((h) => h.id)]);
    result.holidaysDeleted = deleted.rowCount ?? 0;
  });
}

/**
 * Recomputes again the loans set aside because the engine failed on them (src/sync/isolated-recompute.ts), so a
 * fixed engine brings them back within a reconciliation, closed loans too (the daily recompute takes open loans
 * only); those that still fail stay set aside, reported as they were. Reports of loans seedsmetrics no longer has
 * (Django deleted them) end here.
 */
async function retrySetAsideLoans(ctx: CopyContext, result: ReconcileResult): Promise<void> {
  const { rows } = await ctx.client.query<{ loan_id: string }>(
    `WITH gone AS (
       DELETE FROM sync_rejects r WHERE r.entity = $1 AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = r.django_id)
     )
     SELECT r.django_id AS loan_id FROM sync_rejects r JOIN loans l ON l.loan_id = r.django_id WHERE r.entity = $1 ORDER BY 1`,
    [RECOMPUTE_REJECT_ENTITY],
  );
  if (rows.length === 0) return;
  const reported: Reject[] = [];
  result.loansRecomputed += await inBatchTransaction(ctx.client, () => recomputeBatch(ctx, rows.map((r) => r.loan_id), reported));
  result.rejects += announceRejects(ctx, RECOMPUTE_REJECT_ENTITY, reported);
}

/**
 * Finds the loans whose copied schedule differs from Django's (count or ids of their instalments: a deleted
 * instalment leaves no updated_at behind), deletes the copies Django no longer has and re-copies the rest of those
 * loans' schedules (numbering follows due dates, so it may shift; instalments committed too late for the window
 * arrive too). Returns the instalments deleted. Schedules feed no computed field: nothing is recomputed.
 */
async function repairSchedules(ctx: CopyContext): Promise<number> {
  const signatures = await ctx.reader.scheduleSignaturesPerLoan();
  const { rows: drifting } = await ctx.client.query<{ loan_id: string }>(
    `WITH dj AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(loan_id text, n int, id_sum numeric)),
          mine AS (SELECT loan_id, count(*)::int AS n, sum(django_schedule_id::numeric) AS id_sum FROM loan_schedule GROUP BY loan_id)
     SELECT l.loan_id FROM loans l LEFT JOIN dj ON dj.loan_id = l.loan_id LEFT JOIN mine ON mine.loan_id = l.loan_id
      WHERE (COALESCE(dj.n, 0), COALESCE(dj.id_sum, 0)) IS DISTINCT FROM (COALESCE(mine.n, 0), COALESCE(mine.id_sum, 0))
      ORDER BY l.loan_id`,
    [JSON.stringify(signatures)],
  );
  let deleted = 0;
  for (let i = 0; i < drifting.length; i += REPAIR_CHUNK) {
    const loanIds = drifting.slice(i, i + REPAIR_CHUNK).map((r) => r.loan_id);
    const rows = await ctx.reader.schedulesOfLoans(loanIds);
    deleted += await inBatchTransaction(ctx.client, async () => {
      const gone = await ctx.client.query(`DELETE FROM loan_schedule WHERE loan_id = ANY($1::text[]) AND NOT (django_schedule_id = ANY($2::text[]))`, [
        loanIds,
        rows.map((r) => r.id),
      ]);
      await replaceSchedules(ctx.client, rows, ctx.asOf);
      return gone.rowCount ?? 0;
    });
  }
  return deleted;
}
