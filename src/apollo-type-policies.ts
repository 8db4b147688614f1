/**
 * The type policies an Apollo Client cache needs for this schema, written to schema/apollo-type-policies.json by
 * `npm run schema:emit`. Apollo normalises objects by `id`; an object without one (an officer's portfolio, the
 * KPI strip, a connection) is stored inside its parent field, and by default a second query that selects other
 * fields of it replaces it, so the first query's fields are lost and it fetches again (the two can then take
 * turns without end). `merge: true` tells the cache such an object is the same one whatever the query selects.
 * Lists are still replaced as a whole: their rows are the answer to the field's arguments, and each page of a connection
 * (`after` and `first` are arguments too) is an entry of its own; a "load more" list opts in per query with
 * `@connection` and schema/apollo-scroll-pagination.ts, which a JSON file cannot hold.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';

export type ApolloTypePolicies = Record<string, { merge: true }>;

export function apolloTypePolicies(schema: GraphQLSchema): ApolloTypePolicies {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t != null).map((t) => t.name));
  const policies: ApolloTypePolicies = {};
  const names = Object.keys(schema.getTypeMap()).sort();
  for (const name of names) {
    const type = schema.getType(name);
    if (!isObjectType(type) || name.startsWith('__') || roots.has(name) || 'id' in type.getFields()) continue;
    policies[name] = { merge: true };
  }
  return policies;
}
