/**
 * Rows written straight into seedsmetrics for engine tests: loans with their officers and a customer (contract terms only;
 * the engine fills every computed column) and repayments. Money goes in and comes out as strings.
 */
import type pg from 'pg';
import { pinBusinessDate } from '../../../src/engine/clock';

type Db = pg.Pool | pg.ClientBase;

export interface LoanSpec {
  id: string;
  officer?: string;
  branch?: string;
  region?: string;
  /** L, loan_amount */
  amount: string;
  /** r, fraction (0.30) or null */
  rate: string | null;
  /** F, fee_amount */
  fee: string | null;
  /** T, loan_term_days */
  term: number;
  /** RA, repayment_amount */
  ra: string | null;
  d0: string;
  d1: string | null;
  maturity: string;
  status?: string;
}

export interface RepaymentSpec {
  id: string;
  loan: string;
  date: string | null;
  amount: string;
  markedAs?: string | null;
  appliedToLoan?: boolean | null;
  isReversed?: boolean;
}

/** Inserts the loans (and a shared customer, and any officer they name that does not exist yet). */
export async function insertLoans(db: Db, loans: LoanSpec[]): Promise<void> {
  await db.query(`INSERT INTO customers (customer_id, customer_name) VALUES ('c1', 'Ada') ON CONFLICT DO NOTHING`);
  for (const l of loans) {
    const officer = l.officer ?? 'o1';
    await db.query(
      `INSERT INTO officers (officer_id, officer_name, region, branch) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [officer, `Officer ${officer}`, l.region ?? 'Ruby', l.branch ?? 'YABA'],
    );
    await db.query(
      `INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch,
                          loan_amount, interest_rate, fee_amount, loan_term_days, repayment_amount,
                          disbursement_date, first_payment_due_date, maturity_date, channel, status)
       VALUES ($1, 'c1', 'Ada', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'AJO', $14)`,
      [l.id, officer, `Officer ${officer}`, l.region ?? 'Ruby', l.branch ?? 'YABA', l.amount, l.rate, l.fee, l.term, l.ra, l.d0, l.d1, l.maturity, l.status ?? 'Active'],
    );
  }
}

/** Inserts repayments in one statement (so the repayments trigger fires once for all of them). */
export async function insertRepayments(db: Db, repayments: RepaymentSpec[]): Promise<void> {
  if (repayments.length === 0) return;
  const values: unknown[] = [];
  const tuples = repayments.map((r, i) => {
    values.push(r.id, r.loan, r.date, r.amount, r.markedAs ?? null, r.appliedToLoan === undefined ? null : r.appliedToLoan, r.isReversed ?? false);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}::date, $${b + 4}::numeric, $${b + 5}, $${b + 6}::boolean, $${b + 7}::boolean)`;
  });
  await db.query(
    `INSERT INTO repayments (repayment_id, loan_id, payment_date, payment_amount, marked_as, applied_to_loan, is_reversed)
     VALUES ${tuples.join(', ')}`,
    values,
  );
}

/** Runs `work` in a transaction on one client with the repayments trigger switched off (as the sync does). */
export async function withoutRepaymentTrigger<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Empties every engine-related table so a table-driven case starts clean (keeps the clock). */
export async function resetEngineTables(db: Db): Promise<void> {
  await db.query(
    `TRUNCATE repayments, loan_dpd_daily, dpd_transitions, par_changes, par_current, loans, customers, officers RESTART IDENTITY CASCADE`,
  );
}

export const pin = pinBusinessDate;

/** The computed columns tests look at, as PostgreSQL renders them (numeric as strings). */
export const COMPUTED_COLUMNS = [
  'current_dpd', 'previous_dpd', 'max_dpd_ever', 'dpd_bucket', 'repayment_days_due_today', 'repayment_days_paid',
  'daily_repayment_amount', 'actual_outstanding', 'total_outstanding', 'principal_outstanding', 'interest_outstanding',
  'fees_outstanding', 'total_repayments', 'total_principal_paid', 'total_interest_paid', 'total_fees_paid',
  'fimr_tagged', 'early_indicator_tagged', 'first_payment_missed', 'first_payment_received_date', 'last_payment_date',
  'counted_repayments_count', 'days_since_due', 'days_since_last_repayment', 'loan_age', 'business_days_since_disbursement',
  'real_loan_tenure_days', 'repayment_delay_rate', 'timeliness_score', 'repayment_health', 'computed_as_of',
] as const;

export type LoanRow = Record<(typeof COMPUTED_COLUMNS)[number], unknown> & { loan_id: string };

export async function loanRows(db: Db, ids?: string[]): Promise<Record<string, LoanRow>> {
  const cols = COMPUTED_COLUMNS.map((c) => (c.endsWith('_date') || c === 'computed_as_of' ? `${c}::text AS ${c}` : c)).join(', ');
  const { rows } = await db.query<LoanRow>(
    `SELECT loan_id, ${cols} FROM loans ${ids ? 'WHERE loan_id = ANY($1)' : ''} ORDER BY loan_id`,
    ids ? [ids] : [],
  );
  return Object.fromEntries(rows.map((r) => [r.loan_id, r]));
}

export async function loanRow(db: Db, id: string): Promise<LoanRow> {
  const rows = await loanRows(db, [id]);
  const row = rows[id];
  if (!row) throw new Error(`loan ${id} not found`);
  return row;
}
