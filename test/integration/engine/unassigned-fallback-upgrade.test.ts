/**
 * Migration 0027 on a database the sync filled before it: officers Django names no branch for read 'Unassigned'
 * (D12) in branch and region instead of upstream's 'Unknown' / 'Nigeria' (or a blank branch), their loans' copies
 * follow, and PAR moves to the 'Unassigned' keys at the next full refresh. Curated officers and named branches
 * keep what they have.
 */
import fs from 'node:fs';
import pg from 'pg';
import { recomputeOpenLoans } from '../../../src/engine/recompute';
import { migrateMetrics } from '../../../src/migrate';
import { createEmptyDatabase, type EmptyDatabase } from '../../support/databases';
import { migrationsBefore } from '../../support/migrations';
import { insertLoans } from './fixtures';

let empty: EmptyDatabase;
let db: pg.Client;
let olderMigrations: string;

beforeAll(async () => {
  empty = await createEmptyDatabase('unassigned');
  olderMigrations = migrationsBefore('0027_officers_unassigned_fallback');
  await migrateMetrics(empty.url, olderMigrations);
  db = new pg.Client({ connectionString: empty.url });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await empty?.drop();
  if (olderMigrations) fs.rmSync(olderMigrations, { recursive: true, force: true });
});

it("moves officers without a Django branch, and their loans and PAR, to 'Unassigned'; nothing else", async () => {
  const spec = { rate: null, fee: null, term: 60, d0: '2025-09-01', d1: '2025-09-02', maturity: '2026-03-01', amount: '10000', ra: '10000' };
  await insertLoans(db, [
    { id: 'L1', officer: 'null-branch', branch: 'Unknown', region: 'Nigeria', ...spec },
    { id: 'L2', officer: 'blank-branch', branch: '  ', region: 'Nigeria', ...spec },
    { id: 'L3', officer: 'curated', branch: 'Unknown', region: 'Nigeria', ...spec },
    { id: 'L4', officer: 'named', branch: 'Lagos Island', region: 'Lagos', ...spec },
  ]);
  await db.query(`UPDATE officers SET hierarchy_curated = (officer_id = 'curated'), django_fingerprint = 'f-' || officer_id`);
  await recomputeOpenLoans(db, '2025-10-01');
  expect((await db.query(`SELECT scope_key FROM par_current WHERE scope = 'BRANCH' AND portfolio > 0 ORDER BY 1`)).rows.map((r) => r.scope_key)).toEqual(['  ', 'Lagos Island', 'Unknown']);

  await migrateMetrics(empty.url);
  const expected = [
    { id: 'blank-branch', branch: 'Unassigned', region: 'Unassigned' },
    { id: 'curated', branch: 'Unknown', region: 'Nigeria' },
    { id: 'named', branch: 'Lagos Island', region: 'Lagos' },
    { id: 'null-branch', branch: 'Unassigned', region: 'Unassigned' },
  ];
  expect((await db.query(`SELECT officer_id AS id, branch, region FROM officers ORDER BY 1`)).rows).toEqual(expected);
  expect((await db.query(`SELECT officer_id AS id, branch, region FROM loans ORDER BY 1`)).rows).toEqual(expected);
  // Those moved are copied again from Django at the next reconciliation (a branch really called 'Unknown' comes back).
  expect((await db.query(`SELECT officer_id AS id, django_fingerprint AS f FROM officers ORDER BY 1`)).rows).toEqual([
    { id: 'blank-branch', f: null },
    { id: 'curated', f: 'f-curated' },
    { id: 'named', f: 'f-named' },
    { id: 'null-branch', f: null },
  ]);

  await recomputeOpenLoans(db, '2025-10-02');
  expect((await db.query(`SELECT scope, scope_key, portfolio::text FROM par_current WHERE scope IN ('BRANCH', 'REGION') AND portfolio > 0 ORDER BY 1, 2`)).rows).toEqual([
    { scope: 'BRANCH', scope_key: 'Lagos Island', portfolio: '10000.00' },
    { scope: 'BRANCH', scope_key: 'Unassigned', portfolio: '20000.00' },
    { scope: 'BRANCH', scope_key: 'Unknown', portfolio: '10000.00' },
    { scope: 'REGION', scope_key: 'Lagos', portfolio: '10000.00' },
    { scope: 'REGION', scope_key: 'Nigeria', portfolio: '10000.00' },
    { scope: 'REGION', scope_key: 'Unassigned', portfolio: '20000.00' },
  ]);
});
