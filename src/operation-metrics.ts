/**
 * GraphQL operations timed by operation name, type, result and transport (gateway_graphql_operation_duration_seconds),
 * so that an operator sees which of the dashboard's screens is slow, not only that /graphql is: over HTTP by an
 * Apollo plugin, over WebSocket by src/events/ws-server.ts (queries and mutations, and operations refused before
 * they run; a subscription that started is not one duration, see the live metrics of src/observability.ts).
 * Operation names come from clients: the label set is bounded (MAX_OPERATION_NAMES names of at most
 * MAX_OPERATION_NAME_LENGTH characters, then `_other`), and an operation that never resolved (it did not parse or
 * validate, or was refused before it was parsed) is counted as `_unresolved`. The dashboard's own operations
 * (src/example-operations.ts) are always reported as themselves, outside the bound: weeks of analysts naming
 * queries in GraphiQL must not leave a screen first opened after them counted as `_other`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationTypeNode } from 'graphql';
import client from 'prom-client';
import { exampleOperationNames } from './example-operations';
import { registry } from './observability';

/** Distinct operation names reported as themselves; later ones are counted under `_other`. */
export const MAX_OPERATION_NAMES = 200;
/**
 * Longest name reported as itself: a label value is repeated on every line of its histogram (13 of them), so a
 * caller's 200,000-character name grew /metrics by 2.6 MB, and 200 such names would pass what a scrape can read.
 */
export const MAX_OPERATION_NAME_LENGTH = 100;

const durations = new client.Histogram({
  name: 'gateway_graphql_operation_duration_seconds',
  help: 'GraphQL operations by operation name (_anonymous without one, _unresolved when the document did not parse or validate, _other past 200 names other than the dashboard operations, or for a name over 100 characters), type, result (ok, or error when the response carries errors) and transport (http, or ws: queries and mutations over graphql-ws, and operations it refused before they ran)',
  labelNames: ['operation', 'type', 'result', 'transport'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/**
 * The `operation` label of a resolved operation's name: itself when it is one of `reserved`, or while fewer than `max`
 * other names were seen and it is not too long to be one, else `_other`.
 */
export function operationNameLabels(max = MAX_OPERATION_NAMES, reserved: Iterable<string> = []): (name: string | null | undefined) => string {
  const always = new Set(reserved);
  const seen = new Set<string>();
  return (name) => {
    if (name === null || name === undefined) return '_anonymous';
    if (always.has(name) || seen.has(name)) return name;
    if (seen.size >= max || name.length > MAX_OPERATION_NAME_LENGTH) return '_other';
    seen.add(name);
    return name;
  };
}

// One bound for the metric, whichever transport or server instance names an operation.
const operationLabel = operationNameLabels(MAX_OPERATION_NAMES, exampleOperationNames());

export type OperationTransport = 'http' | 'ws';

/** What is known of a timed operation: its name and type once its document resolved to one, else undefined. */
export type ResolvedOperation = { name: string | null | undefined; type: OperationTypeNode } | undefined;

/** Records one operation that took from `startedAt` (performance.now()) until now. */
export function observeOperation(transport: OperationTransport, operation: ResolvedOperation, failed: boolean, startedAt: number): void {
  durations.observe(
    {
      operation: operation === undefined ? '_unresolved' : operationLabel(operation.name),
      type: operation?.type ?? 'unknown',
      result: failed ? 'error' : 'ok',
      transport,
    },
    (performance.now() - startedAt) / 1000,
  );
}

/** Times every HTTP operation from its start to its response. */
export function operationMetricsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          const resolved = operation === undefined ? undefined : { name: operationName, type: operation.operation };
          observeOperation('http', resolved, errors !== undefined && errors.length > 0, started);
        },
      };
    },
  };
}
