/**
 * Keyset pagination over (sort key, unique id): ORDER BY, the "after this cursor" condition and the sort key's text
 * form. Sort keys come only from whitelisted SortSpecs (never from callers), values are bound parameters, NULL sort
 * values sort last in both directions, and the id breaks ties so no row is skipped or repeated.
 */
import type { Params } from './sql';

export type SortValueKind = 'int' | 'numeric' | 'date' | 'text';
export type SortDirection = 'ASC' | 'DESC';

export interface SortSpec {
  /** SQL expression over the listed row (a whitelisted column). */
  expr: string;
  kind: SortValueKind;
  nullable: boolean;
}

/** The position of a row in a list: its sort value (text form, null for NULL) and its id. */
export interface KeysetPosition {
  value: string | null;
  id: string;
}

const CAST: Record<SortValueKind, string> = { int: 'bigint', numeric: 'numeric', date: 'date', text: 'text' };

/**
 * Shapes a cursor's sort value must have to be bound as its kind without a database error. A date must also be
 * a real calendar date (the shape alone lets "2025-99-99" through); text may not hold NUL, which PostgreSQL
 * text cannot store.
 */
export const SORT_VALUE_PATTERN: Record<SortValueKind, RegExp> = {
  int: /^-?\d{1,18}$/,
  numeric: /^-?\d{1,20}(\.\d{1,20})?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  text: /^[^\u0000]{0,500}$/,
};

export function sortKeySql(spec: SortSpec): string {
  return spec.kind === 'date' ? `to_char(${spec.expr}, 'YYYY-MM-DD')` : `(${spec.expr})::text`;
}

export function orderBySql(spec: SortSpec, direction: SortDirection, idExpr: string): string {
  // NULLS LAST only where NULLs can occur: on a NOT NULL column it would stop a backward scan of the
  // (column, id) index from serving the DESC order (such a scan yields NULLS FIRST), forcing a sort.
  const nulls = spec.nullable ? ' NULLS LAST' : '';
  return `${spec.expr} ${direction}${nulls}, ${idExpr} ${direction}`;
}

/** The condition "comes after `after`" in the order of orderBySql. */
export function afterSql(spec: SortSpec, direction: SortDirection, idExpr: string, after: KeysetPosition, params: Params): string {
  const op = direction === 'ASC' ? '>' : '<';
  const id = `${params.add(after.id)}::text`;
  if (after.value === null) return `(${spec.expr} IS NULL AND ${idExpr} ${op} ${id})`;
  const value = `${params.add(after.value)}::${CAST[spec.kind]}`;
  const rowComparison = `(${spec.expr}, ${idExpr}) ${op} (${value}, ${id})`;
  return spec.nullable ? `(${rowComparison} OR ${spec.expr} IS NULL)` : rowComparison;
}
