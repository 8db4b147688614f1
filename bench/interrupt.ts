/**
 * An interrupted bench command (Ctrl-C, SIGTERM) stops every process it started — gateways, the SQL server, its
 * PostgreSQL — before it exits. Without this Node exits at the signal at once and leaves them running, holding the
 * bench's port and data directory (the next run then fails to start its PostgreSQL).
 */
type Stop = () => Promise<void>;

const running: Stop[] = [];
let installed = false;

/** Stops the newest first (gateways before the database they use), each failure ignored, then exits 128 + signal. */
function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}: stopping the ${running.length} process(es) it started\n`);
      void (async () => {
        for (const stop of [...running].reverse()) await stop().catch(() => undefined);
        process.exit(code);
      })();
    });
  }
}

/** `stop` wrapped so that an interruption calls it too; calling the result stops and forgets it. */
export function stoppedOnInterrupt(stop: Stop): Stop {
  install();
  running.push(stop);
  return async () => {
    const index = running.indexOf(stop);
    if (index >= 0) running.splice(index, 1);
    await stop();
  };
}
