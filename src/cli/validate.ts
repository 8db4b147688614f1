/**
 * `npm run validate`: compares seedsmetrics with Django and with a from-scratch recompute (rolled back),
 * prints every mismatch on its own line and exits 1 if there is any, 0 otherwise.
 */
import { ConfigError } from '../config';
import { createLogger } from '../logger';
import { openCliDatabases } from '../sync/cli-databases';
import { formatMismatch, validate } from '../sync/validate';
import { loadConfigOrExit } from './config-or-exit';

async function main(): Promise<number> {
  const config = loadConfigOrExit(process.env);
  const log = createLogger(config.logLevel).child({ component: 'validate' });
  const dbs = await openCliDatabases(config, log);
  try {
    const mismatches = await validate({ djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool });
    for (const mismatch of mismatches) process.stdout.write(`${formatMismatch(mismatch)}\n`);
    process.stdout.write(mismatches.length === 0 ? 'validate: no mismatches\n' : `validate: ${mismatches.length} mismatch(es)\n`);
    return mismatches.length === 0 ? 0 : 1;
  } finally {
    await dbs.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else process.stderr.write(`validate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
