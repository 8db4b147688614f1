/**
 * D14: each threshold is named once in src/engine/thresholds.ts; the SQL engine must agree with it. These tests
 * compare SQL dpd_bucket() and the PAR/early-indicator cut-offs the recompute writes with the TypeScript constants.
 */
import {
  DPD_BUCKETS,
  DPD_BUCKET_LABELS,
  EARLY_INDICATOR_MAX_DPD,
  EARLY_INDICATOR_MIN_DPD,
  PAR_THRESHOLDS,
  dpdBucketOf,
} from '../../../src/engine/thresholds';
import { recomputeLoans } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, withoutRepaymentTrigger } from './fixtures';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

describe('DPD buckets', () => {
  it('SQL dpd_bucket() equals dpdBucketOf() for every DPD from 0 to 400', async () => {
    const { rows } = await dbs.metrics.pool.query<{ dpd: number; bucket: string }>(
      `SELECT d AS dpd, dpd_bucket(d) AS bucket FROM generate_series(0, 400) AS d ORDER BY d`,
    );
    expect(rows).toHaveLength(401);
    for (const { dpd, bucket } of rows) expect([dpd, bucket]).toEqual([dpd, dpdBucketOf(dpd)]);
  });

  it('has the D7 labels and edges', () => {
    expect(DPD_BUCKET_LABELS).toEqual(['0', '1-6', '7-30', '31-60', '61-90', '90+']);
    expect([0, 1, 6, 7, 30, 31, 60, 61, 90, 91].map(dpdBucketOf)).toEqual(['0', '1-6', '1-6', '7-30', '7-30', '31-60', '31-60', '61-90', '61-90', '90+']);
    // contiguous, no overlap (the upstream bands of §4.1 overlapped)
    for (let i = 1; i < DPD_BUCKETS.length; i += 1) expect(DPD_BUCKETS[i]!.min).toBe(DPD_BUCKETS[i - 1]!.max + 1);
  });

  it('rejects a non-integer DPD with a message naming what arrived', () => {
    expect(() => dpdBucketOf(1.5)).toThrow('dpd must be an integer number of days; got 1.5');
  });
});

describe('PAR and early-indicator cut-offs written by the recompute', () => {
  it('match PAR_THRESHOLDS (>= n) and EARLY_INDICATOR_MIN/MAX_DPD', async () => {
    // one loan per DPD around each cut-off: daily 1,000, D1 Monday 2025-06-02, today 2025-12-10 → 138 days due
    const dpds = [0, 1, 6, 7, 14, 15, 29, 30, 59, 60, 89, 90];
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      await insertLoans(client, dpds.map((dpd) => ({ id: `D${dpd}`, amount: '200000', rate: null, fee: null, term: 200, ra: '200000', d0: '2025-06-01', d1: '2025-06-02', maturity: '2026-12-31' })));
      await insertRepayments(client, dpds.map((dpd) => ({ id: `r${dpd}`, loan: `D${dpd}`, date: '2025-07-01', amount: String((138 - dpd) * 1000) })));
      await recomputeLoans(client, dpds.map((dpd) => `D${dpd}`), '2025-12-10');
    });
    const { rows } = await dbs.metrics.pool.query(
      `SELECT current_dpd, early_indicator_tagged, principal_outstanding FROM loans ORDER BY current_dpd`,
    );
    expect(rows.map((r) => r.current_dpd)).toEqual(dpds);
    for (const r of rows) {
      expect([r.current_dpd, r.early_indicator_tagged]).toEqual([r.current_dpd, r.current_dpd >= EARLY_INDICATOR_MIN_DPD && r.current_dpd <= EARLY_INDICATOR_MAX_DPD]);
    }
    const { rows: par } = await dbs.metrics.pool.query(`SELECT par15, par30, par60, par90 FROM par_current WHERE scope = 'PORTFOLIO'`);
    // exact: numeric(15,2) strings as integer cents
    const cents = (money: string): bigint => BigInt(money.replace('.', ''));
    const expected = PAR_THRESHOLDS.map((n) => rows.filter((r) => r.current_dpd >= n).reduce((sum, r) => sum + cents(r.principal_outstanding), 0n));
    expect(expected.every((v) => v > 0n)).toBe(true);
    expect([par[0].par15, par[0].par30, par[0].par60, par[0].par90].map(cents)).toEqual(expected);
  });
});
