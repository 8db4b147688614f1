/**
 * Migration 0015 on a database that already holds computed loans: PAR shares must start from what loans hold, and
 * par_current with them, or every later batch would add its loans' whole share on top of par_current again.
 */
import fs from 'node:fs';
import pg from 'pg';
import { migrateMetrics } from '../../../src/migrate';
import { createEmptyDatabase, type EmptyDatabase } from '../../support/databases';
import { migrationsBefore } from '../../support/migrations';
import { insertLoans } from './fixtures';

const SHARES_MIGRATION = '0015_par_loan_shares';

let empty: EmptyDatabase;
let db: pg.Client;
let olderMigrations: string;
let url: string;

beforeAll(async () => {
  empty = await createEmptyDatabase('upgrade');
  url = empty.url;
  olderMigrations = migrationsBefore(SHARES_MIGRATION);
  await migrateMetrics(url, olderMigrations);
  db = new pg.Client({ connectionString: url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await empty?.drop();
  if (olderMigrations) fs.rmSync(olderMigrations, { recursive: true, force: true });
});

const aggregated = `SELECT k.scope, k.scope_key, sum(COALESCE(l.principal_outstanding, 0))::text AS portfolio,
       COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0)::numeric(15, 2)::text AS par15
  FROM loans l, LATERAL (VALUES ('OFFICER', l.officer_id), ('BRANCH', l.branch), ('REGION', l.region), ('PORTFOLIO', 'ALL')) AS k(scope, scope_key)
 GROUP BY 1, 2 ORDER BY 1, 2`;
const current = `SELECT scope, scope_key, portfolio::text, par15::text FROM par_current ORDER BY 1, 2`;

it('starts par_loan_shares and par_current from the loans, so the next batch moves PAR by its own loans only', async () => {
  const spec = { rate: null, fee: null, term: 60, d0: '2025-09-01', d1: '2025-09-02', maturity: '2026-03-01' };
  await insertLoans(db, [
    { id: 'U1', officer: 'o1', branch: 'YABA', region: 'Ruby', amount: '10000', ra: '10000', ...spec },
    { id: 'U2', officer: 'o2', branch: 'EPE', region: 'Ruby', amount: '20000', ra: '20000', ...spec },
  ]);
  await db.query(`SELECT recompute_loans(ARRAY['U1', 'U2']::varchar[], DATE '2025-10-01')`);
  // A loan changed outside the engine: par_current (re-aggregated per batch before 0015) does not know it yet.
  await db.query(`UPDATE loans SET principal_outstanding = 5000 WHERE loan_id = 'U2'`);
  expect((await db.query(`SELECT to_regclass('par_loan_shares') AS t`)).rows).toEqual([{ t: null }]);

  await migrateMetrics(url);
  expect((await db.query(`SELECT loan_id, principal_outstanding::text FROM par_loan_shares ORDER BY 1`)).rows).toEqual([
    { loan_id: 'U1', principal_outstanding: '10000.00' },
    { loan_id: 'U2', principal_outstanding: '5000.00' },
  ]);
  expect((await db.query(current)).rows).toEqual((await db.query(aggregated)).rows);

  await db.query(`SELECT recompute_loans(ARRAY['U1']::varchar[], DATE '2025-10-20')`);
  expect((await db.query(current)).rows).toEqual((await db.query(aggregated)).rows);
});
