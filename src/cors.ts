/**
 * Cross-origin access for browsers (CORS): a page on one of the configured origins — the dashboard, say — may
 * call the API on this server's origin. The `cors` package answers preflights and adds the response headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { REQUEST_ID_HEADER } from './request-id';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * `next` behind the CORS check of `origins` (['*'] = any origin): preflights (OPTIONS) are answered here, other
 * requests get the headers their Origin earns and go on. With no origins, `next` itself (no headers at all).
 */
export function withCors(origins: readonly string[], next: RequestHandler): RequestHandler {
  if (origins.length === 0) return next;
  const check = cors({
    origin: origins[0] === '*' ? '*' : [...origins],
    methods: ['GET', 'POST'],
    // So a page can read why a request was refused (WWW-Authenticate), when to try again (Retry-After), and the id
    // an operator finds its log lines by (X-Request-Id, src/request-id.ts).
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', REQUEST_ID_HEADER],
    maxAge: 600,
  });
  return (request, response) => check(request, response, () => next(request, response));
}

/**
 * Whether a WebSocket upgrade may proceed. Browsers do not apply CORS to WebSockets, so without this check any
 * page could read the live feeds of a gateway its visitor can reach (with authentication off, nothing else
 * stops it). Allowed: no Origin (not a browser), the server's own host (GraphiQL), or a CORS_ORIGINS entry.
 */
export function isAllowedWebSocketOrigin(origins: readonly string[], origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || origins[0] === '*' || origins.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" (a sandboxed page or a file) or garbage
  }
}
