/**
 * Logs the GraphQL operations over HTTP that took GRAPHQL_SLOW_OPERATION_MS or longer (warn, "slow GraphQL
 * operation"), so an operator sees which request was slow and what it asked, where the per-name histogram
 * (src/operation-metrics.ts) only shows that a screen got slower. The line carries the operation's signature — its
 * document with literals hidden and aliases dropped (Apollo's usage-reporting signature), so no value a caller typed
 * (a phone number, a name) reaches the log — the names of its variables without their values for the same reason,
 * its duration, the codes of the errors it answered with and the viewer. At most one line per operation name and
 * minute (src/repeated-failures.ts), saying how many slow ones of that name went unlogged before it: when the
 * database is slow, every request is.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { usageReportingSignature } from '@apollo/utils.usagereporting';
import type { AppContext } from './context';
import { responseCodeOf } from './errors';
import type { Logger } from './logger';
import { operationNameLabels } from './operation-metrics';
import { RepeatedFailures } from './repeated-failures';

export interface SlowOperationLogOptions {
  /** Operations that take this long or longer are logged; 0 logs every one. */
  thresholdMs: number;
  log: Pick<Logger, 'warn'>;
  /** The clock of the once-a-minute. @default Date.now */
  now?: () => number;
}

export function slowOperationLogPlugin(options: SlowOperationLogOptions): ApolloServerPlugin<AppContext> {
  const label = operationNameLabels();
  const lines = new RepeatedFailures(options.now);
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, document, errors, request, contextValue }) {
          const durationMs = performance.now() - started;
          // An operation that did not resolve (it did not parse or validate) never ran.
          if (durationMs < options.thresholdMs || operation === undefined || document === undefined) return;
          const name = label(operationName);
          const line = lines.failed(name);
          if (line === undefined) return;
          options.log.warn(
            {
              operation: name,
              type: operation.operation,
              durationMs: Math.round(durationMs),
              signature: usageReportingSignature(document, operationName ?? ''),
              variables: Object.keys(request.variables ?? {}),
              errors: (errors ?? []).map(responseCodeOf),
              viewer: contextValue.viewer?.id ?? null,
              ...(contextValue.requestId !== undefined && { requestId: contextValue.requestId }),
              slowSinceLastLine: line.failuresSinceLastLine,
            },
            'slow GraphQL operation',
          );
        },
      };
    },
  };
}
