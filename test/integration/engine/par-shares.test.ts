/**
 * refresh_par of a batch moves par_current by the batch's loans' shares (now minus par_loan_shares), not by
 * re-aggregating their scopes. What must hold: after any sequence of batch recomputes, reassignments and new loans,
 * par_current equals the sums over loans that a full re-aggregation computes (the daily full refresh then finds
 * nothing to log), each par_changes row starts where the previous one of its key ended, and a batch reads its own
 * loans only, whatever the size of its scopes.
 */
import type pg from 'pg';
import { recomputeLoans } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, withoutRepaymentTrigger, type LoanSpec } from './fixtures';

let dbs: TestDatabases;

const OFFICERS = [
  { officer: 'o1', branch: 'YABA', region: 'Ruby' },
  { officer: 'o2', branch: 'EPE', region: 'Ruby' },
  { officer: 'o3', branch: 'IKEJA', region: 'Jade' },
];
/** 24 loans: three officers, first dues spread over five months, so the batch dates below move some across buckets. */
const LOANS: LoanSpec[] = Array.from({ length: 24 }, (_, i) => {
  const month = String(6 + (i % 5)).padStart(2, '0');
  return {
    id: `S${String(i + 1).padStart(2, '0')}`,
    ...OFFICERS[i % 3],
    amount: String(5000 + i * 750),
    rate: null,
    fee: null,
    term: 150,
    ra: String(5000 + i * 750),
    d0: `2025-${month}-01`,
    d1: `2025-${month}-0${2 + (i % 7)}`,
    maturity: '2026-06-30',
  };
});

beforeAll(async () => {
  dbs = await createTestDatabases();
  await insertLoans(dbs.metrics.pool, LOANS);
});
afterAll(async () => {
  await dbs.drop();
});

const recompute = (ids: string[], asOf: string): Promise<number> => withoutRepaymentTrigger(dbs.metrics.pool, (client) => recomputeLoans(client, ids, asOf));

/** par_current as a full re-aggregation of loans would make it (the scopes of every loan, and ALL). */
async function aggregatedFromLoans(): Promise<Array<Record<string, string>>> {
  const { rows } = await dbs.metrics.pool.query<Record<string, string>>(
    `SELECT k.scope, k.scope_key,
            sum(COALESCE(l.principal_outstanding, 0))::text AS portfolio,
            COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0)::numeric(15, 2)::text AS par15,
            COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0)::numeric(15, 2)::text AS par30,
            COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0)::numeric(15, 2)::text AS par60,
            COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0)::numeric(15, 2)::text AS par90
       FROM loans l, LATERAL (VALUES ('OFFICER', l.officer_id), ('BRANCH', l.branch), ('REGION', l.region), ('PORTFOLIO', 'ALL')) AS k(scope, scope_key)
      GROUP BY 1, 2`,
  );
  return rows.sort((a, b) => `${a.scope}/${a.scope_key}`.localeCompare(`${b.scope}/${b.scope_key}`));
}

/** par_current's rows for keys that still have loans (a key whose loans all left keeps a zero row). */
async function parCurrent(): Promise<Array<Record<string, string>>> {
  const { rows } = await dbs.metrics.pool.query<Record<string, string>>(
    `SELECT scope, scope_key, portfolio::text, par15::text, par30::text, par60::text, par90::text FROM par_current pc
      WHERE pc.scope = 'PORTFOLIO' OR EXISTS (SELECT 1 FROM loans l WHERE CASE pc.scope WHEN 'OFFICER' THEN l.officer_id WHEN 'BRANCH' THEN l.branch ELSE l.region END = pc.scope_key)`,
  );
  return rows.sort((a, b) => `${a.scope}/${a.scope_key}`.localeCompare(`${b.scope}/${b.scope_key}`));
}

async function changeCount(): Promise<number> {
  return (await dbs.metrics.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM par_changes`)).rows[0]!.n;
}

it('keeps par_current equal to the sums over loans through batches, reassignments, repayments and new loans', async () => {
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['every loan, first evaluation', () => recompute(LOANS.map((l) => l.id), '2025-11-03')],
    ['a third of them, a week later', () => recompute(['S01', 'S04', 'S07', 'S10', 'S13', 'S16', 'S19', 'S22'], '2025-11-10')],
    [
      'a curated move of S05 to another branch and region, then an unrelated batch',
      async () => {
        await dbs.metrics.pool.query(`UPDATE loans SET branch = 'AGEGE', region = 'Opal' WHERE loan_id = 'S05'`);
        return recompute(['S02'], '2025-11-10');
      },
    ],
    [
      'repayments that pay S06 off and bring S09 current',
      async () => {
        // With the trigger off, as the sync writes them: the trigger computes for today's business date, after which
        // a recompute for 2025-11-14 is refused (migration 0030).
        return withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
          await insertRepayments(client, [
            { id: 'r1', loan: 'S06', date: '2025-11-12', amount: '8750' },
            { id: 'r2', loan: 'S09', date: '2025-11-12', amount: '4000' },
          ]);
          return recomputeLoans(client, ['S06', 'S09'], '2025-11-14');
        });
      },
    ],
    [
      'a reassignment copied by the sync (officer, branch and region at once) and recomputed with others',
      async () => {
        await dbs.metrics.pool.query(`UPDATE loans SET officer_id = 'o3', branch = 'IKEJA', region = 'Jade' WHERE loan_id = 'S08'`);
        return recompute(['S08', 'S11', 'S12'], '2025-11-28');
      },
    ],
    [
      'a new loan and a batch naming one loan twice',
      async () => {
        await insertLoans(dbs.metrics.pool, [{ ...LOANS[0]!, id: 'S25', amount: '12345.67', ra: '12345.67' }]);
        return recompute(['S25', 'S03', 'S03'], '2025-12-01');
      },
    ],
  ];
  let changes = 0;
  for (const [what, step] of steps) {
    await step();
    expect({ what, parCurrent: await parCurrent() }).toEqual({ what, parCurrent: await aggregatedFromLoans() });
    const now = await changeCount();
    expect({ what, appended: now > changes }).toEqual({ what, appended: true });
    changes = now;
  }

  // Each change of a key starts where its previous change ended.
  const { rows: breaks } = await dbs.metrics.pool.query(
    `SELECT scope, scope_key, change_id FROM (
       SELECT c.*, lag(portfolio_after) OVER w AS p, lag(par15_after) OVER w AS a15, lag(par30_after) OVER w AS a30,
              lag(par60_after) OVER w AS a60, lag(par90_after) OVER w AS a90
         FROM par_changes c WINDOW w AS (PARTITION BY scope, scope_key ORDER BY change_id)) x
      WHERE p IS NOT NULL AND (p, a15, a30, a60, a90) IS DISTINCT FROM (portfolio_before, par15_before, par30_before, par60_before, par90_before)`,
  );
  expect(breaks).toEqual([]);

  // The daily full refresh re-aggregates every scope from loans: it finds nothing the batches missed.
  const kept = await parCurrent();
  await dbs.metrics.pool.query(`SELECT refresh_par(NULL, DATE '2025-12-01')`);
  expect(await changeCount()).toBe(changes);
  expect(await parCurrent()).toEqual(kept);
});

it('a batch reads its own loans only, not the rows of its scopes', async () => {
  const client: pg.PoolClient = await dbs.metrics.pool.connect();
  try {
    await client.query('BEGIN');
    // Index lookups wherever the SQL allows them: on 25 rows the planner would rather scan them all, as it
    // rightly does for a large batch. Whether the SQL needs the other loans at all is what this counts (the
    // re-aggregation it replaced read every loan of the batch's branch, region and of the whole portfolio).
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_hashjoin = off');
    await client.query('SET LOCAL enable_mergejoin = off');
    const before = await loansTuplesRead(client);
    await client.query(`SELECT refresh_par(ARRAY['S01']::varchar[], DATE '2025-12-02')`);
    expect((await loansTuplesRead(client)) - before).toBe(1);
    await client.query('ROLLBACK');
  } finally {
    client.release();
  }
});

/** Rows of loans this transaction has read so far (sequentially or through an index). */
async function loansTuplesRead(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT (COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0))::text AS n FROM pg_stat_xact_user_tables WHERE relname = 'loans'`,
  );
  return Number(rows[0]!.n);
}
