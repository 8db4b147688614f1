/**
 * Lists of loans chosen in seedsmetrics, which holds every filterable and sortable column: one indexed keyset
 * statement per page (or per page of parents, window-limited per parent), its total count and its summary (§4.6).
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { afterSql, orderBySql, sortKeySql, type KeysetPosition, type SortDirection, type SortSpec } from './keyset';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { LOAN_METRICS_COLUMNS, type LoanMetricsRow } from './loan.metrics';
import { Params, type Queryable } from './sql';

/** The whitelist of loan sort keys (the only way a sort reaches SQL). */
export const LOAN_SORTS = {
  disbursementDate: { expr: 'l.disbursement_date', kind: 'date', nullable: false },
  maturityDate: { expr: 'l.maturity_date', kind: 'date', nullable: false },
  loanAmount: { expr: 'l.loan_amount', kind: 'numeric', nullable: false },
  currentDpd: { expr: 'l.current_dpd', kind: 'int', nullable: true },
  maxDpdEver: { expr: 'l.max_dpd_ever', kind: 'int', nullable: true },
  actualOutstanding: { expr: 'l.actual_outstanding', kind: 'numeric', nullable: true },
  totalOutstanding: { expr: 'l.total_outstanding', kind: 'numeric', nullable: true },
  principalOutstanding: { expr: 'l.principal_outstanding', kind: 'numeric', nullable: true },
  totalRepayments: { expr: 'l.total_repayments', kind: 'numeric', nullable: true },
  daysSinceDue: { expr: 'l.days_since_due', kind: 'int', nullable: true },
  daysSinceLastRepayment: { expr: 'l.days_since_last_repayment', kind: 'int', nullable: true },
  repaymentDelayRate: { expr: 'l.repayment_delay_rate', kind: 'numeric', nullable: true },
  customerName: { expr: 'l.customer_name', kind: 'text', nullable: false },
  officerName: { expr: 'l.officer_name', kind: 'text', nullable: false },
  id: { expr: 'l.loan_id', kind: 'text', nullable: false },
} as const satisfies Record<string, SortSpec>;

export type LoanSortKey = keyof typeof LOAN_SORTS;

/** Which parent a nested list hangs from. */
export type LoanParent = 'officer' | 'customer';
const PARENT_COLUMN: Record<LoanParent, string> = { officer: 'l.officer_id', customer: 'l.customer_id' };

export interface LoanPageArgs {
  filter: LoanFilter;
  sort: LoanSortKey;
  direction: SortDirection;
  after: KeysetPosition | null;
  /** Rows to return per parent; the statement asks one more to know whether a next page exists. */
  first: number;
  /** Customer ids the Django phone pre-step found (when filter.customerPhone is set). */
  resolvedCustomerIds?: readonly string[];
}

export interface LoanPageRow extends LoanMetricsRow {
  /** The parent id (nested lists) or '' (root list). */
  parentId: string;
  /** Text form of the sort value, for the cursor. */
  sortKey: string | null;
}

function pageWhere(args: LoanPageArgs, params: Params, spec: SortSpec): string[] {
  const where = loanFilterSql(args.filter, params, args.resolvedCustomerIds);
  if (args.after !== null) where.push(afterSql(spec, args.direction, 'l.loan_id', args.after, params));
  return where;
}

/**
 * The pages of loans for many parents in one statement (a LATERAL keyset query per parent), or the root page when
 * `parent` is null (then `parentIds` must be ['']). Returns up to first + 1 rows per parent, in list order.
 */
export async function fetchLoanPages(db: Queryable, parent: LoanParent | null, parentIds: readonly string[], args: LoanPageArgs): Promise<LoanPageRow[]> {
  const spec: SortSpec = LOAN_SORTS[args.sort];
  const params = new Params();
  const limit = params.add(args.first + 1);
  if (parent === null) {
    const where = pageWhere(args, params, spec);
    const { rows } = await db.query<LoanPageRow>(
      `SELECT '' AS "parentId", ${LOAN_METRICS_COLUMNS}, ${sortKeySql(spec)} AS "sortKey"
         FROM loans l ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${orderBySql(spec, args.direction, 'l.loan_id')} LIMIT ${limit}::int`,
      params.values,
    );
    return rows;
  }
  const parents = params.add(parentIds);
  const where = [`${PARENT_COLUMN[parent]} = p.parent_id`, ...pageWhere(args, params, spec)];
  const { rows } = await db.query<LoanPageRow>(
    `SELECT p.parent_id AS "parentId", x.*
       FROM unnest(${parents}::text[]) WITH ORDINALITY AS p(parent_id, ord)
       CROSS JOIN LATERAL (
         SELECT ${LOAN_METRICS_COLUMNS}, ${sortKeySql(spec)} AS "sortKey"
           FROM loans l WHERE ${where.join(' AND ')}
          ORDER BY ${orderBySql(spec, args.direction, 'l.loan_id')} LIMIT ${limit}::int) x
      ORDER BY p.ord`,
    params.values,
  );
  return rows;
}

/** Count of loans matching a filter, per parent (or one count under '' for the root list). */
export async function countLoans(
  db: Queryable,
  parent: LoanParent | null,
  parentIds: readonly string[],
  filter: LoanFilter,
  resolvedCustomerIds?: readonly string[],
): Promise<{ parentId: string; count: number }[]> {
  const params = new Params();
  const where = loanFilterSql(filter, params, resolvedCustomerIds);
  if (parent === null) {
    const { rows } = await db.query<{ parentId: string; count: number }>(
      `SELECT '' AS "parentId", count(*)::int AS "count" FROM loans l ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
      params.values,
    );
    return rows;
  }
  const column = PARENT_COLUMN[parent];
  const { rows } = await db.query<{ parentId: string; count: number }>(
    `SELECT ${column} AS "parentId", count(*)::int AS "count" FROM loans l
      WHERE ${[`${column} = ANY(${params.add(parentIds)}::text[])`, ...where].join(' AND ')}
      GROUP BY ${column}`,
    params.values,
  );
  return rows;
}

export type RepaymentPeriod = 'today' | 'this_week' | 'this_month' | 'last_month' | 'last_7_days';

/** The loans summary of §4.6; money as exact decimal strings, percentages rounded to 2 places. */
export interface LoanSummaryRow {
  businessDate: string;
  totalLoans: number;
  totalPortfolioAmount: string;
  atRiskCount: number;
  atRiskAmount: string;
  atRiskActualOutstanding: string;
  atRiskPercentage: string;
  totalAmountInDpd: string;
  criticalCount: number;
  criticalPercentage: string;
  delayExcellentCount: number;
  delayOkayCount: number;
  delayCriticalCount: number;
  totalDueForToday: string;
  pastMaturityOutstanding: string;
  performingLoansCount: number;
  performingActualOutstanding: string;
  periodStart: string;
  periodEnd: string;
  // SUMMARY_REPAYMENT_FIELDS: null when the statement was asked without repayments.
  totalRepaymentsInPeriod: string | null;
  totalRepaymentsYesterday: string | null;
  percentageOfDueCollected: string | null;
  missedRepaymentsToday: string | null;
  missedRepaymentsTodayCount: number | null;
  repaymentsByDjangoStatus: { djangoStatus: string | null; amount: string }[] | null;
}

/** First and last business date of a period, as SQL over `t.d` (business today). */
export function periodBoundsSql(period: RepaymentPeriod): [string, string] {
  switch (period) {
    case 'today':
      return ['t.d', 't.d'];
    case 'this_week':
      return [`date_trunc('week', t.d)::date`, 't.d'];
    case 'this_month':
      return [`date_trunc('month', t.d)::date`, 't.d'];
    case 'last_month':
      return [`(date_trunc('month', t.d) - interval '1 month')::date`, `(date_trunc('month', t.d)::date - 1)`];
    case 'last_7_days':
      return ['t.d - 6', 't.d'];
  }
}

/** The summary fields that need the repayments table (a join that costs more than the loan aggregates). */
export const SUMMARY_REPAYMENT_FIELDS = [
  'totalRepaymentsInPeriod',
  'totalRepaymentsYesterday',
  'percentageOfDueCollected',
  'missedRepaymentsToday',
  'missedRepaymentsTodayCount',
  'repaymentsByDjangoStatus',
] as const satisfies readonly (keyof LoanSummaryRow)[];

/**
 * One statement: the summary over the filtered loans and, when `withRepayments`, the counted repayments in the
 * period, yesterday and today (SUMMARY_REPAYMENT_FIELDS; null without it). The loan aggregates alone read only
 * `loans`; the repayment part joins every counted repayment of the filtered loans in the window, so it is left
 * out when a query does not ask for it.
 * Thresholds: at risk DPD > 14, critical DPD > 21, delay categories excellent ≥ 80, okay 40-80, critical < 40.
 */
export async function fetchLoanSummary(
  db: Queryable,
  filter: LoanFilter,
  period: RepaymentPeriod,
  withRepayments: boolean,
  resolvedCustomerIds?: readonly string[],
): Promise<LoanSummaryRow> {
  const params = new Params();
  const where = loanFilterSql(filter, params, resolvedCustomerIds);
  const [from, to] = periodBoundsSql(period);
  const pct = (num: string, den: string): string => `round(CASE WHEN ${den} > 0 THEN ${num} * 100.0 / ${den} ELSE 0 END, 2)`;
  const repaymentCtes = `
     r AS (
       SELECT r.loan_id, r.payment_date, r.payment_amount
         FROM repayments r JOIN f ON f.loan_id = r.loan_id, b
        WHERE r.is_counted AND r.payment_date BETWEEN LEAST(b.p_from, b.d - 1) AND GREATEST(b.p_to, b.d)
     ),
     paid_today AS (SELECT DISTINCT r.loan_id FROM r, b WHERE r.payment_date = b.d),`;
  const missedAggregates = `,
              COALESCE(sum(f.daily_repayment_amount) FILTER (WHERE f.actual_outstanding > 0 AND pt.loan_id IS NULL), 0) AS missed_today,
              count(*) FILTER (WHERE f.actual_outstanding > 0 AND pt.loan_id IS NULL)::int AS missed_today_count`;
  const repaymentAggregates = `,
     rep AS (
       SELECT COALESCE(sum(r.payment_amount) FILTER (WHERE r.payment_date BETWEEN b.p_from AND b.p_to), 0) AS in_period,
              COALESCE(sum(r.payment_amount) FILTER (WHERE r.payment_date = b.d - 1), 0) AS yesterday
         FROM b LEFT JOIN r ON true GROUP BY b.d
     ),
     by_status AS (
       SELECT COALESCE(json_agg(json_build_object('djangoStatus', s.django_status, 'amount', s.amount::numeric(15,2)::text) ORDER BY s.amount DESC, s.django_status NULLS LAST), '[]'::json) AS list
         FROM (SELECT NULLIF(f.django_status, '') AS django_status, sum(r.payment_amount) AS amount
                 FROM r JOIN f ON f.loan_id = r.loan_id, b
                WHERE r.payment_date BETWEEN b.p_from AND b.p_to
                GROUP BY 1) s
     )`;
  const repaymentColumns = withRepayments
    ? `rep.in_period::numeric(15,2)::text AS "totalRepaymentsInPeriod", rep.yesterday::numeric(15,2)::text AS "totalRepaymentsYesterday",
            ${pct('rep.in_period', 'COALESCE(a.due_today, 0)')}::text AS "percentageOfDueCollected",
            COALESCE(a.missed_today, 0)::numeric(15,2)::text AS "missedRepaymentsToday",
            COALESCE(a.missed_today_count, 0) AS "missedRepaymentsTodayCount",
            by_status.list AS "repaymentsByDjangoStatus"`
    : `NULL AS "totalRepaymentsInPeriod", NULL AS "totalRepaymentsYesterday", NULL AS "percentageOfDueCollected",
            NULL AS "missedRepaymentsToday", NULL AS "missedRepaymentsTodayCount", NULL AS "repaymentsByDjangoStatus"`;
  const { rows } = await db.query<LoanSummaryRow>(
    `WITH t AS (SELECT ${BUSINESS_TODAY_SQL} AS d),
     b AS (SELECT t.d, ${from} AS p_from, ${to} AS p_to FROM t),
     f AS (SELECT l.* FROM loans l ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}),${withRepayments ? repaymentCtes : ''}
     agg AS (
       SELECT count(*)::int AS total_loans,
              COALESCE(sum(f.loan_amount), 0) AS total_portfolio_amount,
              count(*) FILTER (WHERE f.current_dpd > 14)::int AS at_risk_count,
              COALESCE(sum(f.loan_amount) FILTER (WHERE f.current_dpd > 14), 0) AS at_risk_amount,
              COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.current_dpd > 14), 0) AS at_risk_actual,
              COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.current_dpd > 0), 0) AS in_dpd,
              count(*) FILTER (WHERE f.current_dpd > 21)::int AS critical_count,
              count(*) FILTER (WHERE f.repayment_delay_rate >= 80)::int AS delay_excellent,
              count(*) FILTER (WHERE f.repayment_delay_rate >= 40 AND f.repayment_delay_rate < 80)::int AS delay_okay,
              count(*) FILTER (WHERE f.repayment_delay_rate < 40)::int AS delay_critical,
              COALESCE(sum(f.daily_repayment_amount) FILTER (WHERE f.actual_outstanding > 0), 0) AS due_today,
              COALESCE(sum(f.actual_outstanding) FILTER (WHERE f.maturity_date < b.d AND f.actual_outstanding > 0), 0) AS past_maturity,
              count(*) FILTER (WHERE upper(f.performance_status) = 'PERFORMING')::int AS performing_count,
              COALESCE(sum(f.actual_outstanding) FILTER (WHERE upper(f.performance_status) = 'PERFORMING'), 0) AS performing_actual${withRepayments ? missedAggregates : ''}
         FROM f CROSS JOIN b${withRepayments ? ' LEFT JOIN paid_today pt ON pt.loan_id = f.loan_id' : ''}
        GROUP BY b.d
     )${withRepayments ? repaymentAggregates : ''}
     SELECT to_char(b.d, 'YYYY-MM-DD') AS "businessDate",
            COALESCE(a.total_loans, 0) AS "totalLoans",
            COALESCE(a.total_portfolio_amount, 0)::numeric(15,2)::text AS "totalPortfolioAmount",
            COALESCE(a.at_risk_count, 0) AS "atRiskCount",
            COALESCE(a.at_risk_amount, 0)::numeric(15,2)::text AS "atRiskAmount",
            COALESCE(a.at_risk_actual, 0)::numeric(15,2)::text AS "atRiskActualOutstanding",
            ${pct('COALESCE(a.at_risk_count, 0)', 'COALESCE(a.total_loans, 0)')}::text AS "atRiskPercentage",
            COALESCE(a.in_dpd, 0)::numeric(15,2)::text AS "totalAmountInDpd",
            COALESCE(a.critical_count, 0) AS "criticalCount",
            ${pct('COALESCE(a.critical_count, 0)', 'COALESCE(a.total_loans, 0)')}::text AS "criticalPercentage",
            COALESCE(a.delay_excellent, 0) AS "delayExcellentCount",
            COALESCE(a.delay_okay, 0) AS "delayOkayCount",
            COALESCE(a.delay_critical, 0) AS "delayCriticalCount",
            COALESCE(a.due_today, 0)::numeric(15,2)::text AS "totalDueForToday",
            COALESCE(a.past_maturity, 0)::numeric(15,2)::text AS "pastMaturityOutstanding",
            COALESCE(a.performing_count, 0) AS "performingLoansCount",
            COALESCE(a.performing_actual, 0)::numeric(15,2)::text AS "performingActualOutstanding",
            to_char(b.p_from, 'YYYY-MM-DD') AS "periodStart", to_char(b.p_to, 'YYYY-MM-DD') AS "periodEnd",
            ${repaymentColumns}
       FROM b${withRepayments ? ' CROSS JOIN rep CROSS JOIN by_status' : ''} LEFT JOIN agg a ON true`,
    params.values,
  );
  return rows[0]!;
}

