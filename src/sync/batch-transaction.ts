/**
 * The sync's batch transaction on the worker's connection, and what a batch does once its rows are written:
 * recompute the loans it touched, and announce the reports it made once it has committed.
 */
import type pg from 'pg';
import { lockEngineInTransaction } from '../engine/recompute';
import { inTransaction } from '../pg-transaction';
import type { CopyContext } from './copy';
import { recomputeLoansIsolated } from './isolated-recompute';
import type { Reject } from './upsert';

/**
 * Runs `work` in one seedsmetrics transaction on the dedicated client, with the repayment trigger skipped, holding the
 * engine's lock from the start (lockEngineInTransaction: its rows are locked after it, as every recompute's are).
 */
export async function inBatchTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  return inTransaction(client, async () => {
    await lockEngineInTransaction(client);
    // The worker recomputes the touched loans itself, once per batch (D9); the trigger would do it per statement.
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    return work();
  });
}

/**
 * Recomputes a batch's loans in its transaction, setting aside those the engine fails on (src/sync/isolated-recompute.ts);
 * the reports made for the first time are added to `reported`, for the caller to announce once the batch commits.
 * Returns the number of loans recomputed.
 */
export async function recomputeBatch(ctx: Pick<CopyContext, 'client' | 'recompute' | 'asOf'>, loanIds: readonly string[], reported: Reject[]): Promise<number> {
  const { recomputed, newlyReported } = await recomputeLoansIsolated(ctx.client, ctx.recompute, loanIds, ctx.asOf);
  reported.push(...newlyReported);
  return recomputed;
}

/** Announces the reports a committed batch made for the first time; returns how many. */
export function announceRejects(ctx: Pick<CopyContext, 'onReject'>, entity: string, rejects: readonly Reject[]): number {
  for (const reject of rejects) ctx.onReject(entity, reject);
  return rejects.length;
}
