/**
 * The ids GraphiQL's example tabs open with, so an analyst's first Run of a by-id operation answers with data: the
 * newest loan in arrears (any loan when none is), its officer and its customer.
 */
import type { Queryable } from './sql';

export interface ExampleIds {
  loanId: string;
  officerId: string;
  customerId: string;
}

export async function fetchExampleIds(db: Queryable): Promise<ExampleIds | undefined> {
  // Django ids are digits: longer is newer, then the text order is the numeric one.
  const { rows } = await db.query<ExampleIds>(
    `SELECT loan_id AS "loanId", officer_id AS "officerId", customer_id AS "customerId"
       FROM loans
      WHERE officer_id IS NOT NULL AND customer_id IS NOT NULL
      ORDER BY (status = 'Active' AND current_dpd > 0) DESC, length(loan_id) DESC, loan_id DESC
      LIMIT 1`,
  );
  return rows[0];
}
