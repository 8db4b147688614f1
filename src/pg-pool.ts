/**
 * Creates pg pools whose every statement can be observed (statement counts in tests and benchmarks)
 * and whose connection errors never crash the process.
 */
import pg from 'pg';

export type StatementListener = (sql: string) => void;

/** A pool plus a way to watch the statements it sends. */
export interface ObservedPool extends pg.Pool {
  /** Registers a listener for every statement sent through this pool; returns the unsubscribe function. */
  onStatement(listener: StatementListener): () => void;
}

export interface PoolOptions {
  url: string;
  /** @default 10 */
  max?: number;
  /** Forces `default_transaction_read_only=on` on every connection, so a write fails in PostgreSQL itself. */
  readOnly?: boolean;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  onError?: (error: Error) => void;
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

  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'seedsmetrics-gateway',
    options: options.readOnly ? '-c default_transaction_read_only=on' : undefined,
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
