/** A loan's DPD bucket transitions (D7, seedsmetrics dpd_transitions), newest first. */
import { DPD_TRANSITION_COLUMNS, type DpdTransitionRow } from './dpd-transition.metrics';
import type { Queryable } from './sql';

export async function fetchTransitionsByLoan(db: Queryable, loanIds: readonly string[]): Promise<DpdTransitionRow[]> {
  const { rows } = await db.query<DpdTransitionRow>(
    `SELECT ${DPD_TRANSITION_COLUMNS}
       FROM dpd_transitions
      WHERE loan_id = ANY($1::text[])
      ORDER BY loan_id, transition_id DESC`,
    [loanIds],
  );
  return rows;
}
