/** Drops every database this run created and stops the embedded server, if the run started one. */
import fs from 'node:fs';
import pg from 'pg';
import type { EmbeddedPostgres } from '../../src/embedded';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  const runId = process.env.TEST_RUN_ID;
  const state = (globalThis as Record<string, unknown>).__EMBEDDED_PG__ as { embedded: EmbeddedPostgres; dataDir: string } | undefined;
  if (adminUrl && runId && !state) {
    // On a shared server (TEST_PG_URL) leave nothing behind.
    const admin = new pg.Client({ connectionString: adminUrl });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
        [`t\\_${runId}\\_%`, `tpl\\_${runId}\\_%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  if (state) {
    await state.embedded.stop();
    fs.rmSync(state.dataDir, { recursive: true, force: true });
  }
}
