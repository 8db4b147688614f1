import { silentLogger } from '../../../src/logger';
import { todayIn } from '../../../src/seed/calendar';
import { djangoChecksum } from '../../../src/seed/checksum';
import pg from 'pg';
import { DemoSeedCancelled, ensureDemoData } from '../../../src/seed/demo';
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
  it('a stop requested during the write cancels it: nothing is written, and the next start seeds the whole demo', async () => {
    const fresh = await createTestDatabases();
    // Another session holds a table the write locks first, so the stop finds the write under way, whatever the machine's speed.
    const locker = new pg.Client({ connectionString: fresh.djangoUrl });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE loans_holiday IN ACCESS EXCLUSIVE MODE');
      const stop = new AbortController();
      const options = { djangoWriterUrl: fresh.djangoUrl, metricsPool: fresh.metrics.pool, scale: 0.01, seed: 42, asOf: '2025-11-20', log: silentLogger() };
      const seeding = ensureDemoData({ ...options, signal: stop.signal });
      seeding.catch(() => undefined);
      for (let waited = 0; ; waited += 20) {
        // Read outside the locker's transaction, which keeps the pg_stat_activity it first read until it ends.
        const { rows } = await fresh.django.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'seedsmetrics-gateway/demo-seed' AND wait_event_type = 'Lock'`);
        if (rows.length > 0) break;
        if (waited > 60_000) throw new Error('the write never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      stop.abort();
      const error = await seeding.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DemoSeedCancelled);
      expect([(error as Error).message, ((error as Error).cause as { code?: string }).code]).toEqual(['the demo data was not written: a stop was requested', '57014']);
      await locker.query('ROLLBACK');
      const { rows } = await fresh.django.pool.query(
        'SELECT (SELECT count(*)::int FROM accounts_customuser) AS users, (SELECT count(*)::int FROM loans_ajoloan) AS loans, (SELECT count(*)::int FROM loans_holiday) AS holidays',
      );
      expect(rows).toEqual([{ users: 0, loans: 0, holidays: 0 }]);
      expect((await fresh.metrics.pool.query('SELECT count(*)::int AS n FROM officer_hierarchy')).rows).toEqual([{ n: 0 }]);

      // A stop requested before the write: nothing is begun.
      const before = new AbortController();
      before.abort();
      await expect(ensureDemoData({ ...options, signal: before.signal })).rejects.toThrow(DemoSeedCancelled);
      expect((await fresh.django.pool.query('SELECT count(*)::int AS n FROM accounts_customuser')).rows).toEqual([{ n: 0 }]);

      expect(await ensureDemoData(options)).toMatchObject({ seeded: true, hierarchy: { rejected: 0 } });
    } finally {
      await locker.end().catch(() => undefined);
      await fresh.drop();
    }
  });
});
