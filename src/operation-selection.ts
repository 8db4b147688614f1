/**
 * Refuses a request whose operationName does not pick one operation of its document, naming the operations the
 * document has. graphql-js says only "Must provide operation name if query contains multiple operations." or
 * "Unknown operation named "X"." (a misspelt or stale operationName, typical of a client whose documents changed).
 */
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import type { OperationCheck } from './operation-checks';

function refused(message: string): GraphQLError {
  // http.status: Apollo answers 400 (a caller error) and strips `http` from the body; graphql-ws has no status.
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/** The document's operation names in order; an unnamed operation as null. */
function operationNames(document: DocumentNode): Array<string | null> {
  return document.definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value ?? null] : []));
}

/** Names a message lists before it counts the rest: a document of thousands of operations named them all (32 KB). */
const LISTED_NAMES = 10;

function listed(names: readonly string[]): string {
  const quoted = names.map((name) => JSON.stringify(name));
  if (quoted.length > LISTED_NAMES) return `${quoted.slice(0, LISTED_NAMES).join(', ')} or ${quoted.length - LISTED_NAMES} more`;
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]!}`;
}

export const checkOperationSelection: OperationCheck = ({ document, operationName }) => {
  const names = operationNames(document);
  if (operationName === undefined || operationName === null) {
    // Several operations, one of them unnamed, already failed validation (LoneAnonymousOperation).
    return names.length > 1 ? [refused(`operationName must name the operation to run, ${listed(names as string[])} (the document has ${names.length}); got none`)] : [];
  }
  if (names.includes(operationName)) return [];
  const named = names.filter((name): name is string => name !== null);
  return [
    refused(
      named.length === 0
        ? `operationName must be left out: the document's only operation has no name; got ${JSON.stringify(operationName)}`
        : `operationName must be one of the document's operations, ${listed(named)}; got ${JSON.stringify(operationName)}`,
    ),
  ];
};
