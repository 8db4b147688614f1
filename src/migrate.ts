/**
 * Brings seedsmetrics to the latest schema with drizzle's migrator (journal in drizzle.__drizzle_migrations),
 * under an advisory lock so two instances starting together do not race. Idempotent.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { refuseDjangoDatabase } from './django-tables';
import { metricsMigrationsDir } from './paths';
import { cancelStatementOnAbort, DEFAULT_CONNECT_TIMEOUT_MS, KEEPALIVE_INITIAL_DELAY_MS } from './pg-pool';

/** Arbitrary but fixed: the advisory-lock key that serialises migrations. */
const MIGRATION_LOCK_KEY = 7_301_001;

export interface MigrationOutcome {
  /** Migrations this call applied (0: the schema was already the latest). */
  applied: number;
  /** Migrations the database has now. */
  total: number;
}

/**
 * `migrationsFolder` other than the repository's only for tests that upgrade from an earlier schema. `signal`
 * (start-up's, aborted by a stop requested meanwhile) cancels the migrations, or the wait for another instance's:
 * drizzle applies them in one transaction, which rolls back.
 */
export async function migrateMetrics(metricsUrl: string, migrationsFolder: string = metricsMigrationsDir, options: { signal?: AbortSignal } = {}): Promise<MigrationOutcome> {
  // No statement bound: a migration may rewrite a large table, and waits for another instance's migrations.
  const client = new pg.Client({
    connectionString: metricsUrl,
    application_name: 'seedsmetrics-gateway/migrate',
    connectionTimeoutMillis: DEFAULT_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  });
  client.on('error', () => undefined);
  await client.connect();
  const unwatch = cancelStatementOnAbort(client, metricsUrl, options.signal);
  try {
    // Every caller (start-up, db:migrate, the hierarchy import): a swapped URL must not get the gateway's tables
    // written into Django's database.
    await refuseDjangoDatabase(client, metricsUrl);
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const before = await appliedMigrations(client);
    await migrate(drizzle(client), { migrationsFolder });
    const total = await appliedMigrations(client);
    return { applied: total - before, total };
  } finally {
    unwatch();
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** Rows of drizzle's journal table (one per applied migration); 0 before the first migration. */
async function appliedMigrations(client: pg.Client): Promise<number> {
  const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS exists`);
  if (!table[0]!.exists) return 0;
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  return rows[0]!.n;
}
