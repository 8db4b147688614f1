/**
 * `npm run db:migrate`: brings the seedsmetrics database of METRICS_DATABASE_URL (the only variable it reads) to the
 * latest schema and says how many migrations that took. Idempotent. `npm start` migrates by itself; this is for deployments that migrate
 * as a step of their own, and for a database that `db:seed` is to import the hierarchy sheet into.
 */
import { ConfigError, loadMetricsDatabaseUrl, redactUrl } from '../config';
import { migrateMetrics } from '../migrate';
import { exitOnInterrupt } from './interrupt';
import { USAGE_EXIT_CODE } from './usage';

const USAGE = 'usage: npm run db:migrate (no arguments; METRICS_DATABASE_URL names the database)';

async function main(): Promise<number> {
  // Refused rather than ignored: `--help` or `--dry-run` must not migrate a production database.
  const args = process.argv.slice(2);
  if (args.length > 0) {
    process.stderr.write(`unknown argument ${args.join(' ')}; ${USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  exitOnInterrupt('db:migrate');
  let url: string | undefined;
  try {
    url = loadMetricsDatabaseUrl(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    return 1;
  }
  if (url === undefined) {
    process.stderr.write('db:migrate needs METRICS_DATABASE_URL; got none. The embedded database of `npm start` is migrated at every start.\n');
    return 1;
  }
  try {
    const { applied, total } = await migrateMetrics(url);
    const where = redactUrl(url);
    process.stdout.write(applied === 0 ? `${where}: already at the latest schema (${total} migrations)\n` : `${where}: applied ${applied} of ${total} migrations\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`db:migrate failed on ${redactUrl(url)}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
