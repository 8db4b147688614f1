/** A loan's daily DPD snapshots (D6, seedsmetrics loan_dpd_daily), newest first, window-limited per loan. */
import { dateText, keysMatch, Params, type Queryable } from './sql';

export interface DpdSnapshotRow {
  loanId: string;
  date: string;
  currentDpd: number;
  dpdBucket: string;
  principalOutstanding: string;
  actualOutstanding: string;
}

export async function fetchDpdHistory(db: Queryable, loanIds: readonly string[], last: number): Promise<DpdSnapshotRow[]> {
  const params = new Params();
  const lastParam = params.add(last);
  const { rows } = await db.query<DpdSnapshotRow>(
    `SELECT s."loanId", s."date", s."currentDpd", s."dpdBucket", s."principalOutstanding", s."actualOutstanding"
       FROM (SELECT d.loan_id AS "loanId", ${dateText('d.snapshot_date')} AS "date", d.current_dpd AS "currentDpd",
                    d.dpd_bucket AS "dpdBucket", d.principal_outstanding::text AS "principalOutstanding",
                    d.actual_outstanding::text AS "actualOutstanding",
                    row_number() OVER (PARTITION BY d.loan_id ORDER BY d.snapshot_date DESC) AS n
               FROM loan_dpd_daily d WHERE ${keysMatch('d.loan_id', loanIds, 'text', params)}) s
      WHERE s.n <= ${lastParam}::int
      ORDER BY s."loanId", s."date" DESC`,
    params.values,
  );
  return rows;
}
