/**
 * Lists of loans chosen in seedsmetrics, which holds every filterable and sortable column: one indexed keyset
 * statement per page (or per page of parents, window-limited per parent), its total count and its summary (§4.6).
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { afterSql, orderBySql, sortKeySql, type KeysetPosition, type SortDirection, type SortSpec } from './keyset';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { loanMetricsColumns, type LoanMetricsField, type LoanMetricsPart } from './loan.metrics';
import { Params, whereClause, type Queryable } from './sql';
import { AT_RISK_MIN_DPD, CRITICAL_MIN_DPD, DELAY_RATE_EXCELLENT_MIN, DELAY_RATE_OKAY_MIN } from '../src/engine/thresholds';

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
  // The rest of the All Loans table's columns (§6 row 8: upstream sorted by any loan column). No index of their own:
  // a page sorts the filtered loans (tens of milliseconds for every loan at scale 1).
  repaymentAmount: { expr: 'l.repayment_amount', kind: 'numeric', nullable: true },
  firstDueDate: { expr: 'l.first_payment_due_date', kind: 'date', nullable: true },
  tenorDays: { expr: 'l.loan_term_days', kind: 'int', nullable: false },
  previousDpd: { expr: 'l.previous_dpd', kind: 'int', nullable: true },
  dpdChange: { expr: '(l.current_dpd - COALESCE(l.previous_dpd, 0))', kind: 'int', nullable: true },
  interestOutstanding: { expr: 'l.interest_outstanding', kind: 'numeric', nullable: true },
  feesOutstanding: { expr: 'l.fees_outstanding', kind: 'numeric', nullable: true },
  dailyRepaymentAmount: { expr: 'l.daily_repayment_amount', kind: 'numeric', nullable: true },
  repaymentDaysPaid: { expr: 'l.repayment_days_paid', kind: 'numeric', nullable: true },
  repaymentDaysDueToday: { expr: 'l.repayment_days_due_today', kind: 'int', nullable: true },
  businessDaysSinceDisbursement: { expr: 'l.business_days_since_disbursement', kind: 'int', nullable: true },
  timelinessScore: { expr: 'l.timeliness_score', kind: 'numeric', nullable: true },
  repaymentHealth: { expr: 'l.repayment_health', kind: 'numeric', nullable: true },
  region: { expr: 'l.region', kind: 'text', nullable: false },
  branch: { expr: 'l.branch', kind: 'text', nullable: false },
  verticalLeadName: { expr: 'l.vertical_lead_name', kind: 'text', nullable: true },
  status: { expr: 'l.status', kind: 'text', nullable: false },
  djangoStatus: { expr: 'l.django_status', kind: 'text', nullable: true },
  performanceStatus: { expr: 'l.performance_status', kind: 'text', nullable: true },
  loanType: { expr: 'l.loan_type', kind: 'text', nullable: true },
  verificationStatus: { expr: 'l.verification_status', kind: 'text', nullable: true },
  wave: { expr: 'l.wave', kind: 'text', nullable: true },
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
  /** The computed fields the rows carry (what the query shows); loanId always. */
  fields: readonly LoanMetricsField[];
}

export type LoanPageRow = LoanMetricsPart & {
  /** The parent id (nested lists) or '' (root list). */
  parentId: string;
  /** Text form of the sort value, for the cursor. */
  sortKey: string | null;
};

function pageWhere(args: LoanPageArgs, params: Params, spec: SortSpec): string[] {
  const where = loanFilterSql(args.filter, params);
  if (args.after !== null) where.push(afterSql(spec, args.direction, 'l.loan_id', args.after, params));
  return where;
}

/**
 * The pages of loans for many parents in one statement (a LATERAL keyset query per parent), or the root page when
 * `parent` is null (then `parentIds` must be ['']). Returns up to first + 1 rows per parent, in list order.
 */
export async function fetchLoanPages(db: Queryable, parent: LoanParent | null, parentIds: readonly string[], args: LoanPageArgs): Promise<LoanPageRow[]> {
  const spec: SortSpec = LOAN_SORTS[args.sort];
  const columns = loanMetricsColumns(args.fields);
  const params = new Params();
  const limit = params.add(args.first + 1);
  if (parent === null) {
    const where = pageWhere(args, params, spec);
    const { rows } = await db.query<LoanPageRow>(
      `SELECT '' AS "parentId", ${columns}, ${sortKeySql(spec)} AS "sortKey"
         FROM loans l ${whereClause(where)}
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
         SELECT ${columns}, ${sortKeySql(spec)} AS "sortKey"
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
): Promise<{ parentId: string; count: number }[]> {
  const params = new Params();
  const where = loanFilterSql(filter, params);
  if (parent === null) {
    const { rows } = await db.query<{ parentId: string; count: number }>(
      `SELECT '' AS "parentId", count(*)::int AS "count" FROM loans l ${whereClause(where)}`,
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

