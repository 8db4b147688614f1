/**
 * The complexity bound: a connection multiplies its selection by the page it asks for, and the figure is
 * remembered per document and per value of the variables it depends on (page sizes, @include/@skip), never
 * per value of the others.
 */
import { buildSchema, getIntrospectionQuery, parse, type GraphQLSchema } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { createComplexityCheck, createReadsCheck, MAX_READS, MAX_SELECTIONS, QUERY_TOO_COMPLEX } from '../../../src/complexity';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';

// The real estimate, counted: the cache test needs to see how often the document is walked.
jest.mock('graphql-query-complexity', () => {
  const actual = jest.requireActual<typeof import('graphql-query-complexity')>('graphql-query-complexity');
  return { ...actual, getComplexity: jest.fn(actual.getComplexity) };
});
const computed = getComplexity as jest.MockedFunction<typeof getComplexity>;

const schema = buildSchema(`
  type Item { id: ID! name: String }
  type ItemConnection { totalCount: Int! nodes: [Item!]! }
  type Query { items(first: Int, after: String): ItemConnection! item(id: ID!): Item }
`);

const MAX = 100;
const check = createComplexityCheck(schema, MAX, 500);
const figureOf = (errors: readonly { extensions: Record<string, unknown> }[]): unknown => errors[0]?.extensions.complexity ?? 'within bound';

beforeEach(() => computed.mockClear());

it('multiplies a page by its size and refuses an operation over the bound with the figure', () => {
  // items = 1 + 60 × (totalCount 1 + nodes (1 + id 1 + name 1)) = 1 + 60 × 4 = 241.
  const errors = check({ document: parse('{ items(first: 60) { totalCount nodes { id name } } }') });
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toBe(`Query complexity must be at most ${MAX} (GRAPHQL_MAX_COMPLEXITY); got ${figureOf(errors)}. Ask for smaller pages or fewer fields.`);
  expect(errors[0]!.extensions).toEqual({ code: QUERY_TOO_COMPLEX, complexity: 241, maxComplexity: MAX, http: { status: 400 } });
  expect(check({ document: parse('{ items(first: 10) { totalCount nodes { id name } } }') })).toEqual([]);
});

it('gives a page size or a directive in a variable its own figure for the same document', () => {
  const document = parse('query Q($n: Int, $withNames: Boolean!) { items(first: $n) { nodes { id name @include(if: $withNames) } } }');
  expect(figureOf(check({ document, variables: { n: 60, withNames: true } }))).toBe(181);
  expect(figureOf(check({ document, variables: { n: 10, withNames: true } }))).toBe('within bound');
  expect(figureOf(check({ document, variables: { n: 60, withNames: false } }))).toBe(121);
  expect(figureOf(check({ document, variables: { n: 60, withNames: true } }))).toBe(181);
  expect(computed).toHaveBeenCalledTimes(3); // the repeat came from the cache
});

it('computes a document once for every value of the variables it does not depend on', () => {
  const document = parse('query One($id: ID!) { item(id: $id) { id name } }');
  for (const id of ['1', '2', '3']) expect(check({ document, variables: { id } })).toEqual([]);
  expect(computed).toHaveBeenCalledTimes(1);
  check({ document: parse('query One($id: ID!) { item(id: $id) { id name } }'), variables: { id: '1' } });
  expect(computed).toHaveBeenCalledTimes(2); // another parse of the same text is another document
});

it('refuses an operation whose fragments expand past the selections the estimate walks', async () => {
  const appCheck = createComplexityCheck(await buildAppSchema({ pubSub: createAppPubSub() }), 50_000, 500);
  // 100 pages of 500 loans, each with 100 fields of one fragment: ~1,500 tokens, 10,200 selections expanded.
  const fragment = `fragment Many on Loan { ${Array.from({ length: 100 }, (_, i) => `f${i}: id`).join(' ')} }`;
  const pages = Array.from({ length: 100 }, (_, i) => `p${i}: loans(first: 500) { nodes { ...Many } }`).join(' ');
  const errors = appCheck({ document: parse(`{ ${pages} } ${fragment}`) });
  expect(errors.map((e) => [e.message, e.extensions])).toEqual([
    [
      `Query complexity must be at most 50000 (GRAPHQL_MAX_COMPLEXITY); got an operation of more than ${MAX_SELECTIONS} selections once its fragments are expanded. Ask for fewer fields.`,
      { code: QUERY_TOO_COMPLEX, maxComplexity: 50_000, maxSelections: MAX_SELECTIONS, http: { status: 400 } },
    ],
  ]);
});

it('leaves bad variables to graphql-js, which names them', () => {
  const document = parse('query Q($n: Int) { items(first: $n) { totalCount } }');
  expect(check({ document, variables: { n: 'many' } })).toEqual([]);
});

it("counts the app's per-officer lists (not paged) as a page of the maximum size", async () => {
  const appCheck = createComplexityCheck(await buildAppSchema({ pubSub: createAppPubSub() }), 50_000, 500);
  const figure = (query: string) => figureOf(appCheck({ document: parse(query) }));
  // repaymentWatch = 1 + 500 × (officerId 1 + openLoans 1) = 1001: within the bound.
  expect(figure('{ repaymentWatch { officerId openLoans } }')).toBe('within bound');
  // A connection under each row multiplies: 1 + 500 × (officer 1 + loans (1 + 100 × (nodes 1 + id 1 + amount 1))) = 151,001.
  expect(figure('{ repaymentWatch { officer { loans(first: 100) { nodes { id amount } } } } }')).toBe(151_001);
  // The same through a leaderboard's standings (one more for collectionsByOfficer itself) and the agent-activity list.
  expect(figure('{ collectionsByOfficer { standings { officer { loans(first: 100) { nodes { id amount } } } } } }')).toBe(151_002);
  expect(figure('{ agentActivity { officer { loans(first: 100) { nodes { id amount } } } } }')).toBe(151_001);
});

it("counts a loan's DPD history by the days it asks for (`last`), as a page", async () => {
  const appCheck = createComplexityCheck(await buildAppSchema({ pubSub: createAppPubSub() }), 50_000, 500);
  const figure = (query: string, variables?: Record<string, unknown>) => figureOf(appCheck({ document: parse(query), variables }));
  // 1 + 500 × (nodes 1 + dpdHistory (1 + 366 × 5 fields)) = 916,001: up to 183,000 snapshots, where 1 each counted 3,501.
  const history = '{ date currentDpd dpdBucket actualOutstanding principalOutstanding }';
  expect(figure(`{ loans(first: 500) { nodes { dpdHistory(last: 366) ${history} } } }`)).toBe(916_001);
  expect(figure(`query H($days: Int!) { loans(first: 500) { nodes { dpdHistory(last: $days) ${history} } } }`, { days: 366 })).toBe(916_001);
  // Its default, 30 days: 1 + 500 × (1 + 1 + 30 × 5) = 76,001.
  expect(figure(`{ loans(first: 500) { nodes { dpdHistory ${history} } } }`)).toBe(76_001);
});

it('counts a connection asked without `first` as its default page (50), not as one row', async () => {
  const appCheck = createComplexityCheck(await buildAppSchema({ pubSub: createAppPubSub() }), 100, 500);
  const figure = (query: string) => figureOf(appCheck({ document: parse(query) }));
  // 1 + 50 × (nodes 1 + id 1) = 101, as with first: 50.
  expect(figure('{ loans { nodes { id } } }')).toBe(101);
  expect(figure('{ loans(first: 50) { nodes { id } } }')).toBe(101);
  // Nested, the default pages multiply: 1 + 50 × (nodes 1 + loans (1 + 50 × (nodes 1 + id 1 + amount 1))) = 7,601
  // (2,500 loans), where each counted 1 and the whole 5.
  expect(figure('{ officers { nodes { loans { nodes { id amount } } } } }')).toBe(7_601);
  // A server maximum below the default caps it, as parseFirst does.
  expect(figureOf(createComplexityCheck(await buildAppSchema({ pubSub: createAppPubSub() }), 100, 20)({ document: parse('{ loans { nodes { id amount } } }') }))).toBe('within bound');
});

describe('reads: fields that each run a statement of their own, however few values they answer', () => {
  const aliased = (count: number, field: (i: number) => string): string => Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ');
  let readsCheck: ReturnType<typeof createReadsCheck>;
  beforeAll(async () => {
    readsCheck = createReadsCheck(await buildAppSchema({ pubSub: createAppPubSub() }));
  });
  const refusal = (reads: number) => [
    `An operation may make at most ${MAX_READS} separate reads (each field with arguments, such as a list, a lookup or an aggregate, and each totalCount or summary runs a statement of its own); got ${reads}. Ask for each list or figure once, or split the operation.`,
    { code: QUERY_TOO_COMPLEX, reads, maxReads: MAX_READS, http: { status: 400 } },
  ];
  const readsOf = (query: string) => readsCheck({ document: parse(query) }).map((e) => [e.message, e.extensions]);

  it('refuses a KPI strip aliased past the bound: each alias scans the portfolio, and costs 2 in complexity', () => {
    expect(readsOf(`{ ${aliased(MAX_READS, (i) => `portfolioKpis(regions: ["r${i}"]) { totalLoans }`)} }`)).toEqual([]);
    expect(readsOf(`{ ${aliased(MAX_READS + 1, (i) => `portfolioKpis(regions: ["r${i}"]) { totalLoans }`)} }`)).toEqual([refusal(MAX_READS + 1)]);
  });

  it("counts counts and summaries, nested lists, and a fragment's reads at each spread", () => {
    // officer 1 + 25 × (loans 1 + totalCount 1) = 51.
    expect(readsOf(`{ officer(id: "1") { ${aliased(25, (i) => `loans(filter: { customerPhone: "0${i}" }) { totalCount }`)} } }`)).toEqual([refusal(51)]);
    const fragment = 'fragment Figures on LoanConnection { totalCount summary { totalLoans } }';
    expect(readsOf(`{ ${aliased(17, (i) => `loans(filter: { customerPhone: "0${i}" }) { ...Figures }`)} } ${fragment}`)).toEqual([refusal(51)]);
  });

  it('leaves introspection and the example operations well within the bound', () => {
    expect(readsOf(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))).toEqual([]);
    expect(readsOf('{ officers(first: 20) { totalCount nodes { portfolio { par15 } loans(first: 50) { totalCount nodes { id customer { name } } } } } }')).toEqual([]);
  });
});

describe('introspection', () => {
  // Every option a client may ask for: GraphiQL asks for most of them.
  const FULL_INTROSPECTION = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
  const fullSchemaAliases = (count: number): string => {
    const [operation, ...fragments] = FULL_INTROSPECTION.split(/(?=\n\s*fragment )/);
    const selection = operation!.slice(operation!.indexOf('__schema'), operation!.lastIndexOf('}'));
    return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} } ${fragments.join(' ')}`;
  };
  let appSchemaForFigures: GraphQLSchema;
  let appCheck: ReturnType<typeof createComplexityCheck>;
  beforeAll(async () => {
    appSchemaForFigures = await buildAppSchema({ pubSub: createAppPubSub() });
    appCheck = createComplexityCheck(appSchemaForFigures, 50_000, 500);
  });
  const figure = (query: string): unknown => figureOf(appCheck({ document: parse(query) }));

  it("fits a full introspection (GraphiQL's, codegen's) within half the default bound", () => {
    const errors = createComplexityCheck(appSchemaForFigures, 0, 500)({ document: parse(FULL_INTROSPECTION) });
    const complexity = errors[0]!.extensions.complexity as number;
    expect(complexity).toBeGreaterThan(5_000); // the schema's lists counted at their length
    expect(complexity).toBeLessThanOrEqual(25_000);
    expect(figure(FULL_INTROSPECTION)).toBe('within bound');
  });

  it('refuses an operation that asks for the whole schema under many aliases', () => {
    expect(figure(fullSchemaAliases(2))).toBe('within bound');
    const refused = appCheck({ document: parse(fullSchemaAliases(3)) });
    expect(refused[0]!.extensions).toEqual({ code: QUERY_TOO_COMPLEX, complexity: expect.any(Number), maxComplexity: 50_000, http: { status: 400 } });
    expect(refused[0]!.extensions.complexity).toBeGreaterThan(50_000);
    // Hundreds of them are past the selections the estimate walks: refused all the same.
    expect(appCheck({ document: parse(fullSchemaAliases(200)) })[0]!.extensions.code).toBe(QUERY_TOO_COMPLEX);
  });

  it("counts one type's fields as many times the average type as the largest type is", () => {
    const one = 'fields { name args { name } type { name } }';
    const typeFigure = createComplexityCheck(appSchemaForFigures, 0, 500)({ document: parse(`{ __type(name: "Query") { ${one} } }`) })[0]!.extensions.complexity as number;
    const averageFigure = createComplexityCheck(appSchemaForFigures, 0, 500)({ document: parse(`{ __schema { queryType { ${one} } } }`) })[0]!.extensions.complexity as number;
    expect(typeFigure).toBeGreaterThan(3 * averageFigure);
    expect(Number.isInteger(typeFigure)).toBe(true);
  });
});
