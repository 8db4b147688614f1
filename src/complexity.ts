/**
 * Rejects operations whose estimated cost is too high before they run (graphql-query-complexity): each field
 * costs 1, and a connection field multiplies its selection by the page size it asks for (`first`, default 50; a
 * list sized by `limit` or `last` likewise),
 * so a dashboard page is cheap and "500 officers × 500 loans × every field" is refused with a clear error.
 * Introspection's lists multiply by their length in this schema, so aliasing `__schema` many times is refused too.
 * One check serves both transports (src/operation-checks.ts).
 */
import { GraphQLError, isAbstractType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, visit, type ASTNode, type DocumentNode, type GraphQLSchema } from 'graphql';
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
    // A loan's DPD history (`last` days, up to a year): counted at 1, 500 loans' years of snapshots fitted the bound.
    if (typeof args.last === 'number') return 1 + childComplexity * size(args.last);
    // A connection asked without `first` serves its default page: graphql-js leaves an argument without a default out
    // of `args`, and such a connection counted as one row (two nested default pages, 2,500 rows, as one).
    if (field.args.some((argument) => argument.name === 'first' || argument.name === 'after')) return 1 + childComplexity * size(DEFAULT_PAGE);
    return undefined;
  };
}

/**
 * How many entries each list of the introspection types holds in `schema`, on average per parent: the schema's
 * types, a type's fields, a field's arguments, … A full introspection is then estimated, like a page of data, at
 * about the number of values it answers with (2.5 times it for GraphiQL's query, whose type references nest
 * deeper than any type here). At 1 per list field every alias of `__schema` cost ~200 and a few hundred of
 * them (~20 MB of JSON per hundred) fitted the bound. `__type` answers one type, maybe the largest: its
 * selection counts as many times the average type as the largest one is.
 */
export function introspectionMultipliers(schema: GraphQLSchema): ReadonlyMap<string, number> {
  const types = Object.values(schema.getTypeMap());
  const directives = schema.getDirectives();
  const total = { fields: 0, fieldArguments: 0, inputFields: 0, enumValues: 0, interfaces: 0, possibleTypes: 0 };
  let largestType = 0;
  for (const type of types) {
    const before = total.fields + total.fieldArguments + total.inputFields + total.enumValues;
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields = Object.values(type.getFields());
      total.fields += fields.length;
      total.fieldArguments += fields.reduce((sum, field) => sum + field.args.length, 0);
      total.interfaces += type.getInterfaces().length;
    }
    if (isAbstractType(type)) total.possibleTypes += schema.getPossibleTypes(type).length;
    if (isInputObjectType(type)) total.inputFields += Object.keys(type.getFields()).length;
    if (isEnumType(type)) total.enumValues += type.getValues().length;
    largestType = Math.max(largestType, total.fields + total.fieldArguments + total.inputFields + total.enumValues - before);
  }
  const averageType = (total.fields + total.fieldArguments + total.inputFields + total.enumValues) / types.length;
  const perType = (count: number): number => count / types.length;
  return new Map([
    ['__Schema.types', types.length],
    ['__Schema.directives', directives.length],
    ['__Type.fields', perType(total.fields)],
    ['__Type.inputFields', perType(total.inputFields)],
    ['__Type.enumValues', perType(total.enumValues)],
    ['__Type.interfaces', perType(total.interfaces)],
    ['__Type.possibleTypes', perType(total.possibleTypes)],
    ['__Field.args', total.fieldArguments / Math.max(1, total.fields)],
    ['__Directive.args', directives.reduce((sum, directive) => sum + directive.args.length, 0) / Math.max(1, directives.length)],
    [`${schema.getQueryType()?.name ?? 'Query'}.__type`, Math.max(1, largestType / averageType)],
  ]);
}

function introspectionEstimator(multipliers: ReadonlyMap<string, number>): ComplexityEstimator {
  return ({ childComplexity, field, type }) => {
    const multiplier = multipliers.get(`${type.name}.${field.name}`);
    return multiplier === undefined ? undefined : 1 + childComplexity * multiplier;
  };
}

/**
 * Selections the estimate walks, fragments expanded (graphql-query-complexity's own default): past it the walk
 * stops and the operation is refused. Nested fragment spreads make this grow exponentially with the text, which
 * the token bound alone does not stop.
 */
export const MAX_SELECTIONS = 10_000;

/** Arguments whose values the page-size estimator reads. */
const PAGE_ARGUMENTS = new Set(['first', 'limit', 'last', 'after']);
/** Distinct variable values remembered per document and operation (past it, the figure is computed each time). */
const MAX_CACHED_VARIANTS = 64;
const ABSENT = '\u0000absent';

/**
 * The variables an operation's complexity can depend on: those used in a page argument (first, limit, last, after) or
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
 * The figure `estimators` make of an operation, remembered per parsed document (Apollo hands the same document object
 * for the same query text) and per value of the variables it depends on, so a dashboard's repeated queries are not
 * walked again on every request. Throws as getComplexity does.
 */
function cachedFigure(schema: GraphQLSchema, estimators: ComplexityEstimator[]): (operation: OperationToCheck) => number {
  const cache = new WeakMap<DocumentNode, { variables: string[]; figures: Map<string, number> }>();
  return ({ document, operationName, variables }) => {
    let entry = cache.get(document);
    if (entry === undefined) {
      entry = { variables: complexityVariables(document), figures: new Map() };
      cache.set(document, entry);
    }
    const values = variables ?? {};
    const key = JSON.stringify([operationName ?? null, ...entry.variables.map((name) => (name in values ? values[name] : ABSENT))]);
    let figure = entry.figures.get(key);
    if (figure === undefined) {
      // Whole: introspection's averages make fractions.
      figure = Math.ceil(getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: values, estimators, maxQueryNodes: MAX_SELECTIONS }));
      if (entry.figures.size < MAX_CACHED_VARIANTS) entry.figures.set(key, figure);
    }
    return figure;
  };
}

/** Returns the refusal for an operation over the bound, or nothing. */
export function createComplexityCheck(schema: GraphQLSchema, maxComplexity: number, maxPageSize: number): OperationCheck {
  const complexityOf = cachedFigure(schema, [introspectionEstimator(introspectionMultipliers(schema)), pageSizeEstimator(maxPageSize), simpleEstimator({ defaultComplexity: 1 })]);
  return (operation) => {
    let complexity: number;
    try {
      complexity = complexityOf(operation);
    } catch (error) {
      if (error instanceof GraphQLError && error.message.includes('maximum allowed number of nodes')) {
        return [
          new GraphQLError(
            `Query complexity must be at most ${maxComplexity} (GRAPHQL_MAX_COMPLEXITY); got an operation of more than ${MAX_SELECTIONS} selections once its fragments are expanded. Ask for fewer fields.`,
            { extensions: { code: QUERY_TOO_COMPLEX, maxComplexity, maxSelections: MAX_SELECTIONS, http: { status: 400 } } },
          ),
        ];
      }
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

/**
 * Extension of a field without arguments that runs a statement of its own when asked (a connection's totalCount, the
 * loans summary): a read, as a field with arguments is.
 */
export const SEPARATE_READ = 'separateRead';

/**
 * Most reads an operation may make: fields with arguments (a list, a lookup, an aggregate, an officer's portfolio)
 * and SEPARATE_READ fields, each counted once wherever it sits (under a list, DataLoader makes one statement of a
 * field for every parent), fragments counted at each spread. The complexity figure counts the values an operation
 * answers, so an aggregate that scans the whole portfolio for one row cost 2: 400 aliases of portfolioKpis with
 * different regions fitted the bound and held the pool for seconds (1,000 fit the token bound). The example
 * operations make at most 5; not configurable.
 */
export const MAX_READS = 50;

/** Counts the reads of an operation (introspection's fields, answered from the schema, are not reads). */
const readsEstimator: ComplexityEstimator = ({ field, type, childComplexity }) => {
  const introspection = type.name.startsWith('__') || field.name.startsWith('__');
  const read = !introspection && (field.args.length > 0 || field.extensions[SEPARATE_READ] === true);
  return childComplexity + (read ? 1 : 0);
};

/** Returns the refusal for an operation that makes more than MAX_READS reads, or nothing. */
export function createReadsCheck(schema: GraphQLSchema): OperationCheck {
  const readsOf = cachedFigure(schema, [readsEstimator]);
  return (operation) => {
    let reads: number;
    try {
      reads = readsOf(operation);
    } catch {
      // Too many selections: the complexity check, which runs first, says so; bad variables: graphql-js does.
      return [];
    }
    if (reads <= MAX_READS) return [];
    return [
      new GraphQLError(
        `An operation may make at most ${MAX_READS} separate reads (each field with arguments, such as a list, a lookup or an aggregate, and each totalCount or summary runs a statement of its own); got ${reads}. Ask for each list or figure once, or split the operation.`,
        { extensions: { code: QUERY_TOO_COMPLEX, reads, maxReads: MAX_READS, http: { status: 400 } } },
      ),
    ];
  };
}
