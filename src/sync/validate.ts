/**
 * `npm run validate`'s checks: compares seedsmetrics with Django and with a from-scratch
 * recompute, and lists every difference. Read-only in effect: the recompute runs in transactions that are
 * always rolled back, a chunk of loans at a time, so it can run beside the sync worker; validateSettled sets
 * apart the differences from Django that the running worker copies away (rows in flight).
 */
import type pg from 'pg';
import { lockEngineInTransaction } from '../engine/recompute';
import { DjangoReader, SYNC_ENTITIES, type FingerprintedEntity } from './django-reader';
import { recomputeLoansIsolated } from './isolated-recompute';
import { lockHolder } from './lock';
import { copiesOfOtherVersions, findLoansGoneFromDjango } from './drift';
import { engineRecompute, type RecomputeSteps } from './recompute';
import { DEFAULT_OVERLAP_MS, latestPlausible, readWatermarks } from './watermarks';

export interface Mismatch {
  /** Which comparison found it. */
  check:
    | 'counted_repayments'
    | 'watermark'
    | 'missing_loan'
    | 'gone_loan'
    | 'edited_row'
    | 'computed_field'
    | 'never_computed'
    | 'recompute_failed'
    | 'stale_computation'
    | 'officer_totals';
  /**
   * What differs: a loan id, an entity name for watermarks, `entity/id` for edited rows, `officer/wave` for officer
   * totals, `open_loans` for the open loans computed for an earlier date than the business date.
   */
  key: string;
  /** The compared quantity or column (count, sum, max_id, a loans column). */
  field: string;
  /** The value of the source of truth: Django, the recompute, the sums taken afresh from loans, or business_today(). */
  expected: string | null;
  /** The value stored in seedsmetrics. */
  actual: string | null;
}

export interface ValidateOptions {
  /** Django pool (read-only). */
  djangoPool: pg.Pool;
  metricsPool: pg.Pool;
  /** @default the engine's recompute_loans */
  recompute?: Pick<RecomputeSteps, 'loans'>;
  /** Loans per rolled-back transaction of the recompute check (how long a sync batch can wait for it). @default 500 */
  recomputeChunkSize?: number;
  /**
   * The sync worker's overlap (SYNC_OVERLAP_MS, which the caller reads from the configuration): how far ahead of
   * Django's clock a row may be dated and still be an edit the worker copies, rather than a row dated in the future.
   * Validate must draw that line where the worker does, or it reports as edited the rows the worker holds in flight
   * (or takes for in flight rows the worker no longer looks at). @default DEFAULT_OVERLAP_MS, the worker's default
   */
  overlapMs?: number;
}

/** Where a check's expected value comes from, when it is neither Django nor the recompute. */
const SOURCE_OF_TRUTH: Partial<Record<Mismatch['check'], string>> = { stale_computation: 'business_today()' };

/** One line per mismatch, for operators: what was compared, where, and both values. */
export function formatMismatch(m: Mismatch): string {
  const source = SOURCE_OF_TRUTH[m.check] ?? 'Django or recompute';
  return `${m.check} ${m.key} ${m.field}: expected ${m.expected ?? 'nothing'} (${source}), seedsmetrics has ${m.actual ?? 'nothing'}`;
}

/** Columns that say when a row was written, not what it holds. */
const BOOKKEEPING_COLUMNS = ['updated_at', 'created_at'];

/** One pass of every check, in this order; what validate() returns. */
export async function validate(options: ValidateOptions): Promise<Mismatch[]> {
  const chunkSize = options.recomputeChunkSize ?? 500;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`validate(recomputeChunkSize) must be a positive integer; got ${JSON.stringify(options.recomputeChunkSize)}`);
  }
  const mismatches = await compareWithDjango(djangoReader(options), options.metricsPool, overlapOf(options));
  mismatches.push(...(await compareWithRecompute(options.metricsPool, options.recompute ?? engineRecompute, chunkSize)));
  mismatches.push(...(await findStaleComputations(options.metricsPool)));
  mismatches.push(...(await compareOfficerTotals(options.metricsPool)));
  return mismatches;
}

/** The worker's overlap as the caller passed it, checked like the other options. */
function overlapOf(options: ValidateOptions): number {
  const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  if (!Number.isInteger(overlapMs) || overlapMs < 0) {
    throw new RangeError(`validate(overlapMs) must be a non-negative integer of milliseconds; got ${JSON.stringify(options.overlapMs)}`);
  }
  return overlapMs;
}

/** The time zone only shapes rows the copy reads; validation's Django queries do not use it. */
const djangoReader = (options: ValidateOptions): DjangoReader => new DjangoReader(options.djangoPool, 'UTC');

/** The checks against Django: on a live system their mismatches include rows the sync has not copied yet. */
async function compareWithDjango(reader: DjangoReader, metrics: pg.Pool, overlapMs: number): Promise<Mismatch[]> {
  return [
    ...(await compareCountedRepayments(reader, metrics)),
    ...(await compareWatermarks(reader, metrics)),
    ...(await findMissingLoans(reader, metrics)),
    ...(await findGoneLoans(reader, metrics)),
    ...(await findEditedCopies(reader, metrics, overlapMs)),
  ];
}

const DJANGO_CHECKS: ReadonlySet<Mismatch['check']> = new Set(['counted_repayments', 'watermark', 'missing_loan', 'gone_loan', 'edited_row']);

export interface SettleOptions {
  /** Longest wait for the sync worker to look for edits after the first pass began. */
  timeoutMs: number;
  /** How often the sync's watermarks are read while waiting. @default 1000 */
  pollMs?: number;
}

export interface SettledValidation {
  /** Mismatches still there once the sync caught up; all of the first pass's when it did not. */
  mismatches: Mismatch[];
  /** First-pass mismatches against Django that the sync has resolved since: rows it had not copied yet. */
  inFlight: Mismatch[];
  /**
   * `not needed`: no mismatch against Django in the first pass; `caught up`: the worker looked for edits after the
   * first pass began; `not running`: no worker holds the sync lock, so nothing would catch up; `timed out`.
   */
  sync: 'not needed' | 'caught up' | 'not running' | 'timed out';
}

/**
 * validate() for a live system, where Django keeps changing while the sync copies it: when the first pass finds
 * mismatches against Django and a sync worker is running, waits until it has completed a look for edits that
 * began after the pass did (every entity's updated_at watermark at or past Django's clock then), checks against
 * Django again and keeps the mismatches that are still there. A watermark counts as still behind only when it has
 * not reached the id Django had at the first pass (new rows keep arriving).
 */
export async function validateSettled(options: ValidateOptions, settle: SettleOptions): Promise<SettledValidation> {
  const reader = djangoReader(options);
  const startedAt = await reader.clock();
  const first = await validate(options);
  const unsettled = (sync: SettledValidation['sync']): SettledValidation => ({ mismatches: first, inFlight: [], sync });
  if (!first.some((m) => DJANGO_CHECKS.has(m.check))) return unsettled('not needed');
  if (!(await syncWorkerRunning(options.metricsPool))) return unsettled('not running');
  if (!(await syncLookedForEditsSince(options.metricsPool, startedAt, settle))) return unsettled('timed out');
  const place = (m: Mismatch): string => `${m.check} ${m.key} ${m.field}`;
  const again = new Map((await compareWithDjango(reader, options.metricsPool, overlapOf(options))).map((m) => [place(m), m]));
  const mismatches: Mismatch[] = [];
  const inFlight: Mismatch[] = [];
  for (const m of first) {
    const now = again.get(place(m));
    if (!DJANGO_CHECKS.has(m.check)) mismatches.push(m);
    else if (now === undefined || watermarkCaughtUp(m, now)) inFlight.push(m);
    else mismatches.push(m.check === 'watermark' ? { ...m, actual: now.actual } : now);
  }
  return { mismatches, inFlight, sync: 'caught up' };
}

/**
 * A watermark (behind Django's highest id at the first pass) that has since reached that id: what Django gained
 * meanwhile is rows in flight again, not the same mismatch.
 */
function watermarkCaughtUp(first: Mismatch, now: Mismatch): boolean {
  return first.check === 'watermark' && BigInt(now.actual ?? '0') >= BigInt(first.expected ?? '0');
}

/** Whether some process holds the sync worker's advisory lock on seedsmetrics. */
async function syncWorkerRunning(metrics: pg.Pool): Promise<boolean> {
  return (await lockHolder(metrics)).pid !== null;
}

/** Waits until every entity's updated_at watermark is at or past `djangoTime`; false when the timeout passes first. */
async function syncLookedForEditsSince(metrics: pg.Pool, djangoTime: string, settle: SettleOptions): Promise<boolean> {
  const pollMs = settle.pollMs ?? 1000;
  const deadline = Date.now() + settle.timeoutMs;
  for (;;) {
    const { rows } = await metrics.query<{ caught_up: boolean }>(
      `SELECT count(*) = $2 AND bool_and(COALESCE(max_updated_at >= $1::timestamptz, false)) AS caught_up FROM sync_watermarks WHERE entity = ANY($3::text[])`,
      [djangoTime, SYNC_ENTITIES.length, SYNC_ENTITIES],
    );
    if (rows[0]!.caught_up) return true;
    if (Date.now() + pollMs > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Per loan in seedsmetrics: number and sum of counted repayments against Django's (D3). */
async function compareCountedRepayments(reader: DjangoReader, metrics: pg.Pool): Promise<Mismatch[]> {
  const totals = await reader.countedTotalsPerLoan();
  const { rows } = await metrics.query<{ loan_id: string; field: string; expected: string; actual: string }>(
    `WITH dj AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(loan_id text, n int, total numeric)),
          mine AS (SELECT loan_id, count(*)::int AS n, sum(payment_amount) AS total FROM repayments WHERE is_counted GROUP BY loan_id),
          compared AS (
            SELECT l.loan_id, COALESCE(dj.n, 0) AS dj_n, COALESCE(mine.n, 0) AS my_n, COALESCE(dj.total, 0) AS dj_total, COALESCE(mine.total, 0) AS my_total
            FROM loans l LEFT JOIN dj ON dj.loan_id = l.loan_id LEFT JOIN mine ON mine.loan_id = l.loan_id)
     SELECT loan_id, 'count' AS field, dj_n::text AS expected, my_n::text AS actual FROM compared WHERE dj_n <> my_n
     UNION ALL
     SELECT loan_id, 'sum', dj_total::text, my_total::text FROM compared WHERE dj_total <> my_total
     ORDER BY 1, 2`,
    [JSON.stringify(totals)],
  );
  return rows.map((r) => ({ check: 'counted_repayments', key: r.loan_id, field: r.field, expected: r.expected, actual: r.actual }));
}

/**
 * Each entity's id watermark against Django's highest id: a lower watermark means rows are not copied yet. A higher
 * one is no mismatch: Django deleted its newest rows, and the ids it gives next are higher still.
 */
async function compareWatermarks(reader: DjangoReader, metrics: pg.Pool): Promise<Mismatch[]> {
  const djangoMax = await reader.maxIds();
  const { rows } = await metrics.query<{ entity: string; max_id: string }>(`SELECT entity, max_id::text AS max_id FROM sync_watermarks`);
  const marks = new Map(rows.map((r) => [r.entity, r.max_id]));
  const mismatches: Mismatch[] = [];
  for (const entity of SYNC_ENTITIES) {
    const actual = marks.get(entity) ?? '0';
    if (BigInt(actual) < BigInt(djangoMax[entity])) mismatches.push({ check: 'watermark', key: entity, field: 'max_id', expected: djangoMax[entity], actual });
  }
  return mismatches;
}

/** Django loans in the population that seedsmetrics neither has nor reports as rejected. */
async function findMissingLoans(reader: DjangoReader, metrics: pg.Pool): Promise<Mismatch[]> {
  const ids = await reader.eligibleLoanIds();
  const { rows } = await metrics.query<{ id: string }>(
    `SELECT id FROM unnest($1::text[]) AS id
     WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = id)
       AND NOT EXISTS (SELECT 1 FROM sync_rejects r WHERE r.entity = 'loans' AND r.django_id = id)
     ORDER BY id::bigint`,
    [ids],
  );
  return rows.map((r) => ({ check: 'missing_loan', key: r.id, field: 'loan_id', expected: r.id, actual: null }));
}

/** Copied loans Django no longer has (deleted there): the next reconciliation removes them. */
async function findGoneLoans(reader: DjangoReader, metrics: pg.Pool): Promise<Mismatch[]> {
  const ids = await findLoansGoneFromDjango(await reader.disbursedLoanIds(), metrics);
  return ids.map((id) => ({ check: 'gone_loan', key: id, field: 'loan_id', expected: null, actual: id }));
}

const FINGERPRINTED: readonly FingerprintedEntity[] = ['officers', 'customers', 'loans'];

/**
 * Officers, customers and loans whose copy was made from another version of their Django row than Django holds now
 * (names, amounts, dates, …) although the sync's last complete look for edits began after that version was written
 * (or it has no updated_at): an edit made without a newer updated_at (QuerySet.update), which only the next
 * reconciliation repairs. Newer edits are the edit scan's, in flight (rows dated in the future are not: they were
 * copied as they are); rows the sync refused (their sync_rejects report stands, with the copy of their last good
 * version) and rows on one side only are the other checks'.
 */
async function findEditedCopies(reader: DjangoReader, metrics: pg.Pool, overlapMs: number): Promise<Mismatch[]> {
  const marks = await readWatermarks(metrics);
  // A loan copied in the version its report names was not refused: the report is a note on the copy (odd dates, dated
  // in the future), and its edits behind updated_at are this check's. (Officers and customers keep no version.)
  const { rows: refused } = await metrics.query<{ entity: string; id: string }>(
    `SELECT r.entity, r.django_id AS id FROM sync_rejects r
      WHERE r.entity = ANY($1::text[])
        AND NOT (r.entity = 'loans' AND EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = r.django_id AND l.django_updated_at = r.django_version::timestamptz))`,
    [FINGERPRINTED],
  );
  const mismatches: Mismatch[] = [];
  for (const entity of FINGERPRINTED) {
    const lookedFrom = marks.get(entity)?.maxUpdatedAt ?? null;
    if (lookedFrom === null) continue; // no complete look for edits yet: every difference may be in flight
    const skipped = new Set(refused.filter((r) => r.entity === entity).map((r) => r.id));
    // A loan Django no longer counts as disbursed is gone_loan's, whatever else changed in it.
    const compared = (await reader.rowFingerprints(entity)).filter((row) => row.disbursed !== false && !skipped.has(row.id));
    // Rows dated past Django's clock plus the worker's overlap are dated in the future, not edits on their way (the
    // line the worker's reconciliation draws: findEditedRows in drift.ts).
    const plausibleUntil = latestPlausible(await reader.clock(), overlapMs);
    for (const { id, django, copy } of await copiesOfOtherVersions(metrics, entity, compared, lookedFrom, plausibleUntil)) {
      mismatches.push({ check: 'edited_row', key: `${entity}/${id}`, field: 'fingerprint', expected: django, actual: copy });
    }
  }
  return mismatches.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `work` on one client inside a transaction that is always rolled back, so a check writes nothing. */
async function rolledBack<T>(metrics: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await metrics.connect();
  try {
    await client.query('BEGIN');
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/**
 * Every stored column of every loan against a recompute of the same loan as of the date it was computed at.
 * Loans are checked `chunkSize` at a time, each chunk in its own transaction that is rolled back (so the check
 * writes nothing, snapshots and events included) and that locks only its own loans, first, so a sync batch
 * waits for one chunk at most and cannot change a loan between its copy and its recompute.
 */
async function compareWithRecompute(metrics: pg.Pool, recompute: Pick<RecomputeSteps, 'loans'>, chunkSize: number): Promise<Mismatch[]> {
  const { rows: loans } = await metrics.query<{ loan_id: string; as_of: string | null }>(
    `SELECT loan_id, computed_as_of::text AS as_of FROM loans ORDER BY loan_id`,
  );
  const mismatches: Mismatch[] = loans
    .filter((loan) => loan.as_of === null)
    .map((loan) => ({ check: 'never_computed', key: loan.loan_id, field: 'computed_as_of', expected: null, actual: null }));
  const computed = loans.filter((loan) => loan.as_of !== null).map((loan) => loan.loan_id);
  for (let start = 0; start < computed.length; start += chunkSize) {
    mismatches.push(...(await compareChunkWithRecompute(metrics, recompute, computed.slice(start, start + chunkSize))));
  }
  return mismatches;
}

async function compareChunkWithRecompute(metrics: pg.Pool, recompute: Pick<RecomputeSteps, 'loans'>, loanIds: string[]): Promise<Mismatch[]> {
  return rolledBack(metrics, async (client) => {
    // The engine's lock before the loans, as every writer of loans takes them (a sync batch waits for one chunk).
    await lockEngineInTransaction(client);
    await client.query(`SELECT 1 FROM loans WHERE loan_id = ANY($1::varchar[]) ORDER BY loan_id FOR UPDATE`, [loanIds]);
    await client.query(`CREATE TEMP TABLE validate_stored ON COMMIT DROP AS SELECT * FROM loans WHERE loan_id = ANY($1::varchar[]) AND computed_as_of IS NOT NULL`, [loanIds]);
    const { rows: groups } = await client.query<{ as_of: string; loan_ids: string[] }>(
      `SELECT computed_as_of::text AS as_of, array_agg(loan_id ORDER BY loan_id) AS loan_ids FROM validate_stored GROUP BY computed_as_of ORDER BY 1`,
    );
    const failed: Mismatch[] = [];
    for (const group of groups) {
      const { setAside } = await recomputeLoansIsolated(client, recompute, group.loan_ids, group.as_of);
      failed.push(...setAside.map((r) => ({ check: 'recompute_failed' as const, key: r.id, field: 'computed_as_of', expected: group.as_of, actual: r.reason })));
    }
    const { rows } = await client.query<{ loan_id: string; field: string; expected: string | null; actual: string | null }>(
      `SELECT s.loan_id, k.key AS field, (to_jsonb(l) -> k.key) #>> '{}' AS expected, k.value #>> '{}' AS actual
       FROM validate_stored s JOIN loans l ON l.loan_id = s.loan_id
       CROSS JOIN LATERAL jsonb_each(to_jsonb(s) - $1::text[]) AS k
       WHERE k.value IS DISTINCT FROM to_jsonb(l) -> k.key
       ORDER BY s.loan_id, k.key`,
      [BOOKKEEPING_COLUMNS],
    );
    return [...failed, ...rows.map((r) => ({ check: 'computed_field' as const, key: r.loan_id, field: r.field, expected: r.expected, actual: r.actual }))];
  });
}

/**
 * The open loans (open_loan_ids(): those the daily recompute takes) computed for an earlier date than
 * business_today(), as one mismatch: how many, and the oldest date. The recompute check cannot see them (it recomputes
 * each loan for the date it was computed for), yet their date-driven fields (current_dpd, days due, arrears) and so
 * PAR are those of that earlier day: the daily recompute did not run (the worker down over midnight, a failed cycle).
 * Drift, not a warning: what the gateway serves is wrong until the worker adopts the date, and an exit status of 0
 * would let a scheduled validate pass while it is. The one expected moment is the worker's first cycle after local
 * midnight (SYNC_INTERVAL_MS at most): a validate run then reports it, and the next one does not. Loans never
 * computed are never_computed's.
 */
async function findStaleComputations(metrics: pg.Pool): Promise<Mismatch[]> {
  const { rows } = await metrics.query<{ today: string; stale: number; oldest: string | null }>(
    `SELECT business_today()::text AS today, count(*)::int AS stale, min(l.computed_as_of)::text AS oldest
       FROM loans l
      WHERE l.computed_as_of < business_today() AND l.loan_id IN (SELECT open_loan_ids())`,
  );
  const { today, stale, oldest } = rows[0]!;
  if (stale === 0) return [];
  return [{ check: 'stale_computation', key: 'open_loans', field: 'computed_as_of', expected: today, actual: `${stale} open loan(s) computed for earlier dates, the oldest ${oldest}` }];
}

/**
 * officer_portfolio_totals against the same sums taken afresh from `loans` (officer_totals_from_loans, the sums
 * its triggers add), in one read-only statement, so both sides come from one snapshot and no write to `loans`
 * waits for the check. A difference means the table drifted: `loans` changed while its triggers did not fire
 * (session_replication_role = replica during a restore, say). A kept row whose loans all left holds zeros, as
 * does a key the fresh sums lack: both compare as zeros.
 */
async function compareOfficerTotals(metrics: pg.Pool): Promise<Mismatch[]> {
  const { rows } = await metrics.query<{ key: string; field: string; expected: string; actual: string }>(
    `WITH pairs AS (
       SELECT COALESCE(f.officer_id, s.officer_id) || '/' || COALESCE(f.wave, s.wave, 'no wave') AS key,
              to_jsonb(f) - '{officer_id,wave}'::text[] AS fresh, to_jsonb(s) - '{officer_id,wave}'::text[] AS stored
         FROM officer_totals_from_loans() f
         FULL JOIN officer_portfolio_totals s ON s.officer_id = f.officer_id AND s.wave IS NOT DISTINCT FROM f.wave)
     SELECT p.key, k.field, COALESCE(p.fresh -> k.field, '0') #>> '{}' AS expected, COALESCE(p.stored -> k.field, '0') #>> '{}' AS actual
       FROM pairs p CROSS JOIN LATERAL jsonb_object_keys(COALESCE(p.fresh, p.stored)) AS k(field)
      WHERE COALESCE(p.fresh -> k.field, '0') <> COALESCE(p.stored -> k.field, '0')
      ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ check: 'officer_totals', key: r.key, field: r.field, expected: r.expected, actual: r.actual }));
}
