/**
 * A loan's repayments, from the seedsmetrics copy of Django's repayments: the same rows the computed fields were
 * computed from, each flagged counted or not (D3), so a screen can show exactly what the numbers include.
 */
import { dateText, keysMatch, numericTextOrder, Params, timestampText, type Queryable } from './sql';

export interface RepaymentRow {
  id: string;
  loanId: string;
  paymentDate: string | null;
  paidAt: string | null;
  amount: string;
  principalPaid: string | null;
  interestPaid: string | null;
  feesPaid: string | null;
  penaltyPaid: string | null;
  paymentMethod: string | null;
  paymentReference: string | null;
  paymentChannel: string | null;
  markedAs: string | null;
  appliedToLoan: boolean | null;
  reversed: boolean;
  counted: boolean;
  backdated: boolean;
}

/** All repayments of the given loans, newest payment first (undated rows last), in one statement. */
export async function fetchRepaymentsByLoan(db: Queryable, loanIds: readonly string[]): Promise<RepaymentRow[]> {
  const params = new Params();
  const { rows } = await db.query<RepaymentRow>(
    `SELECT r.repayment_id AS "id", r.loan_id AS "loanId", ${dateText('r.payment_date')} AS "paymentDate",
            ${timestampText('r.paid_at')} AS "paidAt", r.payment_amount::text AS "amount",
            r.principal_paid::text AS "principalPaid", r.interest_paid::text AS "interestPaid", r.fees_paid::text AS "feesPaid",
            r.penalty_paid::text AS "penaltyPaid", r.payment_method AS "paymentMethod", r.payment_reference AS "paymentReference",
            r.payment_channel AS "paymentChannel", r.marked_as AS "markedAs", r.applied_to_loan AS "appliedToLoan",
            (r.is_reversed IS TRUE OR r.marked_as IS NOT DISTINCT FROM 'REVERSAL') AS "reversed",
            r.is_counted AS "counted", COALESCE(r.is_backdated, false) AS "backdated"
       FROM repayments r
      WHERE ${keysMatch('r.loan_id', loanIds, 'text', params)}
      ORDER BY r.loan_id, r.payment_date DESC NULLS LAST, ${numericTextOrder('r.repayment_id', 'DESC')}`,
    params.values,
  );
  return rows;
}
