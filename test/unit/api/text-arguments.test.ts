/**
 * Text with NUL (U+0000), which PostgreSQL text cannot hold, is refused before the operation runs, wherever it
 * enters an argument: a literal, a variable, a part of an object or list variable, a variable's default, a
 * fragment, a directive. The error names the argument as the API names them and shows the value.
 */
import { GraphQLError, parse } from 'graphql';
import { createTextArgumentsCheck } from '../../../src/text-arguments';

const check = createTextArgumentsCheck();

function refusalOf(query: string, variables?: Record<string, unknown>, operationName?: string): Pick<GraphQLError, 'message' | 'extensions' | 'locations'> | undefined {
  const errors = check({ document: parse(query), operationName, variables });
  expect(errors.length).toBeLessThanOrEqual(1);
  const [error] = errors;
  return error && { message: error.message, extensions: error.extensions, locations: error.locations };
}

const refused = (argument: string, got: string, column: number) => ({
  message: `${argument} must be text without NUL characters (U+0000); got ${got}`,
  extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } },
  locations: [{ line: 1, column }],
});

describe('refuses NUL wherever it enters an argument', () => {
  it.each<[string, string, Record<string, unknown> | undefined, ReturnType<typeof refused>]>([
    ['a variable', 'query ($p: String) { loans(filter: { customerPhone: $p }) { totalCount } }', { p: '08\u0000' }, refused('filter.customerPhone', '"08\\u0000"', 53)],
    ['a literal', '{ officers(filter: { search: "a\\u0000b" }) { totalCount } }', undefined, refused('filter.search', '"a\\u0000b"', 30)],
    ['an item of a literal list', '{ filterOptions(branches: ["Yaba", "Ik\\u0000eja"]) { branches } }', undefined, refused('branches[1]', '"Ik\\u0000eja"', 36)],
    [
      'a field of an object variable',
      'query ($f: LoanFilterInput) { loans(filter: $f) { totalCount } }',
      { f: { branches: ['Yaba', 'Ik\u0000eja'] } },
      refused('filter.branches[1]', '"Ik\\u0000eja"', 45),
    ],
    ['a variable inside a literal list', 'query ($b: String!) { filterOptions(branches: ["Yaba", $b]) { branches } }', { b: '\u0000' }, refused('branches[1]', '"\\u0000"', 56)],
    ["a variable's default, when the variable is left out", 'query ($p: String = "\\u0000") { customers(filter: { phone: $p }) { totalCount } }', {}, refused('filter.phone', '"\\u0000"', 21)],
    ['a fragment', '{ ...F } fragment F on Query { customers(filter: { name: "x\\u0000" }) { totalCount } }', undefined, refused('filter.name', '"x\\u0000"', 58)],
    ['a nested field', '{ officer(id: "1") { loans(after: "\\u0000") { totalCount } } }', undefined, refused('after', '"\\u0000"', 35)],
    ['a subscription argument', 'subscription ($s: ID) { dpdTransitioned(since: $s) { id } }', { s: '1\u0000' }, refused('since', '"1\\u0000"', 48)],
  ])('in %s', (_where, query, variables, expected) => {
    expect(refusalOf(query, variables)).toEqual(expected);
  });

  it('is a GraphQLError Apollo answers with 400', () => {
    const [error] = check({ document: parse('{ officers(filter: { search: "\\u0000" }) { totalCount } }') });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error!.extensions.http).toEqual({ status: 400 });
  });
});

describe('lets through', () => {
  it.each<[string, string, Record<string, unknown> | undefined, string | undefined]>([
    ['text without NUL, other control characters and any Unicode included', 'query ($p: String) { customers(filter: { name: $p }) { totalCount } }', { p: 'Adé \u0001\t 😀 \ud800' }, undefined],
    ['a provided variable whose default has NUL', 'query ($p: String = "\\u0000") { customers(filter: { phone: $p }) { totalCount } }', { p: '080' }, undefined],
    ['variables the operation does not use', 'query ($p: String) { apiVersion }', { p: '\u0000', q: '\u0000' }, undefined],
    ['an operation other than the one asked for', 'query A { apiVersion } query B { officers(filter: { search: "\\u0000" }) { totalCount } }', undefined, 'A'],
    ['an unknown operation name (graphql-js refuses it)', 'query A { officers(filter: { search: "\\u0000" }) { totalCount } }', undefined, 'C'],
  ])('%s', (_case, query, variables, operationName) => {
    expect(refusalOf(query, variables, operationName)).toBeUndefined();
  });

  it('walks variables of any depth without recursion', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(refusalOf('query ($b: [String!]) { filterOptions(branches: $b) { branches } }', { b: deep })?.extensions?.argument).toBe(`branches${'[0]'.repeat(100_000)}`);
  });
});
