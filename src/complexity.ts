/**
 * Rejects operations whose estimated cost is too high before they run (graphql-query-complexity): each field
 * costs 1, and a connection field multiplies its selection by the page size it asks for (`first`, default 50),
 * so a dashboard page is cheap and "500 officers × 500 loans × every field" is refused with a clear error.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

const DEFAULT_PAGE = 50;

const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (typeof args.first === 'number') return 1 + childComplexity * Math.max(1, args.first);
  if (typeof args.limit === 'number') return 1 + childComplexity * Math.max(1, args.limit);
  if ('first' in args || 'after' in args) return 1 + childComplexity * DEFAULT_PAGE;
  return undefined;
};

export function complexityPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > maxComplexity) {
            throw new GraphQLError(
              `Query complexity must be at most ${maxComplexity} (GRAPHQL_MAX_COMPLEXITY); got ${complexity}. Ask for smaller pages or fewer fields.`,
              { extensions: { code: 'QUERY_TOO_COMPLEX', complexity, maxComplexity } },
            );
          }
        },
      };
    },
  };
}
