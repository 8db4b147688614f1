/**
 * Loans' base fields, read live from Django loans_ajoloan. Django money is float8: every amount is rounded to 2
 * places in numeric and sent as text inside SQL, so no binary float ever reaches JavaScript.
 */
import { businessDaySql, interestFractionSql, moneyTextSql, normalisedStatusSql, NUMERIC_15_2_LIMIT } from '../src/django-columns';
import { CUSTOMER_BASE_KEYS, customerColumns, type CustomerBaseKey, type CustomerBasePart } from './customer.django';
import { OFFICER_BASE_KEYS, officerColumns, type OfficerBaseKey, type OfficerBasePart } from './officer.django';
import { dateText, keysMatch, Params, timestampText, type Queryable } from './sql';

export interface DjangoLoanRow {
  id: string;
  officerId: string | null;
  customerId: string;
  /** Null (as every amount here) when Django holds NaN, ±Infinity or a value numeric(15,2) cannot hold (`moneyTextSql`). */
  amount: string | null;
  repaymentAmount: string | null;
  /** interest_rate / 100: Django stores a percent, the domain uses the fraction (§1.3). */
  interestRate: string | null;
  fee: string | null;
  /** This and the other fields Django declares NOT NULL are null only for a row written around Django. */
  tenorDays: number | null;
  disbursedAt: string | null;
  /** The business date (D1) of disbursedAt, YYYY-MM-DD: the disbursement date the copy, its filters and sorts use. */
  disbursementDate: string | null;
  firstDueDate: string | null;
  maturityDate: string | null;
  /** Normalised status (§1.7): Active, Closed, Defaulted, Rejected or Cancelled. */
  status: string;
  djangoStatus: string | null;
  performanceStatus: string | null;
  loanType: string | null;
  verificationStatus: string | null;
  isDisbursed: boolean | null;
  /**
   * The officer's and the borrower's rows when they were read with the loan (null: Django has none), so a loan's
   * `officer` and `customer` resolve without a promise; undefined when the loan was read without them. A page
   * reads only the fields its query shows (LoanParties), so these may lack the others.
   */
  officer?: OfficerBasePart | null;
  customer?: CustomerBasePart | null;
}

/** Which officer and customer fields to read with each loan (the id always comes). */
export interface LoanParties {
  officer: readonly OfficerBaseKey[];
  customer: readonly CustomerBaseKey[];
}

export const EVERY_PARTY_FIELD: LoanParties = { officer: OFFICER_BASE_KEYS, customer: CUSTOMER_BASE_KEYS };

/** True when `parties` asks every field of both rows (rows read so are whole and may stand in for any other read). */
export function asksEveryPartyField(parties: LoanParties): boolean {
  return OFFICER_BASE_KEYS.every((k) => parties.officer.includes(k)) && CUSTOMER_BASE_KEYS.every((k) => parties.customer.includes(k));
}

/**
 * The interest rate as a fraction, NULL under the same guard as money (moneyTextSql): the API shows any rate numeric
 * can hold (the copy takes only 0–999.99 % and rejects the loan otherwise).
 */
const guardedRate = `CASE WHEN abs(l.interest_rate) < ${NUMERIC_15_2_LIMIT} THEN ${interestFractionSql('l')}::text END`;

/**
 * Loans by id with their officer and customer rows joined in: nearly every loan query shows who the loan belongs
 * to, and one statement costs one round trip where three (loans, then users and customers) cost two. Amounts are
 * NULL rather than cast when Django's float has no numeric(15,2) value: a bare cast would fail the whole statement,
 * and with it every loan of the batch, for one bad row; the sync reports such a loan in sync_rejects, naming the
 * value, when it reads it.
 */
export async function fetchDjangoLoans(db: Queryable, ids: readonly string[], businessTz: string, parties: LoanParties = EVERY_PARTY_FIELD): Promise<DjangoLoanRow[]> {
  const params = new Params();
  // The disbursement date and the officer's hire date are business dates (D1), in the business time zone.
  const tz = params.add(businessTz);
  const { rows } = await db.query<DjangoLoanRow>(
    `SELECT l.id::text AS "id", l.agent_id::text AS "officerId", l.borrower_id::text AS "customerId",
            ${moneyTextSql('l.amount')} AS "amount", ${moneyTextSql('l.repayment_amount')} AS "repaymentAmount",
            ${guardedRate} AS "interestRate",
            ${moneyTextSql('l.processing_fee')} AS "fee",
            l.tenor_in_days AS "tenorDays", ${timestampText('l.date_disbursed')} AS "disbursedAt",
            ${dateText(businessDaySql('l.date_disbursed', tz))} AS "disbursementDate",
            ${dateText('l.start_date')} AS "firstDueDate", ${dateText('l.end_date')} AS "maturityDate",
            ${normalisedStatusSql('l')} AS "status", l.status AS "djangoStatus",
            l.performance_status AS "performanceStatus", l.loan_type AS "loanType",
            l.verification_stage AS "verificationStatus", l.is_disbursed AS "isDisbursed",
            to_json(o) AS "officer", to_json(b) AS "customer"
       FROM loans_ajoloan l
       LEFT JOIN LATERAL (SELECT ${officerColumns(tz, parties.officer)} FROM accounts_customuser u WHERE u.id = l.agent_id) o ON true
       LEFT JOIN LATERAL (SELECT ${customerColumns(parties.customer)} FROM ajo_ajouser c WHERE c.id = l.borrower_id) b ON true
      WHERE ${keysMatch('l.id', ids, 'bigint', params)}`,
    params.values,
  );
  return rows;
}
