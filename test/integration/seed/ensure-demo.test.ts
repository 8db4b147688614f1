import { silentLogger } from '../../../src/logger';
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
});
