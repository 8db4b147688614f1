/**
 * The officer's riskiest loans (§4.6 "top risk loans"): Active loans with DPD > 0, FIMR or outstanding > 0,
 * scored by DPD, outstanding, FIMR, max DPD and age; window-limited per officer in one statement.
 */
import { LOAN_METRICS_COLUMNS, type LoanMetricsRow } from './loan.metrics';
import type { Queryable } from './sql';

export interface TopRiskRow extends LoanMetricsRow {
  parentId: string;
  riskScore: number;
  riskCategory: string;
}

/** The score of §4.6 over a `loans l` row. */
export const TOP_RISK_SCORE_SQL = `(
  (CASE WHEN l.current_dpd >= 90 THEN 40 WHEN l.current_dpd >= 60 THEN 35 WHEN l.current_dpd >= 30 THEN 30
        WHEN l.current_dpd >= 15 THEN 25 WHEN l.current_dpd >= 7 THEN 15 WHEN l.current_dpd >= 1 THEN 10 ELSE 0 END)
  + (CASE WHEN l.total_outstanding >= 5000000 THEN 30 WHEN l.total_outstanding >= 3000000 THEN 25
          WHEN l.total_outstanding >= 2000000 THEN 20 WHEN l.total_outstanding >= 1000000 THEN 15
          WHEN l.total_outstanding >= 500000 THEN 10 ELSE 5 END)
  + (CASE WHEN l.fimr_tagged THEN 15 ELSE 0 END)
  + (CASE WHEN l.max_dpd_ever >= 90 THEN 10 WHEN l.max_dpd_ever >= 60 THEN 8 WHEN l.max_dpd_ever >= 30 THEN 6
          WHEN l.max_dpd_ever >= 15 THEN 4 ELSE 0 END)
  + (CASE WHEN l.current_dpd > 0 AND l.loan_age <= 30 THEN 5 WHEN l.current_dpd > 0 AND l.loan_age <= 60 THEN 3 ELSE 0 END)
)`;

export async function fetchTopRiskLoans(db: Queryable, officerIds: readonly string[], limit: number): Promise<TopRiskRow[]> {
  const { rows } = await db.query<TopRiskRow>(
    `SELECT p.parent_id AS "parentId", x.*
       FROM unnest($1::text[]) WITH ORDINALITY AS p(parent_id, ord)
       CROSS JOIN LATERAL (
         SELECT ${LOAN_METRICS_COLUMNS}, s.score AS "riskScore",
                CASE WHEN s.score >= 80 THEN 'Critical' WHEN s.score >= 60 THEN 'High' WHEN s.score >= 40 THEN 'Medium' ELSE 'Low' END AS "riskCategory"
           FROM loans l CROSS JOIN LATERAL (SELECT ${TOP_RISK_SCORE_SQL}::int AS score) s
          WHERE l.officer_id = p.parent_id AND l.status = 'Active'
            AND (l.current_dpd > 0 OR l.fimr_tagged OR l.total_outstanding > 0)
          ORDER BY s.score DESC, l.current_dpd DESC NULLS LAST, l.total_outstanding DESC NULLS LAST, l.loan_id
          LIMIT $2::int) x
      ORDER BY p.ord`,
    [officerIds, limit],
  );
  return rows;
}
