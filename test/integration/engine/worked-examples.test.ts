/**
 * DOMAIN.md §3.9 worked examples (today pinned to Wednesday 2025-12-10). Fields the §0 decisions leave alone keep
 * §3.9's numbers exactly; fields a decision changes carry the new number with its working.
 */
import { recomputeLoans } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, loanRows, pin, withoutRepaymentTrigger, type LoanRow } from './fixtures';

let dbs: TestDatabases;
let rows: Record<string, LoanRow>;

beforeAll(async () => {
  dbs = await createTestDatabases();
  const pool = dbs.metrics.pool;
  await pin(pool, '2025-12-10');
  await withoutRepaymentTrigger(pool, async (client) => {
    await insertLoans(client, [
      { id: 'A', amount: '100000', rate: '0.30', fee: '2000', term: 30, ra: '132000', d0: '2025-11-03', d1: '2025-11-04', maturity: '2025-12-15' },
      { id: 'B', amount: '50000', rate: '0.15', fee: null, term: 30, ra: '57500', d0: '2025-10-01', d1: '2025-10-02', maturity: '2025-11-12' },
      // Loan C: interest_rate NULL (the sync stores rates <= 0 as NULL), RA = 50,000.
      { id: 'C', amount: '50000', rate: null, fee: null, term: 30, ra: '50000', d0: '2025-12-01', d1: '2025-12-02', maturity: '2026-01-12' },
    ]);
    await insertRepayments(client, [
      { id: 'a1', loan: 'A', date: '2025-11-04', amount: '20000' },
      { id: 'a2', loan: 'A', date: '2025-11-20', amount: '20000' },
      { id: 'a3', loan: 'A', date: '2025-12-08', amount: '20000' },
      { id: 'b1', loan: 'B', date: '2025-10-03', amount: '1916.67' },
      { id: 'b2', loan: 'B', date: '2025-11-30', amount: '30000' },
    ]);
    expect(await recomputeLoans(client, ['A', 'B', 'C'], '2025-12-10')).toBe(3);
  });
  rows = await loanRows(pool);
});

afterAll(async () => {
  await dbs.drop();
});

describe('loan A (100,000 at 30 %, fee 2,000, 30 instalments, three payments of 20,000)', () => {
  it('keeps §3.9 for the fields no decision changes', () => {
    expect(rows.A).toMatchObject({
      daily_repayment_amount: '4400.00', // R/T = 132,000/30
      repayment_days_due_today: 27, // BD(2025-11-04, 2025-12-10)
      repayment_days_paid: '13.64', // 60,000·30/132,000 = 13.636…
      current_dpd: 13, // 27 − ROUND(13.636) = 27 − 14
      actual_outstanding: '58800.00', // 4,400·27 − 60,000
      total_outstanding: '72000.00', // R − P = 132,000 − 60,000
      fimr_tagged: false, // paid on D1
      days_since_due: 36,
      days_since_last_repayment: 2,
      loan_age: 37,
      business_days_since_disbursement: 28,
      real_loan_tenure_days: 31,
      repayment_delay_rate: '18.92', // D10: (1 − ((2+13)/2/37)/0.25)·100 = 18.918…
      total_repayments: '60000.00',
      dpd_bucket: '7-30',
      early_indicator_tagged: false,
      first_payment_missed: false,
      first_payment_received_date: '2025-11-04',
      last_payment_date: '2025-12-08',
      counted_repayments_count: 3,
      max_dpd_ever: 13,
      previous_dpd: null, // no earlier snapshot
      computed_as_of: '2025-12-10',
    });
  });

  it('splits the paid money pro rata (D4) instead of booking it all as principal', () => {
    expect(rows.A).toMatchObject({
      // Pp = 60,000·100,000/132,000 = 45,454.5454… → principal outstanding 100,000 − 45,454.55 (§3.9: 40,000)
      total_principal_paid: '45454.55',
      principal_outstanding: '54545.45',
      // Pi = 60,000·30,000/132,000 = 13,636.3636… → interest outstanding 30,000 − 13,636.36 (§3.9: 30,000)
      total_interest_paid: '13636.36',
      interest_outstanding: '16363.64',
      // Pf = 60,000·2,000/132,000 = 909.0909… → fees outstanding 2,000 − 909.09 (§3.9: 2,000)
      total_fees_paid: '909.09',
      fees_outstanding: '1090.91',
    });
  });

  it('scores behaviour from the fresh values (§3.6)', () => {
    // q = dslr/loan_age = 2/37 = 0.054 < 0.15 → 95
    // health = 100 − 20 (DPD 13 in 8–15) − 20 (Pp/L = 0.4545 in (0.25, 0.50]) − 0 (q < 0.20) = 60
    expect(rows.A).toMatchObject({ timeliness_score: '95.00', repayment_health: '60.00' });
  });
});

describe('loan B (50,000 at 15 %, no fee, matured 2025-11-12)', () => {
  it('keeps §3.9 for the fields no decision changes', () => {
    expect(rows.B).toMatchObject({
      daily_repayment_amount: '1916.67', // 57,500/30
      repayment_days_due_today: 30, // BD(2025-10-02, 2025-11-12): the clock stopped at maturity
      repayment_days_paid: '16.65', // 31,916.67·30/57,500 = 16.652…
      current_dpd: 13, // 30 − ROUND(16.652) = 30 − 17
      actual_outstanding: '25583.33', // 1,916.666…·30 − 31,916.67 = 25,583.33, capped by R − P = 25,583.33
      total_outstanding: '25583.33',
      fimr_tagged: true, // first payment 10-03 is after D1 10-02
      days_since_due: 69,
      days_since_last_repayment: 10,
      loan_age: 70,
      business_days_since_disbursement: 51,
      real_loan_tenure_days: 31,
      repayment_delay_rate: '34.29', // (1 − ((10+13)/2/70)/0.25)·100 = 34.285…
      fees_outstanding: '0.00',
      first_payment_missed: true,
    });
  });

  it('splits the paid money pro rata (D4)', () => {
    expect(rows.B).toMatchObject({
      // Pp = 31,916.67·50,000/57,500 = 27,753.626… → 50,000 − 27,753.63 (§3.9: 18,083.33)
      total_principal_paid: '27753.63',
      principal_outstanding: '22246.37',
      // Pi = 31,916.67·7,500/57,500 = 4,163.043… → 7,500 − 4,163.04 (§3.9: 7,500)
      total_interest_paid: '4163.04',
      interest_outstanding: '3336.96',
      total_fees_paid: '0.00',
    });
  });

  it('scores behaviour from the fresh values', () => {
    // q = 10/70 = 0.143 < 0.15 → 95; health = 100 − 20 (DPD 13) − 10 (Pp/L = 0.555 > 0.50) − 0 (q < 0.20) = 70
    expect(rows.B).toMatchObject({ timeliness_score: '95.00', repayment_health: '70.00' });
  });
});

describe('loan C (zero interest, RA 50,000, no payment)', () => {
  it('is delinquent under D2 (R = RA) where upstream showed DPD 0', () => {
    expect(rows.C).toMatchObject({
      daily_repayment_amount: '1666.67', // R/T = 50,000/30 (§3.9: 0, R was NULL)
      repayment_days_due_today: 7, // BD(2025-12-02, 2025-12-10) = Tue–Fri 4 + Mon–Wed 3 (§3.9: 0)
      repayment_days_paid: '0.00',
      current_dpd: 7, // 7 − ROUND(0) (§3.9: 0)
      dpd_bucket: '7-30',
      actual_outstanding: '11666.67', // 50,000·7/30 = 11,666.666… (§3.9: 0)
      total_outstanding: '50000.00', // max(0, R − P) (§3.9: NULL)
      principal_outstanding: '50000.00',
      interest_outstanding: '0.00',
      fees_outstanding: '0.00',
      fimr_tagged: true, // no payment and D1 passed
      days_since_due: 8,
      days_since_last_repayment: null,
      loan_age: 9,
      business_days_since_disbursement: 8,
      real_loan_tenure_days: 31,
      // D10 without repayment: (1 − (7/9)/0.25)·100 = (1 − 3.1111…)·100 = −211.11 (§3.9: 100.00 with DPD 0)
      repayment_delay_rate: '-211.11',
      // n = 0 and not young (loan_age 9 ≥ 7) → 50 and 50
      timeliness_score: '50.00',
      repayment_health: '50.00',
      first_payment_missed: true,
      counted_repayments_count: 0,
      last_payment_date: null,
    });
  });
});
