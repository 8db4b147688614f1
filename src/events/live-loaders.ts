/**
 * Where the live-feed resolvers find their per-context loaders (dpd_transitions, par_changes). They travel in
 * the request context's `loaders`, so every context built by createContextFactory — per HTTP request, per
 * subscription, per published event — has fresh ones.
 */
import type { DpdTransitionLoaders } from '../../loaders/dpd-transition.metrics';
import type { ParChangeLoaders } from '../../loaders/par-change.metrics';

export interface LiveLoaders {
  dpdTransitions: DpdTransitionLoaders;
  parChanges: ParChangeLoaders;
}

export function liveLoadersOf(context: { loaders: object }): LiveLoaders {
  const loaders = context.loaders as Partial<LiveLoaders>;
  if (!loaders.dpdTransitions || !loaders.parChanges) {
    throw new Error('the request context carries no dpdTransitions/parChanges loaders (createLoaders must include them)');
  }
  return loaders as LiveLoaders;
}
