/** Documents over the nesting or token bound are found before parsing, naming the bound and what arrived. */
import { parse } from 'graphql';
import { documentOverLimits, MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_TOKENS } from '../../../src/document-limits';

/** `{ a { a { … __typename } } }` nesting `levels` selection sets. */
const nested = (levels: number): string => `${'{ a '.repeat(levels - 1)}{ __typename }${' }'.repeat(levels - 1)}`;


it('lets through documents within the bounds, whatever they mean', () => {
  expect(documentOverLimits(nested(MAX_DOCUMENT_DEPTH))).toBeUndefined();
  expect(documentOverLimits(`{ ${'__typename '.repeat(MAX_DOCUMENT_TOKENS - 2)}}`)).toBeUndefined();
  expect(documentOverLimits('query ($x: [[String]] = [["a"], []]) { apiVersion } # { { { [ [')).toBeUndefined();
  expect(documentOverLimits('{ "unterminated')).toBeUndefined();
  // Many brackets in a string, or a long text of few tokens, are lexed and found within the bounds.
  expect(documentOverLimits(`{ customers(filter: { name: "${'{['.repeat(500)}" }) { totalCount } }`)).toBeUndefined();
  expect(documentOverLimits(`{ customers(filter: { name: "${'x'.repeat(100_000)}" }) { totalCount } }`)).toBeUndefined();
});

it.each([
  ['selection sets', nested(MAX_DOCUMENT_DEPTH + 1), MAX_DOCUMENT_DEPTH + 1],
  ['list values', `{ filterOptions(branches: ${'['.repeat(3000)}"a"${']'.repeat(3000)}) { branches } }`, 3001],
  ['input objects', `{ loans(filter: ${'{ a: '.repeat(100)}1${' }'.repeat(100)}) { totalCount } }`, 101],
  ['list types', `query ($x: ${'['.repeat(70)}String${']'.repeat(70)}) { apiVersion }`, 70],
  ['nesting followed by a syntax error the parser would only reach after it', `${'{ a '.repeat(5000)}!`, 5000],
])('refuses nesting deeper than the bound: %s', (_what, query, levels) => {
  expect(documentOverLimits(query)).toBe(`The document must nest { } and [ ] at most ${MAX_DOCUMENT_DEPTH} levels deep; got ${levels} levels`);
});

it('refuses more tokens than the bound, counting them all', () => {
  expect(documentOverLimits(`{ apiVersion ${'__typename '.repeat(20_000)}}`)).toBe(
    `The document must have at most ${MAX_DOCUMENT_TOKENS} tokens (names, values and punctuation); got 20003`,
  );
});

it('the bound sits below what overflows the parser', () => {
  expect(() => parse(nested(MAX_DOCUMENT_DEPTH * 10))).not.toThrow();
});
