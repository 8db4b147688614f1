/** Loans' computed fields and curated hierarchy, read from seedsmetrics `loans` (§2.1, §3.2). */
import { BUSINESS_TODAY_SQL } from './business-date';
import { dateText, type Queryable } from './sql';

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
  countedRepaymentsCount: number;
  /** Business date the computed fields were last computed for. */
  computedAsOf: string | null;
}

/** The select list of LoanMetricsRow over a `loans` row aliased `l`. */
export const LOAN_METRICS_COLUMNS = `l.loan_id AS "loanId", l.officer_id AS "officerId", l.customer_id AS "customerId",
  l.region AS "region", l.branch AS "branch", l.vertical_lead_name AS "verticalLeadName", l.vertical_lead_email AS "verticalLeadEmail",
  l.channel AS "channel", l.wave AS "wave", l.current_dpd AS "currentDpd", l.previous_dpd AS "previousDpd",
  (l.current_dpd - COALESCE(l.previous_dpd, 0)) AS "dpdChange", l.max_dpd_ever AS "maxDpdEver", l.dpd_bucket AS "dpdBucket",
  l.first_payment_missed AS "firstPaymentMissed", ${dateText('l.first_payment_received_date')} AS "firstPaymentReceivedDate",
  ${dateText('l.last_payment_date')} AS "lastPaymentDate",
  l.principal_outstanding::text AS "principalOutstanding", l.interest_outstanding::text AS "interestOutstanding",
  l.fees_outstanding::text AS "feesOutstanding", l.total_outstanding::text AS "totalOutstanding",
  l.actual_outstanding::text AS "actualOutstanding", l.total_principal_paid::text AS "totalPrincipalPaid",
  l.total_interest_paid::text AS "totalInterestPaid", l.total_fees_paid::text AS "totalFeesPaid",
  l.total_repayments::text AS "totalRepayments", l.fimr_tagged AS "fimrTagged", l.early_indicator_tagged AS "earlyIndicatorTagged",
  l.days_since_last_repayment AS "daysSinceLastRepayment", l.days_since_due AS "daysSinceDue", l.loan_age AS "loanAge",
  l.daily_repayment_amount::text AS "dailyRepaymentAmount", l.repayment_days_paid::text AS "repaymentDaysPaid",
  l.repayment_days_due_today AS "repaymentDaysDueToday", l.real_loan_tenure_days AS "realLoanTenureDays",
  l.business_days_since_disbursement AS "businessDaysSinceDisbursement", l.repayment_delay_rate::text AS "repaymentDelayRate",
  l.timeliness_score::text AS "timelinessScore", l.repayment_health::text AS "repaymentHealth",
  l.counted_repayments_count AS "countedRepaymentsCount", ${dateText('l.computed_as_of')} AS "computedAsOf"`;

export async function fetchLoanMetrics(db: Queryable, ids: readonly string[]): Promise<LoanMetricsRow[]> {
  const { rows } = await db.query<LoanMetricsRow>(`SELECT ${LOAN_METRICS_COLUMNS} FROM loans l WHERE l.loan_id = ANY($1::text[])`, [ids]);
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
  const { rows } = await db.query<RepaymentsTodayRow>(
    `SELECT l.loan_id AS "loanId",
            (SELECT COALESCE(sum(r.payment_amount), 0) FROM repayments r
              WHERE r.loan_id = l.loan_id AND r.is_counted AND r.payment_date = ${BUSINESS_TODAY_SQL})::numeric(15,2)::text AS "amount"
       FROM loans l WHERE l.loan_id = ANY($1::text[])`,
    [ids],
  );
  return rows;
}
