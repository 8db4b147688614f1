/**
 * Writes a generated demo dataset into an empty Django database: one transaction, COPY for every table, then the
 * identity sequences moved past the highest ids so later inserts (the simulator, Django itself) get fresh ids.
 */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DemoDataset } from './generate';
import { customerEncoding, holidayEncoding, loanEncoding, repaymentEncoding, userEncoding, type TableEncoding } from './rows';
import { inTransaction } from '../pg-transaction';

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
 * Foreign keys between the Django tables, checked set-based: one anti-join per key instead of one trigger call per
 * row. Returns "child.column → parent" for every key with a dangling reference.
 */
export async function danglingForeignKeys(client: pg.ClientBase): Promise<string[]> {
  const keys = await client.query<{ child: string; col: string; parent: string; parent_col: string }>(
    `SELECT c.conrelid::regclass::text AS child, a.attname AS col, c.confrelid::regclass::text AS parent, af.attname AS parent_col
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
      WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text = ANY($1)
      ORDER BY 1, 2`,
    [DJANGO_TABLES],
  );
  if (keys.rows.length === 0) return [];
  const checks = keys.rows.map(
    (k) =>
      `SELECT '${k.child}.${k.col} → ${k.parent}' AS fk WHERE EXISTS (SELECT 1 FROM ${k.child} c WHERE c.${k.col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${k.parent} p WHERE p.${k.parent_col} = c.${k.col}))`,
  );
  return (await client.query<{ fk: string }>(checks.join(' UNION ALL '))).rows.map((r) => r.fk);
}

/**
 * Drops the non-unique indexes that back no constraint on the Django tables and returns their exact definitions
 * (pg_get_indexdef), to be re-run after the load inside the same transaction: names and definitions come back
 * unchanged, and nobody else sees the tables without them.
 */
async function dropPlainIndexes(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid::regclass::text = ANY($1) AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY 1`,
    [DJANGO_TABLES],
  );
  if (rows.length > 0) await client.query(`DROP INDEX ${rows.map((r) => r.name).join(', ')}`);
  return rows.map((r) => r.definition);
}

/**
 * Writes the dataset through `client` in one transaction. Refuses (DjangoNotEmptyError, nothing written) when any
 * Django table already has rows; the tables are locked first so two seeders cannot both find them empty.
 *
 * When the role may (superuser: the embedded and test servers), per-row foreign-key triggers are switched off for
 * this transaction, as pg_restore --disable-triggers does, and every key is verified set-based before COMMIT
 * instead: about 1.5 million trigger calls at scale 1 become a dozen anti-joins. Other roles take the normal path
 * (deferred foreign-key triggers at COMMIT). The role needs INSERT and LOCK rights on the tables and UPDATE on
 * their identity sequences.
 */
export async function writeDemoData(client: pg.ClientBase, dataset: DemoDataset): Promise<WriteResult> {
  const started = performance.now();
  await inTransaction(client, async () => {
    await client.query(`LOCK TABLE ${DJANGO_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    const nonEmpty = await djangoTablesWithRows(client);
    if (nonEmpty.length > 0) throw new DjangoNotEmptyError(nonEmpty);
    const superuser = (await client.query<{ on: string }>("SELECT current_setting('is_superuser') AS on")).rows[0].on === 'on';
    if (superuser) await client.query("SET LOCAL session_replication_role = 'replica'");
    // Plain secondary indexes are rebuilt once after the load (a sorted build) instead of growing row by row;
    // only a role that owns the tables may drop and recreate them, others load through the existing indexes.
    const owner = (
      await client.query<{ owns: boolean }>(`SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) AS owns FROM pg_class c WHERE c.oid = ANY($1::regclass[])`, [DJANGO_TABLES])
    ).rows[0].owns;
    const rebuild = owner ? await dropPlainIndexes(client) : [];
    await copyRows(client, userEncoding, dataset.users);
    await copyRows(client, customerEncoding, dataset.customers);
    await copyRows(client, loanEncoding, dataset.loans);
    await copyRows(client, repaymentEncoding, dataset.repayments);
    await copyRows(client, holidayEncoding, dataset.holidays);
    for (const definition of rebuild) await client.query(definition);
    // Rows carry explicit ids; move each identity sequence past them so the next insert does not collide.
    await client.query(
      DJANGO_TABLES.map((table) => `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`).join(' UNION ALL '),
    );
    if (superuser) {
      await client.query('SET LOCAL session_replication_role = DEFAULT');
      const dangling = await danglingForeignKeys(client);
      if (dangling.length > 0) throw new Error(`demo data has dangling foreign keys (${dangling.join(', ')}); nothing was written`);
    }
  });
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
