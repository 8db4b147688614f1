/**
 * Errors the API shows its callers: bad arguments become BAD_USER_INPUT GraphQLErrors that name the argument,
 * what was expected and what arrived; a database that did not answer in time or could not be reached, or a
 * request that found every connection of its pool busy for longer than DB_CONNECT_TIMEOUT_MS, is
 * DATABASE_UNAVAILABLE (try again later), logged once per cause and minute rather than once per request; anything
 * else is masked as INTERNAL_SERVER_ERROR and logged with its cause. Each error sent is counted by code
 * (gateway_graphql_errors_total).
 */
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { databaseUnavailability, type Unavailability } from './database-errors';
import { literalArgumentOf, variableArgumentOf, withEnumValues } from './literal-arguments';
import { countGraphqlError } from './observability';
import { causeKey, RepeatedFailures } from './repeated-failures';
import { requestIdOfError } from './request-id';

/** Codes of errors caused by the caller; formatError passes them through unchanged. */
export const CALLER_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
  'TOO_MANY_OPERATIONS',
]);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** The code of a failure that is the database's state, not the request's or ours: worth retrying later. */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

export const DATABASE_UNAVAILABLE_MESSAGES: Record<Unavailability, string> = {
  timeout: 'The database did not answer in time; try again later',
  unreachable: 'The database could not be reached; try again later',
  busy: "The gateway's connections to the database were all busy for longer than DB_CONNECT_TIMEOUT_MS lets a request wait; try again later",
};

/** Shows an arrived value compactly: strings quoted, objects as JSON, undefined as "nothing". */
export function describeValue(got: unknown): string {
  if (got === undefined) return 'nothing';
  if (typeof got === 'string') return JSON.stringify(got.length > 100 ? `${got.slice(0, 100)}…` : got);
  try {
    const json = JSON.stringify(got);
    return json.length > 100 ? `${json.slice(0, 100)}…` : json;
  } catch {
    return String(got);
  }
}

/**
 * A caller error about one argument: `<argument> must be <expected>; got <value>`.
 * extensions: { code: 'BAD_USER_INPUT', argument }.
 */
export function badUserInput(argument: string, expected: string, got: unknown): GraphQLError {
  return new GraphQLError(`${argument} must be ${expected}; got ${describeValue(got)}`, {
    extensions: { code: 'BAD_USER_INPUT', argument },
  });
}

/** Where formatError reports the cause of a masked error. */
export interface ErrorLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Apollo's own request errors for a persisted query (a hash that does not match the query, an unsupported
 * version) carry the HTTP status they answer with, 400, but no code: a 4xx status marks the caller's mistake.
 */
function hasCallerStatus(error: unknown): boolean {
  const http = error instanceof GraphQLError ? error.extensions.http : undefined;
  const status = typeof http === 'object' && http !== null ? (http as { status?: unknown }).status : undefined;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * graphql-js 16 stops validating with a bare "Validation aborted." when a document costs more work than it
 * allows: comparing the fields of one name in a selection pairwise (a thousand repeats of one field are
 * enough), or expanding fragment spreads. The caller is told what to change.
 */
const VALIDATION_ABORTED = 'Validation aborted.';
export const VALIDATION_ABORTED_EXPLAINED =
  'Validation aborted: checking the document took more work than graphql-js allows (many fields of the same name in one selection, or many fragment spreads); ask for each field once per selection and spread fewer fragments';

/**
 * The error as sent, without `extensions.http`: Apollo reads the status from it and drops it from HTTP answers,
 * but graphql-ws would send it as it is.
 */
function withoutHttp(formatted: GraphQLFormattedError, code: string): GraphQLFormattedError {
  if (formatted.extensions?.http === undefined && formatted.extensions?.code === code) return formatted;
  const { http: _http, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions: { ...extensions, code } };
}

/**
 * The `extensions.code` a caller receives for `error` (what formatError makes of it), for the logs that name the
 * codes an operation answered with: a database that did not answer is DATABASE_UNAVAILABLE, not an internal error.
 */
export function responseCodeOf(error: GraphQLError): string {
  const code = error.extensions['code'];
  if (typeof code === 'string' && CALLER_ERROR_CODES.has(code)) return code;
  if (hasCallerStatus(error)) return 'BAD_REQUEST';
  if (databaseUnavailability(originalOf(error)) !== undefined) return DATABASE_UNAVAILABLE;
  return 'INTERNAL_SERVER_ERROR';
}

function originalOf(error: unknown): unknown {
  // Apollo and graphql-js wrap resolver errors in a GraphQLError whose originalError is the thrown value.
  if (error instanceof GraphQLError && error.originalError !== undefined) return error.originalError;
  return error;
}

function describeCause(cause: unknown): unknown {
  return cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack, code: (cause as { code?: unknown }).code } : cause;
}

/** What the operator reading the log line can do, where the kind alone does not say it. */
const OPERATOR_HINTS: Partial<Record<Unavailability, string>> = {
  busy:
    '; every connection of the pool stayed taken for DB_CONNECT_TIMEOUT_MS (a burst larger than the pool serves: add replicas, ' +
    'or raise DJANGO_POOL_SIZE / METRICS_POOL_SIZE if the database has CPU to spare)',
};

/** Logs a database's unavailability once per cause (kind, code, message) and minute (src/repeated-failures.ts). */
function unavailabilityLog(log: ErrorLogger, now: () => number): (kind: Unavailability, cause: unknown) => void {
  const failures = new RepeatedFailures(now);
  return (kind, cause) => {
    const line = failures.failed(causeKey(cause, kind));
    if (line) log.error({ err: describeCause(cause), kind, ...line }, `database unavailable (${kind}): requests fail with ${DATABASE_UNAVAILABLE}${OPERATOR_HINTS[kind] ?? ''}`);
  };
}

export interface FormatErrorOptions {
  /** The clock of the once-a-minute. @default Date.now */
  now?: () => number;
  /** The schema, whose enums' values a refusal of an unknown value then lists. */
  schema?: GraphQLSchema;
}

/**
 * Builds Apollo's formatError: caller errors (BAD_USER_INPUT, validation, parse, ...) pass as they are, except that
 * a refused literal's message names the argument it was written for, also given as `extensions.argument` (see
 * src/literal-arguments.ts); so do
 * uncoded errors Apollo answers with a 4xx status (coded BAD_REQUEST); a database that is unavailable becomes
 * { message: DATABASE_UNAVAILABLE_MESSAGES[kind], extensions: { code: 'DATABASE_UNAVAILABLE' } }, its cause logged
 * once per cause and minute; every other error is replaced by
 * { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } } (no SQL, stack or host)
 * and its cause is logged. A refused variable value names its variable as `extensions.argument` too (`$order.field`),
 * and a refused enum value is followed by the enum's values.
 */
export function createFormatError(log: ErrorLogger, options: FormatErrorOptions = {}): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const logUnavailable = unavailabilityLog(log, options.now ?? Date.now);
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CALLER_ERROR_CODES.has(code)) {
      countGraphqlError(code);
      const sent = withoutHttp(formatted, code);
      if (sent.message === VALIDATION_ABORTED) return { ...sent, message: VALIDATION_ABORTED_EXPLAINED };
      const message = withEnumValues(sent.message, options.schema);
      const literal = code === 'GRAPHQL_VALIDATION_FAILED' ? literalArgumentOf(error) : undefined;
      if (literal !== undefined) return { ...sent, message: `${literal.label}: ${message}`, extensions: { ...sent.extensions, argument: literal.argument } };
      const variable = code === 'BAD_USER_INPUT' && sent.extensions?.argument === undefined ? variableArgumentOf(sent.message) : undefined;
      if (variable === undefined && message === sent.message) return sent;
      return { ...sent, message, ...(variable !== undefined && { extensions: { ...sent.extensions, argument: variable } }) };
    }
    if (hasCallerStatus(error)) {
      countGraphqlError('BAD_REQUEST');
      return withoutHttp(formatted, 'BAD_REQUEST');
    }
    const cause = originalOf(error);
    const unavailable = databaseUnavailability(cause);
    let masked: GraphQLFormattedError;
    if (unavailable !== undefined) {
      countGraphqlError(DATABASE_UNAVAILABLE);
      logUnavailable(unavailable, cause);
      masked = { message: DATABASE_UNAVAILABLE_MESSAGES[unavailable], extensions: { code: DATABASE_UNAVAILABLE } };
    } else {
      countGraphqlError('INTERNAL_SERVER_ERROR');
      const requestId = requestIdOfError(error);
      log.error({ err: describeCause(cause), path: formatted.path, code, ...(requestId !== undefined && { requestId }) }, 'unexpected error while executing a GraphQL operation');
      masked = { message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted.path === undefined ? masked : { ...masked, path: formatted.path, locations: formatted.locations };
  };
}
