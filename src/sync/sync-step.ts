/** Names the step of a sync cycle that failed, so its error says where to look. */
import { describeFailure } from './database-failure';

/**
 * A cycle's failure with the step it failed in and, for a database error, its SQLSTATE and detail, so
 * sync_runs.error_message and health().lastError say where to look ("copying loans: numeric field overflow
 * (SQLSTATE 22003: A field with precision 15, scale 2 must round to an absolute value less than 10^13.)").
 */
export class SyncStepError extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step}: ${describeFailure(cause)}`, { cause });
    this.name = 'SyncStepError';
  }
}

/** Runs one step of a cycle; its failure names the step (a failure already named keeps its innermost step). */
export async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof SyncStepError ? error : new SyncStepError(name, error);
  }
}
