import { sql } from 'drizzle-orm';
import pg from 'pg';
import { migrateMetrics } from '../../src/migrate';
import { createTestDatabases, type TestDatabases } from '../support/databases';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

describe('the Django pool', () => {
  // One row for both tests, so each also runs alone (`npx jest -t 'refuses every write'`, as the README shows).
  beforeAll(async () => {
    await dbs.djangoWriter.query(`INSERT INTO accounts_customuser (id, email) VALUES (1, 'a@example.com')`);
  });

  it('reads', async () => {
    const { rows } = await dbs.django.pool.query('SELECT email FROM accounts_customuser');
    expect(rows).toEqual([{ email: 'a@example.com' }]);
  });

  it('refuses every write in PostgreSQL itself (default_transaction_read_only=on)', async () => {
    await expect(dbs.django.pool.query(`INSERT INTO accounts_customuser (email) VALUES ('b@example.com')`)).rejects.toMatchObject({
      code: '25006',
      message: 'cannot execute INSERT in a read-only transaction',
    });
    await expect(dbs.django.db.execute(sql`UPDATE accounts_customuser SET username = 'x'`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '25006' }),
    });
    const { rows } = await dbs.djangoWriter.query('SELECT count(*)::int AS n, count(username)::int AS named FROM accounts_customuser');
    expect(rows[0]).toEqual({ n: 1, named: 0 });
  });
});

describe('seedsmetrics migrations', () => {
  it('are idempotent on an already-migrated database', async () => {
    const before = await dbs.metrics.pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    await migrateMetrics(dbs.metricsUrl);
    await migrateMetrics(dbs.metricsUrl);
    const after = await dbs.metrics.pool.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(before.rows[0].n).toBeGreaterThan(0);
  });

  it('create the upstream tables and the new ones', async () => {
    const { rows } = await dbs.metrics.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    const names = rows.map((r) => r.table_name);
    for (const table of ['officers', 'customers', 'loans', 'repayments', 'loan_schedule', 'holiday', 'sync_tracking', 'loan_dpd_daily', 'dpd_transitions', 'par_changes', 'sync_watermarks']) {
      expect(names).toContain(table);
    }
  });

  it('work on an empty database', async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
    const name = `t_${process.env.TEST_RUN_ID}_empty_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(process.env.TEST_PG_ADMIN_URL!);
      url.pathname = `/${name}`;
      await migrateMetrics(url.toString());
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM loans`);
      await c.end();
      expect(rows[0].n).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
