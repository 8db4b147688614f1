/**
 * The two live feeds, each named once: the durable table the engine appends to, the channel it NOTIFYs at commit,
 * the in-process topic the bridge publishes on, and the Subscription field that serves it. The bridge, the
 * metrics' `feed` label and the subscriber counts all read this list. Identifiers are constants, never input.
 */
import { TOPICS, type AppPubSub, type Topic } from './pubsub';

export interface FeedSpec {
  /** The `feed` label of the live metrics. */
  name: 'dpd' | 'par';
  channel: string;
  table: string;
  idColumn: string;
  topic: Topic;
  /** The Subscription field that serves the feed. */
  subscriptionField: string;
}

export type LiveFeedName = FeedSpec['name'];

export const FEEDS: readonly FeedSpec[] = [
  { name: 'dpd', channel: 'dpd_transition', table: 'dpd_transitions', idColumn: 'transition_id', topic: TOPICS.DPD_TRANSITION, subscriptionField: 'dpdTransitioned' },
  { name: 'par', channel: 'par_change', table: 'par_changes', idColumn: 'change_id', topic: TOPICS.PAR_CHANGE, subscriptionField: 'parChanged' },
];

/** How many subscriptions each feed has now. */
export function subscribersPerFeed(pubSub: Pick<AppPubSub, 'subscriberCount'>): Record<LiveFeedName, number> {
  return Object.fromEntries(FEEDS.map((feed) => [feed.name, pubSub.subscriberCount(feed.topic)])) as Record<LiveFeedName, number>;
}
