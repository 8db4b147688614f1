/**
 * Writes Django rows the way Django would (through the test's writable pool), with short defaults so each
 * test states only what it is about. Ids are explicit so assertions can name them.
 */
import type pg from 'pg';

type Values = Record<string, unknown>;

async function insert(pool: pg.Pool, table: string, values: Values): Promise<void> {
  const columns = Object.keys(values);
  const params = columns.map((_, i) => `$${i + 1}`);
  await pool.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${params.join(', ')})`, Object.values(values));
}

export function djangoRows(pool: pg.Pool) {
  return {
    user: (id: number, values: Values = {}) =>
      insert(pool, 'accounts_customuser', {
        id,
        email: `officer${id}@example.com`,
        username: `officer${id}`,
        user_phone: `080000${id}`,
        user_branch: 'Lagos Island',
        user_type: 'STAFF_AGENT',
        performance_status: 'Active',
        date_joined: '2025-01-15T09:00:00+01:00',
        ...values,
      }),
    customer: (id: number, values: Values = {}) =>
      insert(pool, 'ajo_ajouser', { id, first_name: 'Ada', last_name: `Customer${id}`, phone_number: `070000${id}`, bvn_verified: true, onboarding_verified: true, ...values }),
    /** A disbursed loan: 100,000 at 30 % with a 2,000 fee over 30 instalments (DOMAIN.md §3.9 loan A). */
    loan: (id: number, agentId: number | null, borrowerId: number, values: Values = {}) =>
      insert(pool, 'loans_ajoloan', {
        id,
        agent_id: agentId,
        borrower_id: borrowerId,
        amount: 100000,
        amount_disbursed: 100000,
        repayment_amount: 132000,
        interest_rate: 30,
        processing_fee: 2000,
        tenor_in_days: 30,
        is_disbursed: true,
        date_disbursed: '2025-11-03T10:00:00+01:00',
        start_date: '2025-11-04',
        end_date: '2025-12-15',
        status: 'OPEN',
        performance_status: 'PERFORMING',
        verification_stage: 'APPROVED',
        ...values,
      }),
    repayment: (id: number, loanId: number, amount: number | null, paidDate: string | null, values: Values = {}) =>
      insert(pool, 'loans_ajoloanrepayment', { id, ajo_loan_id: loanId, repayment_amount: amount, paid_date: paidDate, repayment_type: 'AGENT_DEBIT', ...values }),
    schedule: (id: number, loanId: number, values: Values = {}) => insert(pool, 'loans_ajoloanschedule', { id, loan_id: loanId, ...values }),
    holiday: (id: number, values: Values = {}) => insert(pool, 'loans_holiday', { id, date: '2025-12-25', name: 'Christmas', ...values }),
    query: (sql: string, params: unknown[] = []) => pool.query(sql, params),
  };
}
