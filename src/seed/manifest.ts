/**
 * The manifest of a generated dataset: for each case the metrics must handle, example Django loan ids,
 * classified from the generated rows themselves (DPD per DOMAIN.md D2/D3/D5, as of the as-of day).
 */
import { businessDaysBetween, lagosDayOf, SECONDS_PER_DAY, type Day } from './calendar';
import type { LoanDraft } from './drafts';
import { divRound } from './money';
import type { RepaymentRow } from './rows';

/** Loan-level cases the metrics must handle; the manifest lists example Django loan ids for each. */
export const DEMO_CASES = [
  'current',
  'dpd_1_6',
  'dpd_7_30',
  'dpd_31_60',
  'dpd_61_90',
  'dpd_90_plus',
  'fimr_late_first_payment',
  'fimr_no_payment',
  'not_yet_due',
  'past_maturity',
  'fully_paid',
  'overpaid',
  'zero_interest',
  'null_start_date',
  'reversed_repayment',
  'not_applied_repayment',
  'null_paid_date_repayment',
  'non_positive_amount_repayment',
  'payment_at_0030_lagos',
  'recovery_repayment',
  'staff_agent_officer',
  'no_type_officer',
  'inactive_officer',
  'hidden_user_type_officer',
  'null_agent',
  'not_disbursed',
] as const;
export type DemoCase = (typeof DEMO_CASES)[number];

/** Case name → up to MANIFEST_EXAMPLES Django loan ids (ascending). */
export type DemoManifest = Record<DemoCase, number[]>;
export const MANIFEST_EXAMPLES = 5;

/** Officer types hidden from the dashboard (DOMAIN.md §1.8 VISIBLE_UT excludes them). */
export const HIDDEN_USER_TYPES: readonly string[] = ['RECOVERY_AGENT', 'LOTTO_AGENT', 'lite', 'LIBERTY_RETAIL', 'PHARMACIST', 'KEY_ACCOUNT'];

/** Whether a repayment counts toward the loan (DOMAIN.md D3). */
export const countsTowardLoan = (r: RepaymentRow): boolean => r.paidDate !== null && r.amountKobo > 0 && r.markedAs !== 'REVERSAL' && r.appliedToLoan !== false;

/** Business-day DPD of DOMAIN.md D5 with P = the loan's counted payments, evaluated on `asOf`. */
export function computeDpd(loan: LoanDraft, paidKobo: number, asOf: Day): number {
  const { row } = loan;
  const total = row.repaymentAmountKobo;
  const term = row.tenorInDays;
  if (loan.d1 === null || term <= 0 || total <= 0 || paidKobo >= total) return 0;
  const end = Math.min(asOf, loan.maturity ?? asOf);
  if (end < loan.d1) return 0;
  const due = businessDaysBetween(loan.d1, end);
  const daysPaid = divRound(paidKobo * term, total);
  return Math.max(0, due - daysPaid);
}

export function buildManifest(loans: readonly LoanDraft[], asOf: Day): DemoManifest {
  const manifest = Object.fromEntries(DEMO_CASES.map((c) => [c, [] as number[]])) as DemoManifest;
  const add = (c: DemoCase, id: number): void => {
    manifest[c].push(id);
  };
  for (const loan of loans) {
    const { row } = loan;
    const id = row.id;
    if (!row.isDisbursed) {
      add('not_disbursed', id);
      continue;
    }
    if (loan.officer === null) add('null_agent', id);
    else {
      const officer = loan.officer.row;
      if (!officer.isActive) add('inactive_officer', id);
      if (officer.userType === 'STAFF_AGENT') add('staff_agent_officer', id);
      if (officer.userType === null) add('no_type_officer', id);
      if (officer.userType !== null && HIDDEN_USER_TYPES.includes(officer.userType)) add('hidden_user_type_officer', id);
    }
    if (row.interestRate === 0 && row.repaymentAmountKobo > 0) add('zero_interest', id);
    if (row.startDate === null) add('null_start_date', id);
    let paid = 0;
    let firstPaidDay: Day | null = null;
    for (const e of loan.events) {
      const r = e.row;
      if (r.markedAs === 'REVERSAL') add('reversed_repayment', id);
      else if (r.appliedToLoan === false) add('not_applied_repayment', id);
      if (r.paidDate === null) add('null_paid_date_repayment', id);
      else if ((r.paidDate + 3600) % SECONDS_PER_DAY === 30 * 60) add('payment_at_0030_lagos', id);
      if (r.amountKobo <= 0) add('non_positive_amount_repayment', id);
      if (r.markedAs === 'RECOVERY') add('recovery_repayment', id);
      if (countsTowardLoan(r)) {
        paid += r.amountKobo;
        const day = lagosDayOf(r.paidDate!);
        if (firstPaidDay === null || day < firstPaidDay) firstPaidDay = day;
      }
    }
    const total = row.repaymentAmountKobo;
    if (paid > total) add('overpaid', id);
    else if (paid === total) add('fully_paid', id);
    if (loan.d1 === null) continue;
    if (loan.d1 > asOf) add('not_yet_due', id);
    if (loan.d1 < asOf && firstPaidDay === null) add('fimr_no_payment', id);
    if (loan.d1 < asOf && firstPaidDay !== null && firstPaidDay > loan.d1) add('fimr_late_first_payment', id);
    if (paid < total && loan.maturity !== null && loan.maturity < asOf) add('past_maturity', id);
    const dpd = computeDpd(loan, paid, asOf);
    if (dpd === 0 && paid > 0 && paid < total && loan.d1 <= asOf && loan.maturity !== null && loan.maturity >= asOf) add('current', id);
    else if (dpd >= 1 && dpd <= 6) add('dpd_1_6', id);
    else if (dpd >= 7 && dpd <= 30) add('dpd_7_30', id);
    else if (dpd >= 31 && dpd <= 60) add('dpd_31_60', id);
    else if (dpd >= 61 && dpd <= 90) add('dpd_61_90', id);
    else if (dpd > 90) add('dpd_90_plus', id);
  }
  for (const c of DEMO_CASES) {
    manifest[c] = [...new Set(manifest[c])].sort((a, b) => a - b).slice(0, MANIFEST_EXAMPLES);
  }
  return manifest;
}

