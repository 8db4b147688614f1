import { silentLogger } from '../../../src/logger';
import { todayIn } from '../../../src/seed/calendar';
import { djangoChecksum } from '../../../src/seed/checksum';
import { ensureDemoData } from '../../../src/seed/demo';
import { createTestDatabases, type TestDatabases } from '../../support/databases';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

describe('ensureDemoData', () => {
  it('seeds an empty Django database and imports the hierarchy, then leaves both alone', async () => {
    const options = { djangoWriterUrl: dbs.djangoUrl, metricsPool: dbs.metrics.pool, scale: 0.01, seed: 42, asOf: '2025-11-20', log: silentLogger() };
    const first = await ensureDemoData(options);
    expect(first).toMatchObject({ seeded: true, asOf: '2025-11-20', scale: 0.01, seed: 42, hierarchy: { rejected: 0 } });
    if (!first.seeded) throw new Error('not seeded');
    const counts = await dbs.django.pool.query<{ users: string; loans: string }>('SELECT (SELECT count(*) FROM accounts_customuser) AS users, (SELECT count(*) FROM loans_ajoloan) AS loans');
    expect(Number(counts.rows[0].users)).toBe(first.rows.accounts_customuser);
    expect(Number(counts.rows[0].loans)).toBe(first.rows.loans_ajoloan);
    const imported = await dbs.metrics.pool.query<{ n: string }>('SELECT count(*) AS n FROM officer_hierarchy');
    expect(Number(imported.rows[0].n)).toBe(first.hierarchy.imported);
    expect(first.hierarchy.imported).toBeGreaterThan(0);
    expect(first.manifest.fimr_no_payment.length).toBeGreaterThan(0);

    const checksum = await djangoChecksum(dbs.django.pool);
    const second = await ensureDemoData({ ...options, seed: 99 });
    expect(second).toEqual({ seeded: false, reason: 'the Django database already has users' });
    expect(await djangoChecksum(dbs.django.pool)).toBe(checksum);
  });

  it("seeds today's data without a moment after the seeding (a row dated later than Django's clock is a wrong clock to the sync)", async () => {
    const fresh = await createTestDatabases();
    try {
      const result = await ensureDemoData({ djangoWriterUrl: fresh.djangoUrl, metricsPool: fresh.metrics.pool, scale: 0.01, seed: 42, log: silentLogger() });
      expect(result).toMatchObject({ seeded: true, asOf: todayIn('Africa/Lagos') });
      const columns: Record<string, string[]> = {
        accounts_customuser: ['last_login', 'date_joined', 'created_at', 'updated_at'],
        ajo_ajouser: ['created_at', 'updated_at'],
        loans_ajoloan: ['date_disbursed', 'date_completed', 'created_at', 'updated_at'],
        loans_ajoloanrepayment: ['paid_date', 'created_at', 'updated_at'],
        loans_holiday: ['created_at', 'updated_at'],
      };
      const latest = Object.entries(columns).flatMap(([table, names]) => names.map((c) => `('${table}.${c}', (SELECT max(${c}) FROM ${table}))`));
      const { rows } = await fresh.django.pool.query(`SELECT col, latest FROM (VALUES ${latest.join(', ')}) v(col, latest) WHERE latest > statement_timestamp()`);
      expect(rows).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
