/**
 * The two engine calls the worker makes, behind one interface so copy logic can be tested on its own (inject
 * a recording or failing step) while production uses the engine's SQL (src/engine/recompute.ts).
 */
import type pg from 'pg';
import { recomputeLoans, recomputeOpenLoans } from '../engine/recompute';

export interface RecomputeSteps {
  /** Recomputes every computed field of `loanIds` as of the business date `asOf`, in the caller's transaction. */
  loans(client: pg.ClientBase, loanIds: readonly string[], asOf: string): Promise<number>;
  /** Recomputes all open loans but those in `skip` as of `asOf` (start-up and local midnight), in the caller's transaction. */
  openLoans(client: pg.ClientBase, asOf: string, skip?: readonly string[]): Promise<number>;
}

/** The engine's recompute_loans / recompute_open_loans. */
export const engineRecompute: RecomputeSteps = {
  loans: (client, loanIds, asOf) => recomputeLoans(client, loanIds, asOf),
  openLoans: (client, asOf, skip) => recomputeOpenLoans(client, asOf, skip),
};
