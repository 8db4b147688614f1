/** Each context has its own loaders: a request (or a live event) never sees another's cached rows. */
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 1, loansPerOfficer: 2, customers: 2 });
});
afterAll(async () => {
  await api.dbs.drop();
});

it('createContextFactory gives fresh loaders per call, with the viewer and the page-size limit', async () => {
  const first = api.newContext();
  expect(first.viewer).toBeNull();
  expect(first.maxPageSize).toBe(500);
  expect((await first.loaders.loanMetrics.load('1001'))?.currentDpd).toBe(10);
  await api.dbs.metrics.pool.query(`UPDATE loans SET current_dpd = 42 WHERE loan_id = '1001'`);
  // The first context keeps what it read (one consistent view per request); a new one reads the new value.
  expect((await first.loaders.loanMetrics.load('1001'))?.currentDpd).toBe(10);
  const second = api.newContext();
  expect(second.loaders).not.toBe(first.loaders);
  expect((await second.loaders.loanMetrics.load('1001'))?.currentDpd).toBe(42);
});
