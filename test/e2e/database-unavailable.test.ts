/**
 * A request that a database cannot serve in time — here a table lock held past DB_STATEMENT_TIMEOUT_MS — fails
 * after that bound with DATABASE_UNAVAILABLE (counted under that code), not after the lock is released and not
 * as INTERNAL_SERVER_ERROR; the next request after the lock is gone is served.
 */
import { appForFile } from '../support/app';

const t = appForFile({ DB_STATEMENT_TIMEOUT_MS: '300', SYNC_ENABLED: 'false' });

async function post(query: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

async function errorCount(code: string): Promise<number> {
  const text = await (await fetch(`${t.app.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_graphql_errors_total{code="${code}"}`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('the request pools carry the configured statement bound', async () => {
  expect((await t.app.dbs.metrics.pool.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
  expect((await t.app.dbs.django.pool.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
});

it('a request blocked by a held lock fails with DATABASE_UNAVAILABLE once the bound passes', async () => {
  const [unavailableBefore, internalBefore] = [await errorCount('DATABASE_UNAVAILABLE'), await errorCount('INTERNAL_SERVER_ERROR')];
  const locker = await t.dbs.metrics.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE loans IN ACCESS EXCLUSIVE MODE');
    const body = await post('{ loans(first: 5) { totalCount } }');
    expect(body).toEqual({
      data: null,
      errors: [{ message: 'The database did not answer in time; try again later', extensions: { code: 'DATABASE_UNAVAILABLE' }, path: ['loans'], locations: [{ line: 1, column: 3 }] }],
    });
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
  }
  expect([await errorCount('DATABASE_UNAVAILABLE'), await errorCount('INTERNAL_SERVER_ERROR')]).toEqual([unavailableBefore + 1, internalBefore]);
  expect(await post('{ loans(first: 5) { totalCount } }')).toEqual({ data: { loans: { totalCount: 0 } } });
});
