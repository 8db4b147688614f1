/**
 * What a subscription resolver needs from the WebSocket transport that runs it, carried on the subscription's
 * context under a symbol (so the context type stays the API's AppContext):
 * - a context per published event, created once per event and shared by every subscriber of this instance (one
 *   context object per viewer), so nested fields batch across subscribers, subscribers asking the same share one
 *   execution (shared-execution.ts) and no event sees rows cached for an earlier one;
 * - a fresh context for each page of replayed rows;
 * - the backlog check that closes a client which does not keep up.
 * Each event delivered to the executor travels in a LiveEnvelope with the context its fields must resolve in.
 */
import type { RowEvent } from './pubsub';

export const LIVE_TRANSPORT: unique symbol = Symbol('seedsmetrics.liveTransport');

export interface LiveTransport<C extends object = object> {
  /**
   * The context for one published event: the same loaders for every subscriber, and the same object for every
   * subscriber with this subscriber's viewer (results are shared per context object).
   */
  eventContext(event: RowEvent): C;
  /** A new context (fresh loaders), for one page of replayed rows. */
  freshContext(): C;
  /**
   * Reports how many published events wait for this subscription, whenever that changes (0 once it has ended), so
   * the transport can bound the subscription and its connection as a whole. Returns false when the client is over
   * a bound and has been closed: the caller stops buffering.
   */
  acceptBacklog(pendingEvents: number): boolean;
}

/** The transport of a subscription's context, if the operation runs over the WebSocket transport. */
export function transportOf<C extends object>(context: unknown): LiveTransport<C> | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  return (context as { [LIVE_TRANSPORT]?: LiveTransport<C> })[LIVE_TRANSPORT];
}

/**
 * One event on its way to the executor: the row to show and the context its nested fields resolve in. The context
 * object and the row id identify the event for sharing its execution between subscribers.
 */
export class LiveEnvelope<Row extends { id: string }> {
  constructor(
    readonly row: Row,
    readonly context: object,
  ) {}
}
