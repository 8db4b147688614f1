/**
 * The bounds on what a WebSocket client that reads too slowly can make the server hold: unsent bytes on its socket,
 * events waiting for one of its subscriptions, and events waiting for all of them together. A client over any bound
 * is closed with SLOW_CONSUMER_CLOSE_CODE and a reason naming the bound; it may reconnect and resume with `since`.
 */
import type { WebSocket } from 'ws';
import { DEFAULT_MAX_PENDING_EVENTS_PER_CONNECTION } from '../config';
import type { Logger } from '../logger';
import { countLiveClientClosed } from '../observability';

/** Close code for a client that does not read its events fast enough (4000-4999: application-defined). */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;
/** @default 4 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/**
 * A pending entry is a reference to the event object every subscriber shares, or past the first
 * SHARED_PENDING_EVENTS a bare id (a few bytes either way, see live-feed.ts), so the bound can be generous: a
 * midnight recompute may append thousands of transitions in one statement.
 * @default 100000
 */
export const DEFAULT_MAX_PENDING_EVENTS = 100_000;

export interface SlowConsumerBounds {
  /** Unsent bytes a socket may hold. @default 4 MiB */
  maxBufferedBytes?: number;
  /** Events one subscription may have waiting. @default 100000 */
  maxPendingEvents?: number;
  /** Events all subscriptions of one connection may have waiting. @default 200000 */
  maxPendingEventsPerConnection?: number;
}

export interface SlowConsumerGuard {
  /**
   * The backlog check of one new subscription on `socket` (LiveTransport.acceptBacklog): it keeps the subscription's
   * latest report in its connection's total, and returns false once the client is over a bound and closed.
   */
  backlogOf(socket: WebSocket): (pendingEvents: number) => boolean;
  /** Closes the client when its socket holds more unsent bytes than it may (checked as each message is sent). */
  checkUnsent(socket: WebSocket): void;
}

export function guardSlowConsumers(bounds: SlowConsumerBounds, log: Pick<Logger, 'warn'>): SlowConsumerGuard {
  const maxBufferedBytes = bounds.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const maxPendingEvents = bounds.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
  const maxConnectionPending = bounds.maxPendingEventsPerConnection ?? DEFAULT_MAX_PENDING_EVENTS_PER_CONNECTION;
  // Events waiting across each connection's subscriptions: one client's many subscriptions are bounded together.
  const connectionPending = new WeakMap<WebSocket, { events: number }>();

  const close = (socket: WebSocket, reason: string): true => {
    log.warn({ reason }, 'closing a slow WebSocket client');
    countLiveClientClosed('slow_consumer');
    socket.close(SLOW_CONSUMER_CLOSE_CODE, reason);
    return true;
  };
  /** Whether the client is closed: already, or now for being over a bound. */
  const overBound = (socket: WebSocket, pendingEvents: number): boolean => {
    if (socket.readyState !== socket.OPEN) return true;
    if (socket.bufferedAmount > maxBufferedBytes) return close(socket, `Slow consumer: ${socket.bufferedAmount} unsent bytes exceed ${maxBufferedBytes}`);
    if (pendingEvents > maxPendingEvents) return close(socket, `Slow consumer: ${pendingEvents} pending events exceed ${maxPendingEvents}`);
    const onConnection = connectionPending.get(socket)?.events ?? 0;
    if (onConnection > maxConnectionPending) return close(socket, `Slow consumer: ${onConnection} pending events on this connection exceed ${maxConnectionPending}`);
    return false;
  };

  return {
    backlogOf(socket) {
      let total = connectionPending.get(socket);
      if (total === undefined) {
        total = { events: 0 };
        connectionPending.set(socket, total);
      }
      const connection = total;
      let reported = 0;
      return (pendingEvents) => {
        connection.events += pendingEvents - reported;
        const grew = pendingEvents > reported;
        reported = pendingEvents;
        // Only growth can cross a bound; a shrinking backlog (an event taken, the feed ended) is only recorded.
        return !grew || !overBound(socket, pendingEvents);
      };
    },
    checkUnsent(socket) {
      overBound(socket, 0);
    },
  };
}
