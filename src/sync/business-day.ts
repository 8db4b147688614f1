/**
 * What the sync worker does once for each business date it adopts (at start-up and after local midnight, D9):
 * recomputes every open loan for that date, setting aside the loans the engine fails on, then prunes the DPD
 * snapshots, PAR changes and sync_runs rows past their retention.
 */
import type pg from 'pg';
import { pruneDpdSnapshots, pruneParChanges } from '../engine/retention';
import type { Logger } from '../logger';
import { inBatchTransaction } from './batch-transaction';
import { recomputeOpenLoansIsolated, type IsolatedRecompute } from './isolated-recompute';
import type { RecomputeSteps } from './recompute';
import { pruneSyncRuns } from './run-log';
import { step } from './sync-step';

export interface BusinessDayOptions {
  recompute: RecomputeSteps;
  /** Days of loan_dpd_daily snapshots kept; undefined keeps all. */
  dpdHistoryRetentionDays: number | undefined;
  /** Days of par_changes kept; undefined keeps all. */
  parChangesRetentionDays?: number | undefined;
  /** Days of sync_runs rows kept. */
  syncRunsRetentionDays: number;
  log: Pick<Logger, 'info'>;
}

/**
 * Recomputes every open loan as of `asOf` on the worker's connection (one transaction) and prunes what is past its
 * retention, logging each; returns the recompute's outcome, whose new reports the caller announces.
 */
export async function adoptBusinessDate(client: pg.ClientBase, asOf: string, options: BusinessDayOptions): Promise<IsolatedRecompute> {
  const { recompute, log } = options;
  const daily = await step(`recomputing open loans as of ${asOf}`, () => inBatchTransaction(client, () => recomputeOpenLoansIsolated(client, recompute, asOf)));
  log.info({ asOf, loans: daily.recomputed }, 'recomputed open loans for a new business date');
  // The histories kept only as long as the operator chose (none set: kept for good), each pruned in its own transaction.
  const optional = [
    { keepDays: options.dpdHistoryRetentionDays, prune: pruneDpdSnapshots, what: 'DPD snapshots' },
    { keepDays: options.parChangesRetentionDays, prune: pruneParChanges, what: 'PAR changes' },
  ];
  for (const { keepDays, prune, what } of optional) {
    if (keepDays === undefined) continue;
    const pruned = await inBatchTransaction(client, () => prune(client, asOf, keepDays));
    log.info({ asOf, keepDays, pruned }, `pruned ${what} past their retention`);
  }
  const keepRunDays = options.syncRunsRetentionDays;
  const prunedRuns = await pruneSyncRuns(client, asOf, keepRunDays);
  if (prunedRuns > 0) log.info({ asOf, keepDays: keepRunDays, pruned: prunedRuns }, 'pruned sync_runs past their retention');
  return daily;
}
