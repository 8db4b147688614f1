/**
 * The API's scalars. Decimal keeps money exact end to end (a string of digits, never a binary float); Date is a
 * business date (YYYY-MM-DD); DateTime an ISO-8601 instant. Each validates input and names what it expected.
 */
import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { isCalendarDate } from '../src/calendar-date';
import { describeValue } from '../src/errors';

export { isCalendarDate };

const DECIMAL = /^-?\d{1,20}(\.\d{1,20})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function invalid(scalar: string, expected: string, got: unknown): GraphQLError {
  return new GraphQLError(`${scalar} must be ${expected}; got ${describeValue(got)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** A literal as the caller wrote it in the operation (20250101, true, "2025-02-30"), shortened when long. */
function asWritten(ast: ValueNode): string {
  const text = print(ast);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * A literal of the operation that the scalar refuses. The literal's node gives the error its position (graphql-js
 * reports a GraphQLError from parseLiteral as it is, as it does for its own Int or String), and the value shows
 * as written rather than as the kind of syntax node it is.
 */
function invalidLiteral(scalar: string, expected: string, ast: ValueNode): GraphQLError {
  return new GraphQLError(`${scalar} must be ${expected}; got ${asWritten(ast)}`, { nodes: ast, extensions: { code: 'BAD_USER_INPUT' } });
}

const DECIMAL_EXPECTED = 'a decimal number as a string such as "1250.50" (up to 20 digits each side of the point)';

function decimalFrom(value: unknown): string {
  // JSON numbers are accepted only when their shortest text is a plain decimal (no exponent, finite).
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text)) throw invalid('Decimal', DECIMAL_EXPECTED, value);
  return text;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number (money, ratios) serialised as a string, e.g. "132000.00"; never a binary float.',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new Error(`Decimal cannot represent ${describeValue(value)}`);
    return value;
  },
  parseValue: decimalFrom,
  parseLiteral(ast: ValueNode): string {
    // A number literal keeps its text as written (1.50 stays "1.50").
    if ((ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) && DECIMAL.test(ast.value)) return ast.value;
    throw invalidLiteral('Decimal', DECIMAL_EXPECTED, ast);
  },
});

const DATE_EXPECTED = 'a calendar date as YYYY-MM-DD';

function dateFrom(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) throw invalid('Date', DATE_EXPECTED, value);
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A business date (Africa/Lagos by default) as YYYY-MM-DD.',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || !isCalendarDate(value)) throw new Error(`Date cannot represent ${describeValue(value)}`);
    return value;
  },
  parseValue: dateFrom,
  parseLiteral(ast: ValueNode): string {
    if (ast.kind === Kind.STRING && isCalendarDate(ast.value)) return ast.value;
    throw invalidLiteral('Date', DATE_EXPECTED, ast);
  },
});

const DATE_TIME_EXPECTED = 'an ISO-8601 date-time with a zone, such as 2025-12-10T08:30:00.000Z';

function isDateTime(text: string): boolean {
  return DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));
}

function dateTimeFrom(value: unknown): string {
  if (typeof value !== 'string' || !isDateTime(value)) throw invalid('DateTime', DATE_TIME_EXPECTED, value);
  return value;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant as ISO-8601 UTC text, e.g. 2025-12-10T08:30:00.000Z.',
  serialize(value: unknown): string {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new Error(`DateTime cannot represent ${describeValue(value)}`);
    return value;
  },
  parseValue: dateTimeFrom,
  parseLiteral(ast: ValueNode): string {
    if (ast.kind === Kind.STRING && isDateTime(ast.value)) return ast.value;
    throw invalidLiteral('DateTime', DATE_TIME_EXPECTED, ast);
  },
});
