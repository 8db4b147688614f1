/**
 * Request-time SQL over seedsmetrics dpd_transitions (the durable log of D7): rows by id for live events, a
 * keyset page for history and `since` replay, and the check that subscription filters name known places.
 * Filtering is written once in SQL (pages) and once in TypeScript (live events); both take a DpdTransitionFilter.
 */
import type DataLoader from 'dataloader';
import { DPD_BUCKET_LABELS, type DpdBucket } from '../src/engine/thresholds';
import { keyedLoader } from './keyed';
import { dateText, keysMatch, Params, timestampText, type Queryable } from './sql';

export type TransitionDirection = 'WORSENING' | 'IMPROVING';

/** A filter already validated: every list is either undefined (no constraint) or non-empty. */
export interface DpdTransitionFilter {
  officerIds?: readonly string[];
  branches?: readonly string[];
  regions?: readonly string[];
  fromBuckets?: readonly DpdBucket[];
  toBuckets?: readonly DpdBucket[];
  direction?: TransitionDirection;
}

/**
 * One dpd_transitions row: ids as decimal strings, money as an exact decimal string. The live feeds and a loan's
 * `transitions` field both read this shape, selected by DPD_TRANSITION_COLUMNS.
 */
export interface DpdTransitionRow {
  id: string;
  loanId: string;
  officerId: string;
  branch: string | null;
  region: string | null;
  transitionDate: string;
  fromBucket: string;
  toBucket: string;
  dpdBefore: number;
  dpdAfter: number;
  outstandingBalance: string;
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** The select list that yields a DpdTransitionRow from dpd_transitions (unaliased table). */
export const DPD_TRANSITION_COLUMNS = `transition_id::text AS id, loan_id AS "loanId", officer_id AS "officerId", branch, region,
  ${dateText('transition_date')} AS "transitionDate", from_dpd_bucket AS "fromBucket", to_dpd_bucket AS "toBucket",
  dpd_before AS "dpdBefore", dpd_after AS "dpdAfter", outstanding_balance::text AS "outstandingBalance",
  ${timestampText('created_at')} AS "createdAt"`;

/** DPD_BUCKET_LABELS as an SQL array (index = rank); the labels are constants, never input. */
const BUCKET_RANK = `ARRAY[${DPD_BUCKET_LABELS.map((label) => `'${label}'`).join(',')}]::text[]`;

/** Rows by id (one statement per batch). */
export async function fetchDpdTransitionsByIds(db: Queryable, ids: readonly string[]): Promise<DpdTransitionRow[]> {
  const params = new Params();
  const { rows } = await db.query<DpdTransitionRow>(
    `SELECT ${DPD_TRANSITION_COLUMNS} FROM dpd_transitions WHERE ${keysMatch('transition_id', ids, 'bigint', params)}`,
    params.values,
  );
  return rows;
}

/** A per-context loader of transitions by id (missing → null). */
export function dpdTransitionByIdLoader(db: Queryable): DataLoader<string, DpdTransitionRow | null> {
  return keyedLoader<string, DpdTransitionRow>((ids) => fetchDpdTransitionsByIds(db, ids), (row) => row.id);
}

/**
 * Up to `limit` transitions with id > afterId that match the filter, in id order (keyset: never OFFSET).
 * `afterId` '0' starts at the beginning.
 */
export async function fetchDpdTransitionsAfter(db: Queryable, filter: DpdTransitionFilter, afterId: string, limit: number): Promise<DpdTransitionRow[]> {
  const { rows } = await db.query<DpdTransitionRow>(
    `SELECT ${DPD_TRANSITION_COLUMNS} FROM dpd_transitions
      WHERE transition_id > $1::bigint
        AND ($2::text[] IS NULL OR officer_id = ANY($2::text[]))
        AND ($3::text[] IS NULL OR branch = ANY($3::text[]))
        AND ($4::text[] IS NULL OR region = ANY($4::text[]))
        AND ($5::text[] IS NULL OR from_dpd_bucket = ANY($5::text[]))
        AND ($6::text[] IS NULL OR to_dpd_bucket = ANY($6::text[]))
        AND ($7::text IS NULL
             OR ($7::text = 'WORSENING' AND array_position(${BUCKET_RANK}, to_dpd_bucket) > array_position(${BUCKET_RANK}, from_dpd_bucket))
             OR ($7::text = 'IMPROVING' AND array_position(${BUCKET_RANK}, to_dpd_bucket) < array_position(${BUCKET_RANK}, from_dpd_bucket)))
      ORDER BY transition_id
      LIMIT $8`,
    [afterId, filter.officerIds ?? null, filter.branches ?? null, filter.regions ?? null, filter.fromBuckets ?? null, filter.toBuckets ?? null, filter.direction ?? null, limit],
  );
  return rows;
}

function bucketRank(bucket: string): number {
  return (DPD_BUCKET_LABELS as readonly string[]).indexOf(bucket);
}

/** The same predicate as fetchDpdTransitionsAfter's WHERE clause, for a live event's row. */
export function matchesDpdTransitionFilter(row: DpdTransitionRow, filter: DpdTransitionFilter): boolean {
  if (filter.officerIds && !filter.officerIds.includes(row.officerId)) return false;
  if (filter.branches && (row.branch === null || !filter.branches.includes(row.branch))) return false;
  if (filter.regions && (row.region === null || !filter.regions.includes(row.region))) return false;
  if (filter.fromBuckets && !(filter.fromBuckets as readonly string[]).includes(row.fromBucket)) return false;
  if (filter.toBuckets && !(filter.toBuckets as readonly string[]).includes(row.toBucket)) return false;
  if (filter.direction === 'WORSENING' && !(bucketRank(row.toBucket) > bucketRank(row.fromBucket))) return false;
  if (filter.direction === 'IMPROVING' && !(bucketRank(row.toBucket) < bucketRank(row.fromBucket))) return false;
  return true;
}

export type PlaceKind = 'officerId' | 'branch' | 'region';

/**
 * The named officers, branches and regions seedsmetrics does not know (one statement). A branch or region is
 * known when an officer or a loan carries it: transitions and PAR keys take them from the loan, which keeps its
 * own copy of the curated hierarchy.
 */
export async function fetchUnknownPlaces(
  db: Queryable,
  places: { officerIds?: readonly string[]; branches?: readonly string[]; regions?: readonly string[] },
): Promise<{ kind: PlaceKind; value: string }[]> {
  const { rows } = await db.query<{ kind: PlaceKind; value: string }>(
    `SELECT 'officerId' AS kind, u.v AS value FROM unnest($1::text[]) AS u(v)
        WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.officer_id = u.v)
     UNION ALL
     SELECT 'branch', u.v FROM unnest($2::text[]) AS u(v)
        WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.branch = u.v) AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.branch = u.v)
     UNION ALL
     SELECT 'region', u.v FROM unnest($3::text[]) AS u(v)
        WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.region = u.v) AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.region = u.v)`,
    [places.officerIds ?? [], places.branches ?? [], places.regions ?? []],
  );
  return rows;
}

/** The highest transition id ('0' when there is none). */
export async function fetchLatestDpdTransitionId(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT coalesce(max(transition_id), 0)::text AS id FROM dpd_transitions`);
  return rows[0]!.id;
}

/** The per-context loaders of this table (created with every context, so each event reads fresh rows). */
export interface DpdTransitionLoaders {
  byId: DataLoader<string, DpdTransitionRow | null>;
  latestId(): Promise<string>;
  after(filter: DpdTransitionFilter, afterId: string, limit: number): Promise<DpdTransitionRow[]>;
  unknownPlaces(places: { officerIds?: readonly string[]; branches?: readonly string[]; regions?: readonly string[] }): Promise<{ kind: PlaceKind; value: string }[]>;
}

export function createDpdTransitionLoaders(db: Queryable): DpdTransitionLoaders {
  return {
    byId: dpdTransitionByIdLoader(db),
    latestId: () => fetchLatestDpdTransitionId(db),
    after: (filter, afterId, limit) => fetchDpdTransitionsAfter(db, filter, afterId, limit),
    unknownPlaces: (places) => fetchUnknownPlaces(db, places),
  };
}
