/**
 * A database that did not answer in time or could not be reached is DATABASE_UNAVAILABLE for the caller, not
 * INTERNAL_SERVER_ERROR, and is logged once per cause and minute however many requests it fails.
 */
import { GraphQLError } from 'graphql';
import { databaseUnavailability } from '../../../src/database-errors';
import { createFormatError } from '../../../src/errors';
import { FAILURE_LOG_INTERVAL_MS } from '../../../src/repeated-failures';

const pgError = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('databaseUnavailability', () => {
  it.each([
    [pgError('canceling statement due to statement timeout', '57014'), 'timeout'],
    // pg-pool's own: every connection of a full pool stayed busy past connectionTimeoutMillis (the database answers).
    [new Error('timeout exceeded when trying to connect'), 'busy'],
    [new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') }), 'timeout'],
    [new Error('Query read timeout'), 'timeout'],
    [pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'unreachable'],
    [pgError('read ECONNRESET', 'ECONNRESET'), 'unreachable'],
    [new Error('Connection terminated unexpectedly'), 'unreachable'],
    [pgError('terminating connection due to administrator command', '57P01'), 'unreachable'],
    [pgError('the database system is starting up', '57P03'), 'unreachable'],
    [pgError('sorry, too many clients already', '53300'), 'unreachable'],
    // ALTER DATABASE … ALLOW_CONNECTIONS false (maintenance); the same SQLSTATE with another message is not (below).
    [pgError('database "django" is not currently accepting connections', '55000'), 'unreachable'],
    // drizzle wraps the driver's error in its own, the driver's as `cause`.
    [new Error('Failed query: select 1', { cause: pgError('canceling statement due to statement timeout', '57014') }), 'timeout'],
  ])('%s is the database being unavailable (%s)', (error, kind) => {
    expect(databaseUnavailability(error)).toBe(kind);
  });

  it.each([
    pgError('relation "loans" does not exist', '42P01'),
    pgError('cannot execute INSERT in a read-only transaction', '25006'),
    pgError('cannot refresh materialized view "m" concurrently', '55000'),
    new Error('Cannot use a pool after calling end on the pool'),
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    'a string',
    undefined,
  ])('%s is not', (error) => {
    expect(databaseUnavailability(error)).toBeUndefined();
  });
});

describe('formatError of an unavailable database', () => {
  const timedOut = () => new GraphQLError('canceling statement due to statement timeout', { originalError: pgError('canceling statement due to statement timeout', '57014'), path: ['loans'] });
  const formatted = { message: 'canceling statement due to statement timeout', path: ['loans'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } };

  it('says DATABASE_UNAVAILABLE with a message that invites a retry and shows nothing of the database', () => {
    const formatError = createFormatError({ error: () => undefined });
    expect(formatError(formatted, timedOut())).toEqual({
      message: 'The database did not answer in time; try again later',
      extensions: { code: 'DATABASE_UNAVAILABLE' },
      path: ['loans'],
      locations: [{ line: 1, column: 3 }],
    });
    const refused = new GraphQLError('connect ECONNREFUSED 10.0.0.5:5432', { originalError: pgError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED') });
    expect(formatError({ message: refused.message }, refused)).toEqual({ message: 'The database could not be reached; try again later', extensions: { code: 'DATABASE_UNAVAILABLE' } });
  });

  it("says a full pool's wait ran out, naming the setting, not that the database failed to answer", () => {
    const formatError = createFormatError({ error: () => undefined });
    const waited = new GraphQLError('timeout exceeded when trying to connect', { originalError: new Error('timeout exceeded when trying to connect'), path: ['officers'] });
    expect(formatError({ ...formatted, message: waited.message, path: ['officers'] }, waited)).toEqual({
      message: "The gateway's connections to the database were all busy for longer than DB_CONNECT_TIMEOUT_MS lets a request wait; try again later",
      extensions: { code: 'DATABASE_UNAVAILABLE' },
      path: ['officers'],
      locations: [{ line: 1, column: 3 }],
    });
  });

  it("logs a full pool's wait as the pool's, naming the setting and what to do", () => {
    const logged: string[] = [];
    const formatError = createFormatError({ error: (_fields, message) => logged.push(message) });
    const waited = new GraphQLError('timeout exceeded when trying to connect', { originalError: new Error('timeout exceeded when trying to connect') });
    formatError({ message: waited.message }, waited);
    expect(logged).toEqual([
      'database unavailable (busy): requests fail with DATABASE_UNAVAILABLE; every connection of the pool stayed taken for DB_CONNECT_TIMEOUT_MS ' +
        '(a burst larger than the pool serves: add replicas, or raise DJANGO_POOL_SIZE / METRICS_POOL_SIZE if the database has CPU to spare)',
    ]);
  });

  it('logs one line per cause and minute, the next one counting the failures left out', () => {
    const logged: Array<{ fields: Record<string, unknown>; message: string }> = [];
    let now = 1_000_000;
    const formatError = createFormatError({ error: (fields, message) => logged.push({ fields, message }) }, { now: () => now });
    for (let i = 0; i < 5; i += 1) formatError(formatted, timedOut());
    const refused = new GraphQLError('x', { originalError: pgError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED') });
    formatError({ message: 'x' }, refused);
    expect(logged.map((line) => [line.message, line.fields.kind, line.fields.failuresSinceLastLine])).toEqual([
      ['database unavailable (timeout): requests fail with DATABASE_UNAVAILABLE', 'timeout', 0],
      ['database unavailable (unreachable): requests fail with DATABASE_UNAVAILABLE', 'unreachable', 0],
    ]);
    expect(logged[0]!.fields.err).toMatchObject({ message: 'canceling statement due to statement timeout', code: '57014' });
    now += FAILURE_LOG_INTERVAL_MS;
    formatError(formatted, timedOut());
    expect(logged).toHaveLength(3);
    expect(logged[2]!.fields.failuresSinceLastLine).toBe(4);
  });
});
