/**
 * Writes a generated demo dataset into an empty Django database: one transaction, COPY for every table, then the
 * identity sequences moved past the highest ids so later inserts (the simulator, Django itself) get fresh ids.
 */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DemoDataset } from './generate';
import { customerEncoding, holidayEncoding, loanEncoding, repaymentEncoding, userEncoding, type TableEncoding } from './rows';

/** Every Django table the generator fills or must find empty, in foreign-key order. */
export const DJANGO_TABLES = ['accounts_customuser', 'ajo_ajouser', 'loans_ajoloan', 'loans_ajoloanrepayment', 'loans_ajoloanschedule', 'loans_holiday'] as const;

export class DjangoNotEmptyError extends Error {
  constructor(readonly tablesWithRows: string[]) {
    super(`the demo generator only writes into an empty Django database, but ${tablesWithRows.join(', ')} already ${tablesWithRows.length === 1 ? 'has' : 'have'} rows; use a fresh database`);
    this.name = 'DjangoNotEmptyError';
  }
}

export interface WriteResult {
  /** Rows written per table. */
  rows: Record<string, number>;
  ms: number;
}

/** Tables among DJANGO_TABLES that hold at least one row (one statement). */
export async function djangoTablesWithRows(client: pg.ClientBase | pg.Pool): Promise<string[]> {
  const result = await client.query<{ table_name: string }>(
    DJANGO_TABLES.map((table) => `SELECT '${table}' AS table_name WHERE EXISTS (SELECT 1 FROM ${table})`).join(' UNION ALL '),
  );
  return result.rows.map((row) => row.table_name);
}

const CHUNK_BYTES = 1 << 20;

async function copyRows<T>(client: pg.ClientBase, encoding: TableEncoding<T>, rows: readonly T[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${encoding.table} (${encoding.columns.join(', ')}) FROM STDIN`));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let chunk = '';
  for (const row of rows) {
    chunk += encoding.encode(row) + '\n';
    if (chunk.length >= CHUNK_BYTES) {
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), finished]);
      chunk = '';
    }
  }
  stream.end(chunk);
  await finished;
}

/**
 * Writes the dataset through `client` in one transaction. Refuses (DjangoNotEmptyError, nothing written) when any
 * Django table already has rows; the tables are locked first so two seeders cannot both find them empty.
 */
export async function writeDemoData(client: pg.ClientBase, dataset: DemoDataset): Promise<WriteResult> {
  const started = performance.now();
  await client.query('BEGIN');
  try {
    await client.query(`LOCK TABLE ${DJANGO_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    const nonEmpty = await djangoTablesWithRows(client);
    if (nonEmpty.length > 0) throw new DjangoNotEmptyError(nonEmpty);
    await copyRows(client, userEncoding, dataset.users);
    await copyRows(client, customerEncoding, dataset.customers);
    await copyRows(client, loanEncoding, dataset.loans);
    await copyRows(client, repaymentEncoding, dataset.repayments);
    await copyRows(client, holidayEncoding, dataset.holidays);
    // Rows carry explicit ids; move each identity sequence past them so the next insert does not collide.
    await client.query(
      DJANGO_TABLES.map((table) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`).join(' UNION ALL '),
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return {
    rows: {
      accounts_customuser: dataset.users.length,
      ajo_ajouser: dataset.customers.length,
      loans_ajoloan: dataset.loans.length,
      loans_ajoloanrepayment: dataset.repayments.length,
      loans_holiday: dataset.holidays.length,
    },
    ms: Math.round(performance.now() - started),
  };
}
