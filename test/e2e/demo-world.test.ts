/**
 * The demo world as `npm start` builds it (seeded Django, hierarchy sheet, one sync cycle): validate() finds
 * nothing to report, and a hierarchy sheet imported later moves an officer and its loans — and the PAR of the
 * branches involved — without breaking that consistency.
 */
import { applyHierarchy } from '../../src/hierarchy/apply';
import { importHierarchyCsv } from '../../src/hierarchy/import';
import { silentLogger } from '../../src/logger';
import { validate } from '../../src/sync/validate';
import { SyncWorker } from '../../src/sync/worker';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { buildDemoWorld } from '../support/demo-world';

let dbs: TestDatabases;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await buildDemoWorld(dbs, { scale: 0.02 });
}, 180_000);

afterAll(async () => {
  await dbs?.drop();
});

it('validate() reports zero mismatches after the initial sync of the demo data', async () => {
  const mismatches = await validate({ djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool });
  expect(mismatches).toEqual([]);
}, 120_000);

it('the initial load logs no DPD transition: each loan is computed once, after its repayments are copied', async () => {
  const { rows } = await dbs.metrics.pool.query<{ computed: string; transitions: string }>(
    `SELECT (SELECT count(*) FROM loans WHERE computed_as_of IS NOT NULL) AS computed, (SELECT count(*) FROM dpd_transitions) AS transitions`,
  );
  expect(Number(rows[0]!.computed)).toBeGreaterThan(100);
  expect(rows[0]!.transitions).toBe('0');
});

it('a reconciliation right after the initial sync repairs nothing: every loan, officer and customer row, repayment total and schedule matches Django', async () => {
  const worker = new SyncWorker({ djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool, businessTz: 'Africa/Lagos', log: silentLogger() });
  try {
    const { reconciliation } = await worker.reconcileNow();
    expect(reconciliation).toMatchObject({ loansAdded: [], loansRefreshed: [], officersRefreshed: [], customersRefreshed: [], loansRepaired: [], repaymentsWritten: 0, repaymentsDeleted: 0, holidaysRefreshed: 0, holidaysDeleted: 0, schedulesDeleted: 0, reportsEnded: 0 });
    expect(reconciliation!.loansChecked).toBeGreaterThan(100);
  } finally {
    await worker.stop();
  }
}, 120_000);

it('a later hierarchy sheet moves an officer, its loans and its PAR to the new branch', async () => {
  const { rows } = await dbs.metrics.pool.query<{ officer_id: string; officer_email: string; branch: string; loans: string; portfolio: string }>(
    `SELECT o.officer_id, o.officer_email, o.branch, count(l.*) AS loans, sum(l.principal_outstanding)::text AS portfolio
       FROM officers o JOIN loans l ON l.officer_id = o.officer_id
      WHERE o.officer_email IS NOT NULL
      GROUP BY o.officer_id HAVING sum(l.principal_outstanding) > 0
      ORDER BY count(l.*) DESC, o.officer_id LIMIT 1`,
  );
  const officer = rows[0]!;
  const header = 'officer_email,customer_user_id,region,branch,supervisor_email,supervisor_name,vertical_lead_email,vertical_lead_name';
  const sheet = `${header}\n${officer.officer_email.toUpperCase()},,Topaz,NEW TEST BRANCH,sup@example.com,Sue Pervisor,lead@example.com,Lee Dee\n`;
  expect(await importHierarchyCsv(dbs.metrics.pool, sheet)).toEqual({ imported: 1, officerEmails: [officer.officer_email.toLowerCase()], rejected: [] });

  const applied = await applyHierarchy(dbs.metrics.pool);
  expect(applied).toEqual({ officersUpdated: 1, loansUpdated: Number(officer.loans) });

  const moved = await dbs.metrics.pool.query(
    `SELECT DISTINCT region, branch, vertical_lead_name, vertical_lead_email FROM loans WHERE officer_id = $1`,
    [officer.officer_id],
  );
  expect(moved.rows).toEqual([{ region: 'Topaz', branch: 'NEW TEST BRANCH', vertical_lead_name: 'Lee Dee', vertical_lead_email: 'lead@example.com' }]);
  const par = await dbs.metrics.pool.query(`SELECT portfolio::text FROM par_current WHERE scope = 'BRANCH' AND scope_key = 'NEW TEST BRANCH'`);
  expect(par.rows).toEqual([{ portfolio: officer.portfolio }]);

  // Applying the same sheet again changes nothing.
  expect(await applyHierarchy(dbs.metrics.pool)).toEqual({ officersUpdated: 0, loansUpdated: 0 });
  expect(await validate({ djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool })).toEqual([]);
}, 120_000);
