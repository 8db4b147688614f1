/**
 * Rejects operations whose estimated cost is too high before they run (graphql-query-complexity): each field
 * costs 1, and a connection field multiplies its selection by the page size it asks for (`first`, default 50),
 * so a dashboard page is cheap and "500 officers × 500 loans × every field" is refused with a clear error.
 * One check serves both transports: Apollo's HTTP pipeline (plugin) and graphql-ws (checkOperation).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

const DEFAULT_PAGE = 50;
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/**
 * Page sizes above the server maximum count as the maximum: such a request is refused anyway by the argument
 * check, whose message (naming `first` and the bound) helps the caller more than a complexity figure.
 */
function pageSizeEstimator(maxPageSize: number): ComplexityEstimator {
  const size = (value: number): number => Math.min(maxPageSize, Math.max(1, value));
  return ({ args, childComplexity }) => {
    if (typeof args.first === 'number') return 1 + childComplexity * size(args.first);
    if (typeof args.limit === 'number') return 1 + childComplexity * size(args.limit);
    if ('first' in args || 'after' in args) return 1 + childComplexity * DEFAULT_PAGE;
    return undefined;
  };
}

export interface OperationToCheck {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Returns the refusal for an operation over the bound, or nothing. */
export function createComplexityCheck(schema: GraphQLSchema, maxComplexity: number, maxPageSize: number): (operation: OperationToCheck) => readonly GraphQLError[] {
  return ({ document, operationName, variables }) => {
    let complexity: number;
    try {
      complexity = getComplexity({
        schema,
        query: document,
        operationName: operationName ?? undefined,
        variables: variables ?? {},
        estimators: [pageSizeEstimator(maxPageSize), simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch {
      // Bad variables or an unknown operation name: graphql-js reports those itself, with its own codes.
      return [];
    }
    if (complexity <= maxComplexity) return [];
    return [
      new GraphQLError(
        `Query complexity must be at most ${maxComplexity} (GRAPHQL_MAX_COMPLEXITY); got ${complexity}. Ask for smaller pages or fewer fields.`,
        // http.status: Apollo answers 400 (a caller error); it strips `http` from the response body.
        { extensions: { code: QUERY_TOO_COMPLEX, complexity, maxComplexity, http: { status: 400 } } },
      ),
    ];
  };
}

export function complexityPlugin(check: (operation: OperationToCheck) => readonly GraphQLError[]): ApolloServerPlugin {
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
