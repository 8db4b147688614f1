/**
 * Checks of a parsed, valid operation before it runs, shared by both transports: Apollo's HTTP pipeline runs
 * them in a plugin (operationChecksPlugin), graphql-ws in onSubscribe (its checkOperation option). Each check
 * returns the errors that refuse the operation, or none; the first check that refuses decides.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, GraphQLError } from 'graphql';

export interface OperationToCheck {
  document: DocumentNode;
  operationName?: string | null;
  /** The variables as the caller sent them (not yet coerced). */
  variables?: Record<string, unknown> | null;
}

export type OperationCheck = (operation: OperationToCheck) => readonly GraphQLError[];

/** Runs the checks in order and returns the first refusal. */
export function firstRefusal(...checks: readonly OperationCheck[]): OperationCheck {
  return (operation) => {
    for (const check of checks) {
      const refused = check(operation);
      if (refused.length > 0) return refused;
    }
    return [];
  };
}

/**
 * Runs the check once Apollo has resolved the operation, before execution. A refusal should carry
 * `extensions.http.status` (400): Apollo answers an error raised here with 500 otherwise.
 */
export function operationChecksPlugin(check: OperationCheck): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const [refusal] = check({ document, operationName: request.operationName, variables: request.variables });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
