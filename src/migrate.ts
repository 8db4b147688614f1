/**
 * Brings seedsmetrics to the latest schema with drizzle's migrator (journal in drizzle.__drizzle_migrations),
 * under an advisory lock so two instances starting together do not race. Idempotent.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { metricsMigrationsDir } from './paths';

/** Arbitrary but fixed: the advisory-lock key that serialises migrations. */
const MIGRATION_LOCK_KEY = 7_301_001;

/** `migrationsFolder` other than the repository's only for tests that upgrade from an earlier schema. */
export async function migrateMetrics(metricsUrl: string, migrationsFolder: string = metricsMigrationsDir): Promise<void> {
  const client = new pg.Client({ connectionString: metricsUrl, application_name: 'seedsmetrics-gateway/migrate' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
