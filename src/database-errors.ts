/**
 * Tells a database that is unavailable — it did not answer within its bound (src/pg-pool.ts), or could not be
 * reached — from every other failure. Callers of the API get DATABASE_UNAVAILABLE for these (worth retrying
 * later) instead of INTERNAL_SERVER_ERROR (a fault of ours).
 */

/**
 * timeout: the database did not answer within a bound; unreachable: it could not be reached; busy: it answers, but
 * every connection of the gateway's full pool stayed taken for the whole wait (a burst larger than the pool serves
 * within DB_CONNECT_TIMEOUT_MS).
 */
export type Unavailability = 'timeout' | 'unreachable' | 'busy';

/** pg-pool's error when no connection of a full pool came free within connectTimeoutMs; it carries no code. */
const POOL_WAIT_MESSAGE = 'timeout exceeded when trying to connect';

/** pg's own errors when a bound of src/pg-pool.ts ends a wait for the database; they carry no code. */
const TIMEOUT_MESSAGES = [
  'Connection terminated due to connection timeout', // opening a connection took longer than connectTimeoutMs
  'Query read timeout', // no answer within the statement bound plus its grace (network black-holed)
  'timeout expired', // a single client's connectionTimeoutMillis
];

/** The connection broke under a statement (server restart, network reset). */
const BROKEN_CONNECTION_MESSAGES = ['Connection terminated unexpectedly', 'Connection terminated'];

/** Operating-system errors of a connection that cannot be opened or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** SQLSTATEs of a server that is shutting down, starting up or full. */
const SERVER_UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown (also pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);

/**
 * object_not_in_prerequisite_state, as the server answers a new connection to a database an operator closed
 * (`ALTER DATABASE … ALLOW_CONNECTIONS false`, maintenance); the state has other meanings, told apart by the message.
 */
const CLOSED_DATABASE = { code: '55000', message: /is not currently accepting connections/ };

function classifyOne(error: unknown): Unavailability | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (code === '57014') return 'timeout'; // query_canceled: statement_timeout (or an operator's cancel)
  if (typeof code === 'string' && (code.startsWith('08') || SERVER_UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code))) return 'unreachable';
  if (code === CLOSED_DATABASE.code && typeof message === 'string' && CLOSED_DATABASE.message.test(message)) return 'unreachable';
  if (typeof message !== 'string') return undefined;
  if (message === POOL_WAIT_MESSAGE) return 'busy';
  if (TIMEOUT_MESSAGES.some((text) => message.startsWith(text))) return 'timeout';
  if (BROKEN_CONNECTION_MESSAGES.includes(message)) return 'unreachable';
  return undefined;
}

/** Why `error` (or an error it wraps, through `cause`, as drizzle does) says a database is unavailable; else undefined. */
export function databaseUnavailability(error: unknown): Unavailability | undefined {
  const seen = new Set<unknown>();
  for (let current = error; typeof current === 'object' && current !== null && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const found = classifyOne(current);
    if (found !== undefined) return found;
  }
  return undefined;
}
