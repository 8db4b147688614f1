/**
 * "Load more" paging for the dashboard's Apollo cache, for the queries that ask for it and no other: a list field
 * selected with `@connection(key: "…")` grows with every `fetchMore({ variables: { after: pageInfo.endCursor } })`
 * (Relay-style: its edges are appended; one list per connection key and per the arguments that choose the list: every
 * one but `first` and `after` unless `keyArgs` names them), while the same field selected without the directive keeps
 * Apollo's defaults: one cache entry per page (its arguments, `after` and `first` included, make its key) and
 * `merge: true` within it. A scroll policy on every query of the field
 * instead answers a paged table's page 2, and the Dashboard's next page of officers, with the page already cached.
 *
 *   new InMemoryCache({ typePolicies: { ...typePolicies, Query: { fields: { loans: scrollPagination() } } } })
 *   query LoansScroll($filter: LoanFilterInput, $after: String) {
 *     loans(filter: $filter, first: 50, after: $after) @connection(key: "loansScroll") { edges { cursor node { id … } } pageInfo { hasNextPage endCursor } }
 *   }
 *
 * Select `edges { cursor node { … } }` under the directive (`nodes` and other fields of the connection hold the last
 * page's values) and page on from `pageInfo.endCursor`. Hand-written, not generated; it needs only @apollo/client.
 * Tests: test/e2e/apollo-pagination.test.ts.
 */
import type { FieldNode } from 'graphql';
import type { FieldPolicy } from '@apollo/client/cache';
import { canonicalStringify, relayStylePagination } from '@apollo/client/utilities';

const isScrolled = (field: FieldNode | null | undefined): boolean => field?.directives?.some((directive) => directive.name.value === 'connection') ?? false;

/** The arguments that page a list rather than choose it. */
const PAGING_ARGUMENTS = new Set(['first', 'after', 'last', 'before']);

/**
 * `keyArgs`: the arguments that choose the list, e.g. `['filter', 'orderBy']`; left out, every argument the query gives
 * but `first` and `after` (so `band` of earlyIndicatorLoans and `direction` of customers too).
 */
export function scrollPagination(keyArgs?: string[]): FieldPolicy {
  const relay = relayStylePagination();
  return {
    keyArgs: (args, { field, fieldName }) => {
      if (isScrolled(field)) return [...(keyArgs ?? Object.keys(args ?? {}).filter((name) => !PAGING_ARGUMENTS.has(name)).sort()), '@connection', ['key']];
      // Apollo's own key for a field without a policy: every argument given, none when none is.
      const given = canonicalStringify(args ?? {});
      return given === '{}' ? fieldName : `${fieldName}(${given})`;
    },
    read: (existing, options) => (isScrolled(options.field) ? (relay.read as NonNullable<typeof relay.read>)(existing, options) : existing),
    merge: (existing, incoming, options) =>
      isScrolled(options.field) ? (relay.merge as Exclude<typeof relay.merge, boolean | undefined>)(existing, incoming, options) : options.mergeObjects(existing, incoming),
  };
}
