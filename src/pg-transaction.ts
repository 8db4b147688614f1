import type { Queryable } from './queryable';

/**
 * Runs `work` inside one transaction on `client`: `begin` (plain BEGIN unless the caller needs an isolation level),
 * then COMMIT. On any failure it rolls back and rethrows the failure; a ROLLBACK that fails too (the connection
 * broke) is ignored, as the server has then ended the transaction itself. The client must be checked out, not a pool.
 */
export async function inTransaction<T>(client: Queryable, work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await client.query(begin);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
