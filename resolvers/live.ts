/** The resolver classes of live feeds: subscriptions and their history queries (src/events/README.md). */
import { DpdTransitionResolver } from './dpd-transition.resolver';
import { ParChangeResolver } from './par-change.resolver';

export const liveResolvers: Function[] = [DpdTransitionResolver, ParChangeResolver];
