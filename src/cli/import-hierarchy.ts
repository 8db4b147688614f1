/**
 * `node -r @swc-node/register src/cli/import-hierarchy.ts FILE`: imports the curated officer hierarchy sheet
 * (CSV) into seedsmetrics `officer_hierarchy` (METRICS_DATABASE_URL, else the embedded database) and applies it to
 * existing officers and their loans. Prints one line per rejected row and names the sheet's e-mails no officer
 * has; exits 1 when the file cannot be read, is not UTF-8, or nothing could be imported.
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config';
import { commandLineTimeouts, createDatabases } from '../databases';
import { applyHierarchy, curatedEmailsWithoutOfficer } from '../hierarchy/apply';
import { importHierarchyCsv } from '../hierarchy/import';
import { decodeSheet, SheetEncodingError } from '../hierarchy/sheet-text';
import { migrateMetrics } from '../migrate';

/** Unmatched e-mails named on the warning line; the rest are counted. */
const UNMATCHED_SHOWN = 10;

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined || process.argv.length > 3) throw new Error('usage: import-hierarchy FILE (one CSV file with the columns officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name)');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  let csvText: string;
  try {
    csvText = decodeSheet(bytes);
  } catch (error) {
    if (error instanceof SheetEncodingError) throw new Error(`${file}: ${error.message}; nothing was imported`);
    throw error;
  }
  const config = loadConfig(process.env);
  const dbs = await createDatabases(config, undefined, commandLineTimeouts(config));
  try {
    await migrateMetrics(dbs.metrics.url);
    const result = await importHierarchyCsv(dbs.metrics.pool, csvText);
    for (const { line, reason } of result.rejected) console.error(`${file}:${line}: ${reason}`);
    console.log(`imported ${count(result.imported, 'officer')}, rejected ${count(result.rejected.length, 'line')}`);
    if (result.imported === 0) {
      process.exitCode = 1;
      return;
    }
    const applied = await applyHierarchy(dbs.metrics.pool);
    console.log(`applied to ${count(applied.officersUpdated, 'officer')} and ${count(applied.loansUpdated, 'loan')}`);
    const unmatched = await curatedEmailsWithoutOfficer(dbs.metrics.pool, result.officerEmails);
    if (unmatched.length > 0) {
      const more = unmatched.length > UNMATCHED_SHOWN ? ` and ${unmatched.length - UNMATCHED_SHOWN} more` : '';
      console.error(
        `${file}: ${count(unmatched.length, 'officer e-mail')} of the sheet ${unmatched.length === 1 ? 'matches' : 'match'} no officer in seedsmetrics: ${unmatched.slice(0, UNMATCHED_SHOWN).join(', ')}${more} ` +
          '(a typo in the sheet, or an officer the sync has not copied yet: the row applies when it does)',
      );
    }
  } finally {
    await dbs.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof Error ? error.message : String(error);
  console.error(`import-hierarchy failed: ${message}`);
  process.exit(1);
});
