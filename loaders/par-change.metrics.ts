/**
 * Request-time SQL over seedsmetrics par_changes (the durable log of D8): rows by id for live events and a
 * keyset page for history and `since` replay. Money and ratios stay exact decimal strings.
 */
import type DataLoader from 'dataloader';
import { keyedLoader } from './keyed';
import { dateText, keysMatch, Params, timestampText, type Queryable } from './sql';

export const PAR_SCOPES = ['PORTFOLIO', 'REGION', 'BRANCH', 'OFFICER'] as const;
export type ParScopeName = (typeof PAR_SCOPES)[number];

/** The scope key of the whole portfolio. */
export const PORTFOLIO_KEY = 'ALL';

export interface ParChangeFilter {
  scope: ParScopeName;
  /** undefined: every key of the scope. */
  keys?: readonly string[];
}

export interface ParChangeRow {
  id: string;
  scope: ParScopeName;
  key: string;
  businessDate: string;
  portfolioBefore: string;
  portfolioAfter: string;
  par15Before: string;
  par15After: string;
  par30Before: string;
  par30After: string;
  par60Before: string;
  par60After: string;
  par90Before: string;
  par90After: string;
  ratio15Before: string;
  ratio15After: string;
  ratio30Before: string;
  ratio30After: string;
  ratio60Before: string;
  ratio60After: string;
  ratio90Before: string;
  ratio90After: string;
  /** ISO-8601 UTC. */
  createdAt: string;
}

const COLUMNS = `change_id::text AS id, scope, scope_key AS key, ${dateText('business_date')} AS "businessDate",
  portfolio_before::text AS "portfolioBefore", portfolio_after::text AS "portfolioAfter",
  par15_before::text AS "par15Before", par15_after::text AS "par15After",
  par30_before::text AS "par30Before", par30_after::text AS "par30After",
  par60_before::text AS "par60Before", par60_after::text AS "par60After",
  par90_before::text AS "par90Before", par90_after::text AS "par90After",
  ratio15_before::text AS "ratio15Before", ratio15_after::text AS "ratio15After",
  ratio30_before::text AS "ratio30Before", ratio30_after::text AS "ratio30After",
  ratio60_before::text AS "ratio60Before", ratio60_after::text AS "ratio60After",
  ratio90_before::text AS "ratio90Before", ratio90_after::text AS "ratio90After",
  ${timestampText('created_at')} AS "createdAt"`;

export async function fetchParChangesByIds(db: Queryable, ids: readonly string[]): Promise<ParChangeRow[]> {
  const params = new Params();
  const { rows } = await db.query<ParChangeRow>(`SELECT ${COLUMNS} FROM par_changes WHERE ${keysMatch('change_id', ids, 'bigint', params)}`, params.values);
  return rows;
}

/** A per-context loader of PAR changes by id (missing → null). */
export function parChangeByIdLoader(db: Queryable): DataLoader<string, ParChangeRow | null> {
  return keyedLoader<string, ParChangeRow>((ids) => fetchParChangesByIds(db, ids), (row) => row.id);
}

/** Up to `limit` changes of the scope (and keys) with id > afterId, in id order (keyset). */
export async function fetchParChangesAfter(db: Queryable, filter: ParChangeFilter, afterId: string, limit: number): Promise<ParChangeRow[]> {
  const { rows } = await db.query<ParChangeRow>(
    `SELECT ${COLUMNS} FROM par_changes
      WHERE change_id > $1::bigint AND scope = $2 AND ($3::text[] IS NULL OR scope_key = ANY($3::text[]))
      ORDER BY change_id
      LIMIT $4`,
    [afterId, filter.scope, filter.keys ?? null, limit],
  );
  return rows;
}

/** The same predicate as fetchParChangesAfter's WHERE clause, for a live event's row. */
export function matchesParChangeFilter(row: ParChangeRow, filter: ParChangeFilter): boolean {
  return row.scope === filter.scope && (filter.keys === undefined || filter.keys.includes(row.key));
}

/** The highest change id ('0' when there is none). */
export async function fetchLatestParChangeId(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ id: string }>(`SELECT coalesce(max(change_id), 0)::text AS id FROM par_changes`);
  return rows[0]!.id;
}

/** The id through which par_changes was pruned (PAR_CHANGES_RETENTION_DAYS), or null while nothing was. */
export async function fetchParChangesPrunedThrough(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(`SELECT through_id::text AS id FROM live_history_pruned WHERE feed = 'par'`);
  return rows[0]?.id ?? null;
}

/** The per-context loaders of this table (created with every context, so each event reads fresh rows). */
export interface ParChangeLoaders {
  byId: DataLoader<string, ParChangeRow | null>;
  latestId(): Promise<string>;
  prunedThrough(): Promise<string | null>;
  after(filter: ParChangeFilter, afterId: string, limit: number): Promise<ParChangeRow[]>;
}

export function createParChangeLoaders(db: Queryable): ParChangeLoaders {
  return {
    byId: parChangeByIdLoader(db),
    latestId: () => fetchLatestParChangeId(db),
    prunedThrough: () => fetchParChangesPrunedThrough(db),
    after: (filter, afterId, limit) => fetchParChangesAfter(db, filter, afterId, limit),
  };
}
