/** `npm run db:seed` against a Django database that has no Django tables: refused before anything is written. */
import pg from 'pg';
import { redactUrl } from '../../../src/config';
import { runCli } from '../../support/cli';
import { createEmptyDatabase, createTestDatabases, type EmptyDatabase, type TestDatabases } from '../../support/databases';

let dbs: TestDatabases;
let empty: EmptyDatabase;
let emptyUrl: string;

beforeAll(async () => {
  dbs = await createTestDatabases();
  empty = await createEmptyDatabase('seed_cli');
  emptyUrl = empty.url;
});

afterAll(async () => {
  await empty?.drop();
  await dbs?.drop();
});

it('names the missing tables and where they come from, and leaves both databases untouched', async () => {
  const migrationsBefore = await dbs.metrics.pool.query(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  const result = await runCli('src/cli/seed-demo.ts', ['--scale', '0.01'], { DJANGO_DATABASE_URL: emptyUrl, METRICS_DATABASE_URL: dbs.metricsUrl });
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr:
      `db:seed failed: db:seed writes into an existing Django schema, but in ${redactUrl(emptyUrl)} the database has no table ` +
      'accounts_customuser, ajo_ajouser, loans_ajoloan, loans_ajoloanrepayment, loans_ajoloanschedule, loans_holiday; ' +
      "create the tables with Django's migrations (manage.py migrate), or leave DJANGO_DATABASE_URL unset to seed the embedded PostgreSQL\n",
  });
  const client = new pg.Client({ connectionString: emptyUrl });
  await client.connect();
  try {
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows).toEqual([{ n: 0 }]);
  } finally {
    await client.end();
  }
  expect((await dbs.metrics.pool.query(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows).toEqual(migrationsBefore.rows);
  expect((await dbs.metrics.pool.query(`SELECT count(*)::int AS n FROM officer_hierarchy`)).rows).toEqual([{ n: 0 }]);
});

it('refuses an argument it does not take with the usage exit code 2, before anything is written', async () => {
  const result = await runCli('src/cli/seed-demo.ts', ['--scale', '0.01', '--help'], { DJANGO_DATABASE_URL: emptyUrl, METRICS_DATABASE_URL: dbs.metricsUrl });
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: 'db:seed failed: unknown argument "--help"; usage: npm run db:seed -- [--scale N] [--seed N] [--as-of YYYY-MM-DD] [--django-url URL] [--hierarchy-out FILE]\n',
  });
  expect(await empty.tableCount()).toBe(0);
});
