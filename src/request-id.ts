/**
 * An id for each HTTP request, sent back in its `X-Request-Id` header and carried by every log line written while
 * the request is served (src/logger.ts reads it here): a caller who got INTERNAL_SERVER_ERROR or a slow screen
 * quotes the header, and the operator finds the request's lines (the masked error's cause, the slow-operation line)
 * among every other request's. A proxy in front that names requests already (nginx's `$request_id`, a load
 * balancer's id passed on as `X-Request-Id`) keeps its id when that is a plain token; any other value is replaced
 * by a fresh UUID, so a caller cannot write into the log what it likes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What an id passed on from a proxy may look like: a UUID, a hex or base64 token, a trace id with its parts. */
const GIVEN_ID = /^[A-Za-z0-9._:=+/-]{1,200}$/;

const current = new AsyncLocalStorage<string>();

/** The request's id: the one a proxy passed on, when it is a plain token, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
}

/** `handle` with the request's id in the response's header and on the log lines written while it runs. */
export function withRequestId(handle: (request: IncomingMessage, response: ServerResponse) => void): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const id = requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, id);
    current.run(id, () => handle(request, response));
  };
}

/** The id of the request being served here, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}
