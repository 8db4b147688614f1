/**
 * D8 / D14: PAR15/30/60/90 per officer, branch, region and the whole portfolio, compared with par_current after
 * every recompute; par_changes rows carry exact before/after amounts and ratios.
 *
 * Loans (no payments at first, so principal_outstanding = L):
 *   P1 officer o1, YABA, Ruby: L 30,000, T 30, D1 Mon 2025-11-03 → on Fri 11-21 BD = 15: DPD 15 (in PAR15, D14 ">= 15")
 *   P2 officer o2, EPE,  Ruby: L 20,000, T 30, D1 Tue 2025-11-04 → on 11-21 BD = 14: DPD 14 (not in PAR15)
 *   P3 officer o3, IKEJA, Jade: L 10,000, T 200, D1 Mon 2025-06-02 → on 11-21 BD = 125: DPD 125 (in PAR15..PAR90)
 */
import { recomputeLoans, recomputeOpenLoans } from '../../../src/engine/recompute';
import { pinBusinessDate } from '../../../src/engine/clock';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, withoutRepaymentTrigger } from './fixtures';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
  await insertLoans(dbs.metrics.pool, [
    { id: 'P1', officer: 'o1', branch: 'YABA', region: 'Ruby', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-01', d1: '2025-11-03', maturity: '2025-12-31' },
    { id: 'P2', officer: 'o2', branch: 'EPE', region: 'Ruby', amount: '20000', rate: null, fee: null, term: 30, ra: '20000', d0: '2025-11-01', d1: '2025-11-04', maturity: '2025-12-31' },
    { id: 'P3', officer: 'o3', branch: 'IKEJA', region: 'Jade', amount: '10000', rate: null, fee: null, term: 200, ra: '10000', d0: '2025-06-01', d1: '2025-06-02', maturity: '2026-06-30' },
  ]);
});
afterAll(async () => {
  await dbs.drop();
});

let seen = 0;
/** par_changes rows appended since the last call, compactly: [scope, key, date, portfolio, par15..90, ratio15..90] before → after. */
async function newChanges() {
  const { rows } = await dbs.metrics.pool.query(
    `SELECT change_id::int AS id, scope, scope_key AS key, business_date::text AS date,
            portfolio_before || ' → ' || portfolio_after AS portfolio,
            par15_before || ' → ' || par15_after AS par15, par30_before || ' → ' || par30_after AS par30,
            par60_before || ' → ' || par60_after AS par60, par90_before || ' → ' || par90_after AS par90,
            ratio15_before || ' → ' || ratio15_after AS ratio15, ratio30_before || ' → ' || ratio30_after AS ratio30,
            ratio60_before || ' → ' || ratio60_after AS ratio60, ratio90_before || ' → ' || ratio90_after AS ratio90
       FROM par_changes WHERE change_id > $1 ORDER BY change_id`,
    [seen],
  );
  if (rows.length > 0) seen = rows.at(-1).id;
  return rows.map(({ id: _id, ...rest }) => rest);
}

const Z = '0.00 → 0.00';
const RZ = '0.00000000 → 0.00000000';

describe('PAR per scope', () => {
  it('the first recompute logs every scope whose PAR moved away from zero, with exact amounts and ratios', async () => {
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['P1', 'P2', 'P3'], '2025-11-21'));
    const d = '2025-11-21';
    // o2 and EPE have a portfolio but no PAR: nothing to log (their par_current row is still saved, see below).
    expect(await newChanges()).toEqual([
      { scope: 'OFFICER', key: 'o1', date: d, portfolio: '0.00 → 30000.00', par15: '0.00 → 30000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.00000000 → 1.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'OFFICER', key: 'o3', date: d, portfolio: '0.00 → 10000.00', par15: '0.00 → 10000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.00000000 → 1.00000000', ratio30: '0.00000000 → 1.00000000', ratio60: '0.00000000 → 1.00000000', ratio90: '0.00000000 → 1.00000000' },
      { scope: 'BRANCH', key: 'IKEJA', date: d, portfolio: '0.00 → 10000.00', par15: '0.00 → 10000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.00000000 → 1.00000000', ratio30: '0.00000000 → 1.00000000', ratio60: '0.00000000 → 1.00000000', ratio90: '0.00000000 → 1.00000000' },
      { scope: 'BRANCH', key: 'YABA', date: d, portfolio: '0.00 → 30000.00', par15: '0.00 → 30000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.00000000 → 1.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'REGION', key: 'Jade', date: d, portfolio: '0.00 → 10000.00', par15: '0.00 → 10000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.00000000 → 1.00000000', ratio30: '0.00000000 → 1.00000000', ratio60: '0.00000000 → 1.00000000', ratio90: '0.00000000 → 1.00000000' },
      // Ruby: 30,000 / (30,000 + 20,000) = 0.6
      { scope: 'REGION', key: 'Ruby', date: d, portfolio: '0.00 → 50000.00', par15: '0.00 → 30000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.00000000 → 0.60000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      // all: PAR15 40,000 / 60,000 = 0.666…67; PAR30/60/90 10,000 / 60,000 = 0.166…67 (8 dp, half away from zero)
      { scope: 'PORTFOLIO', key: 'ALL', date: d, portfolio: '0.00 → 60000.00', par15: '0.00 → 40000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.00000000 → 0.66666667', ratio30: '0.00000000 → 0.16666667', ratio60: '0.00000000 → 0.16666667', ratio90: '0.00000000 → 0.16666667' },
    ]);
    const { rows } = await dbs.metrics.pool.query(`SELECT scope, scope_key, portfolio, par15, par90 FROM par_current ORDER BY scope, scope_key`);
    expect(rows).toEqual([
      { scope: 'BRANCH', scope_key: 'EPE', portfolio: '20000.00', par15: '0.00', par90: '0.00' },
      { scope: 'BRANCH', scope_key: 'IKEJA', portfolio: '10000.00', par15: '10000.00', par90: '10000.00' },
      { scope: 'BRANCH', scope_key: 'YABA', portfolio: '30000.00', par15: '30000.00', par90: '0.00' },
      { scope: 'OFFICER', scope_key: 'o1', portfolio: '30000.00', par15: '30000.00', par90: '0.00' },
      { scope: 'OFFICER', scope_key: 'o2', portfolio: '20000.00', par15: '0.00', par90: '0.00' },
      { scope: 'OFFICER', scope_key: 'o3', portfolio: '10000.00', par15: '10000.00', par90: '10000.00' },
      { scope: 'PORTFOLIO', scope_key: 'ALL', portfolio: '60000.00', par15: '40000.00', par90: '10000.00' },
      { scope: 'REGION', scope_key: 'Jade', portfolio: '10000.00', par15: '10000.00', par90: '10000.00' },
      { scope: 'REGION', scope_key: 'Ruby', portfolio: '50000.00', par15: '30000.00', par90: '0.00' },
    ]);
  });

  it('recomputing the same state logs nothing', async () => {
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['P1', 'P2', 'P3'], '2025-11-21'));
    expect(await newChanges()).toEqual([]);
  });

  it('a loan reaching DPD 15 (Mon 11-24) logs only its own scopes', async () => {
    // only P2 is recomputed: BD(11-04, 11-24) = 15 → enters PAR15; o1, YABA, o3, IKEJA, Jade are untouched
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['P2'], '2025-11-24'));
    const d = '2025-11-24';
    expect(await newChanges()).toEqual([
      { scope: 'OFFICER', key: 'o2', date: d, portfolio: '20000.00 → 20000.00', par15: '0.00 → 20000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.00000000 → 1.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'BRANCH', key: 'EPE', date: d, portfolio: '20000.00 → 20000.00', par15: '0.00 → 20000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.00000000 → 1.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'REGION', key: 'Ruby', date: d, portfolio: '50000.00 → 50000.00', par15: '30000.00 → 50000.00', par30: Z, par60: Z, par90: Z, ratio15: '0.60000000 → 1.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'PORTFOLIO', key: 'ALL', date: d, portfolio: '60000.00 → 60000.00', par15: '40000.00 → 60000.00', par30: '10000.00 → 10000.00', par60: '10000.00 → 10000.00', par90: '10000.00 → 10000.00', ratio15: '0.66666667 → 1.00000000', ratio30: '0.16666667 → 0.16666667', ratio60: '0.16666667 → 0.16666667', ratio90: '0.16666667 → 0.16666667' },
    ]);
  });

  it('a repayment written through the trigger logs the PAR drop in the same transaction', async () => {
    await pinBusinessDate(dbs.metrics.pool, '2025-11-24');
    // P1 pays 15,000: days_paid 15, DPD = BD(11-03, 11-24) 16 − 15 = 1; principal outstanding 15,000 (D4, R = L)
    await insertRepayments(dbs.metrics.pool, [{ id: 'p1', loan: 'P1', date: '2025-11-24', amount: '15000' }]);
    const d = '2025-11-24';
    expect(await newChanges()).toEqual([
      { scope: 'OFFICER', key: 'o1', date: d, portfolio: '30000.00 → 15000.00', par15: '30000.00 → 0.00', par30: Z, par60: Z, par90: Z, ratio15: '1.00000000 → 0.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      { scope: 'BRANCH', key: 'YABA', date: d, portfolio: '30000.00 → 15000.00', par15: '30000.00 → 0.00', par30: Z, par60: Z, par90: Z, ratio15: '1.00000000 → 0.00000000', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      // Ruby: 20,000 / 35,000 = 0.571428571… → 0.57142857
      { scope: 'REGION', key: 'Ruby', date: d, portfolio: '50000.00 → 35000.00', par15: '50000.00 → 20000.00', par30: Z, par60: Z, par90: Z, ratio15: '1.00000000 → 0.57142857', ratio30: RZ, ratio60: RZ, ratio90: RZ },
      // all: PAR15 30,000 / 45,000 = 0.666…67; PAR30 10,000 / 45,000 = 0.222…22
      { scope: 'PORTFOLIO', key: 'ALL', date: d, portfolio: '60000.00 → 45000.00', par15: '60000.00 → 30000.00', par30: '10000.00 → 10000.00', par60: '10000.00 → 10000.00', par90: '10000.00 → 10000.00', ratio15: '1.00000000 → 0.66666667', ratio30: '0.16666667 → 0.22222222', ratio60: '0.16666667 → 0.22222222', ratio90: '0.16666667 → 0.22222222' },
    ]);
  });

  it('a portfolio change that moves no PAR amount or ratio is not an event', async () => {
    await insertLoans(dbs.metrics.pool, [
      { id: 'P4', officer: 'o4', branch: 'AGEGE', region: 'Opal', amount: '5000', rate: null, fee: null, term: 10, ra: '5000', d0: '2025-11-20', d1: '2025-11-28', maturity: '2025-12-12' },
    ]);
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['P4'], '2025-11-24'));
    // P4 is not yet due: the portfolio of o4/AGEGE/Opal is 5,000 with no PAR; ALL's portfolio grows to 50,000 and
    // its ratios move (30,000 / 50,000), so ALL is the only row
    expect(await newChanges()).toEqual([
      { scope: 'PORTFOLIO', key: 'ALL', date: '2025-11-24', portfolio: '45000.00 → 50000.00', par15: '30000.00 → 30000.00', par30: '10000.00 → 10000.00', par60: '10000.00 → 10000.00', par90: '10000.00 → 10000.00', ratio15: '0.66666667 → 0.60000000', ratio30: '0.22222222 → 0.20000000', ratio60: '0.22222222 → 0.20000000', ratio90: '0.22222222 → 0.20000000' },
    ]);
    const { rows } = await dbs.metrics.pool.query(`SELECT portfolio FROM par_current WHERE scope = 'OFFICER' AND scope_key = 'o4'`);
    expect(rows).toEqual([{ portfolio: '5000.00' }]);
  });

  it('recompute_open_loans refreshes every scope, including a key that lost all its loans', async () => {
    // P3 moves from IKEJA to YABA (a curated hierarchy change, not a recompute)
    await dbs.metrics.pool.query(`UPDATE loans SET branch = 'YABA' WHERE loan_id = 'P3'`);
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeOpenLoans(client, '2025-11-24'));
    // every other scope keeps its amounts (P1, P2 were already evaluated on 11-24; P3 stays in PAR90 at DPD 126)
    expect(await newChanges()).toEqual([
      { scope: 'BRANCH', key: 'IKEJA', date: '2025-11-24', portfolio: '10000.00 → 0.00', par15: '10000.00 → 0.00', par30: '10000.00 → 0.00', par60: '10000.00 → 0.00', par90: '10000.00 → 0.00', ratio15: '1.00000000 → 0.00000000', ratio30: '1.00000000 → 0.00000000', ratio60: '1.00000000 → 0.00000000', ratio90: '1.00000000 → 0.00000000' },
      // YABA: P1 (15,000, DPD 1) + P3 (10,000, DPD 126): PAR15..90 = 10,000 / 25,000 = 0.4
      { scope: 'BRANCH', key: 'YABA', date: '2025-11-24', portfolio: '15000.00 → 25000.00', par15: '0.00 → 10000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.00000000 → 0.40000000', ratio30: '0.00000000 → 0.40000000', ratio60: '0.00000000 → 0.40000000', ratio90: '0.00000000 → 0.40000000' },
    ]);
  });

  it('a loan that moves officer, branch and region, recomputed alone, also refreshes the scopes it left', async () => {
    // P3 (10,000, DPD 126) is reassigned from o3 (YABA since the test above, Jade) to o2 (EPE, Ruby), as the sync
    // copies a reassignment. Only P3 is recomputed; o3, YABA and Jade lose it in the same refresh, not the next day's.
    await dbs.metrics.pool.query(`UPDATE loans SET officer_id = 'o2', branch = 'EPE', region = 'Ruby' WHERE loan_id = 'P3'`);
    const { rows: stale } = await dbs.metrics.pool.query(`SELECT loan_id FROM par_stale_loans ORDER BY loan_id`);
    expect(stale).toEqual([{ loan_id: 'P3' }]);
    await withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ['P3'], '2025-11-24'));
    const d = '2025-11-24';
    const gone = { portfolio: '10000.00 → 0.00', par15: '10000.00 → 0.00', par30: '10000.00 → 0.00', par60: '10000.00 → 0.00', par90: '10000.00 → 0.00', ratio15: '1.00000000 → 0.00000000', ratio30: '1.00000000 → 0.00000000', ratio60: '1.00000000 → 0.00000000', ratio90: '1.00000000 → 0.00000000' };
    // o2 and EPE: P2 (20,000, DPD 15) + P3: PAR15 30,000 / 30,000; PAR30..90 10,000 / 30,000 = 0.33333333.
    const joined = { portfolio: '20000.00 → 30000.00', par15: '20000.00 → 30000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '1.00000000 → 1.00000000', ratio30: '0.00000000 → 0.33333333', ratio60: '0.00000000 → 0.33333333', ratio90: '0.00000000 → 0.33333333' };
    expect(await newChanges()).toEqual([
      { scope: 'OFFICER', key: 'o2', date: d, ...joined },
      { scope: 'OFFICER', key: 'o3', date: d, ...gone },
      { scope: 'BRANCH', key: 'EPE', date: d, ...joined },
      // YABA keeps P1 (15,000, DPD 1): 25,000 → 15,000, its PAR 10,000 → 0.
      { scope: 'BRANCH', key: 'YABA', date: d, portfolio: '25000.00 → 15000.00', par15: '10000.00 → 0.00', par30: '10000.00 → 0.00', par60: '10000.00 → 0.00', par90: '10000.00 → 0.00', ratio15: '0.40000000 → 0.00000000', ratio30: '0.40000000 → 0.00000000', ratio60: '0.40000000 → 0.00000000', ratio90: '0.40000000 → 0.00000000' },
      { scope: 'REGION', key: 'Jade', date: d, ...gone },
      // Ruby: P1 15,000 + P2 20,000 + P3 10,000: PAR15 30,000 / 45,000, PAR30..90 10,000 / 45,000. The whole portfolio did not move.
      { scope: 'REGION', key: 'Ruby', date: d, portfolio: '35000.00 → 45000.00', par15: '20000.00 → 30000.00', par30: '0.00 → 10000.00', par60: '0.00 → 10000.00', par90: '0.00 → 10000.00', ratio15: '0.57142857 → 0.66666667', ratio30: '0.00000000 → 0.22222222', ratio60: '0.00000000 → 0.22222222', ratio90: '0.00000000 → 0.22222222' },
    ]);
    expect((await dbs.metrics.pool.query(`SELECT count(*)::int AS n FROM par_stale_loans`)).rows).toEqual([{ n: 0 }]);
  });
});
