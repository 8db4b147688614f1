/**
 * The demo generator against real PostgreSQL at scale 0.05: every case of the manifest is checked on the rows
 * Django actually holds, with SQL (DPD per DOMAIN.md D2/D3/D5), and the data is byte-identical for one seed.
 */
import pg from 'pg';
import { djangoChecksum, djangoTableChecksums } from '../../../src/seed/checksum';
import { DEMO_CASES, generateDemoData, HIDDEN_USER_TYPES, type DemoDataset } from '../../../src/seed/generate';
import { DjangoNotEmptyError, writeDemoData } from '../../../src/seed/write';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { loanFacts, type LoanFacts } from './loan-facts';

const AS_OF = '2025-11-20';
const SCALE = 0.05;

async function seed(dbs: TestDatabases, dataset: DemoDataset): Promise<void> {
  const client = await dbs.djangoWriter.connect();
  try {
    await writeDemoData(client, dataset);
  } finally {
    client.release();
  }
}

let dbs: TestDatabases;
let dataset: DemoDataset;
let facts: Map<number, LoanFacts>;

beforeAll(async () => {
  dbs = await createTestDatabases();
  dataset = generateDemoData({ scale: SCALE, seed: 42, asOf: AS_OF });
  await seed(dbs, dataset);
  facts = await loanFacts(dbs.djangoWriter, AS_OF);
});
afterAll(async () => {
  await dbs.drop();
});

describe('the seeded Django database', () => {
  it('holds every generated row, with the population shape of DOMAIN.md §7', async () => {
    const { rows } = await dbs.djangoWriter.query<{ users: number; customers: number; loans: number; repayments: number; holidays: number; company: number; waivers: number }>(`
      SELECT (SELECT count(*) FROM accounts_customuser)::int AS users, (SELECT count(*) FROM ajo_ajouser)::int AS customers,
             (SELECT count(*) FROM loans_ajoloan)::int AS loans, (SELECT count(*) FROM loans_ajoloanrepayment)::int AS repayments,
             (SELECT count(*) FROM loans_holiday)::int AS holidays, (SELECT count(*) FROM loans_holiday WHERE type = 'company')::int AS company,
             (SELECT count(*) FROM loans_holiday WHERE salary_waver)::int AS waivers`);
    expect(rows[0]).toEqual({
      users: dataset.users.length,
      customers: 900,
      loans: dataset.loans.length,
      repayments: dataset.repayments.length,
      holidays: 5 + 45,
      company: 5,
      waivers: 2,
    });
    const shares = await dbs.djangoWriter.query<{ user_type: string | null; n: number }>(`
      SELECT u.user_type, count(*)::int AS n FROM loans_ajoloan l JOIN accounts_customuser u ON u.id = l.agent_id
       WHERE l.is_disbursed GROUP BY u.user_type`);
    const total = shares.rows.reduce((sum, row) => sum + row.n, 0);
    const share = (type: string | null): number => (shares.rows.find((row) => row.user_type === type)?.n ?? 0) / total;
    expect(total).toBe(895);
    expect(share('STAFF_AGENT')).toBeGreaterThan(0.52);
    expect(share('STAFF_AGENT')).toBeLessThan(0.56);
    expect(share(null)).toBeGreaterThan(0.43);
    expect(share(null)).toBeLessThan(0.47);
    // Repayments: about 465,000 × 0.05.
    expect(dataset.repayments.length).toBeGreaterThan(20_000);
    expect(dataset.repayments.length).toBeLessThan(27_000);
  });

  it('spreads business-day DPD over every bucket of the portfolio', () => {
    const open = [...facts.values()].filter((f) => f.paid_vs_total < 0);
    const bucket = (min: number, max: number) => open.filter((f) => f.dpd >= min && f.dpd <= max).length;
    const counts = { '0': bucket(0, 0), '1-6': bucket(1, 6), '7-30': bucket(7, 30), '31-60': bucket(31, 60), '61-90': bucket(61, 90), '90+': bucket(91, 100_000) };
    for (const [name, n] of Object.entries(counts)) expect([name, n > 0]).toEqual([name, true]);
    expect(counts['0']).toBeGreaterThan(counts['1-6']);
  });

  it('lists examples of every case in the manifest', () => {
    expect(DEMO_CASES.filter((c) => dataset.manifest[c].length === 0)).toEqual([]);
  });

  it('has DPD buckets, current, FIMR, maturity and payoff cases as the manifest says (checked with SQL)', () => {
    const check = (c: (typeof DEMO_CASES)[number], test: (f: LoanFacts) => boolean) => {
      for (const id of dataset.manifest[c]) expect([c, id, test(facts.get(id)!)]).toEqual([c, id, true]);
    };
    check('current', (f) => f.dpd === 0 && f.p !== '0' && f.paid_vs_total < 0 && f.m! >= AS_OF && f.d1! <= AS_OF);
    check('dpd_1_6', (f) => f.dpd >= 1 && f.dpd <= 6);
    check('dpd_7_30', (f) => f.dpd >= 7 && f.dpd <= 30);
    check('dpd_31_60', (f) => f.dpd >= 31 && f.dpd <= 60);
    check('dpd_61_90', (f) => f.dpd >= 61 && f.dpd <= 90);
    check('dpd_90_plus', (f) => f.dpd > 90);
    check('fimr_no_payment', (f) => f.first_paid === null && f.d1! < AS_OF);
    check('fimr_late_first_payment', (f) => f.first_paid !== null && f.first_paid > f.d1!);
    check('not_yet_due', (f) => f.d1! > AS_OF);
    check('past_maturity', (f) => f.m! < AS_OF && f.paid_vs_total < 0);
    check('fully_paid', (f) => f.paid_vs_total === 0);
    check('overpaid', (f) => f.paid_vs_total > 0);
    check('null_start_date', (f) => f.d1 === null);
  });

  it('has zero-interest, undisbursed and officer-less loans', async () => {
    const { rows } = await dbs.djangoWriter.query<{ id: string; interest_rate: number; repayment_amount: number; is_disbursed: boolean; agent_id: string | null }>(
      'SELECT id, interest_rate, repayment_amount, is_disbursed, agent_id FROM loans_ajoloan WHERE id = ANY($1)',
      [[...dataset.manifest.zero_interest, ...dataset.manifest.not_disbursed, ...dataset.manifest.null_agent]],
    );
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    for (const id of dataset.manifest.zero_interest) expect(byId.get(id)).toMatchObject({ interest_rate: 0, repayment_amount: expect.any(Number), is_disbursed: true });
    for (const id of dataset.manifest.zero_interest) expect(byId.get(id)!.repayment_amount).toBeGreaterThan(0);
    for (const id of dataset.manifest.not_disbursed) expect(byId.get(id)).toMatchObject({ is_disbursed: false });
    for (const id of dataset.manifest.null_agent) expect(byId.get(id)).toMatchObject({ is_disbursed: true, agent_id: null });
  });

  it('has officers that are inactive, of hidden types, STAFF_AGENT and without a type', async () => {
    const officerOf = async (ids: number[]) =>
      (await dbs.djangoWriter.query<{ user_type: string | null; is_active: boolean }>('SELECT u.user_type, u.is_active FROM loans_ajoloan l JOIN accounts_customuser u ON u.id = l.agent_id WHERE l.id = ANY($1)', [ids])).rows;
    expect((await officerOf(dataset.manifest.inactive_officer)).every((u) => !u.is_active)).toBe(true);
    expect((await officerOf(dataset.manifest.hidden_user_type_officer)).every((u) => HIDDEN_USER_TYPES.includes(u.user_type!))).toBe(true);
    expect((await officerOf(dataset.manifest.staff_agent_officer)).every((u) => u.user_type === 'STAFF_AGENT')).toBe(true);
    expect((await officerOf(dataset.manifest.no_type_officer)).every((u) => u.user_type === null)).toBe(true);
    const hidden = await dbs.djangoWriter.query<{ user_type: string }>(
      `SELECT DISTINCT u.user_type FROM loans_ajoloan l JOIN accounts_customuser u ON u.id = l.agent_id WHERE u.user_type IN ('LOTTO_AGENT', 'lite', 'RECOVERY_AGENT') ORDER BY 1`,
    );
    expect(hidden.rows.map((r) => r.user_type)).toEqual(['LOTTO_AGENT', 'RECOVERY_AGENT', 'lite']);
  });

  it('has reversed, not-applied, NULL-date, non-positive, recovery and 00:30-Lagos repayments on the listed loans', async () => {
    const has = async (ids: number[], condition: string): Promise<number[]> =>
      (await dbs.djangoWriter.query<{ id: string }>(`SELECT DISTINCT ajo_loan_id AS id FROM loans_ajoloanrepayment WHERE ajo_loan_id = ANY($1) AND ${condition} ORDER BY 1`, [ids])).rows.map((r) => Number(r.id));
    const m = dataset.manifest;
    expect(await has(m.reversed_repayment, "marked_as = 'REVERSAL'")).toEqual(m.reversed_repayment);
    expect(await has(m.not_applied_repayment, 'applied_to_loan IS FALSE AND marked_as IS NULL')).toEqual(m.not_applied_repayment);
    expect(await has(m.null_paid_date_repayment, 'paid_date IS NULL')).toEqual(m.null_paid_date_repayment);
    expect(await has(m.non_positive_amount_repayment, 'repayment_amount <= 0')).toEqual(m.non_positive_amount_repayment);
    expect(await has(m.recovery_repayment, "marked_as = 'RECOVERY'")).toEqual(m.recovery_repayment);
    expect(await has(m.payment_at_0030_lagos, "to_char(paid_date AT TIME ZONE 'Africa/Lagos', 'HH24:MI') = '00:30'")).toEqual(m.payment_at_0030_lagos);
    // 00:30 in Lagos is 23:30 UTC on the previous calendar day.
    const { rows } = await dbs.djangoWriter.query<{ lagos: string; utc: string }>(
      `SELECT to_char(paid_date AT TIME ZONE 'Africa/Lagos', 'YYYY-MM-DD HH24:MI') AS lagos, to_char(paid_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc
         FROM loans_ajoloanrepayment WHERE ajo_loan_id = $1 AND to_char(paid_date AT TIME ZONE 'Africa/Lagos', 'HH24:MI') = '00:30' LIMIT 1`,
      [m.payment_at_0030_lagos[0]],
    );
    const [lagosDay] = rows[0].lagos.split(' ');
    const previous = new Date(Date.parse(`${lagosDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(rows[0].utc).toBe(`${previous} 23:30`);
  });

  it('moves the identity sequences past the seeded ids', async () => {
    const { rows } = await dbs.djangoWriter.query<{ id: string }>(
      `INSERT INTO loans_ajoloanrepayment (ajo_loan_id, repayment_amount) VALUES ($1, 100) RETURNING id`,
      [dataset.loans[0].id],
    );
    expect(Number(rows[0].id)).toBe(dataset.repayments.length + 1);
    await dbs.djangoWriter.query('DELETE FROM loans_ajoloanrepayment WHERE id = $1', [rows[0].id]);
  });

  it('refuses to write into a database that already has rows, and writes nothing', async () => {
    const before = await djangoChecksum(dbs.djangoWriter);
    const client = await dbs.djangoWriter.connect();
    try {
      const error = await writeDemoData(client, generateDemoData({ scale: 0.01, seed: 1, asOf: AS_OF })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DjangoNotEmptyError);
      expect((error as Error).message).toBe(
        'the demo generator only writes into an empty Django database, but accounts_customuser, ajo_ajouser, loans_ajoloan, loans_ajoloanrepayment, loans_holiday already have rows; use a fresh database',
      );
    } finally {
      client.release();
    }
    expect(await djangoChecksum(dbs.djangoWriter)).toBe(before);
  });
});

describe('writeDemoData', () => {
  it('verifies every foreign key before committing and writes nothing when one dangles', async () => {
    const fresh = await createTestDatabases();
    try {
      const broken = generateDemoData({ scale: 0.01, seed: 7, asOf: AS_OF });
      broken.repayments[0].loanId = 999_999;
      broken.holidays[broken.holidays.length - 1].agentId = 888_888;
      const client = await fresh.djangoWriter.connect();
      try {
        await expect(writeDemoData(client, broken)).rejects.toThrow(
          'demo data has dangling foreign keys (loans_ajoloanrepayment.ajo_loan_id → loans_ajoloan, loans_holiday.agent_id → accounts_customuser); nothing was written',
        );
      } finally {
        client.release();
      }
      const { rows } = await fresh.djangoWriter.query<{ n: number }>('SELECT (SELECT count(*) FROM accounts_customuser) + (SELECT count(*) FROM loans_ajoloanrepayment) AS n');
      expect(Number(rows[0].n)).toBe(0);
      // Indexes dropped for the load come back identical, whether the load committed (dbs) or rolled back (fresh).
      const indexes = async (t: TestDatabases) => (await t.djangoWriter.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows;
      const seededIndexes = await indexes(dbs);
      expect(seededIndexes.length).toBeGreaterThan(15);
      expect(seededIndexes).toContainEqual({ indexname: 'loans_ajoloanrepayment_ajo_loan_id_idx', indexdef: 'CREATE INDEX loans_ajoloanrepayment_ajo_loan_id_idx ON public.loans_ajoloanrepayment USING btree (ajo_loan_id)' });
      expect(await indexes(fresh)).toEqual(seededIndexes);
    } finally {
      await fresh.drop();
    }
  });
});

describe('djangoChecksum', () => {
  it('is equal for two databases seeded alike, whatever the session time zone, and differs for another seed', async () => {
    const [twinA, twinB, other] = await Promise.all([createTestDatabases(), createTestDatabases(), createTestDatabases()]);
    const tokyo = new pg.Pool({ connectionString: twinB.djangoUrl, max: 1, options: '-c TimeZone=Asia/Tokyo' });
    tokyo.on('error', () => undefined);
    try {
      const options = { scale: 0.02, seed: 42, asOf: AS_OF };
      await seed(twinA, generateDemoData(options));
      await seed(twinB, generateDemoData(options));
      await seed(other, generateDemoData({ ...options, seed: 43 }));
      const a = await djangoChecksum(twinA.django.pool);
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      // timestamptz prints in the session zone; the checksum pins UTC, so Tokyo sessions agree.
      expect(await djangoChecksum(tokyo)).toBe(a);
      expect(await djangoChecksum(other.django.pool)).not.toBe(a);
      const tables = await djangoTableChecksums(twinA.django.pool);
      expect(Object.keys(tables).sort()).toEqual(['accounts_customuser', 'ajo_ajouser', 'loans_ajoloan', 'loans_ajoloanrepayment', 'loans_ajoloanschedule', 'loans_holiday']);
      expect(tables.loans_ajoloanschedule).toBe('d41d8cd98f00b204e9800998ecf8427e'); // md5('') of the empty table
    } finally {
      await tokyo.end();
      await Promise.all([twinA.drop(), twinB.drop(), other.drop()]);
    }
  });
});

describe('writeDemoData as an ordinary role (neither superuser nor table owner)', () => {
  it('loads through the normal foreign-key triggers and leaves the indexes alone', async () => {
    const fresh = await createTestDatabases();
    const role = `seed_writer_${process.pid}_${Date.now().toString(36)}`;
    const database = (await fresh.djangoWriter.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d;
    await fresh.djangoWriter.query(`CREATE ROLE ${role} LOGIN PASSWORD 'seed'`);
    const limited = new URL(fresh.djangoUrl);
    limited.username = role;
    limited.password = 'seed';
    const pool = new pg.Pool({ connectionString: limited.toString(), max: 1 });
    pool.on('error', () => undefined);
    try {
      await fresh.djangoWriter.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}; GRANT USAGE ON SCHEMA public TO ${role};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}; GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
      const broken = generateDemoData({ scale: 0.01, seed: 3, asOf: AS_OF });
      broken.repayments[0].loanId = 999_999;
      const client = await pool.connect();
      try {
        // Django's deferred foreign keys fire at COMMIT: the whole load rolls back.
        await expect(writeDemoData(client, broken)).rejects.toMatchObject({ code: '23503', constraint: expect.stringContaining('loans_ajoloanrepayment') });
        const good = generateDemoData({ scale: 0.01, seed: 3, asOf: AS_OF });
        const result = await writeDemoData(client, good);
        expect(result.rows.loans_ajoloanrepayment).toBe(good.repayments.length);
      } finally {
        client.release();
      }
      const { rows } = await fresh.djangoWriter.query<{ n: string }>('SELECT count(*) AS n FROM loans_ajoloanrepayment');
      expect(Number(rows[0].n)).toBe(generateDemoData({ scale: 0.01, seed: 3, asOf: AS_OF }).repayments.length);
    } finally {
      await pool.end();
      await fresh.drop();
      await dbs.djangoWriter.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
