/**
 * Who each graphql-ws connection is: its credential (the `authorization` connection parameter, else the upgrade
 * request's Authorization header) is checked once, at connection_init. A refused client is closed with a code and a
 * reason that says why, and an accepted one is closed the same way when its token expires.
 */
import type http from 'node:http';
import type { WebSocket } from 'ws';
import { AuthenticationError, expiredMessage, type Authenticator } from '../auth';
import type { Viewer } from '../context';
import { countLiveClientClosed } from '../observability';
import { closeReason } from './ws-transport';

/** The protocol's code for a connection_init the server refuses (graphql-ws clients may retry with new params). */
export const FORBIDDEN_CLOSE_CODE = 4403;
/** RFC 6455 "Try Again Later": the signing keys could not be read, not the client's fault. */
export const TRY_AGAIN_LATER_CLOSE_CODE = 1013;
/** setTimeout's longest delay; a later expiry is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The credential a client sent: connection parameter `authorization` (any case), else the upgrade header. */
function credentialOf(connectionParams: Readonly<Record<string, unknown>> | undefined, request: http.IncomingMessage): string | undefined {
  const key = Object.keys(connectionParams ?? {}).find((name) => name.toLowerCase() === 'authorization');
  if (key === undefined) return request.headers.authorization;
  const value = connectionParams![key];
  if (typeof value !== 'string') {
    throw new AuthenticationError(401, `The connection parameter "${key}" must be a string "Bearer <JWT>"; got ${value === null ? 'null' : typeof value}`, true);
  }
  return value;
}

export interface ConnectionAuthentication {
  /** At connection_init: whether to acknowledge it; a refused socket has been closed with the reason. */
  connect(socket: WebSocket, connectionParams: Readonly<Record<string, unknown>> | undefined, request: http.IncomingMessage): Promise<boolean>;
  /** The viewer of an acknowledged connection (null for one not acknowledged). */
  viewerOf(socket: WebSocket): Viewer | null;
  /** Forgets the connection's expiry once it has closed. */
  closed(socket: WebSocket): void;
}

export function authenticateConnections(authenticator: Authenticator): ConnectionAuthentication {
  const viewers = new WeakMap<WebSocket, Viewer>();
  const expiryTimers = new WeakMap<WebSocket, NodeJS.Timeout>();
  // The close comes at acceptedUntil (the token's exp plus the clock tolerance), when the HTTP side refuses the
  // token too; the reason names exp, the moment the identity provider meant.
  const closeAtExpiry = (socket: WebSocket, expiresAt: number, acceptedUntil: number): void => {
    const check = (): void => {
      const left = acceptedUntil - Date.now();
      if (left > 0) {
        expiryTimers.set(socket, setTimeout(check, Math.min(left, MAX_TIMER_MS)).unref());
      } else if (socket.readyState === socket.OPEN) {
        countLiveClientClosed('token_expired');
        socket.close(FORBIDDEN_CLOSE_CODE, closeReason(expiredMessage(expiresAt)));
      }
    };
    check();
  };
  return {
    async connect(socket, connectionParams, request) {
      try {
        const { viewer, expiresAt, acceptedUntil } = await authenticator.authenticate(credentialOf(connectionParams, request));
        viewers.set(socket, viewer);
        if (expiresAt !== undefined && acceptedUntil !== undefined) closeAtExpiry(socket, expiresAt, acceptedUntil);
        return true;
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        // Closed here rather than by returning false alone, so the client learns why (graphql-ws's own close
        // after `false` finds the socket already closing).
        socket.close(error.status === 401 ? FORBIDDEN_CLOSE_CODE : TRY_AGAIN_LATER_CLOSE_CODE, closeReason(error.message));
        return false;
      }
    },
    viewerOf: (socket) => viewers.get(socket) ?? null,
    closed(socket) {
      clearTimeout(expiryTimers.get(socket));
    },
  };
}
