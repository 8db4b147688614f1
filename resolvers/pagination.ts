/**
 * Relay cursor connections: opaque cursors (base64url of the order, the sort value and the id), validated on the
 * way back in, and the `first` bounds. A cursor only works with the order it was issued for.
 */
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { DEFAULT_MAX_PAGE_SIZE } from '../src/config';
import { badUserInput } from '../src/errors';
import { SORT_VALUE_PATTERN, type KeysetPosition, type SortSpec, type SortValueKind } from '../loaders/keyset';
import { isDjangoId } from './ids';
import { isCalendarDate } from './scalars';

/** @default 50 */
export const DEFAULT_PAGE_SIZE = 50;

/** Schema descriptions of the arguments every list shares. */
export const LIST_ARG_DOCS = {
  // The maximum is the server's setting (GRAPHQL_MAX_PAGE_SIZE), not known when the schema is emitted: its default is
  // quoted, and a larger `first` is refused with the server's own bound in the message.
  first: `Page size: default ${DEFAULT_PAGE_SIZE}, at most the server's maximum (${DEFAULT_MAX_PAGE_SIZE} unless its operator set another; a larger one is refused naming it); 0 for totalCount and pageInfo.hasNextPage alone.`,
  /** `first` of the event histories (dpdTransitions, parChanges), whose connections have no totalCount. */
  eventFirst: `Page size: default ${DEFAULT_PAGE_SIZE}, at most the server's maximum (${DEFAULT_MAX_PAGE_SIZE} unless its operator set another; a larger one is refused naming it); 0 for pageInfo.hasNextPage alone.`,
  after: 'The endCursor of the previous page of the same list, filter and order; leave out for the first page.',
  orderBy:
    "Sort column and direction; leave out for the list's default order. A computed column (DPD, outstanding, risk score) can move a row across a cursor when the sync recomputes it between two pages, so walking a whole list page by page may then skip it or show it twice: walk in the default order and sort in the client.",
  loanFilter:
    "Loan filters (§4.7); leave out for every loan of the list. Whether it defaults to dashboard-visible officers' loans only (visibleOfficersOnly) is in the list's description.",
} as const;

/** `first` and `after`, the arguments of every cursor-paged list. */
@ArgsType()
export class CursorArgs {
  @Field(() => Int, { nullable: true, description: LIST_ARG_DOCS.first })
  first?: number | null;

  @Field(() => String, { nullable: true, description: LIST_ARG_DOCS.after })
  after?: string | null;
}

@ObjectType({ description: 'Where a page sits in its list (Relay).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page.' })
  hasNextPage: boolean;

  @Field(() => Boolean, { description: 'True when the page was asked with `after` (a page precedes it).' })
  hasPreviousPage: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first item of the page (of the first row read, when the list left that row out); null when the page read no row.',
  })
  startCursor: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Where the page ends: pass it as `after` for the next page. The cursor of the last item, or of a row past it that the list left out (a loan, officer or customer Django no longer has), so even a page left empty that way, with hasNextPage true, has one; null when the page read no row.',
  })
  endCursor: string | null;
}

interface CursorBody {
  o: string;
  v: string | null;
  i: string;
}

export function encodeCursor(order: string, position: KeysetPosition): string {
  const body: CursorBody = { o: order, v: position.value, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

const CURSOR_EXPECTED = 'a cursor returned by this list for the same orderBy';

/** A sort value PostgreSQL accepts as its kind: the shape, and for a date a day the calendar has. */
function isSortValue(kind: SortValueKind, value: string): boolean {
  return SORT_VALUE_PATTERN[kind].test(value) && (kind !== 'date' || isCalendarDate(value));
}

/**
 * The sort a cursor's position is read under: the kind of its value and whether the value may be null. A list
 * ordered by id alone (customers) issues cursors whose value is always null.
 */
export type CursorSort = Pick<SortSpec, 'kind' | 'nullable'>;

/**
 * The position a cursor stands for, or BAD_USER_INPUT when it is malformed or issued for another order. A null
 * value on a sort that has none is refused too: it reads as "in the NULL tail", which such a list has not, and the
 * page came back empty as if the list had ended.
 */
export function decodeCursor(argument: string, raw: string | null | undefined, order: string, sort: CursorSort): KeysetPosition | null {
  if (raw === null || raw === undefined) return null;
  let body: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error('not base64url');
    body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(argument, CURSOR_EXPECTED, raw);
  }
  const b = body as Partial<CursorBody> | null;
  const valueOk = b !== null && typeof b === 'object' && (b.v === null ? sort.nullable : typeof b.v === 'string' && isSortValue(sort.kind, b.v));
  if (!valueOk || b.o !== order || !isDjangoId(b.i)) throw badUserInput(argument, CURSOR_EXPECTED, raw);
  return { value: b.v ?? null, id: b.i! };
}

/**
 * `first` within 0..max (default 50, capped to max when max is smaller). 0, as Relay's connections allow, asks for
 * no rows: the count and whether any row follows (`pageInfo.hasNextPage`) without a page.
 */
export function parseFirst(argument: string, first: number | null | undefined, max: number): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 0 || first > max) throw badUserInput(argument, `an integer from 0 to ${max}`, first);
  return first;
}

/** An integer argument within bounds. */
export function parseBoundedInt(argument: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(argument, `an integer from ${min} to ${max}`, value);
  return value;
}

/** Splits the first + 1 rows a page query returns into the page and whether more follow. */
export function pageOf<R>(rows: readonly R[], first: number): { rows: R[]; hasNextPage: boolean } {
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/**
 * The cursors pageInfo reads: the positions of the first and the last row the page read from its list, leaving the
 * others unencoded. Rows, not edges: a list leaves out rows Django no longer has (a node needs its base fields), and
 * cursors taken from the kept edges alone sent the next page back over the left-out rows, or, when a whole page was
 * left out, gave no endCursor while hasNextPage was true, so a client could not page past it.
 */
export function boundaryCursors<R>(rows: readonly R[], cursorOf: (row: R) => string): string[] {
  return rows.length === 0 ? [] : [cursorOf(rows[0]!), cursorOf(rows[rows.length - 1]!)];
}

export function pageInfo(cursors: readonly string[], hasNextPage: boolean, hadAfter: boolean): PageInfo {
  return Object.assign(new PageInfo(), {
    hasNextPage,
    hasPreviousPage: hadAfter,
    startCursor: cursors[0] ?? null,
    endCursor: cursors[cursors.length - 1] ?? null,
  });
}
