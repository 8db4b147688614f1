/**
 * officer_portfolio_totals (migration 0020) keeps §4.4's raw sums and counts per officer and wave through statement
 * triggers on `loans`. What must hold: after any sequence of writes to `loans` — multi-row inserts, updates that
 * move loans between officers and waves, upserts, deletes, rolled-back and multi-statement transactions, TRUNCATE,
 * the engine's own recompute — every officer metric read through the table equals the same metric aggregated
 * straight from `loans`, for all waves and for each one, to the last digit the API returns.
 */
import type pg from 'pg';
import { recomputeLoans } from '../../../src/engine/recompute';
import { fetchOfficerPortfolios, officerPortfolioColumns, SCORED_FROM_RAW } from '../../../loaders/officer-portfolio.metrics';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { seededRandom } from '../../support/random';
import { insertLoans, insertRepayments, withoutRepaymentTrigger, type LoanSpec } from './fixtures';

let dbs: TestDatabases;
let db: pg.Pool;

const OFFICERS = ['t1', 't2', 't3', 't4', 't5', 't6']; // t6 never gets a loan
const WAVES = [null, 'Wave 1', 'Wave 2'];

const random = seededRandom(20261126); // deterministic, so a failure reproduces
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
/** Money with two places, NULL one time in `nullOneIn`. */
const money = (max: number, nullOneIn = 8): string | null => (random() * nullOneIn < 1 ? null : (Math.floor(random() * max * 100) / 100).toFixed(2));
const maybe = <T>(value: T, nullOneIn = 6): T | null => (random() * nullOneIn < 1 ? null : value);

/** The counted columns of one loan, drawn at random (officer and wave included). */
function randomFields(): unknown[] {
  return [
    pick(OFFICERS.slice(0, 5)),
    pick(WAVES),
    maybe(random() < 0.3),
    maybe(Math.floor(random() * 120)),
    money(60000),
    money(9000),
    money(3000),
    money(2500, 4),
    money(40000, 10),
    money(0.9, 4) === null ? null : (random() * 0.5).toFixed(4),
    maybe((random() * 100).toFixed(2)),
    maybe((random() * 100).toFixed(2)),
    maybe(Math.floor(random() * 60)),
    maybe(Math.floor(random() * 200)),
  ];
}
const FIELD_COLUMNS = [
  'officer_id', 'wave', 'fimr_tagged', 'current_dpd', 'principal_outstanding', 'interest_outstanding', 'fees_outstanding',
  'fee_amount', 'total_repayments', 'interest_rate', 'timeliness_score', 'repayment_health', 'days_since_last_repayment', 'loan_age',
];
const FIELD_TYPES = ['text', 'text', 'boolean', 'int', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'int', 'int'];

/** `VALUES` rows of (loan_id, counted columns...) with typed placeholders. */
function valuesOf(rows: Array<[string, ...unknown[]]>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = rows
    .map((row) => `(${row.map((value, i) => `$${params.push(value)}::${i === 0 ? 'text' : FIELD_TYPES[i - 1]}`).join(', ')})`)
    .join(', ');
  return { sql, params };
}

async function insertRandomLoans(ids: string[], client: pg.Pool | pg.ClientBase = db, onConflictUpdate = false): Promise<void> {
  const { sql, params } = valuesOf(ids.map((id) => [id, ...randomFields()]));
  const columns = FIELD_COLUMNS.join(', ');
  await client.query(
    `INSERT INTO loans (loan_id, ${columns}, customer_id, customer_name, officer_name, region, branch, loan_amount,
                        disbursement_date, maturity_date, loan_term_days, channel, status)
     SELECT v.*, 'c1', 'Ada', 'Officer', 'Ruby', 'YABA', 50000, '2025-06-01', '2026-06-01', 150, 'AJO', 'Active'
       FROM (VALUES ${sql}) AS v(loan_id, ${columns})
     ${onConflictUpdate ? `ON CONFLICT (loan_id) DO UPDATE SET ${FIELD_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}` : ''}`,
    params,
  );
}

/** One UPDATE statement giving each loan new random counted columns (officer and wave among them). */
async function updateRandomly(ids: string[], client: pg.Pool | pg.ClientBase = db): Promise<void> {
  const { sql, params } = valuesOf(ids.map((id) => [id, ...randomFields()]));
  await client.query(
    `UPDATE loans l SET ${FIELD_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')}
       FROM (VALUES ${sql}) AS v(loan_id, ${FIELD_COLUMNS.join(', ')}) WHERE l.loan_id = v.loan_id`,
    params,
  );
}

const loanIds = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `T${from + i}`);

/**
 * §4.4's raw metrics aggregated straight from `loans` (what the loader computed per request before 0020): each
 * loan of each officer joined and filtered, averages by avg(). The collected sums are trim_scale'd as the loader's.
 */
function rawFromLoans(waveParam: string): string {
  return `lo AS (
      SELECT p.officer_id, l.loan_id, l.fimr_tagged, l.current_dpd, l.principal_outstanding, l.fee_amount,
             l.fees_collected, l.interest_collected, l.timeliness_score, l.repayment_health, l.days_since_last_repayment, l.loan_age,
             (COALESCE(l.principal_outstanding, 0) + COALESCE(l.interest_outstanding, 0) + COALESCE(l.fees_outstanding, 0)) AS out3
        FROM unnest($1::text[]) AS p(officer_id)
        LEFT JOIN loans l ON l.officer_id = p.officer_id AND (${waveParam}::text IS NULL OR l.wave = ${waveParam}::text)
    ),
    raw AS (
      SELECT officer_id,
             count(loan_id) FILTER (WHERE fimr_tagged)::int AS first_miss,
             count(loan_id)::int AS disbursed,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd BETWEEN 1 AND 6), 0) AS dpd1to6_bal,
             COALESCE(sum(out3) FILTER (WHERE loan_id IS NOT NULL), 0) AS amount_due_7d,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd BETWEEN 7 AND 30), 0) AS moved_to_7to30,
             trim_scale(COALESCE(sum(fees_collected), 0)) AS fees_collected,
             trim_scale(COALESCE(sum(interest_collected), 0)) AS interest_collected,
             COALESCE(sum(fee_amount), 0) AS fees_due,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 15), 0) AS overdue15d,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 30), 0) AS par30_amount,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 60), 0) AS par60_amount,
             COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 90), 0) AS par90_amount,
             COALESCE(sum(principal_outstanding), 0) AS total_portfolio,
             count(*) FILTER (WHERE out3 > 2000)::int AS active_loans,
             COALESCE(avg(timeliness_score) FILTER (WHERE out3 > 2000), 0) AS avg_timeliness,
             COALESCE(avg(repayment_health) FILTER (WHERE out3 > 2000), 0) AS avg_health,
             COALESCE(avg(days_since_last_repayment) FILTER (WHERE out3 > 2000), 0) AS avg_dslr,
             COALESCE(avg(loan_age) FILTER (WHERE out3 > 2000), 0) AS avg_age
        FROM lo GROUP BY officer_id
    )`;
}

async function metricsFromLoans(wave: string | null): Promise<unknown[]> {
  const { rows } = await db.query(
    `WITH ${rawFromLoans('$2')}, ${SCORED_FROM_RAW} SELECT ${officerPortfolioColumns()} FROM scored ORDER BY officer_id`,
    [OFFICERS, wave],
  );
  return rows;
}

async function metricsFromTotals(wave: string | null): Promise<unknown[]> {
  const rows = await fetchOfficerPortfolios(db, OFFICERS, wave);
  return [...rows].sort((a, b) => a.officerId.localeCompare(b.officerId));
}

/** Every metric of every officer, for all waves and each wave, read both ways. */
async function expectTotalsToMatchLoans(): Promise<void> {
  for (const wave of WAVES) {
    const expected = await metricsFromLoans(wave);
    expect({ wave, metrics: await metricsFromTotals(wave) }).toEqual({ wave, metrics: expected });
  }
}

async function loanCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE loan_id LIKE 'T%'`);
  return rows[0]!.n;
}

beforeAll(async () => {
  dbs = await createTestDatabases();
  db = dbs.metrics.pool;
  await db.query(`INSERT INTO customers (customer_id, customer_name) VALUES ('c1', 'Ada')`);
  await db.query(`INSERT INTO officers (officer_id, officer_name, region, branch) SELECT unnest($1::text[]), 'Officer', 'Ruby', 'YABA'`, [OFFICERS]);
});
afterAll(async () => {
  await dbs.drop();
});

describe('officer_portfolio_totals', () => {
  it('starts empty and reads zeros for officers without loans', async () => {
    const rows = await metricsFromTotals(null);
    expect(rows).toHaveLength(OFFICERS.length);
    expect(rows[0]).toMatchObject({ officerId: 't1', disbursed: 0, totalPortfolio: '0.00', fimr: '0.00000000', riskScore: 45, activeLoansCount: 0 });
    await expectTotalsToMatchLoans();
  });

  it('follows a multi-row insert, with NULL waves, NULL amounts and NULL scores among the loans', async () => {
    await insertRandomLoans(loanIds(1, 80));
    const { rows } = await db.query<{ nullWaves: number; nullPrincipal: number }>(
      `SELECT count(*) FILTER (WHERE wave IS NULL)::int AS "nullWaves", count(*) FILTER (WHERE principal_outstanding IS NULL)::int AS "nullPrincipal" FROM loans`,
    );
    expect(rows[0]!.nullWaves).toBeGreaterThan(0);
    expect(rows[0]!.nullPrincipal).toBeGreaterThan(0);
    await expectTotalsToMatchLoans();
    const [t1] = await metricsFromTotals(null);
    expect((t1 as { disbursed: number }).disbursed).toBeGreaterThan(0);
  });

  it('follows updates that move loans between officers and waves and change every counted column', async () => {
    for (let round = 0; round < 5; round += 1) {
      await updateRandomly(loanIds(1, 80).filter(() => random() < 0.5));
      await expectTotalsToMatchLoans();
    }
  });

  it('follows an upsert (its inserted rows and its updated rows), then deletes', async () => {
    await insertRandomLoans([...loanIds(60, 80), ...loanIds(81, 95)], db, true);
    await expectTotalsToMatchLoans();
    await db.query(`DELETE FROM loans WHERE loan_id = ANY($1::text[])`, [loanIds(1, 95).filter(() => random() < 0.3)]);
    await expectTotalsToMatchLoans();
  });

  it('keeps nothing of a rolled-back transaction, and everything of a committed one with several statements', async () => {
    const before = await metricsFromTotals(null);
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await updateRandomly(loanIds(1, 95), client);
      await insertRandomLoans(loanIds(200, 210), client);
      await client.query('ROLLBACK');
      expect(await metricsFromTotals(null)).toEqual(before);
      await client.query('BEGIN');
      await updateRandomly(loanIds(1, 95).filter(() => random() < 0.5), client);
      await insertRandomLoans(loanIds(200, 210), client);
      await client.query(`DELETE FROM loans WHERE loan_id IN ('T200', 'T201')`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await metricsFromTotals(null)).not.toEqual(before);
    await expectTotalsToMatchLoans();
  });

  it('rewrites no totals row for an update that changes no counted column', async () => {
    const xmins = async (): Promise<string[]> =>
      (await db.query<{ x: string }>(`SELECT xmin::text AS x FROM officer_portfolio_totals ORDER BY officer_id, wave`)).rows.map((r) => r.x);
    const before = await xmins();
    expect(before.length).toBeGreaterThan(0);
    const { rowCount } = await db.query(`UPDATE loans SET officer_name = officer_name || '.', customer_phone = '0800' WHERE loan_id LIKE 'T%'`);
    expect(rowCount).toBe(await loanCount());
    expect(await xmins()).toEqual(before);
  });

  it('is rebuilt by rebuild_officer_totals() (the repair for a table that drifted)', async () => {
    await db.query(`UPDATE officer_portfolio_totals SET loans_count = loans_count + 7, principal_outstanding = 1`);
    await expect(expectTotalsToMatchLoans()).rejects.toThrow();
    const { rows } = await db.query<{ written: number }>(`SELECT rebuild_officer_totals() AS written`);
    expect(rows[0]!.written).toBe(Number((await db.query(`SELECT count(DISTINCT (officer_id, wave)) AS n FROM loans`)).rows[0].n));
    await expectTotalsToMatchLoans();
  });

  it('is emptied by TRUNCATE of loans and follows the loans written after it', async () => {
    await db.query(`TRUNCATE loans CASCADE`);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM officer_portfolio_totals`);
    expect(rows[0]!.n).toBe(0);
    await insertRandomLoans(loanIds(300, 340));
    await expectTotalsToMatchLoans();
  });

  it("follows the engine's recompute of loans and their repayments", async () => {
    const specs: LoanSpec[] = Array.from({ length: 12 }, (_, i) => ({
      id: `E${i + 1}`,
      officer: OFFICERS[i % 4],
      amount: String(20000 + i * 1500),
      rate: i % 5 === 0 ? null : '0.2500',
      fee: i % 3 === 0 ? null : '1500.00',
      term: 120,
      ra: String(26000 + i * 1800),
      d0: '2025-05-01',
      d1: `2025-05-0${2 + (i % 6)}`,
      maturity: '2025-09-01',
    }));
    await insertLoans(db, specs);
    const ids = specs.map((spec) => spec.id);
    // With the trigger off, as the sync writes them: the trigger computes for today's business date, after which a
    // recompute for 2025-07-01 is refused (migration 0030).
    await withoutRepaymentTrigger(db, async (client) => {
      await insertRepayments(
        client,
        specs.flatMap((spec, i) => (i % 4 === 3 ? [] : [{ id: `R${i}a`, loan: spec.id, date: '2025-05-20', amount: String(1000 + i * 333.33) }, { id: `R${i}b`, loan: spec.id, date: '2025-06-15', amount: '2500.50' }])),
      );
      return recomputeLoans(client, ids, '2025-07-01');
    });
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE loan_id LIKE 'E%' AND current_dpd > 0 AND fees_collected > 0`);
    expect(rows[0]!.n).toBeGreaterThan(0);
    await expectTotalsToMatchLoans();
    await withoutRepaymentTrigger(db, (client) => recomputeLoans(client, ids, '2025-08-15'));
    await expectTotalsToMatchLoans();
  });
});
