/**
 * `npm start`: reads the configuration, starts the whole system and stops it in order on SIGINT/SIGTERM.
 * A configuration error, found in the environment or at start-up, prints one line naming the variable and exits
 * with code 1. A stop that takes longer than SHUTDOWN_TIMEOUT_MS (a query in flight blocked on a lock,
 * connections black-holed) is cut short: one line names the component still stopping, and the exit code is 1 — before the
 * orchestrator's SIGKILL, which would say nothing.
 */
import 'reflect-metadata';
import { startApp, type App } from './app';
import { loadConfigOrExit } from './cli/config-or-exit';
import { ConfigError } from './config';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const log = createLogger(config.logLevel);
  let app: App | undefined;
  let shuttingDown = false;
  /** Stops everything in order and exits with `exitCode` (1 whenever the stop itself fails or overruns). */
  const shutdown = (cause: { signal: string } | { reason: string }, exitCode = 0): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ ...cause, deadlineMs: config.timeouts.shutdownMs }, 'shutting down');
    // Kept referenced: a stop waiting on a promise that nothing will settle, with no socket or timer left, would
    // otherwise end the process with code 0 and no word (seen when the embedded PostgreSQL had died first).
    setTimeout(() => {
      log.error({ component: app?.stoppingComponent(), deadlineMs: config.timeouts.shutdownMs }, 'shutdown deadline passed with a component still stopping; exiting');
      process.exit(1);
    }, config.timeouts.shutdownMs);
    void (app?.stop() ?? Promise.resolve()).then(
      () => {
        log.info('stopped');
        process.exit(exitCode);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown({ signal: 'SIGINT' }));
  process.on('SIGTERM', () => shutdown({ signal: 'SIGTERM' }));
  try {
    app = await startApp(config, log);
  } catch (error) {
    // A value that turned out unusable (a port in use, a database that refuses the password) reads like a bad value.
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else log.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  if (shuttingDown) await app.stop();
  void app.lost.then(({ reason, exitCode }) => shutdown({ reason }, exitCode));
}

void main();
