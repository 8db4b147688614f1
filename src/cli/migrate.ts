/**
 * `npm run db:migrate`: brings the seedsmetrics database of METRICS_DATABASE_URL to the latest schema and says
 * how many migrations that took. Idempotent. `npm start` migrates by itself; this is for deployments that migrate
 * as a step of their own, and for a database that `db:seed` is to import the hierarchy sheet into.
 */
import { redactUrl } from '../config';
import { migrateMetrics } from '../migrate';
import { loadConfigOrExit } from './config-or-exit';

async function main(): Promise<number> {
  const config = loadConfigOrExit(process.env);
  if (config.metricsDatabaseUrl === undefined) {
    process.stderr.write('db:migrate needs METRICS_DATABASE_URL (with DJANGO_DATABASE_URL); got neither. The embedded database of `npm start` is migrated at every start.\n');
    return 1;
  }
  try {
    const { applied, total } = await migrateMetrics(config.metricsDatabaseUrl);
    const where = redactUrl(config.metricsDatabaseUrl);
    process.stdout.write(applied === 0 ? `${where}: already at the latest schema (${total} migrations)\n` : `${where}: applied ${applied} of ${total} migrations\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`db:migrate failed on ${redactUrl(config.metricsDatabaseUrl)}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
