/**
 * The naive-resolver baseline of the benchmarks (GRAPHQL_BATCHING=false): the same schema and answers, but every
 * key costs its own statement, so the statement count grows with the page — the opposite of the batched default.
 */
import { graphql } from 'graphql';
import { createContextFactory } from '../../../src/context';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';
import { countStatements } from '../../support/databases';
import { createApiHarness, MAX_PAGE_SIZE, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 4, loansPerOfficer: 6, customers: 10 });
});
afterAll(async () => {
  await api.dbs.drop();
});

const QUERY = `query Page($first: Int!) { loans(first: $first, filter: { visibleOfficersOnly: false }) { nodes { id amount currentDpd officer { name } customer { name } } } }`;

async function run(batching: boolean, first: number) {
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  const factory = createContextFactory({ django: api.dbs.django, metrics: api.dbs.metrics, maxPageSize: MAX_PAGE_SIZE, batching });
  return countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
    graphql({ schema, source: QUERY, variableValues: { first }, contextValue: factory(null) }),
  );
}

it('gives the same answers with batching on and off', async () => {
  const batched = await run(true, 20);
  const naive = await run(false, 20);
  expect(naive.result.errors).toBeUndefined();
  expect(naive.result.data).toEqual(batched.result.data);
});

it('costs one statement per key without batching, and a constant count with it', async () => {
  // The seed's 4 officers × 6 loans, newest disbursement first (2025-11-03 + i % 5, ties by id descending): the
  // first 5 are loans i = 4 of officers 4..1 and 4003; the first 20 are all but the i = 5 loans. Loan o·1000 + i
  // belongs to customer ((31·o + i) % 10) + 1: customers 6..9 on the first 5, 1 and 3..10 (9) on the first 20;
  // every page has all 4 officers.
  const [batchedSmall, batchedLarge] = [await run(true, 5), await run(true, 20)];
  // Batched: one page read in seedsmetrics and one Django read of the page's loans with their parties.
  expect(batchedSmall.counts).toEqual({ django: 1, metrics: 1 });
  expect(batchedLarge.counts).toEqual({ django: 1, metrics: 1 });
  const [naiveSmall, naiveLarge] = [await run(false, 5), await run(false, 20)];
  // Naive: the same page read, then one Django statement per loan (base fields), per distinct officer and per
  // distinct customer: 5 + 4 + 4 and 20 + 4 + 9.
  expect(naiveSmall.counts).toEqual({ django: 13, metrics: 1 });
  expect(naiveLarge.counts).toEqual({ django: 33, metrics: 1 });
  // Batched, officers and customers come joined to the loans; naive, each field loads its own row.
  const reads = (run: { statements: Record<string, string[]> }, alias: 'u' | 'c') =>
    run.statements.django!.filter((sql) => new RegExp(`^SELECT ${alias}\\.id::text AS "id"`).test(sql.trim())).length;
  expect([reads(batchedLarge, 'u'), reads(batchedLarge, 'c')]).toEqual([0, 0]);
  expect([reads(naiveSmall, 'u'), reads(naiveSmall, 'c')]).toEqual([4, 4]);
  expect([reads(naiveLarge, 'u'), reads(naiveLarge, 'c')]).toEqual([4, 9]);
});
