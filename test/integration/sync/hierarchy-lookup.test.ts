/**
 * The sync matches every officer it writes to the curated sheet by lower(email) (src/sync/upsert.ts): that lookup
 * must be an index probe, not a scan of the sheet per officer (which made loan batches O(officers × sheet)).
 */
import { createTestDatabases, planWith, type TestDatabases } from '../../support/databases';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

it('finds a sheet row by lower(email) through idx_officer_hierarchy_email_lower', async () => {
  const plan = await planWith(
    dbs.metrics.pool,
    ['enable_seqscan'],
    `SELECT * FROM officer_hierarchy oh WHERE lower(oh.officer_email) = lower('Ada@Seeds.test') ORDER BY oh.imported_at DESC LIMIT 1`,
  );
  expect(plan).toContain('idx_officer_hierarchy_email_lower');
});
