/**
 * Recomputes loans so that a loan the engine fails on cannot stop the sync. Every Django row the copy takes has
 * passed its checks (README "Bad Django rows"), but if the engine's statement still fails on the data of some loan
 * (SQLSTATE class 22 or 23), the sync would retry that batch, and fail, at every cycle, and nothing after it would
 * be copied. Instead, the loans it fails on are found by halving the batch inside savepoints that are rolled back,
 * the rest are recomputed in one statement, and each failing loan is reported in sync_rejects (entity
 * `loan_recompute`, with the database's error): its row and repayments are copied, its computed fields stay those
 * of its last recompute, and the next recompute of it that succeeds clears the report (each reconciliation tries
 * again: src/sync/reconcile.ts).
 *
 * When more than RECOMPUTE_ISOLATION_BOUND loans of a batch fail, or none fails alone, the fault is the engine's,
 * not a loan's: the error stands and the cycle fails, as before, naming it.
 */
import type pg from 'pg';
import { describeFailure, isRowError } from './database-failure';
import type { RecomputeSteps } from './recompute';
import { copiedVersions, RECOMPUTE_REJECT_ENTITY, recordRejects, type Reject } from './upsert';

/** Failing loans a batch may set aside; more means the engine is at fault. */
export const RECOMPUTE_ISOLATION_BOUND = 10;

/** What the recompute of a batch did. */
export interface IsolatedRecompute {
  recomputed: number;
  /** The loans left out, each with the report's reason. */
  setAside: Reject[];
  /** Those of them reported in sync_rejects for the first time (what to log: a loan already reported is not repeated). */
  newlyReported: Reject[];
}

/** The version of a report about a loan whose copy keeps none (written by hand, not by the sync). */
const UNVERSIONED = '1970-01-01T00:00:00.000Z';

type Attempt = { ok: true; value: number } | { ok: false; error: Error & { code: string } };

/** Runs `work` in a savepoint, kept on success when `keep`, always rolled back otherwise; a row error is returned, any other thrown. */
async function inSavepoint(client: pg.ClientBase, work: () => Promise<number>, keep: boolean): Promise<Attempt> {
  await client.query('SAVEPOINT sync_recompute');
  let attempt: Attempt;
  try {
    attempt = { ok: true, value: await work() };
  } catch (error) {
    if (!isRowError(error)) throw error;
    attempt = { ok: false, error };
  }
  if (!attempt.ok || !keep) await client.query('ROLLBACK TO SAVEPOINT sync_recompute');
  await client.query('RELEASE SAVEPOINT sync_recompute');
  return attempt;
}

/** A recompute seen as the work over a set of loans, so its failing loans can be found and left out. */
interface LoanWork {
  /** The work over all its loans. */
  all(): Promise<number>;
  /** The loans it covers (read when it failed). */
  loans(): Promise<readonly string[]>;
  /** Ends the reports of its loans but these (a recompute that succeeds for a loan ends the report of an earlier failure). */
  clearReports(except: readonly string[]): Promise<void>;
  /** The same work over some of them (a probe: it fails when one of them does). */
  part(ids: readonly string[]): Promise<number>;
  /** The work over all its loans but these. */
  allBut(ids: readonly string[]): Promise<number>;
}

/**
 * The loans among `ids` that the work fails on alone, with their errors, found by halving (each probe rolled
 * back); `knownError` is the failure of `ids` together. Stops past RECOMPUTE_ISOLATION_BOUND failing loans.
 */
async function findFailing(client: pg.ClientBase, work: LoanWork, ids: readonly string[], knownError: Error & { code: string }, found: Map<string, Error>): Promise<void> {
  if (ids.length === 1) {
    found.set(ids[0]!, knownError);
    return;
  }
  const middle = Math.ceil(ids.length / 2);
  for (const half of [ids.slice(0, middle), ids.slice(middle)]) {
    if (found.size > RECOMPUTE_ISOLATION_BOUND) return;
    const probe = await inSavepoint(client, () => work.part(half), false);
    if (!probe.ok) await findFailing(client, work, half, probe.error, found);
  }
}

/** Runs the work in the caller's transaction; when it fails on some loans' data, runs it without them and reports them. */
async function isolating(client: pg.ClientBase, work: LoanWork): Promise<IsolatedRecompute> {
  const whole = await inSavepoint(client, () => work.all(), true);
  if (whole.ok) {
    await work.clearReports([]);
    return { recomputed: whole.value, setAside: [], newlyReported: [] };
  }
  const loans = await work.loans();
  const failing = new Map<string, Error>();
  await findFailing(client, work, loans, whole.error, failing);
  if (failing.size === 0 || failing.size > RECOMPUTE_ISOLATION_BOUND) throw whole.error;
  const recomputed = await work.allBut([...failing.keys()]);
  await work.clearReports([...failing.keys()]);
  // Each report is of the loan's copied Django version: an edit that still fails counts once more (seen_count).
  const versions = await copiedVersions(client, 'loans', [...failing.keys()]);
  const rejects = [...failing].map(([id, error]) => ({
    id,
    reason: `recomputing this loan failed: ${describeFailure(error)}: kept, its computed fields are those of its last recompute`,
    version: versions.get(id) ?? UNVERSIONED,
  }));
  return { recomputed, setAside: rejects, newlyReported: await recordRejects(client, RECOMPUTE_REJECT_ENTITY, rejects, []) };
}

/** Recomputes `loanIds` as of `asOf` in the caller's transaction, setting aside the loans the engine fails on. */
export function recomputeLoansIsolated(client: pg.ClientBase, recompute: Pick<RecomputeSteps, 'loans'>, loanIds: readonly string[], asOf: string): Promise<IsolatedRecompute> {
  if (loanIds.length === 0) return Promise.resolve({ recomputed: 0, setAside: [], newlyReported: [] });
  const part = (ids: readonly string[]): Promise<number> => recompute.loans(client, ids, asOf);
  return isolating(client, {
    all: () => part(loanIds),
    loans: async () => loanIds,
    part,
    allBut: (failing) => part(loanIds.filter((id) => !failing.includes(id))),
    clearReports: async (except) => {
      await client.query(`DELETE FROM sync_rejects WHERE entity = $1 AND django_id = ANY($2::text[]) AND django_id <> ALL($3::text[])`, [
        RECOMPUTE_REJECT_ENTITY,
        loanIds,
        except,
      ]);
    },
  });
}

/**
 * The daily recompute of every open loan (and PAR of every scope) as of `asOf`, in the caller's transaction,
 * setting aside the loans the engine fails on (found by recomputing parts of the open loans).
 */
export function recomputeOpenLoansIsolated(client: pg.ClientBase, recompute: RecomputeSteps, asOf: string): Promise<IsolatedRecompute> {
  return isolating(client, {
    all: () => recompute.openLoans(client, asOf),
    loans: async () => (await client.query<{ loan_id: string }>(`SELECT loan_id FROM open_loan_ids() AS loan_id ORDER BY loan_id`)).rows.map((r) => r.loan_id),
    part: (ids) => recompute.loans(client, ids, asOf),
    allBut: (failing) => recompute.openLoans(client, asOf, failing),
    clearReports: async (except) => {
      await client.query(`DELETE FROM sync_rejects WHERE entity = $1 AND django_id IN (SELECT open_loan_ids()) AND django_id <> ALL($2::text[])`, [
        RECOMPUTE_REJECT_ENTITY,
        except,
      ]);
    },
  });
}
