/**
 * The dashboard's point of view: @apollo/client (real InMemoryCache, HttpLink) against the running gateway,
 * with the typed documents generated from test/operations. Paging follows cursors to the end; a refetch of one
 * loan updates every cached query that shows it, because the cache normalises Loan by id.
 */
import { createHash } from 'node:crypto';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { scrollPagination } from '../../schema/apollo-scroll-pagination';
import typePolicies from '../../schema/apollo-type-policies.json';
import type { App } from '../../src/app';
import { insertUnknownOfficers } from '../../src/sync/upsert';
import * as operations from '../__generated__/graphql';
import { DashboardDocument, LoanByIdDocument, LoansPageDocument, OfficerByIdDocument, type LoansPageQuery } from '../__generated__/graphql';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { buildDemoWorld } from '../support/demo-world';

let dbs: TestDatabases;
let app: App;
let client: ApolloClient;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await buildDemoWorld(dbs);
  // The worker runs only when asked (runOnce), so every step of the test is deterministic.
  app = await startTestApp(dbs, { SYNC_INTERVAL_MS: '3600000', SYNC_MAX_LAG_MS: '86400000' });
  client = new ApolloClient({ link: new HttpLink({ uri: `${app.server.url}/graphql` }), cache: new InMemoryCache() });
}, 180_000);

afterAll(async () => {
  client?.stop();
  await app?.stop();
  await dbs?.drop();
});

it('loads the dashboard: officers with portfolio metrics and their loans with computed fields', async () => {
  const { data, error } = await client.query({ query: DashboardDocument, variables: { first: 5, loansFirst: 10 } });
  expect(error).toBeUndefined();
  const officers = data!.officers.nodes;
  expect(officers.length).toBeGreaterThan(0);
  const { rows } = await dbs.metrics.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM loans WHERE officer_id = $1`,
    [officers[0]!.id],
  );
  expect(officers[0]!.loans.totalCount).toBe(Number(rows[0]!.n));
});

it('pages through every loan with cursors: no duplicate, no gap, totalCount agrees', async () => {
  const seen: string[] = [];
  let after: string | null | undefined = undefined;
  let totalCount = -1;
  for (let page = 0; page < 100; page += 1) {
    const result = await client.query({ query: LoansPageDocument, variables: { first: 25, after, filter: { visibleOfficersOnly: false } } });
    const loans: LoansPageQuery['loans'] = result.data!.loans;
    totalCount = loans.totalCount;
    seen.push(...loans.edges.map((edge) => edge.node.id));
    if (!loans.pageInfo.hasNextPage) break;
    after = loans.pageInfo.endCursor;
  }
  const { rows } = await dbs.metrics.pool.query<{ n: string }>('SELECT count(*) AS n FROM loans');
  expect(totalCount).toBe(Number(rows[0]!.n));
  expect(seen).toHaveLength(totalCount);
  expect(new Set(seen).size).toBe(totalCount);
});

it('refetching one loan after a repayment updates the cached page that shows it (normalised cache)', async () => {
  const page = await client.query({ query: LoansPageDocument, variables: { first: 10, filter: { visibleOfficersOnly: false, dpdMin: 1 } } });
  const loan = page.data!.loans.edges[0]!.node;
  expect(loan.currentDpd).toBeGreaterThan(0);

  // A repayment lands in Django; one sync cycle copies it and recomputes the loan.
  await dbs.djangoWriter.query(
    `INSERT INTO loans_ajoloanrepayment (ajo_loan_id, paid_date, repayment_amount, repayment_type, updated_at)
     VALUES ($1, $2::date + time '10:00' AT TIME ZONE 'Africa/Lagos', 1000000, 'TRANSFER', now())`,
    [loan.id, '2025-12-10'],
  );
  await app.worker!.runOnce();

  const refetched = await client.query({ query: LoanByIdDocument, variables: { id: loan.id }, fetchPolicy: 'network-only' });
  expect(refetched.data!.loan!.currentDpd).toBe(0);
  expect(refetched.data!.loan!.totalOutstanding).toBe('0.00');

  // The page query, answered from the cache alone, now shows the fresh values of the same Loan entity.
  const fromCache = client.readQuery({ query: LoansPageDocument, variables: { first: 10, filter: { visibleOfficersOnly: false, dpdMin: 1 } } });
  const cached = fromCache!.loans.edges.map((edge) => edge.node).find((node) => node.id === loan.id)!;
  expect(cached.currentDpd).toBe(0);
  expect(cached.totalRepayments).toBe(refetched.data!.loan!.totalRepayments);
});

it('resolves an officer by id with typed variables, and null for an unknown id', async () => {
  const { rows } = await dbs.metrics.pool.query<{ officer_id: string; officer_name: string }>('SELECT officer_id, officer_name FROM officers ORDER BY officer_id LIMIT 1');
  const found = await client.query({ query: OfficerByIdDocument, variables: { id: rows[0]!.officer_id } });
  expect(found.data!.officer!.id).toBe(rows[0]!.officer_id);
  const missing = await client.query({ query: OfficerByIdDocument, variables: { id: '999999999' } });
  expect(missing.data!.officer).toBeNull();
});

it('serves automatic persisted queries: a hash alone over GET once the query is known, the full query only on a miss', async () => {
  const sent: Array<{ method: string; hasQuery: boolean; status: number }> = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const hasQuery = init?.method === 'GET' ? url.searchParams.has('query') : String(init?.body ?? '').includes('"query"');
    sent.push({ method: init?.method ?? 'GET', hasQuery, status: response.status });
    return response;
  };
  const persisted = new PersistedQueryLink({ sha256: (query: string) => createHash('sha256').update(query).digest('hex'), useGETForHashedQueries: true });
  const apq = new ApolloClient({ link: persisted.concat(new HttpLink({ uri: `${app.server.url}/graphql`, fetch: recordingFetch })), cache: new InMemoryCache() });
  const { rows } = await dbs.metrics.pool.query<{ officer_id: string }>('SELECT officer_id FROM officers ORDER BY officer_id LIMIT 1');
  const id = rows[0]!.officer_id;

  const first = await apq.query({ query: OfficerByIdDocument, variables: { id }, fetchPolicy: 'network-only' });
  const again = await apq.query({ query: OfficerByIdDocument, variables: { id }, fetchPolicy: 'network-only' });
  expect(first.data!.officer!.id).toBe(id);
  expect(again.data).toEqual(first.data);
  expect(sent).toEqual([
    { method: 'GET', hasQuery: false, status: 200 }, // PERSISTED_QUERY_NOT_FOUND: the server does not know the hash yet
    { method: 'POST', hasQuery: true, status: 200 }, // the full query with its hash, which the server keeps
    { method: 'GET', hasQuery: false, status: 200 }, // the hash alone suffices from now on
  ]);
  apq.stop();
});

it("keeps every query's fields of an object without id (an officer's portfolio) with the policies of schema/apollo-type-policies.json", async () => {
  const { rows } = await dbs.metrics.pool.query<{ officer_id: string }>('SELECT officer_id FROM loans GROUP BY officer_id ORDER BY officer_id LIMIT 1');
  const variables = { id: rows[0]!.officer_id };
  const withPar = gql`query OfficerPar($id: ID!) { officer(id: $id) { id portfolio { par15 } } }`;
  const withAyr = gql`query OfficerAyr($id: ID!) { officer(id: $id) { id portfolio { ayr } } }`;
  const bothInOneCache = async (cache: InMemoryCache) => {
    const dashboard = new ApolloClient({ link: new HttpLink({ uri: `${app.server.url}/graphql` }), cache });
    await dashboard.query({ query: withPar, variables });
    await dashboard.query({ query: withAyr, variables });
    dashboard.stop();
    return [cache.readQuery({ query: withPar, variables }), cache.readQuery({ query: withAyr, variables })];
  };
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    // Without them the second query's portfolio replaced the first's: the first is no longer in the cache.
    const [parLost, ayrKept] = await bothInOneCache(new InMemoryCache());
    expect(parLost).toBeNull();
    expect(ayrKept).toEqual({ officer: { __typename: 'Officer', id: variables.id, portfolio: { __typename: 'OfficerPortfolio', ayr: expect.any(String) } } });
  } finally {
    warn.mockRestore();
  }
  const [par, ayr] = await bothInOneCache(new InMemoryCache({ typePolicies }));
  expect(par).toEqual({ officer: { __typename: 'Officer', id: variables.id, portfolio: { __typename: 'OfficerPortfolio', par15: expect.any(String) } } });
  expect(ayr).toEqual({ officer: { __typename: 'Officer', id: variables.id, portfolio: { __typename: 'OfficerPortfolio', ayr: expect.any(String) } } });
});

it("scrolls to the end with fetchMore under scrollPagination (keyed by filter and orderBy), past a page of officers Django lacks", async () => {
  // Placeholder officers (§8.23: loans name an agent Django does not have) are in seedsmetrics only, so the list
  // leaves them out of their pages; sorted by name ('Unknown officer …') they fill whole pages of 5. Such a page
  // answered hasNextPage true with a null endCursor, and relayStylePagination (which scrollPagination uses) then asked for
  // the same page again and again (its endCursor falls back to the last edge's).
  const placeholders = Array.from({ length: 12 }, (_, i) => String(990001 + i));
  await insertUnknownOfficers(dbs.metrics.pool, placeholders);
  const cache = new InMemoryCache({ typePolicies: { ...typePolicies, Query: { fields: { officers: scrollPagination(['filter', 'orderBy']) } } } });
  const scroll = new ApolloClient({ link: new HttpLink({ uri: `${app.server.url}/graphql` }), cache });
  const query = gql`
    query OfficerScroll($first: Int, $after: String, $filter: OfficerFilterInput) {
      officers(first: $first, after: $after, filter: $filter) @connection(key: "officerScroll") { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } }
    }
  `;
  type Scroll = { officers: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  try {
    const everyone = await scroll.query({ query: gql`{ officers(first: 500) { totalCount nodes { id } } }`, fetchPolicy: 'no-cache' });
    const { totalCount, nodes } = (everyone.data as { officers: { totalCount: number; nodes: { id: string }[] } }).officers;
    const expected = nodes.map((o) => o.id);
    await scroll.query({ query, variables: { first: 5 } });
    const observable = scroll.watchQuery({ query, variables: { first: 5 } });
    const watching = observable.subscribe(() => undefined);
    let fetches = 1;
    for (;;) {
      const merged = cache.readQuery<Scroll>({ query, variables: { first: 5 } })!.officers;
      if (!merged.pageInfo.hasNextPage) break;
      if (fetches > 40) throw new Error(`fetchMore does not reach the end: ${merged.edges.length} of ${expected.length} officers, endCursor ${merged.pageInfo.endCursor}`);
      await observable.fetchMore({ variables: { after: merged.pageInfo.endCursor } });
      fetches += 1;
    }
    const merged = cache.readQuery<Scroll>({ query, variables: { first: 5 } })!.officers;
    expect(merged.edges.map((e) => e.node.id)).toEqual(expected);
    // totalCount counts the placeholders: every row of the list was read once, five a page.
    expect(fetches).toBe(Math.ceil(totalCount / 5));

    // Another filter is another list in the cache (keyArgs), and scrolling it leaves the first one as it was.
    const branch = (await dbs.metrics.pool.query<{ branch: string }>(`SELECT branch FROM officers WHERE officer_id = $1`, [expected[0]])).rows[0]!.branch;
    const filtered = await scroll.query({ query, variables: { first: 5, filter: { branches: [branch] } } });
    expect((filtered.data as Scroll).officers.edges.length).toBeGreaterThan(0);
    expect(cache.readQuery<Scroll>({ query, variables: { first: 5 } })!.officers.edges.map((e) => e.node.id)).toEqual(expected);
    watching.unsubscribe();
  } finally {
    scroll.stop();
    await dbs.metrics.pool.query(`DELETE FROM officers WHERE officer_id = ANY($1::text[])`, [placeholders]);
  }
});

it("keeps every screen's query answerable from one shared cache: no query drops a Loan's customer or officer another query cached", async () => {
  // An object with an id that a query selects without its id is stored inside its parent instead of as a reference,
  // and replaces the reference another query left there, silently (Apollo warns only when it replaces an object):
  // the Officer Detail page's `customer { name phone }` took the customer of the same loans away from the Dashboard,
  // which then fetched again, and took it back.
  const { rows } = await dbs.metrics.pool.query<{ loan_id: string; officer_id: string; customer_id: string }>(
    `SELECT loan_id, officer_id, customer_id FROM loans WHERE current_dpd > 0 ORDER BY loan_id LIMIT 1`,
  );
  const { loan_id: loanId, officer_id: officerId, customer_id: customerId } = rows[0]!;
  const variablesByOperation: Record<string, Record<string, unknown>> = {
    LoanById: { id: loanId },
    OfficerById: { id: officerId },
    CustomerById: { id: customerId },
    TopRiskLoans: { officerId },
  };
  // Every query document of test/operations (the subscriptions' selections are checked in test/integration/api/operations.test.ts).
  const queries = Object.entries(operations)
    .filter(([exported]) => exported.endsWith('Document'))
    .map(([exported, document]) => ({ name: exported.slice(0, -'Document'.length), query: document as DocumentNode }))
    .filter(({ query }) => query.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === OperationTypeNode.QUERY))
    .map(({ name, query }) => ({ name, query, variables: variablesByOperation[name] ?? {} }));
  expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['Dashboard', 'LoanById', 'OfficerById', 'TopRiskLoans', 'EarlyIndicators']));
  const cache = new InMemoryCache({ typePolicies });
  const dashboard = new ApolloClient({ link: new HttpLink({ uri: `${app.server.url}/graphql` }), cache });
  try {
    const answers = new Map<string, unknown>();
    for (const { name, query, variables } of queries) answers.set(name, (await dashboard.query({ query, variables, fetchPolicy: 'network-only' })).data);
    const lost = queries.flatMap(({ name, query, variables }) => {
      const { complete, missing } = cache.diff({ query, variables, returnPartialData: true, optimistic: false });
      return complete ? [] : [`${name}: ${/"__typename": "(\w+)"/.exec(String(missing?.message))?.[1] ?? String(missing?.message)} left without its id`];
    });
    expect(lost).toEqual([]);
    for (const { name, query, variables } of queries) expect([name, cache.readQuery({ query, variables })]).toEqual([name, answers.get(name)]);
  } finally {
    dashboard.stop();
  }
});
