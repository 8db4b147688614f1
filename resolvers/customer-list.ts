/** Builds customer connections: the root list (keyset on the Django id, live in Django) and an officer's customers. */
import type { GraphQLResolveInfo } from 'graphql';
import type { AppContext } from '../src/context';
import { CustomerConnection, CustomerEdge, type CustomerListQuestion } from './connections.type';
import { Customer } from './customer.type';
import { SortDirection } from './enums';
import { boundaryCursors, decodeCursor, encodeCursor, pageInfo, pageOf, parseFirst, type CursorSort } from './pagination';
import { prefetch, selectedFields } from './selection';

/** Customer lists are ordered by id alone: their cursors carry no sort value (null). */
const BY_ID_ALONE: CursorSort = { kind: 'text', nullable: true };

/** Number of customers a list's question matches (all pages). */
export function customerTotalCount(ctx: AppContext, q: CustomerListQuestion): Promise<number> {
  return q.kind === 'root' ? ctx.loaders.customerCount(q.filter) : ctx.loaders.officerCustomerCount.load(q.officerId);
}

/** The count does not depend on the page: started with it when the query asks for it, not after it. */
function startCountIfAsked(ctx: AppContext, info: GraphQLResolveInfo, q: CustomerListQuestion): void {
  if (selectedFields(info).has('totalCount')) prefetch(() => customerTotalCount(ctx, q));
}

/** `readIds`: the ids of every row the page read, in list order, customers Django no longer has included. */
function connection(
  question: CustomerListQuestion,
  order: string,
  customers: readonly Customer[],
  readIds: readonly string[],
  hasNextPage: boolean,
  hadAfter: boolean,
): CustomerConnection {
  const cursorOf = (id: string): string => encodeCursor(order, { value: null, id });
  const edges = customers.map((node) => new CustomerEdge(node, () => cursorOf(node.id)));
  return Object.assign(new CustomerConnection(), {
    question,
    edges,
    nodes: [...customers],
    pageInfo: pageInfo(
      boundaryCursors(readIds, cursorOf),
      hasNextPage,
      hadAfter,
    ),
  });
}

export async function rootCustomerConnection(
  ctx: AppContext,
  info: GraphQLResolveInfo,
  question: Extract<CustomerListQuestion, { kind: 'root' }>,
  args: { direction: SortDirection; first?: number | null; after?: string | null },
): Promise<CustomerConnection> {
  const order = `customer:id:${args.direction}`;
  const first = parseFirst('first', args.first, ctx.maxPageSize);
  const after = decodeCursor('after', args.after, order, BY_ID_ALONE);
  startCountIfAsked(ctx, info, question);
  const rows = await ctx.loaders.customerPage({ filter: question.filter, direction: args.direction, afterId: after?.id ?? null, limit: first + 1 });
  const page = pageOf(rows, first);
  return connection(
    question,
    order,
    page.rows.map((r) => new Customer(r)),
    page.rows.map((r) => r.id),
    page.hasNextPage,
    after !== null,
  );
}

export async function officerCustomerConnection(
  ctx: AppContext,
  info: GraphQLResolveInfo,
  officerId: string,
  args: { first?: number | null; after?: string | null },
): Promise<CustomerConnection> {
  const order = `officer-customer:id:${SortDirection.ASC}`;
  const first = parseFirst('first', args.first, ctx.maxPageSize);
  const after = decodeCursor('after', args.after, order, BY_ID_ALONE);
  startCountIfAsked(ctx, info, { kind: 'officer', officerId });
  const ids = await ctx.loaders.officerCustomerIds({ afterId: after?.id ?? null, first }).load(officerId);
  const page = pageOf(ids, first);
  const rows = await ctx.loaders.customer.loadMany(page.rows);
  const customers: Customer[] = [];
  for (const row of rows) {
    if (row instanceof Error) throw row;
    if (row !== null) customers.push(new Customer(row));
  }
  return connection({ kind: 'officer', officerId }, order, customers, page.rows, page.hasNextPage, after !== null);
}
