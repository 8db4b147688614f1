/** Loans' computed fields and curated hierarchy, read from seedsmetrics `loans` (§2.1, §3.2). */
import { BUSINESS_TODAY_SQL } from './business-date';
import { dateText, keysMatch, Params, selectList, type Queryable } from './sql';

/** One seedsmetrics loan row: every value the API shows from seedsmetrics. Money and ratios are exact decimal strings. */
export interface LoanMetricsRow {
  loanId: string;
  officerId: string;
  customerId: string;
  region: string;
  branch: string;
  verticalLeadName: string | null;
  verticalLeadEmail: string | null;
  channel: string;
  wave: string | null;
  currentDpd: number | null;
  previousDpd: number | null;
  dpdChange: number | null;
  maxDpdEver: number | null;
  dpdBucket: string;
  firstPaymentMissed: boolean | null;
  firstPaymentReceivedDate: string | null;
  lastPaymentDate: string | null;
  principalOutstanding: string | null;
  interestOutstanding: string | null;
  feesOutstanding: string | null;
  totalOutstanding: string | null;
  actualOutstanding: string | null;
  totalPrincipalPaid: string | null;
  totalInterestPaid: string | null;
  totalFeesPaid: string | null;
  totalRepayments: string | null;
  fimrTagged: boolean | null;
  earlyIndicatorTagged: boolean | null;
  daysSinceLastRepayment: number | null;
  daysSinceDue: number | null;
  loanAge: number | null;
  dailyRepaymentAmount: string | null;
  repaymentDaysPaid: string | null;
  repaymentDaysDueToday: number | null;
  realLoanTenureDays: number | null;
  businessDaysSinceDisbursement: number | null;
  repaymentDelayRate: string | null;
  timelinessScore: string | null;
  repaymentHealth: string | null;
  /** §3.8: repaymentDaysPaid / repaymentDaysDueToday × 100, 2 dp; 0 when nothing is due yet. */
  paymentPercent: string | null;
  /** §3.8 repayment modal's "Outstanding": max(0, repayment amount (the loan amount when none) − Σ counted repayments). */
  contractOutstanding: string | null;
  firstInstalmentPrincipal: string | null;
  countedRepaymentsCount: number;
  /** Business date the computed fields were last computed for. */
  computedAsOf: string | null;
}

export type LoanMetricsField = keyof LoanMetricsRow;

/** A row with some of the computed fields (those a list was asked for); loanId always. */
export type LoanMetricsPart = Pick<LoanMetricsRow, 'loanId'> & Partial<LoanMetricsRow>;

/** How each LoanMetricsRow field is read from a `loans` row aliased `l`. */
const LOAN_METRICS_SELECT: { readonly [K in LoanMetricsField]: string } = {
  loanId: 'l.loan_id',
  officerId: 'l.officer_id',
  customerId: 'l.customer_id',
  region: 'l.region',
  branch: 'l.branch',
  verticalLeadName: 'l.vertical_lead_name',
  verticalLeadEmail: 'l.vertical_lead_email',
  channel: 'l.channel',
  wave: 'l.wave',
  currentDpd: 'l.current_dpd',
  previousDpd: 'l.previous_dpd',
  dpdChange: '(l.current_dpd - COALESCE(l.previous_dpd, 0))',
  maxDpdEver: 'l.max_dpd_ever',
  dpdBucket: 'l.dpd_bucket',
  firstPaymentMissed: 'l.first_payment_missed',
  firstPaymentReceivedDate: dateText('l.first_payment_received_date'),
  lastPaymentDate: dateText('l.last_payment_date'),
  principalOutstanding: 'l.principal_outstanding::text',
  interestOutstanding: 'l.interest_outstanding::text',
  feesOutstanding: 'l.fees_outstanding::text',
  totalOutstanding: 'l.total_outstanding::text',
  actualOutstanding: 'l.actual_outstanding::text',
  totalPrincipalPaid: 'l.total_principal_paid::text',
  totalInterestPaid: 'l.total_interest_paid::text',
  totalFeesPaid: 'l.total_fees_paid::text',
  totalRepayments: 'l.total_repayments::text',
  fimrTagged: 'l.fimr_tagged',
  earlyIndicatorTagged: 'l.early_indicator_tagged',
  daysSinceLastRepayment: 'l.days_since_last_repayment',
  daysSinceDue: 'l.days_since_due',
  loanAge: 'l.loan_age',
  dailyRepaymentAmount: 'l.daily_repayment_amount::text',
  repaymentDaysPaid: 'l.repayment_days_paid::text',
  repaymentDaysDueToday: 'l.repayment_days_due_today',
  realLoanTenureDays: 'l.real_loan_tenure_days',
  businessDaysSinceDisbursement: 'l.business_days_since_disbursement',
  repaymentDelayRate: 'l.repayment_delay_rate::text',
  timelinessScore: 'l.timeliness_score::text',
  repaymentHealth: 'l.repayment_health::text',
  paymentPercent: `(CASE WHEN l.repayment_days_due_today > 0 THEN round(l.repayment_days_paid * 100 / l.repayment_days_due_today, 2)
    WHEN l.repayment_days_due_today IS NOT NULL AND l.repayment_days_paid IS NOT NULL THEN 0.00 END)::text`,
  contractOutstanding: `round(greatest(CASE WHEN l.repayment_amount > 0 THEN l.repayment_amount ELSE l.loan_amount END - l.total_repayments, 0), 2)::text`,
  // §6 row 3 "amount due 1st instalment": principal only, as the FIMR drilldown showed it (not the whole instalment).
  firstInstalmentPrincipal: '(CASE WHEN l.loan_term_days > 0 THEN round(l.loan_amount / l.loan_term_days, 2) END)::text',
  countedRepaymentsCount: 'l.counted_repayments_count',
  computedAsOf: dateText('l.computed_as_of'),
};

export const LOAN_METRICS_FIELDS = Object.keys(LOAN_METRICS_SELECT) as LoanMetricsField[];

/** The select list of `fields` (in the row's own order, loanId always first) over a `loans` row aliased `l`. */
export function loanMetricsColumns(fields: readonly LoanMetricsField[]): string {
  return selectList(LOAN_METRICS_SELECT, fields, 'loanId');
}

/** The select list of every LoanMetricsRow field. */
export const LOAN_METRICS_COLUMNS = loanMetricsColumns(LOAN_METRICS_FIELDS);

/** Computed rows by loan id: `fields` of them (every field by default; loanId always). */
export async function fetchLoanMetrics<R extends LoanMetricsPart = LoanMetricsRow>(
  db: Queryable,
  ids: readonly string[],
  fields: readonly LoanMetricsField[] = LOAN_METRICS_FIELDS,
): Promise<R[]> {
  const params = new Params();
  const columns = fields === LOAN_METRICS_FIELDS ? LOAN_METRICS_COLUMNS : loanMetricsColumns(fields);
  const { rows } = await db.query<R>(`SELECT ${columns} FROM loans l WHERE ${keysMatch('l.loan_id', ids, 'text', params)}`, params.values);
  return rows;
}

/** Σ counted repayments dated business today (§6 row 8 `repayments_today`) per synced loan (unsynced: no row). */
export interface RepaymentsTodayRow {
  loanId: string;
  amount: string;
}

/**
 * Read apart from the other computed fields (it is a sum over `repayments`, not a column of `loans`), so lists
 * that do not show it do not pay an index lookup per row for it.
 */
export async function fetchRepaymentsToday(db: Queryable, ids: readonly string[]): Promise<RepaymentsTodayRow[]> {
  const params = new Params();
  const { rows } = await db.query<RepaymentsTodayRow>(
    `SELECT l.loan_id AS "loanId",
            round((SELECT COALESCE(sum(r.payment_amount), 0) FROM repayments r
              WHERE r.loan_id = l.loan_id AND r.is_counted AND r.payment_date = ${BUSINESS_TODAY_SQL}), 2)::text AS "amount"
       FROM loans l WHERE ${keysMatch('l.loan_id', ids, 'text', params)}`,
    params.values,
  );
  return rows;
}
