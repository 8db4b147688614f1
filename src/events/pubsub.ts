/**
 * The in-process PubSub that carries live events to subscription resolvers. Events are thin: they carry the
 * id of a row in dpd_transitions or par_changes; subscribers re-read the row (and nested fields) through
 * fresh loaders, so no event ever delivers stale data.
 */
import { createPubSub } from '@graphql-yoga/subscription';

export const TOPICS = {
  DPD_TRANSITION: 'DPD_TRANSITION',
  PAR_CHANGE: 'PAR_CHANGE',
} as const;

/** One appended row: its id (bigserial, as a decimal string). */
export interface RowEvent {
  id: string;
}

export type AppPubSub = ReturnType<typeof createAppPubSub>;

export function createAppPubSub() {
  return createPubSub<{
    [TOPICS.DPD_TRANSITION]: [RowEvent];
    [TOPICS.PAR_CHANGE]: [RowEvent];
  }>();
}
