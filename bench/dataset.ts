/**
 * The benchmark dataset: built once per (scale, seed, as-of) into a pristine data directory (Django seeded,
 * seedsmetrics migrated, hierarchy imported, initial sync + full recompute timed, FDW baseline installed and
 * ANALYZEd), then copied to a working directory at every run, so each run starts from the same bytes and the
 * rows a run writes (incremental cycle, subscriptions) never leak into the next one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { applyDjangoFixture } from '../src/django-fixture';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded';
import { configureBusinessClock, pinBusinessDate } from '../src/engine/clock';
import { importHierarchyCsv } from '../src/hierarchy/import';
import { silentLogger } from '../src/logger';
import { migrateMetrics } from '../src/migrate';
import { createPool } from '../src/pg-pool';
import { seedDjango } from '../src/seed/demo';
import { SyncWorker } from '../src/sync/worker';
import { installFdwBaseline } from './fdw';
import { stoppedOnInterrupt } from './interrupt';

/** Port of the bench's own embedded PostgreSQL (the dev server uses 54329, tests their own). */
export const BENCH_PG_PORT = 54339;
export const BENCH_ROOT = path.resolve('.data/bench');
export const DJANGO_DB = 'django';
export const METRICS_DB = 'seedsmetrics';
export const BUSINESS_TZ = 'Africa/Lagos';

export interface DatasetKey {
  scale: number;
  seed: number;
  asOf: string;
}

/** What building the dataset measured; stored next to the pristine copy so cached runs can report it. */
export interface BuildRecord {
  key: DatasetKey;
  builtAt: string;
  rows: Record<string, number>;
  generateMs: number;
  writeMs: number;
  hierarchyImported: number;
  /** First SyncWorker cycle on an empty seedsmetrics: copy of every Django row + full recompute (ms). */
  initialSyncMs: number;
  initialSyncRowsWritten: number;
  initialSyncLoansRecomputed: number;
  initialSyncOpenLoansRecomputed: number | null;
  seedsmetricsRows: Record<string, number>;
}

function keyDir(key: DatasetKey): string {
  return path.join(BENCH_ROOT, `scale${key.scale}-seed${key.seed}-${key.asOf}`);
}

async function startServer(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ dataDir, port, databases: [DJANGO_DB, METRICS_DB] });
  return { ...server, stop: stoppedOnInterrupt(() => server.stop()) };
}

async function countRows(url: string, tables: readonly string[]): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result: Record<string, number> = {};
    for (const table of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(table)}`);
      result[table] = Number(rows[0]!.n);
    }
    return result;
  } finally {
    await client.end();
  }
}

/**
 * Gives the Django database the planner statistics a production one has: there autovacuum ANALYZEs the tables as
 * they grow, but a freshly seeded one has none until autovacuum comes round, which a build that stops its server
 * within a minute never lets happen. Without them PostgreSQL plans every Django statement — the gateway's, the
 * floor's and the FDW design's remote ones alike — on guesses (one users table was taken for 507 rows, not 6,918).
 * Returns whether it had to (a dataset cached before this rule has no Django statistics).
 */
async function analyzeDjango(djangoUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: djangoUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ missing: number }>(
      `SELECT count(*)::int AS missing FROM unnest($1::text[]) AS t(name)
        WHERE NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = 'public' AND s.tablename = t.name)`,
      [DJANGO_TABLES_SEEDED],
    );
    if (rows[0]!.missing === 0) return false;
    await client.query('ANALYZE');
    return true;
  } finally {
    await client.end();
  }
}

/** Django tables every dataset fills: ANALYZE leaves an empty table without statistics, so only these can tell. */
const DJANGO_TABLES_SEEDED = ['accounts_customuser', 'ajo_ajouser', 'loans_ajoloan', 'loans_ajoloanrepayment'];

async function build(dir: string, key: DatasetKey, port: number, log: (line: string) => void): Promise<BuildRecord> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  const server = await startServer(path.join(dir, 'base'), port);
  try {
    const djangoUrl = server.url(DJANGO_DB);
    const metricsUrl = server.url(METRICS_DB);
    await applyDjangoFixture(djangoUrl);
    await migrateMetrics(metricsUrl);
    const metricsPool = createPool({ url: metricsUrl, max: 4, applicationName: 'bench/build' });
    const djangoPool = createPool({ url: djangoUrl, max: 4, readOnly: true, applicationName: 'bench/build' });
    try {
      await configureBusinessClock(metricsPool, { businessTz: BUSINESS_TZ });
      await pinBusinessDate(metricsPool, key.asOf);
      log(`seeding Django (scale ${key.scale}, seed ${key.seed}, as of ${key.asOf})`);
      const seeded = await seedDjango({ djangoWriterUrl: djangoUrl, scale: key.scale, seed: key.seed, asOf: key.asOf });
      const hierarchy = await importHierarchyCsv(metricsPool, seeded.dataset.hierarchyCsv);
      await analyzeDjango(djangoUrl);
      await metricsPool.query('ANALYZE');
      log(`seeded in ${seeded.generateMs + seeded.write.ms} ms; initial sync + full recompute...`);
      const worker = new SyncWorker({
        djangoPool,
        metricsPool,
        businessTz: BUSINESS_TZ,
        reconcileIntervalMs: 86_400_000,
        log: silentLogger(),
      });
      const started = performance.now();
      const report = await worker.runOnce();
      const initialSyncMs = Math.round(performance.now() - started);
      await worker.stop();
      log(`initial sync + full recompute: ${initialSyncMs} ms (${report.rowsWritten} rows, ${report.loansRecomputed} loans recomputed)`);
      await metricsPool.query('VACUUM ANALYZE');
      const record: BuildRecord = {
        key,
        builtAt: new Date().toISOString(),
        rows: seeded.write.rows,
        generateMs: seeded.generateMs,
        writeMs: seeded.write.ms,
        hierarchyImported: hierarchy.imported,
        initialSyncMs,
        initialSyncRowsWritten: report.rowsWritten,
        initialSyncLoansRecomputed: report.loansRecomputed,
        initialSyncOpenLoansRecomputed: report.openLoansRecomputed,
        seedsmetricsRows: await countRows(metricsUrl, ['officers', 'customers', 'loans', 'repayments', 'loan_dpd_daily', 'dpd_transitions', 'par_changes']),
      };
      return record;
    } finally {
      await Promise.all([metricsPool.end(), djangoPool.end()]);
    }
  } finally {
    await server.stop();
  }
}

export interface BenchDatabase {
  server: EmbeddedPostgres;
  djangoUrl: string;
  metricsUrl: string;
  record: BuildRecord;
  /** True when this run built the dataset (else it came from the cache). */
  built: boolean;
  /** Installing the FDW baseline on the working copy, ANALYZE of the foreign tables included (ms). */
  fdwSetupMs: number;
}

/**
 * Returns a running PostgreSQL on a fresh working copy of the dataset, building the pristine copy first when
 * it is missing (or when `rebuild` is set).
 */
export async function openBenchDatabase(key: DatasetKey, options: { rebuild: boolean; port?: number; log: (line: string) => void }): Promise<BenchDatabase> {
  const dir = keyDir(key);
  const port = options.port ?? BENCH_PG_PORT;
  const recordFile = path.join(dir, 'build.json');
  let built = false;
  if (options.rebuild || !fs.existsSync(recordFile)) {
    options.log(`building the dataset in ${path.relative(process.cwd(), dir)}`);
    const record = await build(dir, key, port, options.log);
    fs.writeFileSync(recordFile, JSON.stringify(record, null, 2));
    built = true;
  } else {
    options.log(`dataset cached in ${path.relative(process.cwd(), dir)} (built ${JSON.parse(fs.readFileSync(recordFile, 'utf8')).builtAt})`);
  }
  const record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as BuildRecord;
  const work = path.join(dir, 'work');
  fs.rmSync(work, { recursive: true, force: true });
  // cp -a keeps the owner (the OS user "postgres") and modes PostgreSQL insists on.
  execFileSync('cp', ['-a', path.join(dir, 'base'), work]);
  fs.rmSync(path.join(work, 'postmaster.pid'), { force: true });
  const server = await startServer(work, port);
  const djangoUrl = server.url(DJANGO_DB);
  const metricsUrl = server.url(METRICS_DB);
  // A dataset cached by older code gets the newer migrations here (a no-op when it is current); a migration that
  // changes what the build measures (the initial sync) calls for --rebuild.
  await migrateMetrics(metricsUrl);
  if (await analyzeDjango(djangoUrl)) options.log('ANALYZEd the Django database (cached without planner statistics; --rebuild stores them)');
  // Installed per run (not cached) so a change to the baseline never needs a rebuild of the dataset.
  const pool = createPool({ url: metricsUrl, max: 1, applicationName: 'bench/fdw-setup' });
  const fdwStarted = performance.now();
  try {
    await installFdwBaseline(pool, { port, djangoDb: DJANGO_DB, user: 'postgres', password: 'postgres' });
  } finally {
    await pool.end();
  }
  const fdwSetupMs = Math.round(performance.now() - fdwStarted);
  return { server, djangoUrl, metricsUrl, record, built, fdwSetupMs };
}
