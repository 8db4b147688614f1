/**
 * Lists of loans chosen in seedsmetrics, which holds every filterable and sortable column: one indexed keyset
 * statement per page (or per page of parents, window-limited per parent) and its total count. The list's summary
 * (§4.6) is loaders/loan-summary.metrics.ts.
 */
import { afterSql, orderBySql, sortKeySql, type KeysetPosition, type SortDirection, type SortSpec } from './keyset';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { loanMetricsColumns, type LoanMetricsField, type LoanMetricsPart } from './loan.metrics';
import { Params, whereClause, type Queryable } from './sql';

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
