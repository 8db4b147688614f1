/**
 * Which failures of a repeating kind get a log line. During an outage the same failure comes back with every
 * request, sync cycle or reconnect attempt, and one line a minute per cause says what a thousand would: the first
 * failure of a cause is logged, then at most one per interval, each saying how many went unlogged before it; and
 * the end of a run of failures is reported once, with its length.
 */

/** One log line per cause per this long while a failure repeats. */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Past this many remembered causes, a new one first makes those not logged within the interval be forgotten. */
const MAX_CAUSES = 100;

/** What a failure's log line says beyond its cause. */
export interface FailureLine {
  /** Failures of the same cause since its last line, not logged. */
  failuresSinceLastLine: number;
}

/** The run of failures that a success ended. */
export interface FailureRun {
  failures: number;
  /** From its first failure to the success. */
  failingForMs: number;
}

/** Failures with the same code and message are the same cause (a value that is not an error is its own cause). */
export function causeKey(cause: unknown, ...context: readonly unknown[]): string {
  const { code, message } = (typeof cause === 'object' && cause !== null ? cause : { message: String(cause) }) as { code?: unknown; message?: unknown };
  return JSON.stringify([...context, code, message]);
}

export class RepeatedFailures {
  private readonly causes = new Map<string, { loggedAt: number; unlogged: number }>();
  private run: { since: number; failures: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one failure; returns what its line says when it should be logged, or undefined when it should not. */
  failed(key: string): FailureLine | undefined {
    const now = this.now();
    this.run = { since: this.run?.since ?? now, failures: (this.run?.failures ?? 0) + 1 };
    const seen = this.causes.get(key);
    if (seen !== undefined && now - seen.loggedAt < FAILURE_LOG_INTERVAL_MS) {
      seen.unlogged += 1;
      return undefined;
    }
    if (seen === undefined && this.causes.size >= MAX_CAUSES) this.forgetQuietCauses(now);
    this.causes.set(key, { loggedAt: now, unlogged: 0 });
    return { failuresSinceLastLine: seen?.unlogged ?? 0 };
  }

  /** Ends the run of failures, if there was one, and returns it; the next failure of any cause is logged again. */
  succeeded(): FailureRun | undefined {
    const run = this.run;
    this.run = undefined;
    this.causes.clear();
    return run === undefined ? undefined : { failures: run.failures, failingForMs: this.now() - run.since };
  }

  /** Failures since the last success (0 when the last attempt succeeded). */
  get failuresInRun(): number {
    return this.run?.failures ?? 0;
  }

  /** Causes remembered now (bounded: see MAX_CAUSES). */
  get rememberedCauses(): number {
    return this.causes.size;
  }

  private forgetQuietCauses(now: number): void {
    for (const [key, cause] of this.causes) if (now - cause.loggedAt >= FAILURE_LOG_INTERVAL_MS) this.causes.delete(key);
  }
}
