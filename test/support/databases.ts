/**
 * Fresh, isolated database pairs for one test file: cloned from the run's templates (Django fixture, migrated
 * seedsmetrics), opened the way the gateway opens them, plus a writable Django pool that plays Django itself.
 */
import pg from 'pg';
import { openDatabases, type Databases } from '../../src/databases';
import { createPool, type ObservedPool } from '../../src/pg-pool';
import { requireEnv, withDatabase } from './test-env';

export interface TestDatabases extends Omit<Databases, 'embedded'> {
  djangoUrl: string;
  metricsUrl: string;
  /** Writes to Django as Django would; the gateway's own Django pool is read-only. */
  djangoWriter: ObservedPool;
  /** Closes every pool and drops both databases. */
  drop(): Promise<void>;
}

let counter = 0;

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: requireEnv('TEST_PG_ADMIN_URL') });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Clones the templates into a new database pair named after the run, the worker and a counter. */
export async function createTestDatabases(): Promise<TestDatabases> {
  const adminUrl = requireEnv('TEST_PG_ADMIN_URL');
  const runId = requireEnv('TEST_RUN_ID');
  counter += 1;
  const base = `t_${runId}_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${counter}`;
  const djangoName = `${base}_django`;
  const metricsName = `${base}_metrics`;
  await adminQuery(`CREATE DATABASE ${djangoName} TEMPLATE ${requireEnv('TEST_DJANGO_TEMPLATE')}`);
  await adminQuery(`CREATE DATABASE ${metricsName} TEMPLATE ${requireEnv('TEST_METRICS_TEMPLATE')}`);
  const djangoUrl = withDatabase(adminUrl, djangoName);
  const metricsUrl = withDatabase(adminUrl, metricsName);
  const opened = openDatabases({ djangoUrl, metricsUrl }, { djangoPoolSize: 5, metricsPoolSize: 5 });
  const djangoWriter = createPool({ url: djangoUrl, max: 3, applicationName: 'test/django-writer' });
  return {
    ...opened,
    djangoUrl,
    metricsUrl,
    djangoWriter,
    close: opened.close,
    drop: async () => {
      await Promise.allSettled([opened.close(), djangoWriter.end()]);
      await adminQuery(`DROP DATABASE IF EXISTS ${djangoName} WITH (FORCE)`);
      await adminQuery(`DROP DATABASE IF EXISTS ${metricsName} WITH (FORCE)`);
    },
  };
}

export interface EmptyDatabase {
  name: string;
  url: string;
  /** Tables outside PostgreSQL's own schemas: 0 while nothing was written into it. */
  tableCount(): Promise<number>;
  drop(): Promise<void>;
}

/** A new empty database (no tables, nothing migrated) named after the run, `label` and the process. */
export async function createEmptyDatabase(label: string): Promise<EmptyDatabase> {
  const name = `t_${requireEnv('TEST_RUN_ID')}_${label}_${process.pid}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(requireEnv('TEST_PG_ADMIN_URL'), name);
  const tableCount = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`)).rows[0]!.n;
    } finally {
      await client.end();
    }
  };
  return { name, url, tableCount, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Counts the statements sent through the given pools while `work` runs. */
export async function countStatements<T>(pools: Record<string, ObservedPool>, work: () => Promise<T>): Promise<{ result: T; counts: Record<string, number>; statements: Record<string, string[]> }> {
  const statements: Record<string, string[]> = {};
  const stops = Object.entries(pools).map(([name, pool]) => {
    statements[name] = [];
    return pool.onStatement((sql) => statements[name]!.push(sql));
  });
  try {
    const result = await work();
    const counts = Object.fromEntries(Object.entries(statements).map(([name, list]) => [name, list.length]));
    return { result, counts, statements };
  } finally {
    for (const stop of stops) stop();
  }
}

/**
 * The EXPLAIN plan of `sql` with the given planner methods switched off (e.g. `enable_sort`, `enable_seqscan`), so
 * the plan shows whether an index can serve the statement. The settings last for one rolled-back transaction.
 */
export async function planWith(pool: pg.Pool, disabled: readonly ('enable_sort' | 'enable_seqscan')[], sql: string): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const setting of disabled) await client.query(`SET LOCAL ${setting} = off`);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
