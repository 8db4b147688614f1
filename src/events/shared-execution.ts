/**
 * One GraphQL execution per event row and distinct operation, shared by every subscriber that asks the same.
 *
 * What a subscriber receives for a row depends only on the row, the context its fields resolve in, the query
 * text, the operation name and the variables. The transport hands every subscriber of one published event (with
 * the same viewer) the same context object, so results are memoised per context object (by identity, in a
 * WeakMap), then per row id and operation key. Hence:
 * - replayed pages have contexts of their own: a replayed row is never served a result computed for someone
 *   else (or for an earlier read of the same row);
 * - a memo lives exactly as long as its context: nothing to evict.
 * The query text is compared as sent, not re-printed, so that error locations in a shared result are right for
 * every subscriber of it. Results are shared objects: callers must not mutate them.
 */
import type { ExecutionResult } from 'graphql';
import type { LiveEnvelope } from './live-transport';

export interface SubscribedOperation {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Equal for two subscriptions exactly when their events execute identically; computed once per subscription. */
export function operationKey(operation: SubscribedOperation): string {
  const variables = operation.variables && Object.keys(operation.variables).length > 0 ? operation.variables : null;
  return JSON.stringify([operation.operationName ?? null, variables, operation.query]);
}

/**
 * Runs `execute` for the envelope's row, unless a subscriber with the same operation key already did for this row
 * in this context: then resolves to that (shared) result.
 */
export type SharedExecutor = (envelope: LiveEnvelope<{ id: string }>, operation: string, execute: () => ExecutionResult | Promise<ExecutionResult>) => Promise<ExecutionResult>;

export function createSharedExecutor(): SharedExecutor {
  // context -> row id -> operation key -> result
  const byContext = new WeakMap<object, Map<string, Map<string, Promise<ExecutionResult>>>>();
  return (envelope, operation, execute) => {
    let byRow = byContext.get(envelope.context);
    if (byRow === undefined) {
      byRow = new Map();
      byContext.set(envelope.context, byRow);
    }
    let byOperation = byRow.get(envelope.row.id);
    if (byOperation === undefined) {
      byOperation = new Map();
      byRow.set(envelope.row.id, byOperation);
    }
    let result = byOperation.get(operation);
    if (result === undefined) {
      // A synchronous throw becomes a rejection every sharer sees, like an asynchronous one.
      result = new Promise<ExecutionResult>((resolve) => resolve(execute()));
      byOperation.set(operation, result);
    }
    return result;
  };
}
