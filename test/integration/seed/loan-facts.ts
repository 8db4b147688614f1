/**
 * DOMAIN.md's loan arithmetic as plain SQL over the Django tables, independent of the generator and the engine:
 * counted payments (D3), contractual total R (D2), business-day DPD (D5) and the first payment's Lagos date.
 * $1 is the evaluation day.
 */
import type pg from 'pg';

export const LOAN_FACTS_SQL = `
  WITH paid AS (
    SELECT ajo_loan_id AS id, sum(repayment_amount::numeric) AS p, min((paid_date AT TIME ZONE 'Africa/Lagos')::date) AS first_paid
      FROM loans_ajoloanrepayment
     WHERE paid_date IS NOT NULL AND repayment_amount > 0 AND marked_as IS DISTINCT FROM 'REVERSAL' AND applied_to_loan IS NOT FALSE
     GROUP BY ajo_loan_id),
  terms AS (
    SELECT l.id, l.start_date AS d1, l.end_date AS m, l.tenor_in_days AS t, COALESCE(paid.p, 0) AS p, paid.first_paid,
           CASE WHEN l.interest_rate > 0 THEN l.amount::numeric * (1 + l.interest_rate::numeric / 100) + l.processing_fee::numeric
                ELSE l.repayment_amount::numeric END AS r,
           LEAST($1::date, l.end_date) AS e
      FROM loans_ajoloan l LEFT JOIN paid ON paid.id = l.id
     WHERE l.is_disbursed)
  SELECT id, p, r, sign(p - r)::int AS paid_vs_total, d1, m, first_paid,
         CASE WHEN d1 IS NULL OR t <= 0 OR r <= 0 OR p >= r OR e < d1 THEN 0
              ELSE GREATEST(0, (SELECT count(*) FROM generate_series(d1, e, interval '1 day') g WHERE extract(isodow FROM g) < 6) - round(p * t / r))
         END::int AS dpd
    FROM terms`;

export interface LoanFacts {
  id: string;
  p: string;
  r: string;
  /** -1 still owing, 0 paid exactly, 1 overpaid (compared in numeric). */
  paid_vs_total: number;
  d1: string | null;
  m: string | null;
  first_paid: string | null;
  dpd: number;
}

/** Facts of every disbursed loan on `asOf`, by Django loan id (dates as YYYY-MM-DD, money as numeric text). */
export async function loanFacts(pool: pg.Pool, asOf: string): Promise<Map<number, LoanFacts>> {
  const { rows } = await pool.query<LoanFacts>(
    `SELECT id, p::text, r::text, paid_vs_total, to_char(d1, 'YYYY-MM-DD') AS d1, to_char(m, 'YYYY-MM-DD') AS m, to_char(first_paid, 'YYYY-MM-DD') AS first_paid, dpd FROM (${LOAN_FACTS_SQL}) f`,
    [asOf],
  );
  return new Map(rows.map((row) => [Number(row.id), row]));
}
