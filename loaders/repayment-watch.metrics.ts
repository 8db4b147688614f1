/**
 * Repayment watch (§4.6, GET /collections/repayment-watch) in one seedsmetrics statement: per officer, the open
 * loans (raw Django status OPEN or PAST_MATURITY) among the filtered ones, how many of them got a counted repayment
 * today and how much came in.
 */
import { COUNTED_TODAY_PER_LOAN_SQL } from './collections.metrics';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { Params, type Queryable } from './sql';

/** Raw Django statuses of the loans the watch follows. */
export const WATCHED_DJANGO_STATUSES: readonly string[] = ['OPEN', 'PAST_MATURITY'];

export interface RepaymentWatchRow {
  officerId: string;
  openLoans: number;
  loansRepaidToday: number;
  amountCollectedToday: string;
  /** loansRepaidToday / openLoans × 100, 2 dp. */
  repaymentRate: string;
}

/** Rows sorted by open loans (most first), then officer name and id. */
export async function fetchRepaymentWatch(db: Queryable, filter: LoanFilter): Promise<RepaymentWatchRow[]> {
  const params = new Params();
  const where = [`l.django_status = ANY(${params.add(WATCHED_DJANGO_STATUSES)}::text[])`, ...loanFilterSql(filter, params)];
  const { rows } = await db.query<RepaymentWatchRow>(
    `WITH paid AS (${COUNTED_TODAY_PER_LOAN_SQL}),
     w AS (
       SELECT l.officer_id, count(*)::int AS open_loans, count(p.loan_id)::int AS repaid, COALESCE(sum(p.amount), 0) AS amount
         FROM loans l LEFT JOIN paid p ON p.loan_id = l.loan_id
        WHERE ${where.join(' AND ')}
        GROUP BY l.officer_id
     )
     SELECT w.officer_id AS "officerId", w.open_loans AS "openLoans", w.repaid AS "loansRepaidToday",
            round(w.amount, 2)::text AS "amountCollectedToday", round(w.repaid * 100.0 / w.open_loans, 2)::text AS "repaymentRate"
       FROM w LEFT JOIN officers o ON o.officer_id = w.officer_id
      ORDER BY w.open_loans DESC, o.officer_name ASC NULLS LAST, w.officer_id ASC`,
    params.values,
  );
  return rows;
}
