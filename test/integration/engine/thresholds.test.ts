/**
 * D14: each threshold is named once in src/engine/thresholds.ts; the SQL engine must agree with it. These tests
 * compare SQL dpd_bucket(), the PAR/early-indicator cut-offs the recompute writes and the buckets, PAR and live
 * cut-offs of the officer totals (officer_totals_sums_sql) with the TypeScript constants.
 */
import {
  AT_RISK_MIN_DPD,
  CRITICAL_MIN_DPD,
  DPD_BUCKETS,
  DPD_BUCKET_LABELS,
  EARLY_INDICATOR_DRILLDOWN_BANDS,
  EARLY_INDICATOR_DRILLDOWN_DPD,
  EARLY_INDICATOR_MAX_DPD,
  EARLY_INDICATOR_MIN_DPD,
  LIVE_OUTSTANDING_ABOVE,
  PAR15_MIN_DPD,
  PAR_THRESHOLDS,
  VERTICAL_LEAD_BANDS,
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

describe('Bands the loaders and resolvers read', () => {
  const contiguous = (bands: ReadonlyArray<{ min: number; max: number }>): boolean => bands.every((b, i) => i === 0 || b.min === bands[i - 1]!.max + 1);

  it('vertical-lead bands cover every DPD without overlap, 15-21 starting at PAR15 and over-21 at CRITICAL (D14)', () => {
    const bands = Object.values(VERTICAL_LEAD_BANDS);
    expect(contiguous(bands)).toBe(true);
    expect([bands[0]!.min, bands[bands.length - 1]!.max]).toEqual([0, Number.POSITIVE_INFINITY]);
    expect([VERTICAL_LEAD_BANDS.dpd15To21.min, VERTICAL_LEAD_BANDS.dpdOver21.min]).toEqual([PAR15_MIN_DPD, CRITICAL_MIN_DPD]);
    expect(AT_RISK_MIN_DPD).toBe(PAR15_MIN_DPD);
  });

  it('early-indicator drilldown bands are contiguous and span the drilldown population, DPD 1-30', () => {
    const bands = Object.values(EARLY_INDICATOR_DRILLDOWN_BANDS);
    expect(contiguous(bands)).toBe(true);
    expect({ min: bands[0]!.min, max: bands[bands.length - 1]!.max }).toEqual(EARLY_INDICATOR_DRILLDOWN_DPD);
    expect(EARLY_INDICATOR_DRILLDOWN_DPD).toEqual({ min: 1, max: 30 });
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

describe('Officer totals (officer_totals_sums_sql, §4.4)', () => {
  it('sum principal by the D7 buckets and PAR_THRESHOLDS, and count live loans above LIVE_OUTSTANDING_ABOVE', async () => {
    // One officer per loan: principal 100 at DPD on both sides of every edge, and DPD-0 loans whose
    // principal + interest + fees outstanding lies on both sides of the live cut-off.
    const cents = (n: number): string => (n / 100).toFixed(2);
    const live = LIVE_OUTSTANDING_ABOVE * 100;
    const loans = [
      ...[0, 1, 6, 7, 14, 15, 29, 30, 31, 59, 60, 61, 89, 90, 91].map((dpd) => ({ officer: `dpd${dpd}`, dpd, principal: 10000, interest: 0, fees: 0 })),
      ...[live - 1, live, live + 1].map((out3) => ({ officer: `out${cents(out3)}`, dpd: 0, principal: 100000, interest: out3 - 150000, fees: 50000 })),
    ];
    const values = loans
      .map((l) => `('${l.officer}', NULL::text, false, ${l.dpd}, ${cents(l.principal)}::numeric, ${cents(l.interest)}::numeric, ${cents(l.fees)}::numeric, 0::numeric, 0::numeric, 0::numeric, NULL::numeric, NULL::numeric, NULL::int, NULL::int)`)
      .join(', ');
    const source = `SELECT 1 AS sign, v.* FROM (VALUES ${values}) AS v(officer_id, wave, fimr_tagged, current_dpd, principal_outstanding,
      interest_outstanding, fees_outstanding, fee_amount, fees_collected, interest_collected, timeliness_score, repayment_health,
      days_since_last_repayment, loan_age)`;
    const { rows: [{ sql }] } = await dbs.metrics.pool.query<{ sql: string }>(`SELECT officer_totals_sums_sql($1) AS sql`, [source]);
    const { rows } = await dbs.metrics.pool.query(sql);
    const byOfficer = new Map(rows.map((r) => [r.officer_id as string, r]));
    expect(byOfficer.size).toBe(loans.length);

    const parColumns = ['principal_dpd_15_plus', 'principal_dpd_30_plus', 'principal_dpd_60_plus', 'principal_dpd_90_plus'];
    for (const l of loans.filter((x) => x.officer.startsWith('dpd'))) {
      const r = byOfficer.get(l.officer)!;
      const principal = (yes: boolean): number => (yes ? l.principal / 100 : 0);
      expect([l.dpd, Number(r.principal_dpd_1_6), Number(r.principal_dpd_7_30)]).toEqual([l.dpd, principal(dpdBucketOf(l.dpd) === '1-6'), principal(dpdBucketOf(l.dpd) === '7-30')]);
      expect([l.dpd, ...parColumns.map((c) => Number(r[c]))]).toEqual([l.dpd, ...PAR_THRESHOLDS.map((n) => principal(l.dpd >= n))]);
    }
    const liveCounts = loans.filter((x) => x.officer.startsWith('out')).map((l) => [l.officer, byOfficer.get(l.officer)!.live_count]);
    expect(liveCounts).toEqual(loans.filter((x) => x.officer.startsWith('out')).map((l) => [l.officer, l.principal + l.interest + l.fees > live ? 1 : 0]));
    expect(liveCounts.map(([, n]) => n)).toEqual([0, 0, 1]);
  });
});
