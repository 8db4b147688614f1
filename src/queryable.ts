import type pg from 'pg';

/**
 * Anything that runs one statement with positional parameters: a pool, a checked-out client (then inside the
 * caller's transaction), a LongStatementSession, or the prepared-statement wrapper of the loaders.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
