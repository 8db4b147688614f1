/**
 * The loaders send their SQL as named prepared statements, so PostgreSQL parses (and may plan) each statement
 * once per connection instead of once per request. Checked in PostgreSQL's own pg_prepared_statements.
 */
import { graphql } from 'graphql';
import { createLoaders } from '../../../loaders';
import { statementName } from '../../../loaders/sql';
import { createPool, type ObservedPool } from '../../../src/pg-pool';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
let django: ObservedPool;
let metrics: ObservedPool;
beforeAll(async () => {
  api = await createApiHarness();
  // Enough rows, analysed, for PostgreSQL's plan costs to tell one key from several (see 'point lookups').
  await seedPortfolio(api.dbs, { officers: 40, loansPerOfficer: 50, customers: 200 });
  await Promise.all([api.dbs.djangoWriter.query('ANALYZE'), api.dbs.metrics.pool.query('ANALYZE')]);
  // One connection per database, so the session whose prepared statements we read is the one that ran them.
  django = createPool({ url: api.dbs.django.url, max: 1, readOnly: true });
  metrics = createPool({ url: api.dbs.metrics.url, max: 1 });
});
afterAll(async () => {
  await Promise.all([django.end(), metrics.end()]);
  await api.dbs.drop();
});

const LOAN_QUERY = `query ($id: ID!) { loan(id: $id) { id amount currentDpd officer { name } customer { name } } }`;

async function ask(source: string, variableValues: Record<string, unknown>): Promise<unknown> {
  const contextValue = { viewer: null, loaders: createLoaders({ django: { pool: django }, metrics: { pool: metrics } }), maxPageSize: 500 };
  const result = await graphql({ schema: api.schema, source, variableValues, contextValue });
  expect(result.errors).toBeUndefined();
  return result.data;
}

const askLoan = (id: string): Promise<unknown> => ask(LOAN_QUERY, { id });

interface Prepared {
  name: string;
  statement: string;
  calls: number;
  genericPlans: number;
}

async function preparedOn(pool: ObservedPool): Promise<Prepared[]> {
  // generic_plans + custom_plans (PostgreSQL 14+) count the executions of each prepared statement.
  const { rows } = await pool.query<Prepared>(
    `SELECT name, statement, (generic_plans + custom_plans)::int AS calls, generic_plans::int AS "genericPlans"
       FROM pg_prepared_statements ORDER BY name`,
  );
  return rows;
}

describe('loader statements', () => {
  it('are prepared once per connection under a name derived from their text, and reused', async () => {
    const statements: string[] = [];
    const stops = [django.onStatement((s) => statements.push(s)), metrics.onStatement((s) => statements.push(s))];
    await askLoan('1001');
    await askLoan('2002');
    for (const stop of stops) stop();
    const sent = [...new Set(statements)];
    expect(sent.length).toBe(2); // Django: the loan with its officer and customer; seedsmetrics: its computed fields

    const prepared = [...(await preparedOn(django)), ...(await preparedOn(metrics))];
    // Every distinct statement the loaders sent is prepared exactly once, named after its text, and ran twice.
    expect(prepared.map((p) => p.name).sort()).toEqual(sent.map(statementName).sort());
    for (const p of prepared) {
      expect(sent).toContain(p.statement);
      expect(p.name).toBe(statementName(p.statement));
      expect(p.calls).toBe(2);
    }
  });
});

describe('point lookups', () => {
  it('have single-key statements whose cached plan PostgreSQL keeps, instead of planning every lookup anew', async () => {
    // Fresh single connections: their prepared statements are exactly this test's.
    await Promise.all([django.end(), metrics.end()]);
    django = createPool({ url: api.dbs.django.url, max: 1, readOnly: true });
    metrics = createPool({ url: api.dbs.metrics.url, max: 1 });
    // PostgreSQL plans the first five executions of a prepared statement for their values, then compares.
    for (const id of ['1', '2', '3', '1', '2', '3', '1', '2']) {
      await ask(`query ($id: ID!) { officer(id: $id) { name region portfolio { par15 fimr } } }`, { id });
    }
    for (const id of ['1001', '2002', '3003', '1002', '2001', '3002', '1003', '2003']) await askLoan(id);
    const prepared = [...(await preparedOn(django)), ...(await preparedOn(metrics))];
    const lookups = prepared.filter((p) => p.calls === 8);
    // Officer (Django), hierarchy with §4.4 metrics (one statement); loan with officer and customer (Django), computed fields.
    expect(lookups).toHaveLength(4);
    for (const p of lookups) {
      expect(p.statement).not.toMatch(/= ANY\(|unnest\(/);
      expect([p.statement.slice(0, 60), p.genericPlans]).toEqual([p.statement.slice(0, 60), 3]);
    }
  });

  it('and batches keep the array form', async () => {
    const statements: string[] = [];
    const stop = metrics.onStatement((s) => statements.push(s));
    await ask(`{ officers(first: 3) { nodes { name portfolio { par15 } } } }`, {});
    stop();
    expect(statements.filter((s) => /unnest\(\$\d+::text\[\]\)/.test(s))).toHaveLength(1);
  });
});

describe('list filters', () => {
  it('match one value with an equality (whose generic plan is costed for one value) and several with the array form', async () => {
    const branches = (await api.dbs.metrics.pool.query<{ branch: string }>(`SELECT DISTINCT branch FROM loans ORDER BY branch LIMIT 2`)).rows.map((r) => r.branch);
    expect(branches).toHaveLength(2);
    const countOf = async (filter: string): Promise<{ count: number; sql: string[] }> => {
      const statements: string[] = [];
      const stop = metrics.onStatement((s) => statements.push(s));
      const result = (await ask(`{ loans(filter: ${filter}) { totalCount } }`, {})) as { loans: { totalCount: number } };
      stop();
      return { count: result.loans.totalCount, sql: statements };
    };
    const one = await countOf(`{ branches: ["${branches[0]}"], statuses: [ACTIVE] }`);
    expect(one.sql.join('\n')).toMatch(/l\.branch = \$\d+::text AND l\.status = \$\d+::text/);
    expect(one.sql.join('\n')).not.toMatch(/= ANY\(/);
    const both = await countOf(`{ branches: ["${branches[0]}", "${branches[1]}"], statuses: [ACTIVE] }`);
    expect(both.sql.join('\n')).toMatch(/l\.branch = ANY\(\$\d+::text\[\]\)/);
    const other = await countOf(`{ branches: ["${branches[1]}"], statuses: [ACTIVE] }`);
    const expected = await api.dbs.metrics.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE branch = $1 AND status = 'Active'`, [branches[0]]);
    expect(one.count).toBe(expected.rows[0]!.n);
    expect(one.count).toBeGreaterThan(0);
    expect(both.count).toBe(one.count + other.count);
  });
});
