/**
 * Paging in the dashboard's Apollo cache (real InMemoryCache against the running gateway): a table with pages, the
 * Dashboard's pages of officers and a "load more" list of loans share one client, so their field policies must keep
 * each page its own while a scrolled list grows.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache, type TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import typePolicies from '../../schema/apollo-type-policies.json';
import { DashboardDocument, LoansPageDocument } from '../__generated__/graphql';
import { scrollPagination } from '../../schema/apollo-scroll-pagination';
import { demoWorldAppForFile } from '../support/demo-world-app';

const world = demoWorldAppForFile();

const clientWith = (policies: TypePolicies) => {
  const cache = new InMemoryCache({ typePolicies: policies });
  return { cache, client: new ApolloClient({ link: new HttpLink({ uri: `${world.app.server.url}/graphql` }), cache }) };
};

/** What the README recommended until now for infinite scroll: a scroll policy for every query of the field. */
const scrollEverywhere: TypePolicies = {
  ...typePolicies,
  Query: { fields: { loans: relayStylePagination(['filter', 'orderBy']), officers: relayStylePagination(['filter', 'orderBy']) } },
};

/** The README's recommendation now: the same lists, grown only where a query asks with `@connection(key: "…")`. */
const scrollWhereAsked: TypePolicies = {
  ...typePolicies,
  Query: { fields: { loans: scrollPagination(), officers: scrollPagination(), customers: scrollPagination() } },
};

const filter = { visibleOfficersOnly: false };
const ids = (edges: readonly { node: { id: string } }[]) => edges.map((edge) => edge.node.id);

/** The first `count` loans (and officers) of the lists, as the server answers them in one page, outside any cache. */
async function expected(count: number) {
  const { client } = clientWith({});
  try {
    const loans = (await client.query({ query: LoansPageDocument, variables: { first: count, filter }, fetchPolicy: 'no-cache' })).data!.loans;
    const officers = (await client.query({ query: DashboardDocument, variables: { first: count, loansFirst: 1 }, fetchPolicy: 'no-cache' })).data!.officers;
    return { loans: ids(loans.edges), officers: officers.nodes.map((o) => o.id) };
  } finally {
    client.stop();
  }
}

/** A paged table (LoansPage, page 1 then page 2) and the Dashboard's pages of officers, in one client. */
async function turnPages(policies: TypePolicies) {
  const { cache, client } = clientWith(policies);
  try {
    const page1 = (await client.query({ query: LoansPageDocument, variables: { first: 5, filter } })).data!.loans;
    const page2 = (await client.query({ query: LoansPageDocument, variables: { first: 5, after: page1.pageInfo.endCursor, filter } })).data!.loans;
    const officers1 = (await client.query({ query: DashboardDocument, variables: { first: 2, loansFirst: 1 } })).data!.officers;
    const officers2 = (await client.query({ query: DashboardDocument, variables: { first: 2, loansFirst: 1, after: officers1.pageInfo.endCursor } })).data!.officers;
    const page1Again = cache.readQuery({ query: LoansPageDocument, variables: { first: 5, filter } })!.loans;
    return {
      loans: [ids(page1.edges), ids(page2.edges), ids(page1Again.edges)],
      officers: [officers1.nodes.map((o) => o.id), officers2.nodes.map((o) => o.id)],
    };
  } finally {
    client.stop();
  }
}

it('keeps each page of a paged table and of the Dashboard its own, with the generated policies and with scrollPagination', async () => {
  const { loans, officers } = await expected(10);
  const pages = { loans: [loans.slice(0, 5), loans.slice(5, 10), loans.slice(0, 5)], officers: [officers.slice(0, 2), officers.slice(2, 4)] };
  expect(await turnPages(typePolicies as TypePolicies)).toEqual(pages);
  expect(await turnPages(scrollWhereAsked)).toEqual(pages);
});

it('a scroll policy for every query of the field answers page 2 of a table, and the Dashboard, with page 1', async () => {
  // Its key leaves `after` out, so page 2 is found in the cache, complete, under page 1's key: no request is sent.
  const { loans, officers } = await expected(5);
  const turned = await turnPages(scrollEverywhere);
  expect(turned.loans[1]).toEqual(loans);
  expect(turned.officers[1]).toEqual(officers.slice(0, 2));
});

it('grows a list asked with @connection by fetchMore, one list per filter, leaving the pages of the same field without it alone', async () => {
  const scroll = gql`
    query LoansScroll($filter: LoanFilterInput, $first: Int = 5, $after: String) {
      loans(filter: $filter, first: $first, after: $after) @connection(key: "loansScroll") { totalCount edges { cursor node { id currentDpd } } pageInfo { hasNextPage endCursor } }
    }
  `;
  type Scroll = { loans: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const { loans } = await expected(15);
  const { cache, client } = clientWith(scrollWhereAsked);
  try {
    const observable = client.watchQuery<Scroll>({ query: scroll, variables: { filter } });
    const shown: string[][] = [];
    let firstPage: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (firstPage = resolve));
    const watching = observable.subscribe(({ data, dataState }) => {
      if (dataState !== 'complete') return;
      shown.push(ids((data as Scroll).loans.edges));
      firstPage();
    });
    await loaded;
    const read = () => cache.readQuery<Scroll>({ query: scroll, variables: { filter } })!.loans;
    for (let page = 2; page <= 3; page += 1) await observable.fetchMore({ variables: { after: read().pageInfo.endCursor } });
    expect(ids(read().edges)).toEqual(loans);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // What the screen showed: page 1 first, then the list as it grew, never anything but its first rows, and all 15 last.
    expect(shown[0]).toEqual(loans.slice(0, 5));
    expect(shown.filter((list) => list.join() !== loans.slice(0, list.length).join())).toEqual([]);
    expect(shown.at(-1)).toEqual(loans);
    expect(read().pageInfo.endCursor).toBe(read().edges[14]!.cursor);

    // Another filter is another list; the first is left as it was.
    const other = await client.query<Scroll>({ query: scroll, variables: { filter: { ...filter, dpdMin: 1 } } });
    expect(ids(other.data!.loans.edges)).toHaveLength(5);
    expect(ids(other.data!.loans.edges)).not.toEqual(loans.slice(0, 5));
    expect(ids(read().edges)).toEqual(loans);

    // The paged table of the same field and filter, in the same cache, still has its pages.
    const table1 = (await client.query({ query: LoansPageDocument, variables: { first: 5, filter } })).data!.loans;
    const table2 = (await client.query({ query: LoansPageDocument, variables: { first: 5, filter, after: table1.pageInfo.endCursor } })).data!.loans;
    expect([ids(table1.edges), ids(table2.edges)]).toEqual([loans.slice(0, 5), loans.slice(5, 10)]);
    expect(ids(read().edges)).toEqual(loans);
    watching.unsubscribe();
    const loansKeys = Object.keys(cache.extract().ROOT_QUERY!).filter((key) => key.startsWith('loans'));
    expect(loansKeys).toEqual([
      'loans:{"filter":{"visibleOfficersOnly":false},"@connection":{"key":"loansScroll"}}',
      'loans:{"filter":{"dpdMin":1,"visibleOfficersOnly":false},"@connection":{"key":"loansScroll"}}',
      'loans({"filter":{"visibleOfficersOnly":false},"first":5})',
      `loans({"after":${JSON.stringify(table1.pageInfo.endCursor)},"filter":{"visibleOfficersOnly":false},"first":5})`,
    ]);
  } finally {
    client.stop();
  }
});

it('keys a scrolled list by every argument that chooses it, so the two directions of customers are two lists', async () => {
  const scroll = gql`
    query CustomersScroll($direction: SortDirection! = ASC) {
      customers(direction: $direction, first: 3) @connection(key: "customersScroll") { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
    }
  `;
  type Scroll = { customers: { edges: { node: { id: string } }[] } };
  const { cache, client } = clientWith(scrollWhereAsked);
  try {
    const ascending = (await client.query<Scroll>({ query: scroll })).data!.customers;
    const descending = (await client.query<Scroll>({ query: scroll, variables: { direction: 'DESC' } })).data!.customers;
    expect(ids(descending.edges)).not.toEqual(ids(ascending.edges));
    expect(cache.readQuery<Scroll>({ query: scroll })!.customers.edges).toEqual(ascending.edges);
    expect(cache.readQuery<Scroll>({ query: scroll, variables: { direction: 'DESC' } })!.customers.edges).toEqual(descending.edges);
    expect(Object.keys(cache.extract().ROOT_QUERY!).filter((key) => key.startsWith('customers'))).toEqual([
      'customers:{"direction":"ASC","@connection":{"key":"customersScroll"}}',
      'customers:{"direction":"DESC","@connection":{"key":"customersScroll"}}',
    ]);
  } finally {
    client.stop();
  }
});
