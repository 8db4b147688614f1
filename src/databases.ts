/**
 * Opens the two databases the gateway works with: Django (read-only pool) and seedsmetrics (read/write
 * pool), starting an embedded PostgreSQL that holds both when no URL is configured.
 */
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { djangoSchema } from '../drizzle/django/schema';
import { metricsSchema } from '../drizzle/metrics/schema';
import type { Config } from './config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { createPool, type ObservedPool } from './pg-pool';

export type DjangoSchema = typeof djangoSchema;
export type MetricsSchema = typeof metricsSchema;

/**
 * The Django side exposes reads only: the type offers no insert/update/delete, and the connection runs with
 * default_transaction_read_only=on, so even raw SQL cannot write.
 */
export type DjangoReader = Pick<NodePgDatabase<DjangoSchema>, 'select' | 'selectDistinct' | 'selectDistinctOn' | 'execute' | '$with' | 'with'>;

export interface Databases {
  django: { pool: ObservedPool; db: DjangoReader; url: string; probePool: ObservedPool };
  metrics: { pool: ObservedPool; db: NodePgDatabase<MetricsSchema>; url: string; probePool: ObservedPool };
  /** Present only in embedded mode. */
  embedded?: EmbeddedPostgres;
  /** Ends both pools, then stops the embedded server if this process started it. */
  close(): Promise<void>;
}

export const EMBEDDED_DJANGO_DB = 'django';
export const EMBEDDED_METRICS_DB = 'seedsmetrics';

export interface DatabaseUrls {
  djangoUrl: string;
  metricsUrl: string;
}

/**
 * Bound of a health probe: connecting, and answering. Probes have a pool of one connection of their own per
 * database, so requests queueing for a busy pool never make a database that answers look down.
 */
export const PROBE_TIMEOUT_MS = 2000;

/** Bounds of the pools' waits (src/pg-pool.ts): the server's request pools set both, the command lines none. */
export interface PoolTimeouts {
  /** @default DEFAULT_CONNECT_TIMEOUT_MS */
  connectTimeoutMs?: number;
  /** Longest statement; undefined or 0 for none. */
  statementTimeoutMs?: number;
}

export function openDatabases(
  urls: DatabaseUrls,
  options: { djangoPoolSize?: number; metricsPoolSize?: number; onError?: (error: Error) => void } & PoolTimeouts = {},
): Omit<Databases, 'embedded'> {
  const { connectTimeoutMs, statementTimeoutMs, onError } = options;
  const djangoPool = createPool({ url: urls.djangoUrl, max: options.djangoPoolSize, readOnly: true, applicationName: 'seedsmetrics-gateway/django', connectTimeoutMs, statementTimeoutMs, onError });
  const metricsPool = createPool({ url: urls.metricsUrl, max: options.metricsPoolSize, applicationName: 'seedsmetrics-gateway/metrics', connectTimeoutMs, statementTimeoutMs, onError });
  const probe = { max: 1, applicationName: 'seedsmetrics-gateway/health', connectTimeoutMs: PROBE_TIMEOUT_MS, statementTimeoutMs: PROBE_TIMEOUT_MS, onError };
  const djangoProbe = createPool({ url: urls.djangoUrl, readOnly: true, ...probe });
  const metricsProbe = createPool({ url: urls.metricsUrl, ...probe });
  return {
    django: { pool: djangoPool, db: drizzle(djangoPool, { schema: djangoSchema }), url: urls.djangoUrl, probePool: djangoProbe },
    metrics: { pool: metricsPool, db: drizzle(metricsPool, { schema: metricsSchema }), url: urls.metricsUrl, probePool: metricsProbe },
    close: async () => {
      await Promise.all([djangoPool.end(), metricsPool.end(), djangoProbe.end(), metricsProbe.end()]);
    },
  };
}

/** The command lines' bounds: connections as configured, statements unbounded (a validation may read for minutes). */
export function commandLineTimeouts(config: Config): PoolTimeouts {
  return { connectTimeoutMs: config.timeouts.dbConnectMs };
}

/**
 * The databases of `config`. Their pools bound each statement by DB_STATEMENT_TIMEOUT_MS (they serve requests)
 * unless `timeouts` says otherwise (the command lines pass commandLineTimeouts).
 */
export async function createDatabases(
  config: Config,
  onLog?: (message: string) => void,
  timeouts: PoolTimeouts = { connectTimeoutMs: config.timeouts.dbConnectMs, statementTimeoutMs: config.timeouts.dbStatementMs },
): Promise<Databases> {
  let embedded: EmbeddedPostgres | undefined;
  let urls: DatabaseUrls;
  if (config.djangoDatabaseUrl !== undefined && config.metricsDatabaseUrl !== undefined) {
    urls = { djangoUrl: config.djangoDatabaseUrl, metricsUrl: config.metricsDatabaseUrl };
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: config.embedded.dataDir,
      port: config.embedded.port,
      databases: [EMBEDDED_DJANGO_DB, EMBEDDED_METRICS_DB],
      onLog,
    });
    urls = { djangoUrl: embedded.url(EMBEDDED_DJANGO_DB), metricsUrl: embedded.url(EMBEDDED_METRICS_DB) };
  }
  const opened = openDatabases(urls, { djangoPoolSize: config.djangoPoolSize, metricsPoolSize: config.metricsPoolSize, ...timeouts, onError: (e) => onLog?.(`pool error: ${e.message}`) });
  return {
    ...opened,
    embedded,
    close: async () => {
      await opened.close();
      await embedded?.stop();
    },
  };
}
