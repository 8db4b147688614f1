/**
 * `npm run hierarchy:import -- [--check] FILE`: imports the curated officer hierarchy
 * sheet (CSV) into seedsmetrics `officer_hierarchy` (METRICS_DATABASE_URL, else the embedded database) and applies
 * it to existing officers and their loans. Prints one line per rejected row and names the sheet's e-mails no officer
 * has; exits 2 for arguments it does not take, 1 when the file cannot be read, is not UTF-8, or nothing could be imported. `--check` reports the same
 * and writes nothing, exiting 1 when any line would be rejected: a sheet can be tried before it is imported.
 */
import fs from 'node:fs';
import type pg from 'pg';
import { ConfigError, loadConfig } from '../config';
import { commandLineTimeouts, createDatabases } from '../databases';
import { applyHierarchy, curatedEmailsWithoutOfficer } from '../hierarchy/apply';
import { importHierarchyCsv, validateHierarchyCsv, type RejectedLine } from '../hierarchy/import';
import { decodeSheet, SheetEncodingError } from '../hierarchy/sheet-text';
import { migrateMetrics } from '../migrate';
import { exitOnInterrupt } from './interrupt';
import { UsageError, USAGE_EXIT_CODE } from './usage';

const USAGE =
  'usage: npm run hierarchy:import -- [--check] FILE (one CSV file with the columns officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name; --check writes nothing)';

/** Unmatched e-mails named on the warning line; the rest are counted. */
const UNMATCHED_SHOWN = 10;

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function parseArgs(args: readonly string[]): { file: string; check: boolean } {
  const check = args[0] === '--check';
  const rest = check ? args.slice(1) : args;
  if (rest.length !== 1 || rest[0]!.startsWith('--')) throw new UsageError(`${USAGE}; got ${args.length === 0 ? 'no arguments' : args.map((a) => JSON.stringify(a)).join(' ')}`);
  return { file: rest[0]!, check };
}

function readSheet(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return decodeSheet(bytes);
  } catch (error) {
    if (error instanceof SheetEncodingError) throw new Error(`${file}: ${error.message}; nothing was imported`);
    throw error;
  }
}

function reportRejected(file: string, rejected: readonly RejectedLine[]): void {
  for (const { line, reason } of rejected) console.error(`${file}:${line}: ${reason}`);
}

/** SQLSTATE undefined_table. */
const UNDEFINED_TABLE = '42P01';

async function reportUnmatched(file: string, pool: pg.Pool, emails: readonly string[]): Promise<void> {
  let unmatched: string[];
  try {
    unmatched = await curatedEmailsWithoutOfficer(pool, emails);
  } catch (error) {
    // Only --check can meet a database never migrated: the import migrates it first.
    if ((error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
    console.error(`${file}: the sheet's e-mails were not matched to officers: seedsmetrics has no officers table yet (npm run db:migrate creates it)`);
    return;
  }
  if (unmatched.length === 0) return;
  const more = unmatched.length > UNMATCHED_SHOWN ? ` and ${unmatched.length - UNMATCHED_SHOWN} more` : '';
  console.error(
    `${file}: ${count(unmatched.length, 'officer e-mail')} of the sheet ${unmatched.length === 1 ? 'matches' : 'match'} no officer in seedsmetrics: ${unmatched.slice(0, UNMATCHED_SHOWN).join(', ')}${more} ` +
      '(a typo in the sheet, or an officer the sync has not copied yet: the row applies when it does)',
  );
}

async function main(): Promise<void> {
  const { file, check } = parseArgs(process.argv.slice(2));
  exitOnInterrupt('hierarchy:import');
  const csvText = readSheet(file);
  const config = loadConfig(process.env);
  const dbs = await createDatabases(config, undefined, commandLineTimeouts(config));
  try {
    if (check) {
      const { rows, rejected } = validateHierarchyCsv(csvText);
      reportRejected(file, rejected);
      console.log(`would import ${count(rows.length, 'officer')} and reject ${count(rejected.length, 'line')}; nothing was written`);
      await reportUnmatched(file, dbs.metrics.pool, rows.map((row) => row.officerEmail));
      if (rows.length === 0 || rejected.length > 0) process.exitCode = 1;
      return;
    }
    await migrateMetrics(dbs.metrics.url);
    const result = await importHierarchyCsv(dbs.metrics.pool, csvText);
    reportRejected(file, result.rejected);
    console.log(`imported ${count(result.imported, 'officer')}, rejected ${count(result.rejected.length, 'line')}`);
    if (result.imported === 0) {
      process.exitCode = 1;
      return;
    }
    const applied = await applyHierarchy(dbs.metrics.pool);
    console.log(`applied to ${count(applied.officersUpdated, 'officer')} and ${count(applied.loansUpdated, 'loan')}`);
    await reportUnmatched(file, dbs.metrics.pool, result.officerEmails);
  } finally {
    await dbs.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : error instanceof Error ? error.message : String(error);
  console.error(`hierarchy:import failed: ${message}`);
  process.exit(error instanceof UsageError ? USAGE_EXIT_CODE : 1);
});
