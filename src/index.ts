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
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, deadlineMs: config.timeouts.shutdownMs }, 'shutting down');
    setTimeout(() => {
      log.error({ component: app?.stoppingComponent(), deadlineMs: config.timeouts.shutdownMs }, 'shutdown deadline passed with a component still stopping; exiting');
      process.exit(1);
    }, config.timeouts.shutdownMs).unref();
    void (app?.stop() ?? Promise.resolve()).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    app = await startApp(config, log);
  } catch (error) {
    // A value that turned out unusable (a port in use, a database that refuses the password) reads like a bad value.
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else log.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  if (shuttingDown) await app.stop();
}

void main();
