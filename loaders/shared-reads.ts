/**
 * Whole-portfolio reads — the KPI strip, the filter options, summaries, leaderboards, counts — answer the same to
 * every caller that asks with the same arguments, and cost tens of milliseconds each. When many dashboards open at
 * once, each ran its own, and they queued for the pool until requests at the back outwaited DB_CONNECT_TIMEOUT_MS
 * (BENCHMARKS.md, "100 concurrent users"). A read asked for while an identical one runs now joins it.
 *
 * Joining gives an answer that started a little before the request, as if the request had come that much earlier:
 * no caller can tell the two apart, except one that has just received a live event and asks again because of it. So
 * each published event ends the joining (`dataChanged`): reads asked after it start afresh. Nothing is kept once a
 * read has answered — this is not a cache — and a failed read fails every request that joined it, as each would have.
 *
 * Every caller may read every row today (no authorization; src/context.ts). Should answers come to depend on who
 * asks, the key must include what they depend on.
 */
export class SharedReads {
  private generation = 0;
  private readonly running = new Map<string, { generation: number; answer: Promise<unknown> }>();

  /** A live event was published: the data may have moved since the running reads started. */
  dataChanged(): void {
    this.generation += 1;
  }

  /** The answer of `run`, or of the read under the same `key` running since the last dataChanged. */
  read<T>(key: string, run: () => Promise<T>): Promise<T> {
    const joined = this.running.get(key);
    if (joined !== undefined && joined.generation === this.generation) return joined.answer as Promise<T>;
    const entry = { generation: this.generation, answer: run() };
    this.running.set(key, entry);
    const forget = (): void => {
      if (this.running.get(key) === entry) this.running.delete(key);
    };
    entry.answer.then(forget, forget);
    return entry.answer as Promise<T>;
  }

  /** Reads running now. */
  get size(): number {
    return this.running.size;
  }
}
