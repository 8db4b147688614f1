/**
 * Items held for a fixed time and released in arrival order: the simulated network hop of `--db-rtt-ms`
 * (bench/delay-proxy.ts) holds each chunk a database sends back. Time is passed in, so the rule is testable
 * without a clock.
 */
export class DelayLine<T> {
  private held: Array<{ dueAt: number; item: T }> = [];

  constructor(private readonly delayMs: number) {
    if (!(delayMs >= 0)) throw new Error(`a delay line needs a delay of 0 ms or more; got ${delayMs}`);
  }

  push(item: T, nowMs: number): void {
    this.held.push({ dueAt: nowMs + this.delayMs, item });
  }

  /** The items due at `nowMs`, oldest first; they leave the line. */
  takeDue(nowMs: number): T[] {
    let due = 0;
    while (due < this.held.length && this.held[due]!.dueAt <= nowMs) due += 1;
    return this.held.splice(0, due).map((entry) => entry.item);
  }

  /** When the oldest held item falls due; null when nothing is held. */
  nextDueAt(): number | null {
    return this.held.length === 0 ? null : this.held[0]!.dueAt;
  }
}
