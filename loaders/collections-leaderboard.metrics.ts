/**
 * Collections leaderboards (§4.6, GET /collections/branches and /collections/officers) in one seedsmetrics
 * statement each: the filtered loans grouped by branch or by officer, with today's due, collected and missed
 * amounts, the NPL ratio and its status, plus the summary over every group of the board.
 */
import { PAR15_MIN_DPD } from '../src/engine/thresholds';
import { COUNTED_TODAY_PER_LOAN_SQL } from './collections.metrics';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { Params, whereClause, type Queryable } from './sql';

export type CollectionsGrouping = 'branch' | 'officer';

export interface CollectionsStandingRow {
  /** The branch name, or the officer id. */
  key: string;
  /** Most frequent branch among the group's loans (ties: alphabetically first); for branches, the key itself. */
  branch: string;
  /** Most frequent region among the group's loans (ties: alphabetically first). */
  region: string;
  loans: number;
  portfolioTotal: string;
  dueToday: string;
  overdue15d: string;
  collectedToday: string;
  todayRate: string;
  missedToday: string;
  nplRatio: string;
  status: CollectionsStatusKey;
  /** Summary over every group of the board (the same on each row). */
  summaryPortfolio: string;
  summaryDueToday: string;
  summaryCollectedToday: string;
  summaryMissedToday: string;
  summaryRateToday: string;
}

export type CollectionsStatusKey = 'OK' | 'WATCH' | 'CRITICAL';

/** NPL ratio from which a group is on watch, and from which it is critical (§4.6: OK < 0.12, Watch < 0.18). */
export const NPL_STATUS_THRESHOLDS = { watch: '0.12', critical: '0.18' } as const;

/** The whitelist of leaderboard sort keys (SQL over the computed row `s`). */
export const COLLECTIONS_SORTS = {
  name: 's.sort_name',
  portfolioTotal: 's.portfolio_total',
  dueToday: 's.due_today',
  overdue15d: 's.overdue15d',
  collectedToday: 's.collected_today',
  todayRate: 's.today_rate',
  missedToday: 's.missed_today',
  nplRatio: 's.npl_ratio',
} as const;

export type CollectionsSortKey = keyof typeof COLLECTIONS_SORTS;

/** collected / due, or 1 when nothing was due but something came in, else 0 (§4.6 today_rate). */
const collectionRate = (collected: string, due: string): string =>
  `CASE WHEN ${due} > 0 THEN ${collected} / ${due} WHEN ${collected} > 0 THEN 1 ELSE 0 END`;

export async function fetchCollectionsLeaderboard(
  db: Queryable,
  grouping: CollectionsGrouping,
  filter: LoanFilter,
  sort: CollectionsSortKey,
  direction: 'ASC' | 'DESC',
): Promise<CollectionsStandingRow[]> {
  const params = new Params();
  const where = loanFilterSql(filter, params);
  const byOfficer = grouping === 'officer';
  const key = byOfficer ? 'l.officer_id' : 'l.branch';
  const watch = params.add(NPL_STATUS_THRESHOLDS.watch);
  const critical = params.add(NPL_STATUS_THRESHOLDS.critical);
  const { rows } = await db.query<CollectionsStandingRow>(
    `WITH paid AS (${COUNTED_TODAY_PER_LOAN_SQL}),
     g AS (
       SELECT ${key} AS key, ${byOfficer ? 'mode() WITHIN GROUP (ORDER BY l.branch)' : 'l.branch'} AS branch, mode() WITHIN GROUP (ORDER BY l.region) AS region,
              count(*)::int AS loans,
              COALESCE(sum(l.repayment_amount), 0) AS portfolio_total,
              COALESCE(sum(l.daily_repayment_amount) FILTER (WHERE l.actual_outstanding > 0), 0) AS due_today,
              COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= ${PAR15_MIN_DPD}), 0) AS overdue15d,
              COALESCE(sum(p.amount), 0) AS collected_today
         FROM loans l LEFT JOIN paid p ON p.loan_id = l.loan_id
        ${whereClause(where)}
        GROUP BY 1
     ), s AS (
       SELECT g.*, ${byOfficer ? `COALESCE(o.officer_name, g.key)` : 'g.key'} AS sort_name,
              ${collectionRate('g.collected_today', 'g.due_today')} AS today_rate,
              greatest(g.due_today - g.collected_today, 0) AS missed_today,
              CASE WHEN g.portfolio_total > 0 THEN g.overdue15d / g.portfolio_total ELSE 0 END AS npl_ratio
         FROM g ${byOfficer ? 'LEFT JOIN officers o ON o.officer_id = g.key' : ''}
     )
     SELECT s.key AS "key", s.branch AS "branch", s.region AS "region", s.loans AS "loans",
            round(s.portfolio_total, 2)::text AS "portfolioTotal", round(s.due_today, 2)::text AS "dueToday",
            round(s.overdue15d, 2)::text AS "overdue15d", round(s.collected_today, 2)::text AS "collectedToday",
            round(s.today_rate, 8)::text AS "todayRate", round(s.missed_today, 2)::text AS "missedToday",
            round(s.npl_ratio, 8)::text AS "nplRatio",
            CASE WHEN s.npl_ratio < ${watch}::numeric THEN 'OK' WHEN s.npl_ratio < ${critical}::numeric THEN 'WATCH' ELSE 'CRITICAL' END AS "status",
            round(sum(s.portfolio_total) OVER (), 2)::text AS "summaryPortfolio",
            round(sum(s.due_today) OVER (), 2)::text AS "summaryDueToday",
            round(sum(s.collected_today) OVER (), 2)::text AS "summaryCollectedToday",
            round(sum(s.missed_today) OVER (), 2)::text AS "summaryMissedToday",
            round(${collectionRate('(sum(s.collected_today) OVER ())', '(sum(s.due_today) OVER ())')}, 8)::text AS "summaryRateToday"
       FROM s
      ORDER BY ${COLLECTIONS_SORTS[sort]} ${direction}, s.key ${direction}`,
    params.values,
  );
  return rows;
}
