/**
 * Demo data for `npm start` in embedded mode and for `npm run db:seed`: generate (pure) → write into Django with
 * COPY (one transaction) → import the generated hierarchy sheet into seedsmetrics.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { importHierarchyCsv, type HierarchyImportResult } from '../hierarchy/import';
import { DEMO_TIME_ZONE, todayIn } from './calendar';
import { generateDemoData, type DemoDataset, type DemoManifest } from './generate';
import { cancelStatementOnAbort } from '../pg-pool';
import { writeDemoData, type WriteResult } from './write';

export interface SeedDjangoOptions {
  /** A connection URL allowed to write the Django database (the gateway's own Django pool is read-only). */
  djangoWriterUrl: string;
  scale: number;
  seed: number;
  /** YYYY-MM-DD; default today in Africa/Lagos (then, as for any as-of day that is today, nothing is dated after the moment of seeding). */
  asOf?: string;
  /**
   * Aborted by a stop requested meanwhile (start-up's): the write, one transaction, is cancelled and rolls back, or
   * is not begun (DemoSeedCancelled), so the next start finds Django empty and seeds again.
   */
  signal?: AbortSignal;
}

/** The demo data was not written: a stop was requested before or while it was (SeedDjangoOptions.signal). */
export class DemoSeedCancelled extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the demo data was not written: a stop was requested', options);
    this.name = 'DemoSeedCancelled';
  }
}

export interface SeedDjangoResult {
  dataset: DemoDataset;
  write: WriteResult;
  generateMs: number;
}

/** Generates the dataset and writes it into an empty Django database (DjangoNotEmptyError otherwise). */
export async function seedDjango(options: SeedDjangoOptions): Promise<SeedDjangoResult> {
  const now = new Date();
  const today = todayIn(DEMO_TIME_ZONE, now);
  const asOf = options.asOf ?? today;
  const started = performance.now();
  // Today's data ends now: rows dated later than Django's clock would look like a wrong clock to the sync.
  const dataset = generateDemoData({ scale: options.scale, seed: options.seed, asOf, ...(asOf === today ? { now } : {}) });
  const generateMs = Math.round(performance.now() - started);
  // Generating runs on the CPU without a pause, so a stop requested meanwhile is seen here, before anything is written.
  if (options.signal?.aborted) throw new DemoSeedCancelled();
  const client = new pg.Client({ connectionString: options.djangoWriterUrl, application_name: 'seedsmetrics-gateway/demo-seed' });
  client.on('error', () => undefined);
  await client.connect();
  const unwatch = cancelStatementOnAbort(client, options.djangoWriterUrl, options.signal);
  try {
    const write = await writeDemoData(client, dataset);
    return { dataset, write, generateMs };
  } catch (error) {
    // Whatever the cancel cut (a COPY, the wait for the tables' lock, an index build), the transaction rolled back.
    throw options.signal?.aborted ? new DemoSeedCancelled({ cause: error }) : error;
  } finally {
    unwatch();
    await client.end();
  }
}

export interface EnsureDemoDataOptions extends SeedDjangoOptions {
  metricsPool: pg.Pool;
  log: Logger;
}

export type EnsureDemoDataResult =
  | { seeded: false; reason: string }
  | {
      seeded: true;
      asOf: string;
      scale: number;
      seed: number;
      rows: Record<string, number>;
      generateMs: number;
      writeMs: number;
      hierarchy: { imported: number; rejected: number };
      manifest: DemoManifest;
    };

/** Seeds Django and imports the hierarchy when Django has no users yet; otherwise leaves everything alone. */
export async function ensureDemoData(options: EnsureDemoDataOptions): Promise<EnsureDemoDataResult> {
  const { log } = options;
  const probe = new pg.Client({ connectionString: options.djangoWriterUrl, application_name: 'seedsmetrics-gateway/demo-probe' });
  probe.on('error', () => undefined);
  await probe.connect();
  let hasUsers: boolean;
  try {
    hasUsers = (await probe.query<{ has: boolean }>('SELECT EXISTS (SELECT 1 FROM accounts_customuser) AS has')).rows[0].has;
  } finally {
    await probe.end();
  }
  if (hasUsers) {
    log.debug('Django already has users; demo data left as it is');
    return { seeded: false, reason: 'the Django database already has users' };
  }
  log.info({ scale: options.scale, seed: options.seed, asOf: options.asOf ?? 'today' }, 'seeding demo data');
  const { dataset, write, generateMs } = await seedDjango(options);
  // Not cancelled once the write has committed: a Django with users is never seeded again, so the sheet goes in now.
  const hierarchy: HierarchyImportResult = await importHierarchyCsv(options.metricsPool, dataset.hierarchyCsv);
  if (hierarchy.rejected.length > 0) log.warn({ rejected: hierarchy.rejected.slice(0, 5) }, 'some hierarchy lines were rejected');
  return {
    seeded: true,
    asOf: dataset.options.asOf,
    scale: options.scale,
    seed: options.seed,
    rows: write.rows,
    generateMs,
    writeMs: write.ms,
    hierarchy: { imported: hierarchy.imported, rejected: hierarchy.rejected.length },
    manifest: dataset.manifest,
  };
}
