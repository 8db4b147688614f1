/** The resolver classes of live feeds: subscriptions and their history queries (owned by the live-feeds work). */
import { DpdTransitionResolver } from './dpd-transition.resolver';
import { ParChangeResolver } from './par-change.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const liveResolvers: Function[] = [DpdTransitionResolver, ParChangeResolver];
