/**
 * D6 and D7 over several business days: loan_dpd_daily snapshots, previous_dpd from the previous snapshot,
 * max_dpd_ever as a running maximum, and dpd_transitions appended only when the bucket changes.
 * The loan pays 1,000 a business day: L = R = RA = 30,000, r NULL, T = 30, D1 = Monday 2025-12-01.
 */
import { pinBusinessDate } from '../../../src/engine/clock';
import { recomputeLoans, recomputeOpenLoans } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, loanRow, withoutRepaymentTrigger } from './fixtures';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
  await insertLoans(dbs.metrics.pool, [
    { id: 'H1', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2026-01-09' },
  ]);
});
afterAll(async () => {
  await dbs.drop();
});

async function recompute(asOf: string): Promise<void> {
  await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
    expect(await recomputeLoans(client, ['H1'], asOf)).toBe(1);
  });
}

async function transitions() {
  const { rows } = await dbs.metrics.pool.query(
    `SELECT transition_id::int AS id, loan_id, officer_id, branch, region, transition_date::text AS date, from_dpd_bucket AS "from",
            to_dpd_bucket AS "to", dpd_before, dpd_after, outstanding_balance
       FROM dpd_transitions ORDER BY transition_id`,
  );
  return rows;
}

async function snapshots() {
  const { rows } = await dbs.metrics.pool.query(
    `SELECT snapshot_date::text AS date, current_dpd, dpd_bucket, principal_outstanding, actual_outstanding
       FROM loan_dpd_daily WHERE loan_id = 'H1' ORDER BY snapshot_date`,
  );
  return rows;
}

describe('one loan over two weeks', () => {
  it('first recompute (Mon 12-01): DPD 1, a snapshot, no previous DPD and no transition (a starting point, not a move)', async () => {
    await recompute('2025-12-01');
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 1, previous_dpd: null, max_dpd_ever: 1, dpd_bucket: '1-6' });
    expect(await snapshots()).toEqual([{ date: '2025-12-01', current_dpd: 1, dpd_bucket: '1-6', principal_outstanding: '30000.00', actual_outstanding: '1000.00' }]);
    expect(await transitions()).toEqual([]);
  });

  it('Tue 12-02: DPD 2, previous_dpd 1, same bucket so no transition', async () => {
    await recompute('2025-12-02');
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 2, previous_dpd: 1, max_dpd_ever: 2 });
    expect(await transitions()).toEqual([]);
  });

  it('Tue 12-09 (a week skipped): DPD 7 moves 1-6 → 7-30 once; previous_dpd comes from the newest earlier snapshot (12-02)', async () => {
    await recompute('2025-12-09');
    // BD(12-01, 12-09) = 7, nothing paid
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 7, previous_dpd: 2, max_dpd_ever: 7, dpd_bucket: '7-30' });
    const expected = [{ id: 1, loan_id: 'H1', officer_id: 'o1', branch: 'YABA', region: 'Ruby', date: '2025-12-09', from: '1-6', to: '7-30', dpd_before: 2, dpd_after: 7, outstanding_balance: '7000.00' }];
    expect(await transitions()).toEqual(expected);
    // the same day again: same snapshot row, no second transition, previous_dpd still the 12-02 value
    await recompute('2025-12-09');
    expect(await transitions()).toEqual(expected);
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 7, previous_dpd: 2 });
    expect((await snapshots()).map((s) => s.date)).toEqual(['2025-12-01', '2025-12-02', '2025-12-09']);
  });

  it('Wed 12-10 after a 7,000 payment: DPD 1 moves back 7-30 → 1-6; max_dpd_ever stays 7', async () => {
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => insertRepayments(client, [{ id: 'h1', loan: 'H1', date: '2025-12-09', amount: '7000' }]));
    await recompute('2025-12-10');
    // BD(12-01, 12-10) = 8, days_paid = 7,000·30/30,000 = 7: DPD 1; arrears 8,000 − 7,000
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 1, previous_dpd: 7, max_dpd_ever: 7, dpd_bucket: '1-6', actual_outstanding: '1000.00' });
    expect((await transitions()).slice(1)).toEqual([
      { id: 2, loan_id: 'H1', officer_id: 'o1', branch: 'YABA', region: 'Ruby', date: '2025-12-10', from: '7-30', to: '1-6', dpd_before: 7, dpd_after: 1, outstanding_balance: '1000.00' },
    ]);
    expect((await snapshots()).at(-1)).toEqual({ date: '2025-12-10', current_dpd: 1, dpd_bucket: '1-6', principal_outstanding: '23000.00', actual_outstanding: '1000.00' });
  });

  it('Thu 12-11 fully paid: 1-6 → 0, and the midnight path (recompute_open_loans) appends it the same way', async () => {
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => insertRepayments(client, [{ id: 'h2', loan: 'H1', date: '2025-12-11', amount: '23000' }]));
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      expect(await recomputeOpenLoans(client, '2025-12-11')).toBe(1);
    });
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ current_dpd: 0, previous_dpd: 1, max_dpd_ever: 7, dpd_bucket: '0', total_outstanding: '0.00' });
    expect((await transitions()).slice(2)).toEqual([
      { id: 3, loan_id: 'H1', officer_id: 'o1', branch: 'YABA', region: 'Ruby', date: '2025-12-11', from: '1-6', to: '0', dpd_before: 1, dpd_after: 0, outstanding_balance: '0.00' },
    ]);
  });

  it('a recompute for a date earlier than the last, behind the business date, is refused (a stale caller) and writes nothing', async () => {
    const before = { loan: await loanRow(dbs.metrics.pool, 'H1'), snapshots: await snapshots(), transitions: await transitions() };
    // Today's business date is later than 2025-12-11: a caller asking for 12-05 read the date before it moved.
    const { rows } = await dbs.metrics.pool.query<{ today: string }>(`SELECT business_today()::text AS today`);
    await expect(withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['H1', 'nope'], '2025-12-05'))).rejects.toMatchObject({
      code: '55000',
      message: `recompute_loans: 1 loan(s) (H1) were last computed as of a later date (up to 2025-12-11) than the as-of date 2025-12-05, which is behind the business date ${rows[0]!.today}`,
      detail: 'Recomputed for an earlier date, they would move back and log DPD transitions that did not happen.',
      hint: 'The caller read the business date before it moved: recompute as of business_today().',
    });
    expect({ loan: await loanRow(dbs.metrics.pool, 'H1'), snapshots: await snapshots(), transitions: await transitions() }).toEqual(before);
  });

  it('a recompute for a date with an earlier snapshot but none in between takes that one, once the business clock is moved back to it', async () => {
    await pinBusinessDate(dbs.metrics.pool, '2025-12-05');
    try {
      // 2025-12-05 has no snapshot of its own yet; the newest before it is 12-02 (DPD 2)
      await recompute('2025-12-05');
    } finally {
      await pinBusinessDate(dbs.metrics.pool, null);
    }
    expect(await loanRow(dbs.metrics.pool, 'H1')).toMatchObject({ previous_dpd: 2, max_dpd_ever: 7, computed_as_of: '2025-12-05' });
  });
});

describe('recompute_open_loans', () => {
  it('skips Closed/Rejected/Cancelled loans already computed, but computes any loan never computed', async () => {
    await insertLoans(dbs.metrics.pool, [
      { id: 'H2', status: 'Closed', amount: '1000', rate: null, fee: null, term: 10, ra: '1000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2025-12-12' },
      { id: 'H3', status: 'Rejected', amount: '1000', rate: null, fee: null, term: 10, ra: '1000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2025-12-12' },
      { id: 'H4', status: 'Defaulted', amount: '1000', rate: null, fee: null, term: 10, ra: '1000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2025-12-12' },
    ]);
    const pool = dbs.metrics.pool;
    const asOf = async () => (await pool.query(`SELECT loan_id, computed_as_of::text AS d FROM loans ORDER BY loan_id`)).rows;
    await withoutRepaymentTrigger(pool, async (client) => {
      expect(await recomputeOpenLoans(client, '2025-12-12')).toBe(4); // H1, H4 open; H2, H3 never computed
    });
    await withoutRepaymentTrigger(pool, async (client) => {
      expect(await recomputeOpenLoans(client, '2025-12-15')).toBe(2); // H1, H4 only
    });
    expect(await asOf()).toEqual([
      { loan_id: 'H1', d: '2025-12-15' },
      { loan_id: 'H2', d: '2025-12-12' },
      { loan_id: 'H3', d: '2025-12-12' },
      { loan_id: 'H4', d: '2025-12-15' },
    ]);
  });
});
