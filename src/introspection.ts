/**
 * Refuses schema introspection (`__schema`, `__type`) when GRAPHQL_INTROSPECTION=false, on both transports, with an
 * error that names the setting. Operators turn it off where the API faces callers who should not read the whole
 * schema (every filter and field of the loan book); `__typename` stays allowed, as Apollo Client asks for it on
 * every object.
 */
import { BREAK, GraphQLError, visit } from 'graphql';
import type { OperationCheck } from './operation-checks';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

export const checkIntrospectionOff: OperationCheck = ({ document }) => {
  let asked: string | undefined;
  visit(document, {
    Field(node) {
      if (!INTROSPECTION_FIELDS.has(node.name.value)) return undefined;
      asked = node.name.value;
      return BREAK;
    },
  });
  if (asked === undefined) return [];
  return [
    new GraphQLError(`Schema introspection is turned off on this server (GRAPHQL_INTROSPECTION=false): a query must not select __schema or __type; got one selecting ${asked}`, {
      // The code graphql-js's own rule against introspection gives: the document asks for what this schema does not
      // serve. http.status: Apollo answers 400 and strips `http` from the body; graphql-ws has no status.
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
    }),
  ];
};
