/**
 * Table-driven cases for decisions D2-D5, D10 and D14 (DOMAIN.md §0), each with its working. Every case starts
 * from empty tables, inserts one loan and its repayments with the repayments trigger off, recomputes once with
 * recompute_loans and reads the loan row back.
 */
import { recomputeLoans } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, loanRow, resetEngineTables, withoutRepaymentTrigger, type LoanRow, type LoanSpec, type RepaymentSpec } from './fixtures';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

/** Inserts `loan` and `repayments` into empty tables, recomputes as of `asOf`, returns the loan row. */
async function evaluate(loan: LoanSpec, repayments: Omit<RepaymentSpec, 'loan'>[], asOf: string): Promise<LoanRow> {
  await resetEngineTables(dbs.metrics.pool);
  await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
    await insertLoans(client, [loan]);
    await insertRepayments(client, repayments.map((r) => ({ ...r, loan: loan.id })));
    expect(await recomputeLoans(client, [loan.id], asOf)).toBe(1);
  });
  return loanRow(dbs.metrics.pool, loan.id);
}

const AS_OF = '2025-12-10'; // Wednesday

/**
 * A loan whose daily instalment is exactly 1,000: r NULL so R = RA = 200,000 (D2), T = 200. D1 is Monday
 * 2025-06-02, so days_due at 2025-12-10 = BD(2025-06-02, 2025-12-10) = 27 full weeks (135) + Mon-Wed (3) = 138,
 * and days_paid = P / 1,000.
 */
const THOUSAND_A_DAY: LoanSpec = {
  id: 'L1', amount: '200000', rate: null, fee: null, term: 200, ra: '200000',
  d0: '2025-06-01', d1: '2025-06-02', maturity: '2026-12-31',
};
const DAYS_DUE = 138;
const paid = (amount: number): Omit<RepaymentSpec, 'loan'>[] => (amount > 0 ? [{ id: 'p1', date: '2025-07-01', amount: amount.toFixed(2) }] : []);

describe('D5 DPD, D7 buckets and their edges, ROUND ties', () => {
  // P chosen so that DPD = 138 − ROUND(P/1000) lands on each side of every bucket edge.
  const cases: Array<[string, number, number, string]> = [
    ['nothing missed: DPD 0', (DAYS_DUE - 0) * 1000, 0, '0'],
    ['edge 0/1: DPD 1', (DAYS_DUE - 1) * 1000, 1, '1-6'],
    ['edge 6/7: DPD 6', (DAYS_DUE - 6) * 1000, 6, '1-6'],
    ['edge 6/7: DPD 7', (DAYS_DUE - 7) * 1000, 7, '7-30'],
    ['edge 30/31: DPD 30', (DAYS_DUE - 30) * 1000, 30, '7-30'],
    ['edge 30/31: DPD 31', (DAYS_DUE - 31) * 1000, 31, '31-60'],
    ['edge 60/61: DPD 60', (DAYS_DUE - 60) * 1000, 60, '31-60'],
    ['edge 60/61: DPD 61', (DAYS_DUE - 61) * 1000, 61, '61-90'],
    ['edge 90/91: DPD 90', (DAYS_DUE - 90) * 1000, 90, '61-90'],
    ['edge 90/91: DPD 91', (DAYS_DUE - 91) * 1000, 91, '90+'],
    ['nothing paid: DPD = days due', 0, 138, '90+'],
    // ROUND ties away from zero: 127.5 → 128 and 126.5 → 127 (banker's rounding would give 128 and 126)
    ['tie x.5 rounds up: days_paid 127.5 → 128, DPD 10', 127_500, 10, '7-30'],
    ['tie x.5 rounds up: days_paid 126.5 → 127, DPD 11', 126_500, 11, '7-30'],
    ['just under the tie: days_paid 127.499 → 127, DPD 11', 127_499, 11, '7-30'],
    ['just over the tie: days_paid 127.501 → 128, DPD 10', 127_501, 10, '7-30'],
  ];
  it.each(cases)('%s', async (_name, amount, dpd, bucket) => {
    const row = await evaluate(THOUSAND_A_DAY, paid(amount), AS_OF);
    expect(row).toMatchObject({
      repayment_days_due_today: DAYS_DUE,
      current_dpd: dpd,
      dpd_bucket: bucket,
      early_indicator_tagged: dpd >= 1 && dpd <= 6,
      // arrears = 1,000·138 − P, capped by R − P
      actual_outstanding: Math.max(0, DAYS_DUE * 1000 - amount).toFixed(2),
    });
  });

  it('freezes the DPD clock at maturity while the calendar fields keep moving', async () => {
    // M = Friday 2025-11-28: days_due = BD(2025-06-02, 2025-11-28) = 25 weeks (125) + Mon-Fri (5) = 130
    const loan = { ...THOUSAND_A_DAY, maturity: '2025-11-28' };
    const first = await evaluate(loan, paid(100_000), '2025-12-10');
    expect(first).toMatchObject({ repayment_days_due_today: 130, current_dpd: 30, loan_age: 192, days_since_due: 191 });
    const later = await evaluate(loan, paid(100_000), '2025-12-19');
    // 130 − ROUND(100) = 30 on both dates; loan_age 2025-12-19 − 2025-06-01 = 201
    expect(later).toMatchObject({ repayment_days_due_today: 130, current_dpd: 30, loan_age: 201, days_since_due: 200 });
  });

  it('counts nothing before the first due date', async () => {
    const row = await evaluate({ ...THOUSAND_A_DAY, d1: '2025-12-11' }, [], AS_OF);
    expect(row).toMatchObject({ repayment_days_due_today: 0, current_dpd: 0, actual_outstanding: '0.00', days_since_due: -1, fimr_tagged: false, first_payment_missed: true });
  });

  it('gives DPD 0 once P reaches R even when more business days fall due than instalments', async () => {
    // BD(2025-06-02, 2025-12-10) = 138 > T = 100: P = R = 200,000 pays the loan off
    const row = await evaluate({ ...THOUSAND_A_DAY, term: 100 }, paid(200_000), AS_OF);
    expect(row).toMatchObject({ current_dpd: 0, actual_outstanding: '0.00', total_outstanding: '0.00', principal_outstanding: '0.00', dpd_bucket: '0' });
  });

  it('a fully paid loan owes nothing in any component', async () => {
    // L = 100,000, r = 0.30, F = 2,000: R = 132,000, paid exactly
    const loan: LoanSpec = { id: 'L2', amount: '100000', rate: '0.30', fee: '2000', term: 30, ra: '132000', d0: '2025-11-03', d1: '2025-11-04', maturity: '2025-12-15' };
    const row = await evaluate(loan, [{ id: 'p1', date: '2025-11-04', amount: '132000' }], AS_OF);
    expect(row).toMatchObject({
      current_dpd: 0, actual_outstanding: '0.00', total_outstanding: '0.00',
      principal_outstanding: '0.00', interest_outstanding: '0.00', fees_outstanding: '0.00',
      total_principal_paid: '100000.00', total_interest_paid: '30000.00', total_fees_paid: '2000.00',
      repayment_days_paid: '30.00',
    });
  });

  it('an overpaid loan never goes negative (each D4 share is capped)', async () => {
    const loan: LoanSpec = { id: 'L2', amount: '100000', rate: '0.30', fee: '2000', term: 30, ra: '132000', d0: '2025-11-03', d1: '2025-11-04', maturity: '2025-12-15' };
    const row = await evaluate(loan, [{ id: 'p1', date: '2025-11-04', amount: '150000' }], AS_OF);
    expect(row).toMatchObject({
      current_dpd: 0, actual_outstanding: '0.00', total_outstanding: '0.00',
      principal_outstanding: '0.00', interest_outstanding: '0.00', fees_outstanding: '0.00',
      total_repayments: '150000.00', total_principal_paid: '100000.00', total_interest_paid: '30000.00', total_fees_paid: '2000.00',
      repayment_days_paid: '34.09', // 150,000·30/132,000 = 34.0909…
    });
  });
});

describe('D2 contractual total', () => {
  const base: LoanSpec = { id: 'L3', amount: '30000', rate: null, fee: null, term: 30, ra: null, d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  // as of 2025-12-10: days_due = BD(2025-12-01, 2025-12-10) = 8
  const cases: Array<[string, Partial<LoanSpec>, Record<string, unknown>]> = [
    // R = 30,000·1.2 + 600 = 36,600 (RA ignored when r > 0); daily 1,220; arrears 1,220·8
    ['r > 0: R = L(1+r)+F, RA ignored', { rate: '0.20', fee: '600', ra: '99999' }, { daily_repayment_amount: '1220.00', current_dpd: 8, actual_outstanding: '9760.00', total_outstanding: '36600.00', interest_outstanding: '6000.00', fees_outstanding: '600.00' }],
    // R = RA = 33,000; daily 1,100; arrears 8,800
    ['r NULL: R = RA', { ra: '33000' }, { daily_repayment_amount: '1100.00', current_dpd: 8, actual_outstanding: '8800.00', total_outstanding: '33000.00', interest_outstanding: '0.00' }],
    ['r = 0: R = RA', { rate: '0', ra: '33000' }, { daily_repayment_amount: '1100.00', current_dpd: 8, actual_outstanding: '8800.00', total_outstanding: '33000.00' }],
    // no usable contract: not valid, DPD 0; the split and total fall back to L + F = 30,500
    ['r NULL and RA NULL: no DPD, total = L + F', { fee: '500' }, { daily_repayment_amount: '0.00', current_dpd: 0, repayment_days_due_today: 0, actual_outstanding: '0.00', total_outstanding: '30500.00', principal_outstanding: '30000.00', fees_outstanding: '500.00' }],
    ['RA 0 counts as missing', { ra: '0' }, { daily_repayment_amount: '0.00', current_dpd: 0, total_outstanding: '30000.00' }],
  ];
  it.each(cases)('%s', async (_name, overrides, expected) => {
    expect(await evaluate({ ...base, ...overrides }, [], AS_OF)).toMatchObject(expected);
  });

  it('splits pro rata to R = RA and leaves the part of RA above L + F unallocated (D4 literal)', async () => {
    // R = RA = 33,000, F = 0: P = 11,000 → Pp = 11,000·30,000/33,000 = 10,000; total = 33,000 − 11,000
    const row = await evaluate({ ...base, ra: '33000' }, [{ id: 'p1', date: '2025-12-01', amount: '11000' }], AS_OF);
    expect(row).toMatchObject({ total_principal_paid: '10000.00', principal_outstanding: '20000.00', total_interest_paid: '0.00', total_outstanding: '22000.00', current_dpd: 0 });
    // days_paid = 11,000·30/33,000 = 10 ≥ 8 due: DPD 0
  });
});

describe('D3 counted repayments', () => {
  const loan: LoanSpec = { id: 'L4', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  const counted = { id: 'ok', date: '2025-12-02', amount: '1000' };
  const cases: Array<[string, Omit<RepaymentSpec, 'loan' | 'id'>]> = [
    ['marked REVERSAL', { date: '2025-12-03', amount: '5000', markedAs: 'REVERSAL' }],
    ['flagged is_reversed', { date: '2025-12-03', amount: '5000', isReversed: true }],
    ['not applied to the loan', { date: '2025-12-03', amount: '5000', appliedToLoan: false }],
    ['without a paid date', { date: null, amount: '5000' }],
    ['of zero amount', { date: '2025-12-03', amount: '0' }],
    ['of negative amount', { date: '2025-12-03', amount: '-5000' }],
    ['dated after the as-of date', { date: '2025-12-11', amount: '5000' }],
  ];
  it.each(cases)('ignores a repayment %s', async (_name, extra) => {
    const row = await evaluate(loan, [counted, { id: 'x', ...extra }], AS_OF);
    expect(row).toMatchObject({ total_repayments: '1000.00', counted_repayments_count: 1, last_payment_date: '2025-12-02', first_payment_received_date: '2025-12-02' });
  });

  it.each([
    ['applied_to_loan NULL', { appliedToLoan: null }],
    ['marked RECOVERY', { markedAs: 'RECOVERY' }],
    ['marked BACKDATED', { markedAs: 'BACKDATED' }],
  ] as const)('counts a repayment with %s', async (_name, extra) => {
    const row = await evaluate(loan, [counted, { id: 'x', date: '2025-12-03', amount: '5000', ...extra }], AS_OF);
    expect(row).toMatchObject({ total_repayments: '6000.00', counted_repayments_count: 2 });
  });
});

describe('FIMR and first-payment flags', () => {
  const loan: LoanSpec = { id: 'L5', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  const cases: Array<[string, Partial<LoanSpec>, Omit<RepaymentSpec, 'loan'>[], Record<string, unknown>]> = [
    ['paid on D1', {}, [{ id: 'p', date: '2025-12-01', amount: '1000' }], { fimr_tagged: false, first_payment_missed: false }],
    ['paid before D1', {}, [{ id: 'p', date: '2025-11-30', amount: '1000' }], { fimr_tagged: false, first_payment_missed: false }],
    ['first paid after D1', {}, [{ id: 'p', date: '2025-12-02', amount: '1000' }], { fimr_tagged: true, first_payment_missed: true }],
    ['a reversed payment on D1 does not count', {}, [{ id: 'p', date: '2025-12-01', amount: '1000', markedAs: 'REVERSAL' }], { fimr_tagged: true, first_payment_missed: true }],
    ['D1 still ahead, nothing paid', { d1: '2025-12-15' }, [], { fimr_tagged: false, first_payment_missed: true }],
    // D1 < today: on D1 itself the first payment may still come.
    ['D1 today, nothing paid yet', { d1: AS_OF }, [], { fimr_tagged: false }],
    // NULL D1: always FIMR-tagged, no DPD, no days_since_due; first_payment_missed NULL once a payment exists
    ['D1 NULL, nothing paid', { d1: null }, [], { fimr_tagged: true, first_payment_missed: true, current_dpd: 0, days_since_due: null, repayment_days_due_today: 0 }],
    ['D1 NULL, a payment', { d1: null }, [{ id: 'p', date: '2025-12-02', amount: '1000' }], { fimr_tagged: true, first_payment_missed: null, current_dpd: 0 }],
  ];
  it.each(cases)('%s', async (_name, overrides, repayments, expected) => {
    expect(await evaluate({ ...loan, ...overrides }, repayments, AS_OF)).toMatchObject(expected);
  });
});

describe('D10 repayment delay rate (real numbers)', () => {
  const loan: LoanSpec = { id: 'L6', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  // as of 2025-12-10: loan_age 10, days_due 8, daily 1,000
  const cases: Array<[string, Partial<LoanSpec>, Omit<RepaymentSpec, 'loan'>[], string | null]> = [
    // paid 3,000 on 12-03: dslr 7, DPD 8 − 3 = 5 → (1 − ((7+5)/2/10)/0.25)·100 = (1 − 2.4)·100 = −140
    ['with a repayment', {}, [{ id: 'p', date: '2025-12-03', amount: '3000' }], '-140.00'],
    // paid 8,000 on 12-09: dslr 1, DPD 0 → (1 − (0.5/10)/0.25)·100 = 80
    ['up to date', {}, [{ id: 'p', date: '2025-12-09', amount: '8000' }], '80.00'],
    // nothing paid, DPD 8 → (1 − (8/10)/0.25)·100 = −220
    ['without a repayment', {}, [], '-220.00'],
    // disbursed today: loan_age 0 → 0
    ['disbursed today', { d0: '2025-12-10', d1: '2025-12-11' }, [], '0.00'],
    // disbursed after the as-of date: loan_age < 0 → NULL
    ['disbursed in the future', { d0: '2025-12-12', d1: '2025-12-15' }, [], null],
    // (1 − ((2 + 0)/2 / 3)/0.25)·100 = (1 − 1.3333…)·100 = −33.33: a real division, not the upstream integer one
    ['a repeating fraction rounds to 2 dp', { d0: '2025-12-07', d1: '2025-12-08' }, [{ id: 'p', date: '2025-12-08', amount: '3000' }], '-33.33'],
  ];
  it.each(cases)('%s', async (_name, overrides, repayments, rate) => {
    expect((await evaluate({ ...loan, ...overrides }, repayments, AS_OF)).repayment_delay_rate).toBe(rate);
  });
});

describe('behaviour scores are computed in the same pass (§3.6)', () => {
  const loan: LoanSpec = { id: 'L7', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  const cases: Array<[string, Partial<LoanSpec>, Omit<RepaymentSpec, 'loan'>[], string, string]> = [
    ['young loan without payments', { d0: '2025-12-05', d1: '2025-12-08' }, [], '100.00', '100.00'],
    ['young loan with a payment', { d0: '2025-12-05', d1: '2025-12-08' }, [{ id: 'p', date: '2025-12-08', amount: '500' }], '100.00', '100.00'],
    ['older loan without payments', {}, [], '50.00', '50.00'],
    // dslr 7, loan_age 10: q = 0.7 → timeliness 35; DPD 5 → −10; Pp/L = 0.1 → −30; q ≥ 0.50 → −30: health 30
    ['late payer', {}, [{ id: 'p', date: '2025-12-03', amount: '3000' }], '35.00', '30.00'],
    // dslr 1: q = 0.1 → 95; DPD 0; Pp/L = 8,000/30,000 = 0.267 → −20; q < 0.20 → 0: health 80
    ['prompt payer', {}, [{ id: 'p', date: '2025-12-09', amount: '8000' }], '95.00', '80.00'],
  ];
  it.each(cases)('%s', async (_name, overrides, repayments, timeliness, health) => {
    expect(await evaluate({ ...loan, ...overrides }, repayments, AS_OF)).toMatchObject({ timeliness_score: timeliness, repayment_health: health });
  });
});

describe('D5 holiday switch', () => {
  const loan: LoanSpec = { id: 'L8', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' };
  async function withHolidays(exclude: boolean): Promise<LoanRow> {
    await dbs.metrics.pool.query(`UPDATE business_clock SET exclude_holidays = $1 WHERE id = 1`, [exclude]);
    try {
      return await evaluate(loan, [], AS_OF);
    } finally {
      await dbs.metrics.pool.query(`UPDATE business_clock SET exclude_holidays = false WHERE id = 1`);
    }
  }
  beforeAll(async () => {
    await dbs.metrics.pool.query(
      `INSERT INTO holiday (id, date, name, type) VALUES
         (1, '2025-12-03', 'company Wednesday', 'company'),
         (2, '2025-12-03', 'same day twice', 'company'),
         (3, '2025-12-06', 'company Saturday', 'company'),
         (4, '2025-12-04', 'one agent''s day off', 'agent')`,
    );
  });

  it('leaves holidays in the count by default (upstream behaviour)', async () => {
    expect(await withHolidays(false)).toMatchObject({ repayment_days_due_today: 8, current_dpd: 8, business_days_since_disbursement: 8 });
  });

  it('skips weekday company holidays once the flag is on', async () => {
    // 8 business days minus Wednesday 12-03 (listed twice, counted once); Saturday and the agent's day change nothing
    expect(await withHolidays(true)).toMatchObject({ repayment_days_due_today: 7, current_dpd: 7, business_days_since_disbursement: 7 });
  });
});

describe('absurd contract data never aborts a batch', () => {
  it('clamps values beyond their column ranges and still computes the other loans of the batch', async () => {
    await resetEngineTables(dbs.metrics.pool);
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      await insertLoans(client, [
        // R = RA = 0.01, T = 1,000, P = 1,000,000: days_paid = 10^11 > numeric(10,2)
        { id: 'X1', amount: '1', rate: null, fee: null, term: 1000, ra: '0.01', d0: '2025-12-01', d1: '2025-12-02', maturity: '2026-12-31' },
        // disbursed yesterday, a payment dated 1990: (1 − ((13127 + 0)/2 / 1)/0.25)·100 ≈ −2.6 million < numeric(8,2)
        { id: 'X2', amount: '1000', rate: null, fee: null, term: 10, ra: '1000', d0: '2025-12-09', d1: '2025-12-10', maturity: '2025-12-31' },
        { id: 'X3', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-30', d1: '2025-12-01', maturity: '2026-01-09' },
      ]);
      await insertRepayments(client, [
        { id: 'p1', loan: 'X1', date: '2025-12-05', amount: '1000000' },
        { id: 'p2', loan: 'X2', date: '1990-01-01', amount: '1000' },
      ]);
      expect(await recomputeLoans(client, ['X1', 'X2', 'X3'], AS_OF)).toBe(3);
    });
    expect(await loanRow(dbs.metrics.pool, 'X1')).toMatchObject({ repayment_days_paid: '99999999.99', current_dpd: 0, total_outstanding: '0.00' });
    expect(await loanRow(dbs.metrics.pool, 'X2')).toMatchObject({ repayment_delay_rate: '-999999.99', days_since_last_repayment: 13127 });
    expect(await loanRow(dbs.metrics.pool, 'X3')).toMatchObject({ current_dpd: 8, computed_as_of: AS_OF });
  });
});
