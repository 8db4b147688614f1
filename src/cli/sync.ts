/**
 * `npm run sync [-- [--once] [--exit-if-locked]]`: runs the sync worker on its own. `--once` runs one cycle
 * (with reconciliation) and exits 0, or 1 printing the error. Without it the worker runs every SYNC_INTERVAL_MS
 * until SIGINT, SIGTERM or SIGHUP, then stops in order (a second one exits at once). When another worker holds the lock this one waits, unless `--exit-if-locked`.
 */
import { ConfigError } from '../config';
import { createLogger } from '../logger';
import { openCliDatabases } from '../sync/cli-databases';
import { scheduleOf, SyncWorker } from '../sync/worker';
import { loadConfigOrExit } from './config-or-exit';
import { exitOnInterrupt } from './interrupt';
import { USAGE_EXIT_CODE } from './usage';
import { onStopSignals, signalExitCode } from '../signals';

const USAGE = 'usage: npm run sync [-- [--once] [--exit-if-locked]]';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--once' && a !== '--exit-if-locked');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown.join(' ')}; ${USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  const once = args.includes('--once');
  // Until the loop runs: the first cycle (a first sync of every Django row, say) is cut by exiting, its batch rolled back.
  const removeInterruptExit = exitOnInterrupt('sync');
  const config = loadConfigOrExit(process.env);
  const log = createLogger(config.logLevel).child({ component: 'sync' });
  const dbs = await openCliDatabases(config, log);
  const worker = new SyncWorker({
    djangoPool: dbs.django.pool,
    metricsPool: dbs.metrics.pool,
    businessTz: config.businessTz,
    ...scheduleOf(config.sync),
    onLockBusy: args.includes('--exit-if-locked') ? 'fail' : 'wait',
    log,
  });
  try {
    // The first cycle runs in the foreground either way, so a lock or database problem ends the command with code 1.
    const report = await worker.runOnce();
    log.info({ rowsRead: report.rowsRead, rowsWritten: report.rowsWritten, loansRecomputed: report.loansRecomputed, rejects: report.rejects, durationMs: Math.round(report.durationMs) }, 'sync cycle done');
    if (once) return 0;
    // The loop is stopped in order (worker.stop() below cancels a cycle under way), with exit code 0; a second signal
    // (not the first one's echo, src/signals.ts) exits at once, as the gateway's does.
    removeInterruptExit();
    worker.start();
    await new Promise<void>((resolve) => {
      let stopping = false;
      onStopSignals((signal) => {
        if (stopping) {
          process.stderr.write(`sync: second ${signal} during the stop: exiting without waiting for it\n`);
          process.exit(signalExitCode(signal));
        }
        stopping = true;
        resolve();
      });
    });
    return 0;
  } catch (error) {
    process.stderr.write(`sync failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await worker.stop();
    await dbs.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else process.stderr.write(`sync failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
