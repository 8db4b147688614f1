/**
 * TypeScript entry points of the SQL engine (drizzle/metrics/migrations/0002_engine_functions.sql). Each call is
 * one statement and runs in the caller's transaction when given a checked-out client, so the sync worker can
 * upsert rows, recompute and advance its watermark atomically. Computed fields, loan_dpd_daily, dpd_transitions
 * and par_changes are all written by the SQL functions; nothing here does arithmetic.
 */
import type pg from 'pg';
import { assertIsoDate } from './clock';

export type Executor = pg.ClientBase | pg.Pool;

function assertLoanIds(loanIds: readonly string[], what: string): void {
  if (!Array.isArray(loanIds) || loanIds.some((id) => typeof id !== 'string')) {
    throw new TypeError(`${what} must be an array of loan id strings; got ${JSON.stringify(loanIds)}`);
  }
}

/**
 * Recomputes every computed field of `loanIds` as of business date `asOf` ('YYYY-MM-DD'), writes their DPD
 * snapshot, appends bucket moves and PAR changes of their scopes. Returns the number of loans updated
 * (unknown ids are ignored). Refused (SQLSTATE 55000, nothing written) when `asOf` is behind business_today() and some
 * of the loans were last computed for a later date: the caller read the date before it moved (src/engine/README.md,
 * "Stale as-of dates").
 */
export async function recomputeLoans(client: Executor, loanIds: readonly string[], asOf: string): Promise<number> {
  assertIsoDate(asOf, 'recomputeLoans(asOf)');
  assertLoanIds(loanIds, 'recomputeLoans(loanIds)');
  if (loanIds.length === 0) return 0;
  const { rows } = await client.query<{ n: number }>(`SELECT recompute_loans($1::varchar[], $2::date) AS n`, [loanIds, asOf]);
  return rows[0]!.n;
}

/**
 * Takes loans Django no longer has out of seedsmetrics as of business date `asOf` ('YYYY-MM-DD'): their rows and
 * what hangs off them, their part of the officer totals and of every PAR scope (logged as PAR changes). Returns the
 * number of loans removed (unknown ids are ignored).
 */
export async function removeLoans(client: Executor, loanIds: readonly string[], asOf: string): Promise<number> {
  assertIsoDate(asOf, 'removeLoans(asOf)');
  assertLoanIds(loanIds, 'removeLoans(loanIds)');
  if (loanIds.length === 0) return 0;
  const { rows } = await client.query<{ n: number }>(`SELECT remove_loans($1::varchar[], $2::date) AS n`, [loanIds, asOf]);
  return rows[0]!.n;
}

/**
 * Recomputes every open loan (status not Closed/Rejected/Cancelled, plus loans never computed) as of `asOf`,
 * but those in `skip`, and refreshes PAR for every scope: the start-up and after-midnight path. Returns the number
 * of loans updated. Refused (SQLSTATE 55000, nothing written) as recomputeLoans is: `asOf` behind business_today()
 * while some of those loans were last computed for a later date (migration 0031).
 */
export async function recomputeOpenLoans(client: Executor, asOf: string, skip: readonly string[] = []): Promise<number> {
  assertIsoDate(asOf, 'recomputeOpenLoans(asOf)');
  assertLoanIds(skip, 'recomputeOpenLoans(skip)');
  const { rows } = await client.query<{ n: number }>(`SELECT recompute_open_loans($1::date, $2::varchar[]) AS n`, [asOf, skip]);
  return rows[0]!.n;
}

/** The transaction-level advisory lock every recompute takes (pg_advisory_xact_lock), migration 0002. */
export const ENGINE_LOCK_KEY = 7_301_002;

/**
 * Takes the engine's lock in the caller's transaction before it writes or locks any loan. A transaction that locked
 * loans (or, through the loans' triggers, officer totals) first and then recomputed waited for the lock while holding
 * them, and deadlocked with one that held the lock and went for those rows (the sync's daily recompute beside
 * validate, a sync batch beside validate or the hierarchy import): taken first everywhere, they queue instead.
 */
export async function lockEngineInTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [ENGINE_LOCK_KEY]);
}

/** The session setting that makes the repayments trigger stand aside (the sync recomputes once per batch). */
export const SKIP_REPAYMENT_TRIGGER_SETTING = 'seedsmetrics.skip_repayment_trigger';

/**
 * Inside an open transaction on `client`: turns the repayments trigger off until commit or rollback
 * (SET LOCAL), for callers that write many repayments and then call recomputeLoans themselves.
 */
export async function skipRepaymentTriggerInTransaction(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT set_config($1, 'on', true)`, [SKIP_REPAYMENT_TRIGGER_SETTING]);
}

/** What recomputeIfNewBusinessDay did. */
export interface DailyRecompute {
  /** The business date the open loans were recomputed as of. */
  asOf: string;
  /** Number of loans recomputed. */
  loans: number;
}

/**
 * The start-up and after-midnight path: when business_today() differs from the date of the last daily recompute,
 * recomputes every open loan as of today and records the date (same transaction); else does nothing and returns
 * null. Cheap enough to call every sync cycle; concurrent callers run it once per business day.
 */
export async function recomputeIfNewBusinessDay(client: Executor): Promise<DailyRecompute | null> {
  const { rows } = await client.query<{ loans: number | null; as_of: string }>(
    `SELECT recompute_if_new_business_day() AS loans, business_today()::text AS as_of`,
  );
  const { loans, as_of: asOf } = rows[0]!;
  return loans === null ? null : { asOf, loans };
}
