/**
 * The in-process PubSub that carries live events to subscription resolvers. Events are thin: they carry the
 * id of a row in dpd_transitions or par_changes; subscribers re-read the row (and nested fields) through
 * fresh loaders, so no event ever delivers stale data.
 *
 * A subscription listens from the moment `subscribe` is called (not from its first `next()`, as a lazy
 * iterator would): the lossless seam needs "subscribed" to come strictly before "replay read the table". Each
 * subscription buffers what it has not taken yet; the live feed takes events at once and applies its own bound.
 *
 * A subscription that must not lose events passes a FeedRequest as type-graphql's `topicId`: the PubSub then
 * subscribes to the topic first and hands that source to the request, which validates its arguments, replays
 * the table and continues live (see live-feed.ts). This is how a resolver reaches the PubSub of its own schema:
 * type-graphql hands the PubSub only to `topics` subscriptions.
 */

export const TOPICS = {
  DPD_TRANSITION: 'DPD_TRANSITION',
  PAR_CHANGE: 'PAR_CHANGE',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** One appended row: its id (bigserial, as a decimal string). */
export interface RowEvent {
  id: string;
}

/** Builds a subscription's feed on the topic's source; rejects (a GraphQL error for the client) on bad input. */
export class FeedRequest {
  constructor(readonly open: (source: AsyncIterator<RowEvent>) => Promise<AsyncIterable<unknown>>) {}
}

export interface AppPubSub {
  /** Hands the event to every current subscriber of the topic (the same object to each). */
  publish(topic: Topic, event: RowEvent): void;
  /**
   * Every RowEvent published on `topic` from this call on. With a FeedRequest the result is the request's feed,
   * as a Promise (graphql-js awaits what a subscribe resolver returns, so bad input becomes a GraphQL `error`
   * message); the declared return type is the one type-graphql's PubSub contract asks for.
   */
  subscribe(topic: Topic, request?: FeedRequest): AsyncIterable<unknown>;
  /** Current subscriptions of a topic (for metrics, and for tests to know a subscriber is live). */
  subscriberCount(topic: Topic): number;
}

type Listener = (event: RowEvent) => void;

/** An async iterator over the events pushed into it, ending (and unsubscribing) on return(). */
class Subscription implements AsyncIterableIterator<RowEvent> {
  private readonly buffered: RowEvent[] = [];
  private waiting: ((result: IteratorResult<RowEvent>) => void) | undefined;
  private done = false;

  constructor(private readonly unsubscribe: () => void) {}

  push(event: RowEvent): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting({ value: event, done: false });
    else this.buffered.push(event);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<RowEvent>> {
    const event = this.buffered.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<RowEvent>> {
    if (!this.done) {
      this.done = true;
      this.buffered.length = 0;
      this.unsubscribe();
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}

/** `onPublish` hears of every event before its subscribers do (the loaders' shared reads end their joining). */
export function createAppPubSub(options: { onPublish?: () => void } = {}): AppPubSub {
  const listeners = new Map<Topic, Set<Listener>>();
  const listenersOf = (topic: Topic): Set<Listener> => {
    let set = listeners.get(topic);
    if (set === undefined) {
      set = new Set();
      listeners.set(topic, set);
    }
    return set;
  };
  return {
    publish(topic, event) {
      options.onPublish?.();
      for (const listener of [...listenersOf(topic)]) listener(event);
    },
    subscribe(topic, request) {
      const set = listenersOf(topic);
      const subscription: Subscription = new Subscription(() => set.delete(listener));
      const listener: Listener = (event) => subscription.push(event);
      set.add(listener);
      if (request === undefined) return subscription;
      return request.open(subscription) as unknown as AsyncIterable<unknown>;
    },
    subscriberCount(topic) {
      return listenersOf(topic).size;
    },
  };
}
