/**
 * Finds where the copy differs from Django in ways no updated_at announces: loans whose repayments drifted (counts,
 * sums, newest change, fingerprints), copied rows whose Django row was edited behind updated_at, and copied loans
 * Django no longer has. Reconciliation repairs what it finds; validate reports it.
 */
import type pg from 'pg';
import type { CopyContext } from './copy';
import { fingerprintOfRows, inSlice, moneyTotal, type DjangoReader, type FingerprintedEntity, type FingerprintSlice, type RepaymentTotals } from './django-reader';
import { utcText } from './django-source-rows';
import type { Queryable } from './upsert';
import { latestPlausible } from './watermarks';

/**
 * The loans whose copy differs from Django (count and sum of their repayments, of those that count under D3, their
 * newest updated_at, or, for the loans of `slice`, the fingerprint of their rows); of `loanIds` only, when given. Only
 * what the cycle could have copied is compared: repayments up to the id watermark it reached (`throughId`), and not
 * the loans whose Django repayments changed after the cycle began (`scanStartedAt`). Both are still on their way: the
 * next cycle copies the new rows, the next look for edits the changed ones; taken for drift they were "repaired"
 * and logged as such whenever Django was busy during the cycle. A newest change dated in the future (past Django's
 * clock after the read, plus the overlap) is no change on its way: such a row was copied as it is and stays so until
 * its date; taken for one, it kept every deletion and QuerySet.update() of its loan's repayments from repair.
 *
 * Both databases sum the repayments at once (Django on its pool, seedsmetrics on the cycle's connection, which
 * no one else writes meanwhile: the worker holds the sync lock), so the slower of the two sets the time. A survey
 * beside the loop (repayment-survey.ts) compares the same way, on its own snapshot of the copy.
 */
export async function findDriftingLoans(
  ctx: Pick<CopyContext, 'reader' | 'scanStartedAt' | 'overlapMs'> & { client: Queryable },
  throughId: string,
  slice: FingerprintSlice,
  loanIds?: readonly string[],
): Promise<{ checked: number; drifting: string[] }> {
  const [theirs, ours] = await Promise.all([ctx.reader.repaymentTotalsPerLoan(throughId, slice, loanIds), copiedRepaymentTotals(ctx.client, throughId, loanIds)]);
  const inFlight = { from: ctx.scanStartedAt, through: latestPlausible(await ctx.reader.clock(), ctx.overlapMs) };
  return { checked: ours.length, drifting: loansThatDiffer(theirs, ours, inFlight, slice) };
}

/** Django changes still on their way to the copy: dated from the start of the look for edits it reflects through `through` (now). */
interface InFlight {
  from: string;
  through: string;
}

/** Whether a Django row changed at `updatedAt` (same-form UTC text, which orders as the instants do) is on its way. */
const inFlightAt = (updatedAt: string, window: InFlight): boolean => updatedAt >= window.from && updatedAt <= window.through;

/**
 * Per loan of the copy (of `loanIds` only, when given): its copied repayments up to Django id `throughId`, summed up
 * as DjangoReader.repaymentTotalsPerLoan sums Django's, every loan's fingerprint included.
 */
async function copiedRepaymentTotals(db: Queryable, throughId: string, loanIds?: readonly string[]): Promise<RepaymentTotals[]> {
  const ofLoans = (keyword: 'AND' | 'WHERE', column: string): string => (loanIds === undefined ? '' : `${keyword} ${column} = ANY($2::text[])`);
  const { rows } = await db.query<RepaymentTotals>(
    `SELECT l.loan_id, COALESCE(m.n, 0) AS n, ${moneyTotal('m.total')} AS total, COALESCE(m.counted_n, 0) AS counted_n,
            ${moneyTotal('m.counted_total')} AS counted_total, ${utcText('m.last_change')} AS last_change, m.fingerprint
       FROM loans l
       LEFT JOIN (SELECT loan_id, count(*)::int AS n, sum(payment_amount) AS total, count(*) FILTER (WHERE is_counted)::int AS counted_n,
                         sum(payment_amount) FILTER (WHERE is_counted) AS counted_total, max(django_updated_at) AS last_change,
                         ${fingerprintOfRows('django_fingerprint')} AS fingerprint
                    -- Django ids are digit strings without leading zeros: by length, then bytes, is their numeric order
                    -- (a regular expression and a cast per row took ~0.7 s of the statement at scale 1).
                    FROM repayments WHERE (length(repayment_id), repayment_id COLLATE "C") <= (length($1), $1 COLLATE "C") ${ofLoans('AND', 'loan_id')}
                   GROUP BY loan_id) m ON m.loan_id = l.loan_id
      ${ofLoans('WHERE', 'l.loan_id')}`,
    loanIds === undefined ? [throughId] : [throughId, loanIds],
  );
  return rows;
}

/**
 * The loans of `ours` (the copy's totals) that differ from `theirs` (Django's), in id order, leaving out those whose
 * Django repayments changed within `inFlight` (since the start of the look for edits the copy reflects): they are
 * on their way.
 */
function loansThatDiffer(theirs: readonly RepaymentTotals[], ours: readonly RepaymentTotals[], inFlight: InFlight, slice: FingerprintSlice): string[] {
  const djangoTotals = new Map(theirs.map((t) => [t.loan_id, t]));
  const drifting: string[] = [];
  for (const mine of ours) {
    const dj = djangoTotals.get(mine.loan_id) ?? { ...NO_REPAYMENTS, loan_id: mine.loan_id };
    const onItsWay = dj.last_change !== null && inFlightAt(dj.last_change, inFlight);
    if (!onItsWay && !sameTotals(dj, mine, inSlice(mine.loan_id, slice))) drifting.push(mine.loan_id);
  }
  return drifting.sort();
}

/** The totals of a loan without repayments, as both queries give them. */
const NO_REPAYMENTS: Omit<RepaymentTotals, 'loan_id'> = { n: 0, total: '0.00', counted_n: 0, counted_total: '0.00', last_change: null, fingerprint: null };

function sameTotals(a: RepaymentTotals, b: RepaymentTotals, withFingerprint: boolean): boolean {
  return (
    a.n === b.n && a.total === b.total && a.counted_n === b.counted_n && a.counted_total === b.counted_total &&
    a.last_change === b.last_change && (!withFingerprint || a.fingerprint === b.fingerprint)
  );
}

/** Where the copy of each fingerprinted entity lives. */
const COPIES: Record<FingerprintedEntity, { table: string; key: string }> = {
  officers: { table: 'officers', key: 'officer_id' },
  customers: { table: 'customers', key: 'customer_id' },
  loans: { table: 'loans', key: 'loan_id' },
};

/**
 * The copied rows of `entity` whose Django row (one of `djangoRows`) is no longer the one copied: its fingerprint
 * differs, though its updated_at is before `lookedFrom`, missing, or later than `plausibleUntil` (dated in the
 * future: copied as it is, and its edits behind updated_at are this look's too); one between the two is the edit
 * scan's to copy, and is not drift. The copy's fingerprints are read and the two lists meet here: sending Django's
 * (every loan and customer, ~18,000 each at scale 1) to seedsmetrics as JSON to join there took 0.2–0.4 s per table.
 */
export async function copiesOfOtherVersions(
  db: Pick<pg.ClientBase, 'query'>,
  entity: FingerprintedEntity,
  djangoRows: Awaited<ReturnType<DjangoReader['rowFingerprints']>>,
  lookedFrom: string,
  plausibleUntil: string,
): Promise<Array<{ id: string; django: string; copy: string | null }>> {
  const { table, key } = COPIES[entity];
  const { rows: ours } = await db.query<{ id: string; fingerprint: string | null }>(`SELECT ${key} AS id, django_fingerprint AS fingerprint FROM ${table}`);
  const django = new Map(djangoRows.map((row) => [row.id, row]));
  return ours.flatMap(({ id, fingerprint }) => {
    const dj = django.get(id);
    // Same-form UTC texts (utcText) order as the instants do. A row without updated_at is never the edit scan's:
    // this is the only look that finds its edits.
    const drifted = dj !== undefined && dj.fingerprint !== fingerprint && (dj.updated_at == null || !inFlightAt(dj.updated_at, { from: lookedFrom, through: plausibleUntil }));
    return drifted ? [{ id, django: dj.fingerprint, copy: fingerprint }] : [];
  });
}

/** The rows of the copy whose Django row changed without a newer updated_at than this cycle's (copiesOfOtherVersions). */
export async function findEditedRows(
  ctx: Pick<CopyContext, 'client' | 'reader' | 'scanStartedAt' | 'overlapMs'>,
  entity: FingerprintedEntity,
  fingerprints: Awaited<ReturnType<DjangoReader['rowFingerprints']>>,
): Promise<string[]> {
  const plausibleUntil = latestPlausible(await ctx.reader.clock(), ctx.overlapMs);
  return (await copiesOfOtherVersions(ctx.client, entity, fingerprints, ctx.scanStartedAt, plausibleUntil)).map((row) => row.id);
}

/**
 * The copied loans whose id is not among `djangoIds` (the ids of Django's disbursed loans): deleted in Django, or
 * no longer disbursed there (§1.8: only disbursed loans are synced and shown; a disbursement undone in Django left
 * its loan active, delinquent and in PAR). In id order; reconciliation and validate ask alike.
 */
export async function findLoansGoneFromDjango(djangoIds: readonly string[], db: Pick<pg.ClientBase, 'query'>): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT l.loan_id AS id FROM loans l
      WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS d(id) WHERE d.id = l.loan_id)
      ORDER BY length(l.loan_id), l.loan_id`,
    [djangoIds],
  );
  return rows.map((r) => r.id);
}
