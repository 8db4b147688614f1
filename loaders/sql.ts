/**
 * Small helpers for the hand-written SQL of the loaders: numbered parameters, text renderings of dates, and
 * sending statements as prepared statements.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Queryable } from '../src/queryable';
import { calendarDateSql } from '../src/django-columns';

/** What a loader needs from a pool: one statement at a time. */
export type { Queryable };

/** Collects positional parameters; `add` returns the placeholder ($1, $2, ...) for a value. Values never enter the SQL text. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `keys` in the order of `order` (each once; keys not in `order` dropped): equal sets give equal lists. */
export function inOrderOf<K>(order: readonly K[], keys: Iterable<unknown>): K[] {
  const wanted = new Set(keys);
  return order.filter((key) => wanted.has(key));
}

/**
 * The select list `<sql> AS "<key>"` of `keys` from a map of per-field SQL, in the map's order, `always` included.
 * Loaders read only the fields a query shows through it, so the same set always yields the same statement text.
 */
export function selectList<K extends string>(select: Readonly<Record<K, string>>, keys: Iterable<K>, always: K): string {
  return inOrderOf(Object.keys(select) as K[], [always, ...keys])
    .map((key) => `${select[key]} AS "${key}"`)
    .join(', ');
}

/** `WHERE` (or `AND`, after conditions of the caller's own) and the conditions joined with AND; '' when there are none. */
export function whereClause(conditions: readonly string[], keyword: 'WHERE' | 'AND' = 'WHERE'): string {
  return conditions.length > 0 ? `${keyword} ${conditions.join(' AND ')}` : '';
}

/**
 * `column = ANY($n::type[])` for a batch of keys, `column = $n::type` for a single key. A point lookup gets a
 * statement text of its own because of how PostgreSQL caches plans: a prepared statement's generic plan is costed
 * for an array of unknown length (several keys), so for one key the custom plan always looks cheaper and is
 * re-planned on every execution. With a scalar parameter the generic plan costs the same as the custom one and
 * PostgreSQL keeps it. Re-planning cost more than running the statement: ~1 ms for the §4.4 metrics of one
 * officer, 0.2–0.4 ms for a loan with its officer and customer.
 */
export function keysMatch(column: string, keys: readonly string[], type: 'text' | 'bigint', params: Params): string {
  return keys.length === 1 ? `${column} = ${params.add(keys[0])}::${type}` : `${column} = ANY(${params.add(keys)}::${type}[])`;
}

/** The keys as a one-column row source (`SELECT ...`), with the same single-key form as keysMatch. */
export function keyRows(keys: readonly string[], type: 'text' | 'bigint', params: Params): string {
  return keys.length === 1 ? `SELECT ${params.add(keys[0])}::${type}` : `SELECT DISTINCT unnest(${params.add(keys)}::${type}[])`;
}

/**
 * A date column as 'YYYY-MM-DD' text (pg would otherwise build a JS Date in the process's zone); NULL for a date no
 * YYYY-MM-DD can hold (±infinity, years BC or beyond 9999: calendarDateSql). to_char wrote a five-digit year the Date
 * scalar refused, failing the field, and dropped the era of a date BC, showing a wrong date.
 */
export function dateText(expr: string): string {
  return `to_char(${calendarDateSql(`(${expr})`)}, 'YYYY-MM-DD')`;
}

/** A timestamptz column as ISO-8601 UTC text with milliseconds. */
export function timestampText(expr: string): string {
  return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Numeric digits of an id in numeric order without a cast that could fail: shorter strings first. */
export function numericTextOrder(expr: string, direction: 'ASC' | 'DESC'): string {
  return `length(${expr}) ${direction}, ${expr} ${direction}`;
}

/** What `preparedStatements` needs from a pool: pg's query with a named statement. */
export interface PreparingPool {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** Statement names by text. Loader SQL is built from a fixed set of fragments, so the set of texts is small. */
const statementNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 10_000;

/** A stable name per statement text: the same text gets the same name in every process and on every connection. */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `gw_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // Past the bound the name is still right (it is a hash), only recomputed.
    if (statementNames.size < MAX_REMEMBERED_NAMES) statementNames.set(text, name);
  }
  return name;
}

/**
 * Sends every statement as a named prepared statement: pg parses it once per connection and reuses it, and
 * PostgreSQL may then reuse its plan (plan_cache_mode auto). Planning the loaders' metric statements costs
 * more than running them for a page, so re-planning them on every request made the gateway several times
 * slower than hand-written SQL on point lookups. Values are still bound parameters; the texts never
 * embed a value, so the number of prepared statements per connection stays bounded by the code's shapes.
 */
export function preparedStatements(pool: PreparingPool): Queryable {
  return {
    query: <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) =>
      pool.query<R>({ name: statementName(text), text, values }),
  };
}
