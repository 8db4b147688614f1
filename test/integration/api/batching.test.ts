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
  const [batchedSmall, batchedLarge] = [await run(true, 5), await run(true, 20)];
  expect(batchedLarge.counts).toEqual(batchedSmall.counts);
  const [naiveSmall, naiveLarge] = [await run(false, 5), await run(false, 20)];
  // 15 more loans: one more statement each for the loan's base fields (Django), plus their officers and customers.
  expect(naiveLarge.counts.django! - naiveSmall.counts.django!).toBeGreaterThanOrEqual(15);
  expect(naiveLarge.counts.django!).toBeGreaterThan(batchedLarge.counts.django!);
  // Batched, officers and customers come joined to the loans; naive, each field loads its own row.
  const partyReads = (run: { statements: Record<string, string[]> }) =>
    run.statements.django!.filter((sql) => /^SELECT (u|c)\.id::text AS "id"/.test(sql.trim())).length;
  expect(partyReads(batchedLarge)).toBe(0);
  expect(partyReads(naiveLarge)).toBeGreaterThan(4); // one per distinct officer (4) and customer on the page
});
