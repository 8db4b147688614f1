/**
 * Operation types a transport cannot serve, refused before they run with BAD_REQUEST (400) saying where to go
 * instead. graphql-js 16 validates neither case: a mutation against a schema without mutations fails only in
 * execution ("Schema is not configured to execute mutation operation", masked as an internal error), and a
 * subscription executed over HTTP runs its resolvers without an event (they read the event, and crash).
 */
import { getOperationAST, GraphQLError, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import type { OperationCheck } from './operation-checks';

export type Transport = 'http' | 'websocket';

function badRequest(message: string): GraphQLError {
  // http.status: Apollo answers 400 (a caller error); it strips `http` from the response body.
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** What this schema serves on the transport, for the message: "queries and subscriptions (over WebSocket)". */
function served(schema: GraphQLSchema, transport: Transport): string {
  const kinds = ['queries'];
  if (schema.getMutationType()) kinds.push('mutations');
  if (schema.getSubscriptionType()) kinds.push(transport === 'http' ? 'subscriptions (over WebSocket)' : 'subscriptions');
  return kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]!}`;
}

/**
 * Refuses an operation whose type the schema lacks (this API has no mutations) and, over HTTP, a subscription,
 * which is served over WebSocket (graphql-ws, protocol graphql-transport-ws) at the same path.
 * An operation that cannot be resolved (unknown operationName) is refused before (src/operation-selection.ts).
 */
export function createOperationTypeCheck(schema: GraphQLSchema, transport: Transport, path: string): OperationCheck {
  return ({ document, operationName }) => {
    const type: OperationTypeNode | undefined = getOperationAST(document, operationName)?.operation;
    if (type === undefined) return [];
    if (!schema.getRootType(type)) {
      return [badRequest(`This API has no ${type}s: it serves ${served(schema, transport)}; got a ${type}`)];
    }
    if (type === 'subscription' && transport === 'http') {
      return [
        badRequest(`Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws) at this same path, ${path}; got a subscription over HTTP`),
      ];
    }
    return [];
  };
}
