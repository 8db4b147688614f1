/**
 * Rejects operations whose estimated cost is too high before they run (graphql-query-complexity): each field
 * costs 1, and a connection field multiplies its selection by the page size it asks for (`first`, default 50),
 * so a dashboard page is cheap and "500 officers × 500 loans × every field" is refused with a clear error.
 * One check serves both transports (src/operation-checks.ts).
 */
import { GraphQLError, visit, type ASTNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationCheck, OperationToCheck } from './operation-checks';

const DEFAULT_PAGE = 50;
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/**
 * Extension of a list field that is not paged but has one row per officer (or branch) of the filter: it counts
 * as a page of the server's maximum size, so nesting a connection under each row is bounded like
 * `officers(first: max) { nodes { loans(...) } }` is.
 */
export const UNPAGED_LIST = 'unpagedList';

/**
 * Page sizes above the server maximum count as the maximum: such a request is refused anyway by the argument
 * check, whose message (naming `first` and the bound) helps the caller more than a complexity figure.
 */
function pageSizeEstimator(maxPageSize: number): ComplexityEstimator {
  const size = (value: number): number => Math.min(maxPageSize, Math.max(1, value));
  return ({ args, childComplexity, field }) => {
    if (field.extensions[UNPAGED_LIST] === true) return 1 + childComplexity * maxPageSize;
    if (typeof args.first === 'number') return 1 + childComplexity * size(args.first);
    if (typeof args.limit === 'number') return 1 + childComplexity * size(args.limit);
    if ('first' in args || 'after' in args) return 1 + childComplexity * DEFAULT_PAGE;
    return undefined;
  };
}

/** Arguments whose values the page-size estimator reads. */
const PAGE_ARGUMENTS = new Set(['first', 'limit', 'after']);
/** Distinct variable values remembered per document and operation (past it, the figure is computed each time). */
const MAX_CACHED_VARIANTS = 64;
const ABSENT = '\u0000absent';

/**
 * The variables an operation's complexity can depend on: those used in a page argument (first, limit, after) or
 * in a directive (@include/@skip decide which fields count). Every other variable (an id, a filter) cannot
 * change the figure.
 */
function complexityVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode): void => {
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  };
  visit(document, {
    Directive(directive) {
      collect(directive);
    },
    Field(field) {
      for (const argument of field.arguments ?? []) if (PAGE_ARGUMENTS.has(argument.name.value)) collect(argument.value);
    },
  });
  return [...names].sort();
}

/**
 * Returns the refusal for an operation over the bound, or nothing. The figure is remembered per parsed document
 * (Apollo hands the same document object for the same query text) and per value of the variables it depends on,
 * so a dashboard's repeated queries are not walked again on every request.
 */
export function createComplexityCheck(schema: GraphQLSchema, maxComplexity: number, maxPageSize: number): OperationCheck {
  const estimators = [pageSizeEstimator(maxPageSize), simpleEstimator({ defaultComplexity: 1 })];
  const cache = new WeakMap<DocumentNode, { variables: string[]; figures: Map<string, number> }>();
  const complexityOf = ({ document, operationName, variables }: OperationToCheck): number => {
    let entry = cache.get(document);
    if (entry === undefined) {
      entry = { variables: complexityVariables(document), figures: new Map() };
      cache.set(document, entry);
    }
    const values = variables ?? {};
    const key = JSON.stringify([operationName ?? null, ...entry.variables.map((name) => (name in values ? values[name] : ABSENT))]);
    let figure = entry.figures.get(key);
    if (figure === undefined) {
      figure = getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: values, estimators });
      if (entry.figures.size < MAX_CACHED_VARIANTS) entry.figures.set(key, figure);
    }
    return figure;
  };
  return (operation) => {
    let complexity: number;
    try {
      complexity = complexityOf(operation);
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
