/**
 * An id for each HTTP request, sent back in its `X-Request-Id` header and carried by the log lines about the request
 * (the masked error's cause, the slow-operation line): a caller who got INTERNAL_SERVER_ERROR or a slow screen
 * quotes the header, and the operator finds the request's lines among every other request's. A proxy in front that
 * names requests already (nginx's `$request_id`, a load balancer's id passed on as `X-Request-Id`) keeps its id when
 * that is a plain token; any other value is replaced by a fresh UUID, so a caller cannot write into the log what it
 * likes.
 *
 * The id travels with the request object, then in the GraphQL context (AppContext.requestId), then on the request's
 * errors, for Apollo's formatError, which gets no context. An AsyncLocalStorage would carry it to every line without
 * this, but on Node 20 it turns on promise hooks for the whole process: ~100,000 more CPU instructions per request
 * (bench:instructions, `{ __typename }` and loan(id)), a tenth of a point lookup.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What an id passed on from a proxy may look like: a UUID, a hex or base64 token, a trace id with its parts. */
const GIVEN_ID = /^[A-Za-z0-9._:=+/-]{1,200}$/;

const idsOfRequests = new WeakMap<IncomingMessage, string>();
const idsOfErrors = new WeakMap<object, string>();

/** The request's id: the one a proxy passed on, when it is a plain token, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
}

/** `handle` with the request's id in the response's header and kept for requestIdFor. */
export function withRequestId(handle: (request: IncomingMessage, response: ServerResponse) => void): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const id = requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, id);
    idsOfRequests.set(request, id);
    handle(request, response);
  };
}

/** The id withRequestId gave `request`, if it went through it. */
export function requestIdFor(request: IncomingMessage): string | undefined {
  return idsOfRequests.get(request);
}

/** The id of the request whose execution raised `error` (requestIdOnErrorsPlugin), if any. */
export function requestIdOfError(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? idsOfErrors.get(error) : undefined;
}

/** Apollo calls didEncounterErrors before formatError, with the same error objects and the context. */
const markErrors: GraphQLRequestListener<{ requestId?: string }> = {
  async didEncounterErrors({ contextValue, errors }) {
    const id = contextValue?.requestId;
    if (id !== undefined) for (const error of errors) idsOfErrors.set(error, id);
  },
};

/** Marks each error of a request with the request's id, for formatError's log line of its cause. */
export function requestIdOnErrorsPlugin(): ApolloServerPlugin<{ requestId?: string }> {
  return { requestDidStart: async () => markErrors };
}
