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
  await seedPortfolio(api.dbs, { officers: 3, loansPerOfficer: 4, customers: 5 });
  // One connection per database, so the session whose prepared statements we read is the one that ran them.
  django = createPool({ url: api.dbs.django.url, max: 1, readOnly: true });
  metrics = createPool({ url: api.dbs.metrics.url, max: 1 });
});
afterAll(async () => {
  await Promise.all([django.end(), metrics.end()]);
  await api.dbs.drop();
});

const LOAN_QUERY = `query ($id: ID!) { loan(id: $id) { id amount currentDpd officer { name } customer { name } } }`;

async function askLoan(id: string): Promise<unknown> {
  const schema = api.schema;
  const contextValue = { viewer: null, loaders: createLoaders({ django: { pool: django }, metrics: { pool: metrics } }), maxPageSize: 500 };
  const result = await graphql({ schema, source: LOAN_QUERY, variableValues: { id }, contextValue });
  expect(result.errors).toBeUndefined();
  return result.data;
}

async function preparedOn(pool: ObservedPool): Promise<{ name: string; statement: string; calls: number }[]> {
  // generic_plans + custom_plans (PostgreSQL 14+) count the executions of each prepared statement.
  const { rows } = await pool.query<{ name: string; statement: string; calls: number }>(
    `SELECT name, statement, (generic_plans + custom_plans)::int AS calls FROM pg_prepared_statements ORDER BY name`,
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

