/** Tells operators in the worker's log what a reconciliation found and repaired. */
import type { Logger } from '../logger';
import { LOAN_REMOVAL_BOUND, type ReconcileResult } from './reconcile';

/** Ids a log line lists of a longer list (the line gives the count too). */
const LISTED = 20;

/**
 * An error for copied loans gone from Django beyond what one reconciliation removes, a line for reports of rows Django
 * deleted, and a warning listing the drift repaired; nothing when the reconciliation found nothing.
 */
export function logReconciliation(log: Pick<Logger, 'info' | 'warn' | 'error'>, reconciliation: ReconcileResult): void {
  const refreshed = reconciliation.loansRefreshed.length + reconciliation.officersAdded.length + reconciliation.officersRefreshed.length + reconciliation.customersRefreshed.length;
  if (reconciliation.loansGoneKept.length > 0) {
    log.error(
      { loans: reconciliation.loansGoneKept.slice(0, LISTED), gone: reconciliation.loansGoneKept.length, bound: LOAN_REMOVAL_BOUND },
      `${reconciliation.loansGoneKept.length} copied loans are gone from Django (deleted, or no longer disbursed), more than one reconciliation removes; kept as they are ` +
        `(is DJANGO_DATABASE_URL the right database?). If Django did delete them: SELECT remove_loans('{id,…}'::varchar[], business_today()) in seedsmetrics`,
    );
  }
  if (reconciliation.reportsEnded > 0) {
    log.info({ ended: reconciliation.reportsEnded }, `${reconciliation.reportsEnded} sync_rejects reports ended: Django has deleted their rows`);
  }
  const removed = reconciliation.loansRemoved.length;
  const holidays = reconciliation.holidaysRefreshed + reconciliation.holidaysDeleted;
  const added = reconciliation.loansAdded.length;
  if (reconciliation.loansRepaired.length > 0 || refreshed > 0 || removed > 0 || added > 0 || holidays > 0 || reconciliation.schedulesDeleted > 0) {
    log.warn(
      {
        addedLoans: reconciliation.loansAdded.slice(0, LISTED),
        added,
        removedLoans: reconciliation.loansRemoved.slice(0, LISTED),
        removed,
        loans: reconciliation.loansRepaired.slice(0, LISTED),
        repaired: reconciliation.loansRepaired.length,
        refreshedLoans: reconciliation.loansRefreshed.slice(0, LISTED),
        refreshed: reconciliation.loansRefreshed.length,
        addedOfficers: reconciliation.officersAdded,
        refreshedOfficers: reconciliation.officersRefreshed.length,
        refreshedCustomers: reconciliation.customersRefreshed.length,
        deleted: reconciliation.repaymentsDeleted,
        holidaysRefreshed: reconciliation.holidaysRefreshed,
        holidaysDeleted: reconciliation.holidaysDeleted,
        schedulesDeleted: reconciliation.schedulesDeleted,
        fingerprintSlice: reconciliation.fingerprintSlice,
      },
      'reconciliation repaired drift',
    );
  }
}
