/**
 * The API's scalars. Decimal keeps money exact end to end (a string of digits, never a binary float); Date is a
 * business date (YYYY-MM-DD); DateTime an ISO-8601 instant. Each validates input and names what it expected.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isCalendarDate } from '../src/calendar-date';
import { describeValue } from '../src/errors';

export { isCalendarDate };

const DECIMAL = /^-?\d{1,20}(\.\d{1,20})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function invalid(scalar: string, expected: string, got: unknown): GraphQLError {
  return new GraphQLError(`${scalar} must be ${expected}; got ${describeValue(got)}`, { extensions: { code: 'BAD_USER_INPUT' } });
}

function decimalFrom(value: unknown): string {
  // JSON numbers are accepted only when their shortest text is a plain decimal (no exponent, finite).
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    throw invalid('Decimal', 'a decimal number as a string such as "1250.50" (up to 20 digits each side of the point)', value);
  }
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
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return decimalFrom(ast.value);
    throw invalid('Decimal', 'a decimal number as a string', ast.kind);
  },
});

function dateFrom(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) throw invalid('Date', 'a calendar date as YYYY-MM-DD', value);
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
    if (ast.kind === Kind.STRING) return dateFrom(ast.value);
    throw invalid('Date', 'a calendar date as YYYY-MM-DD', ast.kind);
  },
});

function dateTimeFrom(value: unknown): string {
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid('DateTime', 'an ISO-8601 date-time with a zone, such as 2025-12-10T08:30:00.000Z', value);
  }
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
    if (ast.kind === Kind.STRING) return dateTimeFrom(ast.value);
    throw invalid('DateTime', 'an ISO-8601 date-time string', ast.kind);
  },
});
