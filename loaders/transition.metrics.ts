/** A loan's DPD bucket transitions (D7, seedsmetrics dpd_transitions), newest first. */
import { dateText, timestampText, type Queryable } from './sql';

export interface TransitionRow {
  id: string;
  loanId: string;
  officerId: string;
  branch: string | null;
  region: string | null;
  transitionDate: string;
  fromBucket: string;
  toBucket: string;
  dpdBefore: number;
  dpdAfter: number;
  outstandingBalance: string;
  at: string;
}

export async function fetchTransitionsByLoan(db: Queryable, loanIds: readonly string[]): Promise<TransitionRow[]> {
  const { rows } = await db.query<TransitionRow>(
    `SELECT t.transition_id::text AS "id", t.loan_id AS "loanId", t.officer_id AS "officerId", t.branch AS "branch",
            t.region AS "region", ${dateText('t.transition_date')} AS "transitionDate", t.from_dpd_bucket AS "fromBucket",
            t.to_dpd_bucket AS "toBucket", t.dpd_before AS "dpdBefore", t.dpd_after AS "dpdAfter",
            t.outstanding_balance::text AS "outstandingBalance", ${timestampText('t.created_at')} AS "at"
       FROM dpd_transitions t
      WHERE t.loan_id = ANY($1::text[])
      ORDER BY t.loan_id, t.transition_id DESC`,
    [loanIds],
  );
  return rows;
}
