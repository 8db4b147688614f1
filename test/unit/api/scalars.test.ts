/** The Decimal, Date and DateTime scalars: exact text out, validated input in, errors that say what was expected. */
import { GraphQLError, Kind, parseValue } from 'graphql';
import { DateScalar, DateTimeScalar, DecimalScalar, isCalendarDate } from '../../../resolvers/scalars';

describe('Decimal', () => {
  it('serialises decimal strings unchanged and refuses binary floats', () => {
    expect(DecimalScalar.serialize('132000.00')).toBe('132000.00');
    expect(DecimalScalar.serialize('-0.33333333')).toBe('-0.33333333');
    expect(() => DecimalScalar.serialize(0.1)).toThrow('Decimal cannot represent 0.1');
  });

  it('accepts decimal strings and plain JSON numbers as input, and refuses the rest', () => {
    expect(DecimalScalar.parseValue('1250.50')).toBe('1250.50');
    expect(DecimalScalar.parseValue(12.5)).toBe('12.5');
    expect(() => DecimalScalar.parseValue('1e5')).toThrow('Decimal must be a decimal number as a string such as "1250.50" (up to 20 digits each side of the point); got "1e5"');
    expect(() => DecimalScalar.parseValue(1e21)).toThrow('got 1e+21');
    expect(() => DecimalScalar.parseValue('12,5')).toThrow('got "12,5"');
    expect(DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '0.1' })).toBe('0.1');
  });

  it('keeps a number literal as written, and refuses other literals showing them as written', () => {
    expect(DecimalScalar.parseLiteral(parseValue('1.50'))).toBe('1.50');
    expect(DecimalScalar.parseLiteral(parseValue('"-12.5"'))).toBe('-12.5');
    expect(() => DecimalScalar.parseLiteral(parseValue('true'))).toThrow(
      'Decimal must be a decimal number as a string such as "1250.50" (up to 20 digits each side of the point); got true',
    );
    expect(() => DecimalScalar.parseLiteral(parseValue('1e400'))).toThrow('got 1e400');
    expect(() => DecimalScalar.parseLiteral(parseValue('["1"]'))).toThrow('got ["1"]');
  });
});

describe('Date', () => {
  it('accepts real calendar dates only', () => {
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    expect(() => DateScalar.parseValue('2025-02-29')).toThrow('Date must be a calendar date as YYYY-MM-DD; got "2025-02-29"');
    expect(() => DateScalar.parseValue('2025-13-01')).toThrow('got "2025-13-01"');
    expect(() => DateScalar.parseValue('10/12/2025')).toThrow('got "10/12/2025"');
    expect(isCalendarDate('2025-12-10')).toBe(true);
    // Month lengths and Gregorian leap years (2000 was one, 1900 and 2100 are not), year 0001 onwards.
    const valid = ['2025-01-31', '2025-04-30', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'];
    const invalidDates = ['2025-04-31', '2025-02-29', '1900-02-29', '2100-02-29', '2025-00-10', '2025-12-00', '2025-12-32', '0000-01-01'];
    expect(valid.filter((d) => !isCalendarDate(d))).toEqual([]);
    expect(invalidDates.filter((d) => isCalendarDate(d))).toEqual([]);
  });

  it('refuses a literal with its value as written and its position (the node it came from)', () => {
    const literal = parseValue('20251210');
    let error: unknown;
    try {
      DateScalar.parseLiteral(literal);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe('Date must be a calendar date as YYYY-MM-DD; got 20251210');
    expect((error as GraphQLError).nodes).toEqual([literal]);
    expect(() => DateScalar.parseLiteral(parseValue('"2025-02-30"'))).toThrow('Date must be a calendar date as YYYY-MM-DD; got "2025-02-30"');
    expect(DateScalar.parseLiteral(parseValue('"2024-02-29"'))).toBe('2024-02-29');
  });
});

describe('DateTime', () => {
  it('accepts ISO-8601 instants with a zone', () => {
    expect(DateTimeScalar.parseValue('2025-12-10T08:30:00.000Z')).toBe('2025-12-10T08:30:00.000Z');
    expect(DateTimeScalar.parseValue('2025-12-10T09:30:00+01:00')).toBe('2025-12-10T09:30:00+01:00');
    expect(() => DateTimeScalar.parseValue('2025-12-10 08:30')).toThrow('DateTime must be an ISO-8601 date-time with a zone');
    expect(DateTimeScalar.parseLiteral(parseValue('"2025-12-10T08:30:00Z"'))).toBe('2025-12-10T08:30:00Z');
    expect(() => DateTimeScalar.parseLiteral(parseValue('1765355400'))).toThrow(
      'DateTime must be an ISO-8601 date-time with a zone, such as 2025-12-10T08:30:00.000Z; got 1765355400',
    );
  });
});
