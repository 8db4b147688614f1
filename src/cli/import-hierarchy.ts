/**
 * `node -r @swc-node/register src/cli/import-hierarchy.ts FILE`: imports the curated officer hierarchy sheet
 * (CSV) into seedsmetrics `officer_hierarchy` (METRICS_DATABASE_URL, else the embedded database) and applies it to
 * existing officers and their loans. Prints one line
 * per rejected row; exits 1 when the file cannot be read or nothing could be imported.
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config';
import { commandLineTimeouts, createDatabases } from '../databases';
import { applyHierarchy } from '../hierarchy/apply';
import { importHierarchyCsv } from '../hierarchy/import';
import { migrateMetrics } from '../migrate';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined || process.argv.length > 3) throw new Error('usage: import-hierarchy FILE (one CSV file with the columns officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name)');
  let csvText: string;
  try {
    csvText = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  const config = loadConfig(process.env);
  const dbs = await createDatabases(config, undefined, commandLineTimeouts(config));
  try {
    await migrateMetrics(dbs.metrics.url);
    const result = await importHierarchyCsv(dbs.metrics.pool, csvText);
    for (const { line, reason } of result.rejected) console.error(`${file}:${line}: ${reason}`);
    console.log(`imported ${result.imported} officers, rejected ${result.rejected.length} lines`);
    if (result.imported === 0) {
      process.exitCode = 1;
      return;
    }
    const applied = await applyHierarchy(dbs.metrics.pool);
    console.log(`applied to ${applied.officersUpdated} officers and ${applied.loansUpdated} loans`);
  } finally {
    await dbs.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof Error ? error.message : String(error);
  console.error(`import-hierarchy failed: ${message}`);
  process.exit(1);
});
