/** formatError passes caller errors and masks everything else, logging the cause. */
import { GraphQLError } from 'graphql';
import { badUserInput, createFormatError } from '../../../src/errors';

describe('badUserInput', () => {
  it('names the argument, what was expected and what arrived', () => {
    const error = badUserInput('filter.dpdMin', 'at most filter.dpdMax (5)', 10);
    expect(error.message).toBe('filter.dpdMin must be at most filter.dpdMax (5); got 10');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'filter.dpdMin' });
    expect(badUserInput('id', 'an id', undefined).message).toBe('id must be an id; got nothing');
  });
});

describe('formatError', () => {
  const logged: Record<string, unknown>[] = [];
  const formatError = createFormatError({ error: (fields) => logged.push(fields) });

  it.each(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'])('passes %s unchanged', (code) => {
    const formatted = { message: 'x must be y; got z', extensions: { code } };
    expect(formatError(formatted, new GraphQLError(formatted.message))).toBe(formatted);
  });

  it('passes an uncoded error Apollo answers with a 4xx status as BAD_REQUEST, and never sends extensions.http', () => {
    logged.length = 0;
    const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(formatError({ message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, mismatch)).toEqual({
      message: 'provided sha does not match query',
      extensions: { code: 'BAD_REQUEST' },
    });
    const overBound = new GraphQLError('too complex', { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
    expect(formatError(overBound.toJSON(), overBound)).toEqual({ message: 'too complex', extensions: { code: 'QUERY_TOO_COMPLEX' } });
    expect(logged).toEqual([]);
  });

  it.each([500, 503])('masks an uncoded error with status %i (5xx: ours, not the caller\'s)', (status) => {
    logged.length = 0;
    const unavailable = new GraphQLError('upstream down', { extensions: { http: { status } } });
    expect(formatError({ message: unavailable.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, unavailable)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toHaveLength(1);
  });

  it('masks anything else and logs the original cause', () => {
    logged.length = 0;
    const cause = Object.assign(new Error('relation "loans" does not exist'), { code: '42P01' });
    const wrapped = new GraphQLError('relation "loans" does not exist', { originalError: cause, path: ['loans'] });
    const formatted = { message: wrapped.message, path: ['loans'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db.query'] } };
    expect(formatError(formatted, wrapped)).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
      path: ['loans'],
      locations: [{ line: 1, column: 3 }],
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.err).toMatchObject({ message: 'relation "loans" does not exist', code: '42P01' });
  });
});
