/**
 * officer_portfolios holds the §4.4 metrics of every officer over all waves, refreshed by triggers in the
 * transaction that changes loans or officers. Read back through the loader, they must equal the metrics computed
 * live from the loans, after inserts, updates, officer moves and deletes; and the trigger's SQL must be the
 * loader's chain (a change to one without the other fails here).
 */
import { fetchOfficerPortfolios, officerMetricsChain, officerPortfolioColumns, STORED_PORTFOLIO_COLUMNS, type OfficerPortfolioRow } from '../../../loaders/officer-portfolio.metrics';
import { createApiHarness, seedPortfolio, type ApiHarness } from '../api/harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 6, loansPerOfficer: 5, customers: 12 });
});
afterAll(async () => {
  await api.dbs.drop();
});

/** Every seedsmetrics officer's metrics, computed live from loans with the loader's chain. */
async function liveMetrics(): Promise<OfficerPortfolioRow[]> {
  const { rows } = await api.dbs.metrics.pool.query<OfficerPortfolioRow>(
    `WITH ${officerMetricsChain('SELECT officer_id FROM officers', 'NULL::text')}
     SELECT ${officerPortfolioColumns()} FROM scored ORDER BY officer_id`,
  );
  return rows;
}

async function storedMetrics(): Promise<OfficerPortfolioRow[]> {
  const { rows: ids } = await api.dbs.metrics.pool.query<{ id: string }>('SELECT officer_id AS id FROM officers ORDER BY officer_id');
  const rows = await fetchOfficerPortfolios(api.dbs.metrics.pool, ids.map((r) => r.id), null);
  return [...rows].sort((a, b) => (a.officerId < b.officerId ? -1 : 1));
}

async function expectStoredEqualsLive(): Promise<void> {
  const live = await liveMetrics();
  expect(live.length).toBeGreaterThan(0);
  expect(await storedMetrics()).toEqual(live);
}

describe('officer_portfolios', () => {
  it('is refreshed by the trigger with exactly the loader chain, into exactly its columns', async () => {
    const { rows } = await api.dbs.metrics.pool.query<{ src: string }>(`SELECT prosrc AS src FROM pg_proc WHERE proname = 'refresh_officer_portfolios'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.src).toContain(`WITH ${officerMetricsChain('SELECT DISTINCT unnest(p_officer_ids)', 'NULL')}`);
    const { rows: columns } = await api.dbs.metrics.pool.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'officer_portfolios' AND column_name <> 'refreshed_at' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.name)).toEqual([...STORED_PORTFOLIO_COLUMNS]);
  });

  it('matches the live metrics after the loans are written', async () => {
    const { rows } = await api.dbs.metrics.pool.query<{ n: number; nonzero: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE total_portfolio > 0)::int AS nonzero FROM officer_portfolios`,
    );
    expect(rows[0]).toEqual({ n: 6, nonzero: 6 });
    await expectStoredEqualsLive();
  });

  it('follows computed-field updates, a loan moving to another officer, a deleted loan and a new officer', async () => {
    const db = api.dbs.metrics.pool;
    await db.query(`UPDATE loans SET current_dpd = 40, fimr_tagged = true WHERE loan_id = '1001'`);
    await expectStoredEqualsLive();
    const before = (await storedMetrics()).find((r) => r.officerId === '1')!;
    await db.query(`UPDATE loans SET officer_id = '2' WHERE loan_id = '1002'`);
    const after = (await storedMetrics()).find((r) => r.officerId === '1')!;
    expect(after.disbursed).toBe(before.disbursed - 1); // the officer the loan left is refreshed too
    await expectStoredEqualsLive();
    await db.query(`DELETE FROM loans WHERE loan_id = '3003'`);
    await expectStoredEqualsLive();
    await db.query(
      `INSERT INTO officers (officer_id, officer_name, region, branch) VALUES ('77', 'New Officer', 'Ruby', 'Ikeja')`,
    );
    await expectStoredEqualsLive();
    expect((await storedMetrics()).find((r) => r.officerId === '77')).toMatchObject({ totalPortfolio: '0.00', disbursed: 0, riskBand: expect.any(String) });
  });

  it('is read with one statement that does not aggregate loans', async () => {
    const statements: string[] = [];
    const stop = api.dbs.metrics.pool.onStatement((sql) => statements.push(sql));
    const rows = await fetchOfficerPortfolios(api.dbs.metrics.pool, ['1', '2'], null);
    stop();
    expect(rows.map((r) => r.officerId).sort()).toEqual(['1', '2']);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM officer_portfolios/);
    expect(statements[0]).not.toMatch(/\bloans\b/);
  });

  it('answers an id it has no row for (not a seedsmetrics officer) with zeros, like the live chain', async () => {
    const rows = await fetchOfficerPortfolios(api.dbs.metrics.pool, ['2', '999999'], null);
    expect(rows.map((r) => r.officerId)).toEqual(['2', '999999']);
    const row = rows[1];
    const { rows: live } = await api.dbs.metrics.pool.query(
      `WITH ${officerMetricsChain(`SELECT '999999'::text`, 'NULL::text')} SELECT ${officerPortfolioColumns()} FROM scored`,
    );
    expect(row).toEqual(live[0]);
    expect(row).toMatchObject({ officerId: '999999', disbursed: 0, totalPortfolio: '0.00' });
  });
});
