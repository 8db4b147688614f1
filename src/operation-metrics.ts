/**
 * GraphQL operations over HTTP timed by operation name, type and result (gateway_graphql_operation_duration_seconds),
 * so that an operator sees which of the dashboard's screens is slow, not only that /graphql is. Operation names
 * come from clients: the label set is bounded (MAX_OPERATION_NAMES names of at most MAX_OPERATION_NAME_LENGTH
 * characters, then `_other`), and a request whose
 * operation never resolved (it did not parse or validate) is counted as `_unresolved`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import client from 'prom-client';
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
  help: 'GraphQL operations over HTTP by operation name (_anonymous without one, _unresolved when the document did not parse or validate, _other past 200 names or for a name over 100 characters), type and result (ok, or error when the response carries errors)',
  labelNames: ['operation', 'type', 'result'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/**
 * The `operation` label of a resolved operation's name: itself while fewer than `max` names were seen and it is
 * not too long to be one, else `_other`.
 */
export function operationNameLabels(max = MAX_OPERATION_NAMES): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (name === null || name === undefined) return '_anonymous';
    if (seen.has(name)) return name;
    if (seen.size >= max || name.length > MAX_OPERATION_NAME_LENGTH) return '_other';
    seen.add(name);
    return name;
  };
}

/** Times every HTTP operation from its start to its response. */
export function operationMetricsPlugin(): ApolloServerPlugin {
  const label = operationNameLabels();
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors }) {
          durations.observe(
            {
              operation: operation === undefined ? '_unresolved' : label(operationName),
              type: operation?.operation ?? 'unknown',
              result: errors !== undefined && errors.length > 0 ? 'error' : 'ok',
            },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
