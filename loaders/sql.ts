/** Small helpers for the hand-written SQL of the loaders: numbered parameters and text renderings of dates. */
import type pg from 'pg';

/** What a loader needs from a pool: one statement at a time. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** Collects positional parameters; `add` returns the placeholder ($1, $2, ...) for a value. Values never enter the SQL text. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A date column as 'YYYY-MM-DD' text (pg would otherwise build a JS Date in the process's zone). */
export function dateText(expr: string): string {
  return `to_char(${expr}, 'YYYY-MM-DD')`;
}

/** A timestamptz column as ISO-8601 UTC text with milliseconds. */
export function timestampText(expr: string): string {
  return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Numeric digits of an id in numeric order without a cast that could fail: shorter strings first. */
export function numericTextOrder(expr: string, direction: 'ASC' | 'DESC'): string {
  return `length(${expr}) ${direction}, ${expr} ${direction}`;
}
