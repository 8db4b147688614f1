/**
 * The loans summary of §4.6 over the filtered loans, in one seedsmetrics statement that computes only the fields
 * a query asks for.
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { periodBoundsSql, type RepaymentPeriod } from './repayment-period';
import { Params, whereClause, type Queryable } from './sql';
import { AT_RISK_MIN_DPD, CRITICAL_MIN_DPD, DELAY_RATE_EXCELLENT_MIN, DELAY_RATE_OKAY_MIN } from '../src/engine/thresholds';

/**
 * The loans summary of §4.6; money as exact decimal strings, percentages rounded to 2 places. Only the fields a
 * statement was asked for (LoanSummaryField) are set; the others are null.
 */
export interface LoanSummaryRow {
  businessDate: string;
  periodStart: string;
  periodEnd: string;
  totalLoans: number | null;
  totalPortfolioAmount: string | null;
  atRiskCount: number | null;
  atRiskAmount: string | null;
  atRiskActualOutstanding: string | null;
  atRiskPercentage: string | null;
  totalAmountInDpd: string | null;
  criticalCount: number | null;
  criticalPercentage: string | null;
  delayExcellentCount: number | null;
  delayOkayCount: number | null;
  delayCriticalCount: number | null;
  totalDueForToday: string | null;
  pastMaturityOutstanding: string | null;
  performingLoansCount: number | null;
  performingActualOutstanding: string | null;
  totalRepaymentsInPeriod: string | null;
  totalRepaymentsYesterday: string | null;
  percentageOfDueCollected: string | null;
  missedRepaymentsToday: string | null;
  missedRepaymentsTodayCount: number | null;
  repaymentsByDjangoStatus: { djangoStatus: string | null; amount: string }[] | null;
}

/**
 * The columns of the filtered loans `f` the summary reads. Only these: with repayments asked for, `f` is read three
 * times, so PostgreSQL materialises it, and whole rows of every loan (7.6 MB at scale 1) spilled past work_mem to
 * disk.
 */
const SUMMARY_LOAN_COLUMNS = [
  'loan_id', 'loan_amount', 'current_dpd', 'actual_outstanding', 'repayment_delay_rate',
  'daily_repayment_amount', 'maturity_date', 'performance_status', 'django_status',
] as const;

/** Aggregates over the filtered loans `f` (joined with business dates `b` and, for missed payments, `pt`). */
const LOAN_AGGREGATES = {
  total_loans: 'count(*)::int',
  total_portfolio_amount: 'COALESCE(sum(f.loan_amount), 0)',
  at_risk_count: `count(*) FILTER (WHERE f.current_dpd >= ${AT_RISK_MIN_DPD})::int`,
  at_risk_amount: `COALESCE(sum(f.loan_amount) FILTER (WHERE f.current_dpd >= ${AT_RISK_MIN_DPD}), 0)`,
  at_risk_actual: `COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.current_dpd >= ${AT_RISK_MIN_DPD}), 0)`,
  in_dpd: 'COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.current_dpd > 0), 0)',
  critical_count: `count(*) FILTER (WHERE f.current_dpd >= ${CRITICAL_MIN_DPD})::int`,
  delay_excellent: `count(*) FILTER (WHERE f.repayment_delay_rate >= ${DELAY_RATE_EXCELLENT_MIN})::int`,
  delay_okay: `count(*) FILTER (WHERE f.repayment_delay_rate >= ${DELAY_RATE_OKAY_MIN} AND f.repayment_delay_rate < ${DELAY_RATE_EXCELLENT_MIN})::int`,
  delay_critical: `count(*) FILTER (WHERE f.repayment_delay_rate < ${DELAY_RATE_OKAY_MIN})::int`,
  due_today: 'COALESCE(sum(f.daily_repayment_amount) FILTER (WHERE f.actual_outstanding > 0), 0)',
  past_maturity: 'COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.maturity_date < b.d AND f.actual_outstanding > 0), 0)',
  performing_count: "count(*) FILTER (WHERE upper(f.performance_status) = 'PERFORMING')::int",
  performing_actual: "COALESCE(sum(f.actual_outstanding) FILTER (WHERE upper(f.performance_status) = 'PERFORMING'), 0)",
  missed_today: 'COALESCE(sum(f.daily_repayment_amount) FILTER (WHERE f.actual_outstanding > 0 AND pt.loan_id IS NULL), 0)',
  missed_today_count: 'count(*) FILTER (WHERE f.actual_outstanding > 0 AND pt.loan_id IS NULL)::int',
} as const;
type LoanAggregate = keyof typeof LOAN_AGGREGATES;

const pct = (num: string, den: string): string => `round(CASE WHEN ${den} > 0 THEN ${num} * 100.0 / ${den} ELSE 0 END, 2)`;
const money = (expr: string): string => `round(${expr}, 2)::text`;

/**
 * How each summary field is computed: the loan aggregates it needs, whether it needs the period's counted
 * repayments (`r`, joined from `repayments`, the expensive part) and its output expression.
 */
const SUMMARY_FIELDS = {
  totalLoans: { aggregates: ['total_loans'], select: 'COALESCE(a.total_loans, 0)' },
  totalPortfolioAmount: { aggregates: ['total_portfolio_amount'], select: money('COALESCE(a.total_portfolio_amount, 0)') },
  atRiskCount: { aggregates: ['at_risk_count'], select: 'COALESCE(a.at_risk_count, 0)' },
  atRiskAmount: { aggregates: ['at_risk_amount'], select: money('COALESCE(a.at_risk_amount, 0)') },
  atRiskActualOutstanding: { aggregates: ['at_risk_actual'], select: money('COALESCE(a.at_risk_actual, 0)') },
  atRiskPercentage: { aggregates: ['at_risk_count', 'total_loans'], select: `${pct('COALESCE(a.at_risk_count, 0)', 'COALESCE(a.total_loans, 0)')}::text` },
  totalAmountInDpd: { aggregates: ['in_dpd'], select: money('COALESCE(a.in_dpd, 0)') },
  criticalCount: { aggregates: ['critical_count'], select: 'COALESCE(a.critical_count, 0)' },
  criticalPercentage: { aggregates: ['critical_count', 'total_loans'], select: `${pct('COALESCE(a.critical_count, 0)', 'COALESCE(a.total_loans, 0)')}::text` },
  delayExcellentCount: { aggregates: ['delay_excellent'], select: 'COALESCE(a.delay_excellent, 0)' },
  delayOkayCount: { aggregates: ['delay_okay'], select: 'COALESCE(a.delay_okay, 0)' },
  delayCriticalCount: { aggregates: ['delay_critical'], select: 'COALESCE(a.delay_critical, 0)' },
  totalDueForToday: { aggregates: ['due_today'], select: money('COALESCE(a.due_today, 0)') },
  pastMaturityOutstanding: { aggregates: ['past_maturity'], select: money('COALESCE(a.past_maturity, 0)') },
  performingLoansCount: { aggregates: ['performing_count'], select: 'COALESCE(a.performing_count, 0)' },
  performingActualOutstanding: { aggregates: ['performing_actual'], select: money('COALESCE(a.performing_actual, 0)') },
  totalRepaymentsInPeriod: { aggregates: [], repayments: true, select: money('rep.in_period') },
  totalRepaymentsYesterday: { aggregates: [], repayments: true, select: money('rep.yesterday') },
  percentageOfDueCollected: { aggregates: ['due_today'], repayments: true, select: `${pct('rep.in_period', 'COALESCE(a.due_today, 0)')}::text` },
  missedRepaymentsToday: { aggregates: ['missed_today'], repayments: true, select: money('COALESCE(a.missed_today, 0)') },
  missedRepaymentsTodayCount: { aggregates: ['missed_today_count'], repayments: true, select: 'COALESCE(a.missed_today_count, 0)' },
  repaymentsByDjangoStatus: { aggregates: [], repayments: true, select: 'by_status.list' },
} as const satisfies Record<string, { aggregates: readonly LoanAggregate[]; repayments?: boolean; select: string }>;

/** A summary field that costs SQL (businessDate, periodStart and periodEnd come with every summary). */
export type LoanSummaryField = keyof typeof SUMMARY_FIELDS;
export const LOAN_SUMMARY_FIELDS = Object.keys(SUMMARY_FIELDS) as LoanSummaryField[];

/**
 * One statement: the requested `fields` of the summary over the filtered loans (the others null). A field of the
 * period's counted repayments (period, yesterday, today) adds the join to `repayments`, the expensive part, and only
 * the loan aggregates some requested field needs are computed.
 * Thresholds: at risk DPD > 14, critical DPD > 21, delay categories excellent ≥ 80, okay 40-80, critical < 40.
 */
export async function fetchLoanSummary(
  db: Queryable,
  filter: LoanFilter,
  period: RepaymentPeriod,
  fields: readonly LoanSummaryField[],
): Promise<LoanSummaryRow> {
  const params = new Params();
  const where = loanFilterSql(filter, params);
  const [from, to] = periodBoundsSql(period);
  const specs = fields.map((field) => [field, SUMMARY_FIELDS[field]] as const);
  const aggregates = new Set<LoanAggregate>(['total_loans']);
  for (const [, spec] of specs) for (const aggregate of spec.aggregates) aggregates.add(aggregate);
  const withRepayments = specs.some(([, spec]) => 'repayments' in spec);
  const missed = aggregates.has('missed_today') || aggregates.has('missed_today_count');
  const ctes = [
    `t AS (SELECT ${BUSINESS_TODAY_SQL} AS d)`,
    `b AS (SELECT t.d, ${from} AS p_from, ${to} AS p_to FROM t)`,
    `f AS (SELECT ${SUMMARY_LOAN_COLUMNS.map((c) => `l.${c}`).join(', ')} FROM loans l ${whereClause(where)})`,
  ];
  if (withRepayments) {
    // Each repayment carries its loan's Django status from this join, so the split by status needs no second one.
    ctes.push(
      `r AS (
       SELECT r.loan_id, r.payment_date, r.payment_amount, f.django_status
         FROM repayments r JOIN f ON f.loan_id = r.loan_id, b
        WHERE r.is_counted AND r.payment_date BETWEEN LEAST(b.p_from, b.d - 1) AND GREATEST(b.p_to, b.d)
     )`,
      `paid_today AS (SELECT DISTINCT r.loan_id FROM r, b WHERE r.payment_date = b.d)`,
    );
  }
  ctes.push(`agg AS (
       SELECT ${[...aggregates].map((name) => `${LOAN_AGGREGATES[name]} AS ${name}`).join(',\n              ')}
         FROM f CROSS JOIN b${missed ? ' LEFT JOIN paid_today pt ON pt.loan_id = f.loan_id' : ''}
        GROUP BY b.d
     )`);
  if (withRepayments) {
    ctes.push(
      `rep AS (
       SELECT COALESCE(sum(r.payment_amount) FILTER (WHERE r.payment_date BETWEEN b.p_from AND b.p_to), 0) AS in_period,
              COALESCE(sum(r.payment_amount) FILTER (WHERE r.payment_date = b.d - 1), 0) AS yesterday
         FROM b LEFT JOIN r ON true GROUP BY b.d
     )`,
      `by_status AS (
       SELECT COALESCE(json_agg(json_build_object('djangoStatus', s.django_status, 'amount', round(s.amount, 2)::text) ORDER BY s.amount DESC, s.django_status NULLS LAST), '[]'::json) AS list
         FROM (SELECT NULLIF(r.django_status, '') AS django_status, sum(r.payment_amount) AS amount
                 FROM r, b
                WHERE r.payment_date BETWEEN b.p_from AND b.p_to
                GROUP BY 1) s
     )`,
    );
  }
  const columns = [
    `to_char(b.d, 'YYYY-MM-DD') AS "businessDate"`,
    `to_char(b.p_from, 'YYYY-MM-DD') AS "periodStart"`,
    `to_char(b.p_to, 'YYYY-MM-DD') AS "periodEnd"`,
    ...specs.map(([field, spec]) => `${spec.select} AS "${field}"`),
  ];
  const { rows } = await db.query<Partial<LoanSummaryRow>>(
    `WITH ${ctes.join(',\n     ')}
     SELECT ${columns.join(',\n            ')}
       FROM b${withRepayments ? ' CROSS JOIN rep CROSS JOIN by_status' : ''} LEFT JOIN agg a ON true`,
    params.values,
  );
  const row = rows[0]!;
  return Object.fromEntries([...LOAN_SUMMARY_FIELDS.map((field) => [field, null]), ...Object.entries(row)]) as unknown as LoanSummaryRow;
}
