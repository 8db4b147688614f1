/**
 * A small but complete world for end-to-end tests: demo data seeded into the test Django database, the
 * business date pinned, the curated hierarchy imported and one sync cycle run, so seedsmetrics holds every
 * computed field exactly as `npm start` would produce it.
 */
import { pinBusinessDate } from '../../src/engine/clock';
import { importHierarchyCsv } from '../../src/hierarchy/import';
import { silentLogger } from '../../src/logger';
import { seedDjango, type SeedDjangoResult } from '../../src/seed/demo';
import { SyncWorker } from '../../src/sync/worker';
import type { TestDatabases } from './databases';

export const WORLD_AS_OF = '2025-12-10';

export async function buildDemoWorld(dbs: TestDatabases, options: { scale?: number; seed?: number } = {}): Promise<SeedDjangoResult> {
  const seeded = await seedDjango({ djangoWriterUrl: dbs.djangoUrl, scale: options.scale ?? 0.01, seed: options.seed ?? 42, asOf: WORLD_AS_OF });
  await pinBusinessDate(dbs.metrics.pool, WORLD_AS_OF);
  await importHierarchyCsv(dbs.metrics.pool, seeded.dataset.hierarchyCsv);
  const worker = new SyncWorker({ djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool, businessTz: 'Africa/Lagos', log: silentLogger() });
  try {
    await worker.runOnce();
  } finally {
    await worker.stop();
  }
  return seeded;
}
