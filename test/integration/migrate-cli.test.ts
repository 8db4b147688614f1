/** `npm run db:migrate` as operators run it: a fresh database gets every migration, a second run none. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { redactUrl } from '../../src/config';
import { metricsMigrationsDir } from '../../src/paths';
import { runCli } from '../support/cli';
import { createEmptyDatabase, createTestDatabases, type EmptyDatabase, type TestDatabases } from '../support/databases';
import { withDatabase } from '../support/test-env';

const journal = JSON.parse(fs.readFileSync(path.join(metricsMigrationsDir, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
const MIGRATIONS = journal.entries.length;

let dbs: TestDatabases;
let empty: EmptyDatabase;
let name: string;
let url: string;

beforeAll(async () => {
  dbs = await createTestDatabases();
  empty = await createEmptyDatabase('migrate_cli');
  ({ name, url } = empty);
});

afterAll(async () => {
  await empty?.drop();
  await dbs?.drop();
});

it('applies every migration to an empty database, then none, and names the database without its password; Django is not needed', async () => {
  const env = { DJANGO_DATABASE_URL: '', METRICS_DATABASE_URL: url };
  const where = redactUrl(url);
  expect(await runCli('src/cli/migrate.ts', [], env)).toEqual({ code: 0, stdout: `${where}: applied ${MIGRATIONS} of ${MIGRATIONS} migrations\n`, stderr: '' });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    expect((await client.query(`SELECT to_regclass('loans')::text AS loans, to_regclass('par_loan_shares')::text AS shares`)).rows).toEqual([{ loans: 'loans', shares: 'par_loan_shares' }]);
  } finally {
    await client.end();
  }
  expect(await runCli('src/cli/migrate.ts', [], env)).toEqual({ code: 0, stdout: `${where}: already at the latest schema (${MIGRATIONS} migrations)\n`, stderr: '' });
}, 300_000);

it('exits 1 saying what it needs when no database URL is set', async () => {
  expect(await runCli('src/cli/migrate.ts', [], { DJANGO_DATABASE_URL: '', METRICS_DATABASE_URL: '' })).toEqual({
    code: 1,
    stdout: '',
    stderr: 'db:migrate needs METRICS_DATABASE_URL; got none. The embedded database of `npm start` is migrated at every start.\n',
  });
  expect(await runCli('src/cli/migrate.ts', [], { METRICS_DATABASE_URL: 'postgres://127.0.0.1:99999/x' })).toEqual({
    code: 1,
    stdout: '',
    stderr: 'Configuration error: METRICS_DATABASE_URL must be a URL whose port is a number from 1 to 65535; got "postgres://127.0.0.1:99999/x"\n',
  });
}, 300_000);

it('refuses any argument with the usage exit code 2, migrating nothing (`--help` must not migrate)', async () => {
  const fresh = await createEmptyDatabase('migrate_cli_args');
  try {
    for (const args of [['--help'], ['--dry-run'], ['up']]) {
      expect(await runCli('src/cli/migrate.ts', args, { DJANGO_DATABASE_URL: '', METRICS_DATABASE_URL: fresh.url })).toEqual({
        code: 2,
        stdout: '',
        stderr: `unknown argument ${args[0]}; usage: npm run db:migrate (no arguments; METRICS_DATABASE_URL names the database)\n`,
      });
    }
    expect(await fresh.tableCount()).toBe(0);
  } finally {
    await fresh.drop();
  }
}, 300_000);

it('exits 1 naming the database when it cannot migrate it', async () => {
  const missing = withDatabase(process.env.TEST_PG_ADMIN_URL!, `${name}_absent`);
  const result = await runCli('src/cli/migrate.ts', [], { DJANGO_DATABASE_URL: dbs.djangoUrl, METRICS_DATABASE_URL: missing });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`db:migrate failed on ${redactUrl(missing)}: database "${name}_absent" does not exist\n`);
}, 300_000);

it("refuses to migrate the Django database (the two URLs swapped), writing nothing into it", async () => {
  const tablesOf = async (): Promise<number> => (await dbs.django.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`)).rows[0]!.n;
  const before = await tablesOf();
  const result = await runCli('src/cli/migrate.ts', [], { DJANGO_DATABASE_URL: url, METRICS_DATABASE_URL: dbs.djangoUrl });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    new RegExp(`^db:migrate failed on ${redactUrl(dbs.djangoUrl).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: METRICS_DATABASE_URL must be the seedsmetrics database, not the Django database; got ".*" \\(it holds Django's tables accounts_customuser, .*\\)\\n$`),
  );
  expect(await tablesOf()).toBe(before);
}, 300_000);
