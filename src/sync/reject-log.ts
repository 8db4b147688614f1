/**
 * Logs the Django rows one sync cycle rejects: each one, up to a bound, then one line counting the rest, so a
 * first sync over a Django database with thousands of bad rows does not bury the log. Every reject is in
 * `sync_rejects` either way (with its reason); the log is where an operator first hears of them.
 */
import type { Logger } from '../logger';
import type { Reject } from './upsert';

/** Rejected rows a cycle logs one by one. */
export const REJECTS_LOGGED_PER_CYCLE = 20;

export class CycleRejectLog {
  private logged = 0;
  private readonly unlogged = new Map<string, number>();

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly limit = REJECTS_LOGGED_PER_CYCLE,
  ) {}

  rejected(entity: string, reject: Reject): void {
    if (this.logged < this.limit) {
      this.logged += 1;
      this.log.warn({ entity, djangoId: reject.id, reason: reject.reason }, 'Django row rejected by the sync');
    } else {
      this.unlogged.set(entity, (this.unlogged.get(entity) ?? 0) + 1);
    }
  }

  /** Ends the cycle: one line for the rejects past the bound, if any. */
  finish(): void {
    if (this.unlogged.size === 0) return;
    const notLogged = [...this.unlogged.values()].reduce((sum, n) => sum + n, 0);
    this.log.warn(
      { notLogged, byEntity: Object.fromEntries(this.unlogged), loggedOneByOne: this.logged },
      `${notLogged} more Django rows rejected by the sync this cycle than are logged one by one; each is in sync_rejects with its reason`,
    );
    this.unlogged.clear();
  }
}
