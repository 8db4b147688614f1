/**
 * inTransaction commits what its work wrote, rolls back and rethrows the work's own failure, and opens the
 * transaction with the statement it is given.
 */
import pg from 'pg';
import { inTransaction } from '../../src/pg-transaction';
import { createEmptyDatabase, type EmptyDatabase } from '../support/databases';

let db: EmptyDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createEmptyDatabase('pg_transaction');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query('CREATE TABLE written (n int)');
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

beforeEach(() => pool.query('TRUNCATE written'));

async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** The rows another connection sees. */
async function committedRows(): Promise<number[]> {
  return (await pool.query<{ n: number }>('SELECT n FROM written ORDER BY n')).rows.map((row) => row.n);
}

test('commits the work and answers its result', async () => {
  const answer = await withClient((client) =>
    inTransaction(client, async () => {
      await client.query('INSERT INTO written VALUES (1), (2)');
      return 'done';
    }),
  );
  expect(answer).toBe('done');
  expect(await committedRows()).toEqual([1, 2]);
});

test("a failing work is rolled back and its own error reaches the caller; the connection is usable after", async () => {
  const failure = new Error('the work failed');
  await withClient(async (client) => {
    await expect(
      inTransaction(client, async () => {
        await client.query('INSERT INTO written VALUES (3)');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await client.query<{ open: boolean }>(`SELECT now() <> statement_timestamp() AS open`)).rows[0]!.open).toBe(false);
  });
  expect(await committedRows()).toEqual([]);
});

test('a failing statement rolls back what came before it in the transaction', async () => {
  await withClient(async (client) => {
    await expect(
      inTransaction(client, async () => {
        await client.query('INSERT INTO written VALUES (4)');
        await client.query('INSERT INTO written VALUES (1 / 0)');
      }),
    ).rejects.toMatchObject({ code: '22012' });
  });
  expect(await committedRows()).toEqual([]);
});

test('opens the transaction with the statement given', async () => {
  const settings = await withClient((client) =>
    inTransaction(
      client,
      async () => (await client.query<{ isolation: string; read_only: string }>(`SELECT current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS read_only`)).rows[0],
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    ),
  );
  expect(settings).toEqual({ isolation: 'repeatable read', read_only: 'on' });
});
