/** A loan's DPD bucket transitions (D7, seedsmetrics dpd_transitions), newest first. */
import { DPD_TRANSITION_COLUMNS, type DpdTransitionRow } from './dpd-transition.metrics';
import { keysMatch, Params, type Queryable } from './sql';

export async function fetchTransitionsByLoan(db: Queryable, loanIds: readonly string[]): Promise<DpdTransitionRow[]> {
  const params = new Params();
  const { rows } = await db.query<DpdTransitionRow>(
    `SELECT ${DPD_TRANSITION_COLUMNS}
       FROM dpd_transitions
      WHERE ${keysMatch('loan_id', loanIds, 'text', params)}
      ORDER BY loan_id, transition_id DESC`,
    params.values,
  );
  return rows;
}
