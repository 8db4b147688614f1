/**
 * Creates pg pools whose every statement can be observed (statement counts in tests and benchmarks), whose
 * connection errors never crash the process, and whose waits are bounded: opening a connection (or waiting for a
 * free one), and, when asked, each statement — so a held lock or a black-holed network fails a caller after a
 * known time instead of queueing every later caller behind it.
 */
import pg from 'pg';

export type StatementListener = (sql: string) => void;

/** A pool plus a way to watch the statements it sends. */
export interface ObservedPool extends pg.Pool {
  /** Registers a listener for every statement sent through this pool; returns the unsubscribe function. */
  onStatement(listener: StatementListener): () => void;
}

/** Longest wait for a connection, opening one or for a free one of a full pool. @default 10000 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Idle time after which TCP keepalive probes a connection, so a peer that vanished is noticed. */
export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
/**
 * How much longer than the statement timeout the client waits for an answer before it gives the connection up.
 * The server's statement_timeout normally answers first (a clean error, the connection stays usable); the
 * client-side bound is for a server that cannot answer at all (network black-holed, host gone).
 */
export const ANSWER_GRACE_MS = 5_000;

export interface PoolOptions {
  url: string;
  /** @default 10 */
  max?: number;
  /** Forces `default_transaction_read_only=on` on every connection, so a write fails in PostgreSQL itself. */
  readOnly?: boolean;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Longest wait for a connection (opening one, or a free one when all are busy). @default DEFAULT_CONNECT_TIMEOUT_MS */
  connectTimeoutMs?: number;
  /**
   * Longest statement: PostgreSQL's statement_timeout on every connection, and an answer awaited at most
   * ANSWER_GRACE_MS longer. Undefined or 0: statements run as long as they need (the command lines, migrations).
   */
  statementTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/** What pg reads before each query for its client-side answer timeout (`query_timeout`). */
interface ClientTimeouts {
  connectionParameters: { query_timeout?: number | false };
}

/**
 * Gives a connection checked out of a pool another statement bound: PostgreSQL's statement_timeout for its
 * session, and the client's answer timeout to match. 0 removes the bound. With `applicationName`, the session shows
 * under that name in pg_stat_activity meanwhile. Returns the client's previous answer timeout, for handing the
 * connection back (see LongStatementSession).
 */
export async function setStatementTimeout(client: pg.PoolClient, statementTimeoutMs: number, applicationName?: string): Promise<number | false | undefined> {
  const naming = applicationName === undefined ? '' : `; SET application_name = '${applicationName.replace(/'/g, "''")}'`;
  await client.query(`SET statement_timeout = ${Math.trunc(statementTimeoutMs)}${naming}`);
  const parameters = (client as unknown as ClientTimeouts).connectionParameters;
  const previous = parameters.query_timeout;
  parameters.query_timeout = statementTimeoutMs > 0 ? statementTimeoutMs + ANSWER_GRACE_MS : false;
  return previous;
}

/**
 * Statements that may run longer than the pool's bound (the sync worker's reads: a reconciliation aggregates
 * every repayment): one connection, borrowed from the pool on the first statement with `statementTimeoutMs`,
 * and handed back by `end()` with the pool's own bound restored (destroyed when that fails), so requests that
 * get it next are bounded as before.
 */
export class LongStatementSession {
  private borrowed: Promise<{ client: pg.PoolClient; previous: number | false | undefined }> | undefined;
  /** A statement failed: the connection may be dead or still busy, so it is destroyed rather than handed back. */
  private failed = false;
  /** A cancel sent (or being sent) to this connection's backend, which end() waits for before destroying it. */
  private cancelling: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly statementTimeoutMs: number,
    /** The connection's application_name while borrowed (the pool's own is back after end()). */
    private readonly applicationName?: string,
  ) {}

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const { client } = await (this.borrowed ??= this.borrow());
    try {
      return await client.query<R>(text, values);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /**
   * Cancels the statement running on this session's connection, if any, with PostgreSQL's pg_cancel_backend (sent
   * through the pool): it then fails with SQLSTATE 57014, and end() destroys the connection.
   */
  async cancel(): Promise<void> {
    const borrowing = this.borrowed;
    if (borrowing === undefined) return;
    // Marked before anything is awaited: a connection handed back meanwhile could take the cancel to whoever borrows
    // it next, so end() destroys it instead, once the cancel has gone.
    this.failed = true;
    const sending = (async () => {
      const borrowed = await borrowing.catch(() => undefined);
      if (borrowed !== undefined) await cancelStatementOf(borrowed.client, this.pool);
    })();
    this.cancelling = sending.catch(() => undefined);
    await sending;
  }

  /** Hands the connection back (if one was borrowed); the next statement borrows again. */
  async end(): Promise<void> {
    const [borrowed, failed, cancelling] = [this.borrowed, this.failed, this.cancelling];
    this.borrowed = undefined;
    this.failed = false;
    this.cancelling = undefined;
    if (borrowed === undefined) return;
    const { client, previous } = await borrowed.catch(() => ({ client: undefined, previous: undefined }));
    if (client === undefined) return; // borrowing failed: nothing to hand back
    await cancelling;
    if (failed) {
      await destroyConnection(client);
      return;
    }
    try {
      // Back to the values the pool's connections start with.
      await client.query('RESET statement_timeout; RESET application_name');
      (client as unknown as ClientTimeouts).connectionParameters.query_timeout = previous;
      client.release();
    } catch {
      await destroyConnection(client);
    }
  }

  private async borrow(): Promise<{ client: pg.PoolClient; previous: number | false | undefined }> {
    const client = await this.pool.connect();
    try {
      return { client, previous: await setStatementTimeout(client, this.statementTimeoutMs, this.applicationName) };
    } catch (error) {
      client.release(true);
      throw error;
    }
  }
}

/**
 * Cancels the statement `client` runs, if any, with PostgreSQL's pg_cancel_backend sent through `pool` (another
 * connection: the client's own is busy). The statement then fails with SQLSTATE 57014.
 */
export async function cancelStatementOf(client: pg.ClientBase, pool: Pick<pg.Pool, 'query'>): Promise<void> {
  const pid = (client as unknown as { processID?: number | null }).processID;
  if (typeof pid === 'number') await pool.query('SELECT pg_cancel_backend($1)', [pid]);
}

/**
 * While `signal` is not aborted, watches it: once aborted, cancels the statement `client` runs with
 * pg_cancel_backend, sent on a short-lived connection of its own to `url` (the client's is busy). For work done in
 * one transaction that a stop may cut short (start-up's migrations, the demo data's write): the statement fails
 * with SQLSTATE 57014 and the transaction rolls back. A cancel that lands between two statements finds nothing to
 * cancel: callers check the signal at their own boundaries too. Returns the function that stops watching.
 */
export function cancelStatementOnAbort(client: pg.ClientBase, url: string, signal: AbortSignal | undefined): () => void {
  if (signal === undefined) return () => undefined;
  const cancel = (): void => {
    const canceller = new pg.Client({ connectionString: url, application_name: 'seedsmetrics-gateway/cancel', connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS });
    canceller.on('error', () => undefined);
    void canceller
      .connect()
      .then(() => cancelStatementOf(client, canceller))
      .catch(() => undefined) // the database went away: so did the statement
      .finally(() => canceller.end().catch(() => undefined));
  };
  if (signal.aborted) {
    cancel();
    return () => undefined;
  }
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** Longest wait for a destroyed connection's socket to close (a black-holed peer never answers the goodbye). */
const DESTROY_WAIT_MS = 2_000;

/**
 * Takes a connection out of its pool and closes it, waiting until the socket has closed (PostgreSQL closes it once
 * the backend has gone), at most DESTROY_WAIT_MS: a cancelled statement's backend otherwise stays visible in
 * pg_stat_activity, still 'active' for a moment after its error reached us, and a session's advisory lock held,
 * past the caller that stopped it. A connection already handed back is left as it is.
 */
export async function destroyConnection(client: pg.PoolClient): Promise<void> {
  const ended = (client as unknown as { _ended?: boolean })._ended === true;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(resolve, DESTROY_WAIT_MS);
  });
  try {
    client.release(true);
    if (!ended) await closed;
  } catch {
    // already handed back
  } finally {
    clearTimeout(timer);
  }
}

export function createPool(options: PoolOptions): ObservedPool {
  const listeners = new Set<StatementListener>();
  const emit = (sql: string): void => {
    for (const listener of listeners) listener(sql);
  };

  // A Client subclass sees every statement, whether it comes from pool.query, a checked-out client or drizzle.
  class ObservedClient extends pg.Client {
    override query(...args: unknown[]): never {
      const first = args[0] as string | { text?: string } | undefined;
      const sql = typeof first === 'string' ? first : first?.text;
      if (sql !== undefined) emit(sql);
      return (pg.Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
    }
  }

  const statementTimeoutMs = options.statementTimeoutMs ?? 0;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'seedsmetrics-gateway',
    options: options.readOnly ? '-c default_transaction_read_only=on' : undefined,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Without keepalive an idle connection whose peer vanished (failover, NAT or firewall timeout) stays "open".
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    statement_timeout: statementTimeoutMs > 0 ? statementTimeoutMs : undefined,
    query_timeout: statementTimeoutMs > 0 ? statementTimeoutMs + ANSWER_GRACE_MS : undefined,
    Client: ObservedClient as unknown as typeof pg.Client,
  }) as ObservedPool;
  const onError = options.onError ?? (() => undefined);
  // pg emits 'error' for idle clients when the server goes away (e.g. 57P01 at shutdown); unhandled, it crashes.
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  pool.onStatement = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return pool;
}
