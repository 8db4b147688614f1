/**
 * Credit health by branch (§4.6, GET /branches) in one seedsmetrics statement: loans grouped by (branch, region),
 * every status and user type, PAR per D8; plus the summary over the same loans.
 */
import { Params, whereClause, type Queryable } from './sql';

export interface BranchFilter {
  branches?: readonly string[];
  regions?: readonly string[];
  channels?: readonly string[];
  waves?: readonly string[];
}

export interface BranchRow {
  branch: string;
  region: string;
  portfolioTotal: string;
  overdue15d: string;
  par15Ratio: string;
  par30Ratio: string;
  par60Ratio: string;
  par90Ratio: string;
  fimr: string;
  activeLoans: number;
  totalOfficers: number;
  avgRepaymentDelayRate: string | null;
  /** Summary over every branch of the list (the same on each row). */
  summaryTotalPortfolio: string;
  summaryTotalOverdue15d: string;
  summaryPar15Ratio: string;
}

/** The whitelist of branch sort keys (SQL over the grouped row). */
export const BRANCH_SORTS = {
  branch: 'g.branch',
  region: 'g.region',
  portfolioTotal: 'g.portfolio_total',
  overdue15d: 'g.overdue15d',
  par15Ratio: 'g.par15',
  activeLoans: 'g.active_loans',
} as const;

export type BranchSortKey = keyof typeof BRANCH_SORTS;

const ratio = (num: string, den: string): string => `round(CASE WHEN ${den} > 0 THEN ${num} / ${den} ELSE 0 END, 8)::text`;

/** The conditions of a branch filter over `loans l` (each list matched with = ANY). */
function branchFilterSql(filter: BranchFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.branches !== undefined) where.push(`l.branch = ANY(${params.add(filter.branches)}::text[])`);
  if (filter.regions !== undefined) where.push(`l.region = ANY(${params.add(filter.regions)}::text[])`);
  if (filter.channels !== undefined) where.push(`l.channel = ANY(${params.add(filter.channels)}::text[])`);
  if (filter.waves !== undefined) where.push(`l.wave = ANY(${params.add(filter.waves)}::text[])`);
  return where;
}

export async function fetchBranches(db: Queryable, filter: BranchFilter, sort: BranchSortKey, direction: 'ASC' | 'DESC'): Promise<BranchRow[]> {
  const params = new Params();
  const where = branchFilterSql(filter, params);
  const { rows } = await db.query<BranchRow>(
    `WITH g AS (
       SELECT l.branch, l.region,
              COALESCE(sum(l.principal_outstanding), 0) AS portfolio_total,
              COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0) AS overdue15d,
              COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0) AS par30_amount,
              COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0) AS par60_amount,
              COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0) AS par90_amount,
              count(*) FILTER (WHERE l.fimr_tagged)::numeric AS first_miss,
              count(DISTINCT l.loan_id)::int AS active_loans,
              count(DISTINCT l.officer_id)::int AS total_officers,
              avg(l.repayment_delay_rate) AS avg_rdr
         FROM loans l ${whereClause(where)}
        GROUP BY l.branch, l.region
     ), r AS (
       SELECT g.*, CASE WHEN g.portfolio_total > 0 THEN g.overdue15d / g.portfolio_total ELSE 0 END AS par15 FROM g
     )
     SELECT g.branch AS "branch", g.region AS "region", g.portfolio_total::numeric(15,2)::text AS "portfolioTotal",
            g.overdue15d::numeric(15,2)::text AS "overdue15d", round(g.par15, 8)::text AS "par15Ratio",
            ${ratio('g.par30_amount', 'g.portfolio_total')} AS "par30Ratio", ${ratio('g.par60_amount', 'g.portfolio_total')} AS "par60Ratio",
            ${ratio('g.par90_amount', 'g.portfolio_total')} AS "par90Ratio", ${ratio('g.first_miss', 'g.active_loans')} AS "fimr",
            g.active_loans AS "activeLoans", g.total_officers AS "totalOfficers", round(g.avg_rdr, 2)::text AS "avgRepaymentDelayRate",
            (sum(g.portfolio_total) OVER ())::numeric(15,2)::text AS "summaryTotalPortfolio",
            (sum(g.overdue15d) OVER ())::numeric(15,2)::text AS "summaryTotalOverdue15d",
            ${ratio('(sum(g.overdue15d) OVER ())', '(sum(g.portfolio_total) OVER ())')} AS "summaryPar15Ratio"
       FROM r g
      ORDER BY ${BRANCH_SORTS[sort]} ${direction}, g.branch ${direction}, g.region ${direction}`,
    params.values,
  );
  return rows;
}

export interface VerticalLeadRow {
  name: string;
  email: string;
  branches: number;
  activeOfficers: number;
  loans: number;
  outstanding: string;
  dailyTarget: string;
  avgDpd: string;
  maxDpd: number;
  dpd0: number;
  dpd1To6: number;
  dpd7To14: number;
  dpd15To21: number;
  dpdOver21: number;
  quietLoans: number;
  quietValue: string;
}

/** Name and e-mail a loan without a vertical lead is grouped under (§4.6). */
export const UNASSIGNED_VERTICAL_LEAD = { name: 'Unassigned Vertical Lead', email: 'N/A' };

/**
 * Credit health per vertical lead (§4.6, GET /vertical-leads/metrics) in one statement, every loan and status.
 * DPD bands follow D14 (7-14 and 15-21 no longer overlap); "quiet" is the one §4.7 definition used everywhere
 * (no counted repayment for 6+ days, or never).
 */
export async function fetchVerticalLeads(db: Queryable, filter: BranchFilter): Promise<VerticalLeadRow[]> {
  const params = new Params();
  const where = branchFilterSql(filter, params);
  const name = params.add(UNASSIGNED_VERTICAL_LEAD.name);
  const email = params.add(UNASSIGNED_VERTICAL_LEAD.email);
  const quiet = '(l.days_since_last_repayment >= 6 OR l.days_since_last_repayment IS NULL)';
  const { rows } = await db.query<VerticalLeadRow>(
    `SELECT COALESCE(NULLIF(l.vertical_lead_name, ''), ${name}::text) AS "name",
            COALESCE(NULLIF(l.vertical_lead_email, ''), ${email}::text) AS "email",
            count(DISTINCT l.branch)::int AS "branches", count(DISTINCT l.officer_id)::int AS "activeOfficers",
            count(*)::int AS "loans", COALESCE(sum(l.total_outstanding), 0)::numeric(15,2)::text AS "outstanding",
            COALESCE(sum(l.daily_repayment_amount) FILTER (WHERE l.django_status IN ('OPEN', 'PAST_MATURITY')), 0)::numeric(15,2)::text AS "dailyTarget",
            round(COALESCE(avg(l.current_dpd), 0), 2)::text AS "avgDpd", COALESCE(max(l.max_dpd_ever), 0) AS "maxDpd",
            count(*) FILTER (WHERE l.current_dpd = 0)::int AS "dpd0",
            count(*) FILTER (WHERE l.current_dpd BETWEEN 1 AND 6)::int AS "dpd1To6",
            count(*) FILTER (WHERE l.current_dpd BETWEEN 7 AND 14)::int AS "dpd7To14",
            count(*) FILTER (WHERE l.current_dpd BETWEEN 15 AND 21)::int AS "dpd15To21",
            count(*) FILTER (WHERE l.current_dpd > 21)::int AS "dpdOver21",
            count(*) FILTER (WHERE ${quiet})::int AS "quietLoans",
            COALESCE(sum(l.total_outstanding) FILTER (WHERE ${quiet}), 0)::numeric(15,2)::text AS "quietValue"
       FROM loans l ${whereClause(where)}
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    params.values,
  );
  return rows;
}
