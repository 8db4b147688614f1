/**
 * A fingerprint of the Django demo data computed by PostgreSQL itself: md5 over every row's text of every table,
 * ordered by id. Two databases seeded with the same seed, scale and as-of day give the same value.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DJANGO_TABLES } from './write';
import { inTransaction } from '../pg-transaction';

/** md5 per Django table (of the md5 of each row's text, in id order); '' rows hash as md5(''). */
export async function djangoTableChecksums(pool: pg.Pool): Promise<Record<string, string>> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, async () => {
      // Row text depends on these session settings (timestamptz is printed in the session zone): pin them.
      await client.query("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL extra_float_digits = 1");
      const sql = DJANGO_TABLES.map(
        (table) => `SELECT '${table}' AS table_name, md5(COALESCE(string_agg(md5(t::text), '' ORDER BY t.id), '')) AS checksum FROM ${table} t`,
      ).join(' UNION ALL ');
      const result = await client.query<{ table_name: string; checksum: string }>(sql);
      return Object.fromEntries(result.rows.map((row) => [row.table_name, row.checksum]));
    });
  } finally {
    client.release();
  }
}

/** One md5 over all Django tables (see djangoTableChecksums). */
export async function djangoChecksum(pool: pg.Pool): Promise<string> {
  const tables = await djangoTableChecksums(pool);
  return createHash('md5')
    .update(DJANGO_TABLES.map((table) => `${table}:${tables[table]}`).join('\n'))
    .digest('hex');
}
