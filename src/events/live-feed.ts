/**
 * The lossless event stream behind one subscription. It is subscribed to the PubSub before anything else, and
 * buffers what arrives while it replays the rows after `since` from the table (page by page, in id order);
 * then it drains the buffer, skipping ids up to the last replayed one, and continues live. So an event
 * committed before, during or after the subscribe arrives exactly once, in order. Live events are re-read
 * through the per-event context and filtered on the fresh row.
 *
 * It is a hand-written async iterator (not an async generator) so that `return()` ends it at once, even while
 * it waits for the next event.
 */
import { FeedRequest, type RowEvent } from './pubsub';
import { LiveEnvelope, transportOf, type LiveTransport } from './live-transport';

export interface LiveFeedOptions<Row extends { id: string }, C extends object> {
  /** The PubSub subscription, created before this feed (subscribe first, then replay). */
  source: AsyncIterator<RowEvent>;
  /** The last id the client saw: rows after it are replayed first. Undefined: live only. */
  since: string | undefined;
  transport: LiveTransport<C>;
  /** Up to `limit` matching rows with id > afterId, in id order. */
  replayPage(context: C, afterId: string, limit: number): Promise<Row[]>;
  /** The row of a live event (null if it is gone). */
  load(context: C, id: string): Promise<Row | null>;
  /** The subscription's filter, for live rows (replayed rows were filtered by replayPage). */
  matches(row: Row): boolean;
  /** Rows per replay statement. @default 500 */
  pageSize?: number;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * Pending events held as the object every subscriber shares; past these, a subscription keeps only the id. The shared
 * object keys the context its subscribers resolve in (loaders with their cached rows, shared results: ~5 KB), which
 * stays alive while any subscription holds the object: a subscription 100,000 events behind would keep ~500 MB alive.
 * An event taken as a bare id gets a context of its own (its rows read again, for this subscription alone).
 */
export const SHARED_PENDING_EVENTS = 1000;

export function createLiveFeed<Row extends { id: string }, C extends object>(options: LiveFeedOptions<Row, C>): AsyncIterableIterator<LiveEnvelope<Row>> {
  return new LiveFeed(options);
}

class LiveFeed<Row extends { id: string }, C extends object> implements AsyncIterableIterator<LiveEnvelope<Row>> {
  private closed = false;
  private failure: { error: unknown } | undefined;
  /** Published events not yet processed (the bounded backlog). */
  private readonly pending: RowEvent[] = [];
  private wakeProducer: (() => void) | undefined;
  /** At most one envelope waits for the consumer: the producer resumes when it is taken. */
  private ready: { envelope: LiveEnvelope<Row>; taken: () => void } | undefined;
  private waitingConsumer: { resolve: (r: IteratorResult<LiveEnvelope<Row>>) => void; reject: (e: unknown) => void } | undefined;

  constructor(private readonly options: LiveFeedOptions<Row, C>) {
    void this.pumpSource();
    void this.produce();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<LiveEnvelope<Row>>> {
    if (this.ready) {
      const { envelope, taken } = this.ready;
      this.ready = undefined;
      taken();
      return Promise.resolve({ value: envelope, done: false });
    }
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.closed) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waitingConsumer = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<LiveEnvelope<Row>>> {
    this.close();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<LiveEnvelope<Row>>> {
    this.close();
    throw error;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // What it held no longer counts against its connection's bound.
    this.pending.length = 0;
    this.options.transport.acceptBacklog(0);
    void this.options.source.return?.();
    this.wakeProducer?.();
    const ready = this.ready;
    this.ready = undefined;
    ready?.taken();
    const consumer = this.waitingConsumer;
    this.waitingConsumer = undefined;
    consumer?.resolve(DONE);
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    const consumer = this.waitingConsumer;
    this.waitingConsumer = undefined;
    this.close();
    consumer?.reject(error);
  }

  /** Hands one envelope to the consumer; resolves once it is taken (or the feed closed): false when closed. */
  private deliver(envelope: LiveEnvelope<Row>): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const consumer = this.waitingConsumer;
    if (consumer) {
      this.waitingConsumer = undefined;
      consumer.resolve({ value: envelope, done: false });
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.ready = { envelope, taken: () => resolve(!this.closed) };
    });
  }

  /** Moves published events into `pending` as they come (the PubSub must never be left to buffer them). */
  private async pumpSource(): Promise<void> {
    try {
      for (;;) {
        const result = await this.options.source.next();
        if (result.done || this.closed) return;
        this.pending.push(this.pending.length < SHARED_PENDING_EVENTS ? result.value : { id: result.value.id });
        if (!this.options.transport.acceptBacklog(this.pending.length)) {
          this.close();
          return;
        }
        const wake = this.wakeProducer;
        this.wakeProducer = undefined;
        wake?.();
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private async nextPending(): Promise<RowEvent | undefined> {
    while (this.pending.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        this.wakeProducer = resolve;
      });
    }
    if (this.closed) return undefined;
    const event = this.pending.shift();
    this.options.transport.acceptBacklog(this.pending.length);
    return event;
  }

  private async produce(): Promise<void> {
    const { transport, since } = this.options;
    const pageSize = this.options.pageSize ?? 500;
    try {
      // Ids up to `last` have been delivered or decided (replayed, or read and filtered out).
      let last = since === undefined ? undefined : BigInt(since);
      if (since !== undefined) {
        let after = since;
        for (;;) {
          const context = transport.freshContext();
          const rows = await this.options.replayPage(context, after, pageSize);
          for (const row of rows) {
            if (!(await this.deliver(new LiveEnvelope(row, context)))) return;
            after = row.id;
          }
          if (rows.length < pageSize) break;
        }
        last = BigInt(after);
      }
      for (;;) {
        const event = await this.nextPending();
        if (event === undefined) return;
        const id = BigInt(event.id);
        if (last !== undefined && id <= last) continue;
        last = id;
        const context = transport.eventContext(event);
        const row = await this.options.load(context, event.id);
        if (row === null || !this.options.matches(row)) continue;
        if (!(await this.deliver(new LiveEnvelope(row, context)))) return;
      }
    } catch (error) {
      this.fail(error);
    }
  }
}

/**
 * The FeedRequest a subscription passes as its topicId: `prepare` validates the arguments (its errors reach the
 * client as a GraphQL `error` message) and says how to replay, load and filter; the feed is then built on the
 * already-subscribed source. The subscription must run over the WebSocket transport (ws-server.ts).
 */
export function liveFeedRequest<Row extends { id: string }, C extends object>(
  context: C,
  prepare: () => Promise<Omit<LiveFeedOptions<Row, C>, 'source' | 'transport'>>,
): FeedRequest {
  return new FeedRequest(async (source) => {
    try {
      const transport = transportOf<C>(context);
      if (transport === undefined) throw new Error('live subscriptions need the graphql-ws transport of src/events/ws-server.ts');
      const options = await prepare();
      return createLiveFeed({ ...options, source, transport });
    } catch (error) {
      await source.return?.();
      throw error;
    }
  });
}
