/**
 * The complexity bound: a connection multiplies its selection by the page it asks for, and the figure is
 * remembered per document and per value of the variables it depends on (page sizes, @include/@skip), never
 * per value of the others.
 */
import { buildSchema, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { createComplexityCheck, QUERY_TOO_COMPLEX } from '../../../src/complexity';
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
