/**
 * recompute_if_new_business_day(): the start-up / after-midnight recompute runs once per business date.
 */
import { advanceBusinessDays, pinBusinessDate } from '../../../src/engine/clock';
import { recomputeIfNewBusinessDay } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, loanRow } from './fixtures';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
  await insertLoans(dbs.metrics.pool, [
    { id: 'M1', amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2026-01-09' },
  ]);
});
afterAll(async () => {
  await dbs.drop();
});

describe('the daily recompute', () => {
  it('runs on the first call of a business day and not again that day', async () => {
    const pool = dbs.metrics.pool;
    await pinBusinessDate(pool, '2025-12-10');
    expect(await recomputeIfNewBusinessDay(pool)).toEqual({ asOf: '2025-12-10', loans: 1 });
    expect(await loanRow(pool, 'M1')).toMatchObject({ current_dpd: 8, computed_as_of: '2025-12-10' });
    expect(await recomputeIfNewBusinessDay(pool)).toBeNull();
    expect(await recomputeIfNewBusinessDay(pool)).toBeNull();
  });

  it('runs again once the business date moves (midnight), forward or back', async () => {
    const pool = dbs.metrics.pool;
    await advanceBusinessDays(pool, 1);
    // BD(12-01, 12-11) = 9, nothing paid
    expect(await recomputeIfNewBusinessDay(pool)).toEqual({ asOf: '2025-12-11', loans: 1 });
    expect(await loanRow(pool, 'M1')).toMatchObject({ current_dpd: 9, previous_dpd: 8, computed_as_of: '2025-12-11' });
    expect(await recomputeIfNewBusinessDay(pool)).toBeNull();
    await advanceBusinessDays(pool, -1);
    expect(await recomputeIfNewBusinessDay(pool)).toEqual({ asOf: '2025-12-10', loans: 1 });
    const { rows } = await pool.query(`SELECT last_recompute_date::text AS d FROM business_clock`);
    expect(rows).toEqual([{ d: '2025-12-10' }]);
  });

  it('concurrent callers run it once', async () => {
    const pool = dbs.metrics.pool;
    await pinBusinessDate(pool, '2025-12-12');
    const results = await Promise.all([recomputeIfNewBusinessDay(pool), recomputeIfNewBusinessDay(pool), recomputeIfNewBusinessDay(pool)]);
    expect(results.filter((r) => r !== null)).toEqual([{ asOf: '2025-12-12', loans: 1 }]);
  });
});
