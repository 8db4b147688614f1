/**
 * Portfolio KPIs (§4.5, GET /metrics/portfolio) in one seedsmetrics statement: officer-level aggregates over the
 * §4.4 metrics of every dashboard-visible officer, plus loan-level tiles over their Active loans.
 */
import { officerMetricsChain } from './officer-portfolio.metrics';
import { LIVE_OUTSTANDING_ABOVE, PAR15_MIN_DPD, QUIET_MIN_DAYS, ROT_LATE_MIN_LOAN_AGE, ROT_MIN_DPD } from '../src/engine/thresholds';
import { Params, type Queryable } from './sql';
import { visibleOfficerSql } from './visible-officers';

export interface PortfolioKpiRow {
  totalOfficers: number;
  totalLoans: number;
  totalPortfolio: string;
  totalOverdue15d: string;
  avgDqi: number;
  avgAyr: string;
  avgRiskScore: number;
  topOfficerId: string | null;
  topOfficerAyr: string | null;
  watchlistCount: number;
  watchlistPortfolio: string;
  avgRepaymentDelayRate: string;
  atRiskOfficersCount: number;
  atRiskOfficersPercentage: string;
  activeLoansCount: number;
  activeLoansVolume: string;
  inactiveLoansCount: number;
  inactiveLoansVolume: string;
  earlyRotCount: number;
  earlyRotVolume: string;
  lateRotCount: number;
  lateRotVolume: string;
  avgDaysPastDue: string;
  avgTimelinessScore: string;
  actualOverdue15d: string;
  totalDpdLoansCount: number;
  totalDpdActualOutstanding: string;
}

/**
 * `wave` restricts every loan; `regions` restricts only the DPD tile (as upstream).
 *
 * Two choices keep it at one pass over officers and one over loans. The top officer comes out of the officer
 * aggregate (array_agg ordered by AYR): a second reference to `scored` would make PostgreSQL materialise it with
 * every §4.4 metric, those no KPI uses included. Both passes read a subquery that `OFFSET 0` keeps from being
 * inlined, so each value is computed once per row: inlined, every reference to a column re-evaluates its
 * expression — the officers' risk_norm (six numeric divisions) four times and AYR four, a sixth of the statement at
 * scale 1 (73–78 → 60–65 ms); the loans' `active` once per tile FILTER (upper(status) eleven times per loan, half the
 * tiles' cost). Unlike MATERIALIZED, the fence streams its rows: at scale 10 a materialised set (13 MB) spilled
 * past work_mem to disk.
 */
export async function fetchPortfolioKpis(db: Queryable, wave: string | null, regions: readonly string[] | null): Promise<PortfolioKpiRow> {
  const params = new Params();
  const waveParam = params.add(wave);
  const regionsParam = params.add(regions);
  // The loan tiles' conditions over `vl` (§4.5). A loan never repaid (NULL days since) is never active, and inactive
  // only by its outstanding.
  const live = `total_outstanding > ${LIVE_OUTSTANDING_ABOVE}`;
  const activeLoan = `active AND ${live} AND days_since_last_repayment < ${QUIET_MIN_DAYS}`;
  const inactiveLoan = `active AND (total_outstanding <= ${LIVE_OUTSTANDING_ABOVE} OR days_since_last_repayment >= ${QUIET_MIN_DAYS})`;
  const earlyRot = `active AND loan_age < ${ROT_LATE_MIN_LOAN_AGE} AND current_dpd >= ${ROT_MIN_DPD}`;
  const lateRot = `active AND loan_age >= ${ROT_LATE_MIN_LOAN_AGE} AND current_dpd >= ${ROT_MIN_DPD}`;
  const { rows } = await db.query<PortfolioKpiRow>(
    `WITH ${officerMetricsChain(`SELECT o.officer_id FROM officers o WHERE ${visibleOfficerSql('o')}`, waveParam)},
     officer_kpi AS (
       SELECT count(*)::int AS total_officers, COALESCE(sum(disbursed), 0)::int AS total_loans,
              COALESCE(sum(total_portfolio), 0) AS total_portfolio, COALESCE(sum(overdue15d), 0) AS total_overdue15d,
              COALESCE(trunc(avg(LEAST(100, GREATEST(0, trunc((0.50 * risk_norm + 0.35 * on_time + 0.15 * (1 - fimr)) * 100))))), 0)::int AS avg_dqi,
              COALESCE(avg(ayr), 0) AS avg_ayr, COALESCE(trunc(avg(trunc(risk_norm * 100))), 0)::int AS avg_risk,
              count(*) FILTER (WHERE trunc(risk_norm * 100) < 40)::int AS watchlist,
              COALESCE(sum(total_portfolio) FILTER (WHERE trunc(risk_norm * 100) < 40), 0) AS watchlist_portfolio,
              COALESCE(avg(rdr) FILTER (WHERE rdr <> 0), 0) AS avg_rdr,
              count(*) FILTER (WHERE avg_dslr > 10 AND avg_age > 14)::int AS at_risk_officers,
              max(ayr) FILTER (WHERE ayr > 0) AS top_ayr,
              (array_agg(officer_id ORDER BY ayr DESC, officer_id) FILTER (WHERE ayr > 0))[1] AS top_officer_id
         FROM (SELECT officer_id, disbursed, total_portfolio, overdue15d, risk_norm, on_time, fimr, ayr, rdr, avg_dslr, avg_age
                 FROM scored OFFSET 0) AS scored
     ),
     vl AS (
       SELECT upper(l.status) = 'ACTIVE' AS active, l.status, l.region, l.total_outstanding, l.days_since_last_repayment,
              l.loan_age, l.loan_term_days, l.current_dpd, l.timeliness_score, l.principal_outstanding, l.interest_outstanding,
              l.fees_outstanding, l.actual_outstanding
         FROM loans l JOIN officers o ON o.officer_id = l.officer_id
        WHERE ${visibleOfficerSql('o')} AND (${waveParam}::text IS NULL OR l.wave = ${waveParam}::text)
       OFFSET 0
     ),
     loan_kpi AS (
       SELECT count(*) FILTER (WHERE ${activeLoan})::int AS active_n,
              COALESCE(sum(total_outstanding) FILTER (WHERE ${activeLoan}), 0) AS active_v,
              count(*) FILTER (WHERE ${inactiveLoan})::int AS inactive_n,
              COALESCE(sum(total_outstanding) FILTER (WHERE ${inactiveLoan}), 0) AS inactive_v,
              count(*) FILTER (WHERE ${earlyRot})::int AS early_n,
              COALESCE(sum(total_outstanding) FILTER (WHERE ${earlyRot}), 0) AS early_v,
              count(*) FILTER (WHERE ${lateRot})::int AS late_n,
              COALESCE(sum(total_outstanding) FILTER (WHERE ${lateRot}), 0) AS late_v,
              COALESCE(avg(current_dpd) FILTER (WHERE active AND ${live}), 0) AS avg_dpd,
              COALESCE(avg(timeliness_score) FILTER (WHERE active AND ${live}), 0) AS avg_timeliness,
              COALESCE(sum((COALESCE(principal_outstanding, 0) + COALESCE(interest_outstanding, 0) + COALESCE(fees_outstanding, 0))
                           * LEAST(1, GREATEST(0, loan_age::numeric / NULLIF(loan_term_days, 0))))
                FILTER (WHERE active AND current_dpd >= ${PAR15_MIN_DPD}), 0) AS actual_overdue15d,
              count(*) FILTER (WHERE status IN ('Active', 'Defaulted') AND current_dpd > 0
                               AND (${regionsParam}::text[] IS NULL OR region = ANY(${regionsParam}::text[])))::int AS dpd_n,
              COALESCE(sum(actual_outstanding) FILTER (WHERE status IN ('Active', 'Defaulted') AND current_dpd > 0
                               AND (${regionsParam}::text[] IS NULL OR region = ANY(${regionsParam}::text[]))), 0) AS dpd_v
         FROM vl
     )
     SELECT k.total_officers AS "totalOfficers", k.total_loans AS "totalLoans", round(k.total_portfolio, 2)::text AS "totalPortfolio",
            round(k.total_overdue15d, 2)::text AS "totalOverdue15d", k.avg_dqi AS "avgDqi", round(k.avg_ayr, 8)::text AS "avgAyr",
            k.avg_risk AS "avgRiskScore", k.top_officer_id AS "topOfficerId", round(k.top_ayr, 8)::text AS "topOfficerAyr",
            k.watchlist AS "watchlistCount", round(k.watchlist_portfolio, 2)::text AS "watchlistPortfolio",
            round(k.avg_rdr, 2)::text AS "avgRepaymentDelayRate", k.at_risk_officers AS "atRiskOfficersCount",
            round(CASE WHEN k.total_officers > 0 THEN k.at_risk_officers * 100.0 / k.total_officers ELSE 0 END, 2)::text AS "atRiskOfficersPercentage",
            lk.active_n AS "activeLoansCount", round(lk.active_v, 2)::text AS "activeLoansVolume",
            lk.inactive_n AS "inactiveLoansCount", round(lk.inactive_v, 2)::text AS "inactiveLoansVolume",
            lk.early_n AS "earlyRotCount", round(lk.early_v, 2)::text AS "earlyRotVolume",
            lk.late_n AS "lateRotCount", round(lk.late_v, 2)::text AS "lateRotVolume",
            round(lk.avg_dpd, 2)::text AS "avgDaysPastDue", round(lk.avg_timeliness, 2)::text AS "avgTimelinessScore",
            round(lk.actual_overdue15d, 2)::text AS "actualOverdue15d", lk.dpd_n AS "totalDpdLoansCount",
            round(lk.dpd_v, 2)::text AS "totalDpdActualOutstanding"
       FROM officer_kpi k CROSS JOIN loan_kpi lk`,
    params.values,
  );
  return rows[0]!;
}
