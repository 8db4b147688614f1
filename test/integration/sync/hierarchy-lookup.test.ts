/**
 * The sync matches every officer it writes to the curated sheet by lower(email) (src/sync/upsert.ts): that lookup
 * must be an index probe, not a scan of the sheet per officer (which made loan batches O(officers × sheet)).
 */
import { createTestDatabases, type TestDatabases } from '../../support/databases';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

it('finds a sheet row by lower(email) through idx_officer_hierarchy_email_lower', async () => {
  const client = await dbs.metrics.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM officer_hierarchy oh WHERE lower(oh.officer_email) = lower('Ada@Seeds.test') ORDER BY oh.imported_at DESC LIMIT 1`,
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('idx_officer_hierarchy_email_lower');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});
