/**
 * Where the live-feed resolvers find their per-context loaders (dpd_transitions, par_changes): in the request
 * context's `loaders` (createLoaders), so every context — per HTTP request, per subscription, per published
 * event, per replayed page — has fresh ones.
 */
import type { DpdTransitionLoaders } from '../../loaders/dpd-transition.metrics';
import type { ParChangeLoaders } from '../../loaders/par-change.metrics';
import type { AppContext } from '../context';

export interface LiveLoaders {
  dpdTransitions: DpdTransitionLoaders;
  parChanges: ParChangeLoaders;
}

export function liveLoadersOf(context: AppContext): LiveLoaders {
  return context.loaders;
}
