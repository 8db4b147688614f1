/**
 * `npm run db:seed -- --scale 1 --seed 42 [--as-of YYYY-MM-DD] [--django-url URL] [--hierarchy-out FILE]`
 *
 * Writes deterministic demo data into an empty Django database and the officer hierarchy sheet to a CSV file.
 * Target: --django-url, else DJANGO_DATABASE_URL (then the sheet is also imported into METRICS_DATABASE_URL),
 * else the embedded PostgreSQL of `npm start` (tables created, seedsmetrics migrated, sheet imported).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, redactUrl } from '../config';
import { commandLineTimeouts, createDatabases, EMBEDDED_DJANGO_DB } from '../databases';
import { applyDjangoFixture } from '../django-fixture';
import { djangoTablesProblem } from '../django-tables';
import { importHierarchyCsv } from '../hierarchy/import';
import { migrateMetrics } from '../migrate';
import { createPool } from '../pg-pool';
import { parseSeedArgs, type SeedCliArgs } from '../seed/cli-args';
import { seedDjango } from '../seed/demo';
import { exitOnInterrupt } from './interrupt';
import { UsageError, USAGE_EXIT_CODE } from './usage';

/** Refuses a Django database that lacks the tables the seed writes: they come from Django's own migrations. */
async function requireDjangoTables(djangoUrl: string): Promise<void> {
  const pool = createPool({ url: djangoUrl, max: 1, applicationName: 'seedsmetrics-gateway/seed-demo' });
  try {
    const problem = await djangoTablesProblem(pool);
    if (problem !== undefined) {
      throw new Error(`db:seed writes into an existing Django schema, but in ${redactUrl(djangoUrl)} ${problem}; create the tables with Django's migrations (manage.py migrate), or leave DJANGO_DATABASE_URL unset to seed the embedded PostgreSQL`);
    }
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  exitOnInterrupt('db:seed');
  const config = loadConfig(process.env);
  let args: SeedCliArgs;
  try {
    args = parseSeedArgs(process.argv.slice(2), { scale: config.demo.scale, seed: config.demo.seed, asOf: config.demo.asOf });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const hierarchyOut = path.resolve(args.hierarchyOut ?? '.data/demo/officer-hierarchy.csv');
  let djangoUrl = args.djangoUrl ?? config.djangoDatabaseUrl;
  let metricsUrl = args.djangoUrl === undefined ? config.metricsDatabaseUrl : undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (djangoUrl === undefined) {
    const dbs = await createDatabases(config, undefined, commandLineTimeouts(config));
    stopEmbedded = () => dbs.close();
    djangoUrl = dbs.embedded!.url(EMBEDDED_DJANGO_DB);
    metricsUrl = dbs.metrics.url;
    await applyDjangoFixture(djangoUrl);
  }
  try {
    // Before anything is written: a database without Django's tables (a new, empty one) would otherwise fail
    // halfway, on the first COPY, with PostgreSQL's bare "relation does not exist".
    if (stopEmbedded === undefined) await requireDjangoTables(djangoUrl);
    // Before any Django row is written: the sheet's import at the end needs the schema, and a failure here leaves
    // nothing half-seeded.
    if (metricsUrl !== undefined) await migrateMetrics(metricsUrl);
    const started = performance.now();
    const { dataset, write, generateMs } = await seedDjango({ djangoWriterUrl: djangoUrl, scale: args.scale, seed: args.seed, asOf: args.asOf });
    fs.mkdirSync(path.dirname(hierarchyOut), { recursive: true });
    fs.writeFileSync(hierarchyOut, dataset.hierarchyCsv);
    console.log(`seeded ${redactUrl(djangoUrl)} (scale ${args.scale}, seed ${args.seed}, as of ${dataset.options.asOf})`);
    for (const [table, rows] of Object.entries(write.rows)) console.log(`  ${table.padEnd(24)} ${rows}`);
    console.log(`  generate ${generateMs} ms, COPY + commit ${write.ms} ms, total ${Math.round(performance.now() - started)} ms`);
    console.log(`hierarchy sheet: ${hierarchyOut} (${dataset.hierarchyCsv.split('\n').length - 2} officers)`);
    if (metricsUrl !== undefined) {
      const pool = createPool({ url: metricsUrl, max: 1, applicationName: 'seedsmetrics-gateway/seed-demo' });
      try {
        const result = await importHierarchyCsv(pool, dataset.hierarchyCsv);
        console.log(`hierarchy imported into seedsmetrics: ${result.imported} rows, ${result.rejected.length} rejected`);
      } finally {
        await pool.end();
      }
    } else {
      const relative = path.relative(process.cwd(), hierarchyOut);
      console.log(`import it with: npm run hierarchy:import -- ${relative.startsWith('..') ? hierarchyOut : relative}`);
    }
    console.log(`manifest (case → example Django loan ids): ${JSON.stringify(dataset.manifest)}`);
  } finally {
    await stopEmbedded?.();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof Error ? error.message : String(error);
  console.error(`db:seed failed: ${message}`);
  process.exit(error instanceof UsageError ? USAGE_EXIT_CODE : 1);
});
