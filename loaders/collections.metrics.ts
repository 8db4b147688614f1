/**
 * Daily collections (§4.6, GET /collections/daily) in one seedsmetrics statement: counted repayments of the
 * filtered loans per business date of the period, split by channel, with every day of the period present.
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { periodBoundsSql, type RepaymentPeriod } from './repayment-period';
import { Params, whereClause, type Queryable } from './sql';

export interface DailyCollectionRow {
  date: string;
  collectedAmount: string;
  repaymentsCount: number;
  agentDebitAmount: string;
  transferAmount: string;
  escrowDebitAmount: string;
  otherAmount: string;
}

/**
 * A CTE body: Σ counted repayments dated business today per loan (every loan: cheaper than restricting it to a
 * filter's loans first, which would materialise them twice). The leaderboards and the repayment watch LEFT JOIN it.
 */
export const COUNTED_TODAY_PER_LOAN_SQL = `SELECT r.loan_id, sum(r.payment_amount) AS amount
            FROM repayments r
           WHERE r.is_counted AND r.payment_date = ${BUSINESS_TODAY_SQL}
           GROUP BY r.loan_id`;

export async function fetchDailyCollections(
  db: Queryable,
  filter: LoanFilter,
  period: RepaymentPeriod,
): Promise<DailyCollectionRow[]> {
  const params = new Params();
  const where = loanFilterSql(filter, params);
  const [from, to] = periodBoundsSql(period);
  const method = `upper(trim(COALESCE(r.payment_method, '')))`;
  const { rows } = await db.query<DailyCollectionRow>(
    `WITH t AS (SELECT ${BUSINESS_TODAY_SQL} AS d),
     b AS (SELECT ${from} AS p_from, ${to} AS p_to FROM t),
     days AS (SELECT generate_series(b.p_from, b.p_to, interval '1 day')::date AS day FROM b),
     r AS (
       SELECT r.payment_date, r.payment_amount, ${method} AS method
         FROM repayments r JOIN loans l ON l.loan_id = r.loan_id, b
        WHERE r.is_counted AND r.payment_date BETWEEN b.p_from AND b.p_to ${whereClause(where, 'AND')}
     )
     SELECT to_char(days.day, 'YYYY-MM-DD') AS "date",
            round(COALESCE(sum(r.payment_amount), 0), 2)::text AS "collectedAmount",
            count(r.payment_amount)::int AS "repaymentsCount",
            round(COALESCE(sum(r.payment_amount) FILTER (WHERE r.method = 'AGENT_DEBIT'), 0), 2)::text AS "agentDebitAmount",
            round(COALESCE(sum(r.payment_amount) FILTER (WHERE r.method = 'TRANSFER'), 0), 2)::text AS "transferAmount",
            round(COALESCE(sum(r.payment_amount) FILTER (WHERE r.method = 'ESCROW_DEBIT'), 0), 2)::text AS "escrowDebitAmount",
            round(COALESCE(sum(r.payment_amount) FILTER (WHERE r.method NOT IN ('AGENT_DEBIT', 'TRANSFER', 'ESCROW_DEBIT')), 0), 2)::text AS "otherAmount"
       FROM days LEFT JOIN r ON r.payment_date = days.day
      GROUP BY days.day
      ORDER BY days.day`,
    params.values,
  );
  return rows;
}
