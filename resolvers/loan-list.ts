/**
 * Builds a loan connection: validates the page arguments, asks the loaders for the page (chosen in seedsmetrics),
 * then for the loans' base fields (Django) — both batched across every parent that asks the same question.
 */
import type { AppContext } from '../src/context';
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { LOAN_SORTS, type LoanPageRow, type LoanParent } from '../loaders/loan-page.metrics';
import { LOAN_SUMMARY_FIELDS, type LoanSummaryField, type LoanSummaryRow } from '../loaders/loan-summary.metrics';
import { LOAN_METRICS_FIELDS, type LoanMetricsField, type LoanMetricsPart } from '../loaders/loan.metrics';
import { EVERY_PARTY_FIELD, type LoanParties } from '../loaders/loan.django';
import { customerBaseKeysShown } from './customer.type';
import { officerBaseKeysShown } from './officer.type';
import { LoanConnection, LoanEdge, type LoanListQuestion } from './connections.type';
import { LoanOrderField, SortDirection } from './enums';
import { parseLoanFilter, type LoanListArgs, type LoanOrder, type ParsedLoanFilter } from './loan.args';
import { withPhoneCustomers } from './phone-filter';
import { Loan, LOAN_BASE_FIELDS } from './loan.type';
import { boundaryCursors, decodeCursor, encodeCursor, pageInfo, pageOf, parseFirst } from './pagination';
import type { Preloaded } from './preloaded';
import { fieldsBelow, nodeFieldsBelow, prefetch, selectedFields, selectsAnyOutside } from './selection';

export interface PageArgs<O> {
  orderBy?: O | null;
  first?: number | null;
  after?: string | null;
}

/**
 * Loans for Django ids, read as a list shows them: the Django rows with `parties`' fields of each loan's officer and
 * customer in one batch and, alongside it (not after), the loans' seedsmetrics rows (`metrics`: the rows a caller
 * already has, or their read) and, `withRepaymentsToday`, today's repayments in another batch. Each loan is handed
 * its values so its fields resolve without a promise: a promise per row makes graphql-js complete every row through
 * promises of its own (`repaymentsToday` alone was 19 of a 500-loan export page's 48 ms). A seedsmetrics read that
 * failed is left to the loan's fields, which get the failure from the loader and report it. Per id: the loan, null
 * when Django has no such loan, or the Django read's error.
 */
async function readLoans(
  ctx: AppContext,
  ids: readonly string[],
  parties: LoanParties,
  metrics: readonly LoanMetricsPart[] | Promise<(LoanMetricsPart | null | Error)[]> | undefined,
  withRepaymentsToday: boolean,
): Promise<(Loan | null | Error)[]> {
  const today = withRepaymentsToday ? ctx.loaders.repaymentsToday.loadMany(ids) : undefined;
  const rows = await ctx.loaders.loanWithParties(parties).loadMany(ids);
  const [metricsRows, todayRows] = await Promise.all([metrics, today]);
  return rows.map((row, i) => {
    if (row instanceof Error || row === null) return row;
    const metricsRow = metricsRows?.[i];
    const todayRow = todayRows?.[i];
    const repaymentsToday = todayRow === undefined || todayRow instanceof Error ? undefined : (todayRow?.amount ?? null);
    return new Loan(row, ctx.loaders, metricsRow instanceof Error ? undefined : metricsRow, repaymentsToday);
  });
}

/**
 * Loan nodes for seedsmetrics rows (readLoans, their computed fields from the rows themselves). Ids Django no longer
 * knows (deleted since the last sync) are dropped: a node always has its base fields.
 */
export async function loadLoans(
  ctx: AppContext,
  metricsRows: readonly LoanMetricsPart[],
  parties: LoanParties = EVERY_PARTY_FIELD,
  withRepaymentsToday = false,
): Promise<Map<string, Loan>> {
  const loans = new Map<string, Loan>();
  for (const loan of await readLoans(ctx, metricsRows.map((r) => r.loanId), parties, metricsRows, withRepaymentsToday)) {
    if (loan instanceof Error) throw loan;
    if (loan !== null) loans.set(loan.id, loan);
  }
  return loans;
}

/** Loan fields resolved through loaders of their own (not the seedsmetrics loan row). */
const LOAN_RELATION_FIELDS = ['officer', 'customer', 'repayments', 'repaymentsToday', 'dpdHistory', 'transitions', 'syncReports', 'repaymentSyncReports'];

/**
 * Loans by Django id as a query shows them (`loanFields`: what it selects on Loan), through readLoans: only the
 * officer's and customer's fields shown and, when a computed field is shown, only those seedsmetrics columns.
 */
export async function preloadLoans(ctx: AppContext, ids: readonly string[], loanFields: Map<string, FieldNode[]>, info: Pick<GraphQLResolveInfo, 'fragments'>): Promise<Preloaded<Loan>> {
  const asksSeedsmetrics = selectsAnyOutside(loanFields, [...LOAN_BASE_FIELDS, ...LOAN_RELATION_FIELDS]);
  const metrics = asksSeedsmetrics ? ctx.loaders.loanMetricsWith(loanMetricsFieldsAsked(loanFields)).loadMany(ids) : undefined;
  const loans = await readLoans(ctx, ids, loanPartiesShown(loanFields, info), metrics, loanFields.has('repaymentsToday'));
  return new Map(ids.map((id, i) => [id, loans[i]!]));
}

export async function loanConnection(
  ctx: AppContext,
  info: GraphQLResolveInfo,
  scope: Pick<LoanListQuestion, 'parent' | 'parentId'> & ParsedLoanFilter,
  args: PageArgs<LoanOrder>,
  defaultOrder: { field: LoanOrderField; direction: SortDirection },
): Promise<LoanConnection> {
  const sort = args.orderBy?.field ?? defaultOrder.field;
  const direction = args.orderBy?.direction ?? defaultOrder.direction;
  const order = `loan:${sort}:${direction}`;
  const first = parseFirst('first', args.first, ctx.maxPageSize);
  const after = decodeCursor('after', args.after, order, LOAN_SORTS[sort]);
  const connectionFields = selectedFields(info);
  const question: LoanListQuestion = {
    parent: scope.parent,
    parentId: scope.parentId,
    // A phone filter is looked up in Django first (resolvers/phone-filter.ts), once the arguments are known good.
    filter: await withPhoneCustomers(ctx, scope),
    period: scope.period,
    summaryFields: scope.parent === null ? summaryFieldsAsked(connectionFields, info) : undefined,
  };
  // The count and the summary do not depend on the page: started now, they run alongside it instead of after it.
  if (connectionFields.has('totalCount')) prefetch(() => loanTotalCount(ctx, question));
  if (connectionFields.has('summary')) prefetch(() => loanSummaryRow(ctx, question));
  // The rows carry only the computed fields the nodes show: a 100-row page of a few columns need not read all 44;
  // likewise its loans' officers and customers.
  const nodeFields = nodeFieldsBelow(connectionFields, info);
  const fields = loanMetricsFieldsAsked(nodeFields);
  const rows = await ctx.loaders.loanPages(question.parent, { filter: question.filter, sort, direction, after, first, fields }).load(question.parentId);
  const page = pageOf(rows, first);
  const loans = await loadLoans(ctx, page.rows, loanPartiesShown(nodeFields, info), nodeFields.has('repaymentsToday'));
  const cursorOf = (row: LoanPageRow): string => encodeCursor(order, { value: row.sortKey, id: row.loanId });
  const edges: LoanEdge[] = [];
  for (const row of page.rows) {
    const node = loans.get(row.loanId);
    if (node === undefined) continue;
    edges.push(new LoanEdge(node, () => cursorOf(row)));
  }
  return Object.assign(new LoanConnection(), {
    question,
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: pageInfo(
      boundaryCursors(page.rows, cursorOf),
      page.hasNextPage,
      after !== null,
    ),
  });
}

/** The officer and customer fields loans show (through every `officer` and `customer` selection of them). */
export function loanPartiesShown(nodeFields: Map<string, FieldNode[]>, info: Pick<GraphQLResolveInfo, 'fragments'>): LoanParties {
  return {
    officer: officerBaseKeysShown(fieldsBelow(nodeFields.get('officer') ?? [], info)),
    customer: customerBaseKeysShown(fieldsBelow(nodeFields.get('customer') ?? [], info)),
  };
}

/** Number of loans a list's question matches (all pages). */
export async function loanTotalCount(ctx: AppContext, q: LoanListQuestion): Promise<number> {
  // The summary statement the query runs anyway counts the same loans.
  if (q.summaryFields?.includes('totalLoans')) return (await ctx.loaders.loanSummary(q.filter, q.period, q.summaryFields)).totalLoans!;
  return ctx.loaders.loanCounts(q.parent, q.filter).load(q.parentId);
}

/** The loans summary of a root list's question, only the asked fields computed; null on nested lists. */
export async function loanSummaryRow(ctx: AppContext, q: LoanListQuestion): Promise<LoanSummaryRow | null> {
  if (q.parent !== null) return null;
  return ctx.loaders.loanSummary(q.filter, q.period, q.summaryFields ?? []);
}

/** The seedsmetrics loan fields a selection of Loan fields shows (the Loan fields named after them), in row order. */
export function loanMetricsFieldsAsked(loanFields: Map<string, FieldNode[]>): LoanMetricsField[] {
  return LOAN_METRICS_FIELDS.filter((field) => loanFields.has(field));
}

/**
 * The summary fields a root loan list's query asks (every `summary` selection of the connection, aliases and
 * fragments included), plus totalLoans when it also asks totalCount; undefined when it asks no summary.
 */
function summaryFieldsAsked(connectionFields: Map<string, FieldNode[]>, info: GraphQLResolveInfo): LoanSummaryField[] | undefined {
  const summaries = connectionFields.get('summary');
  if (summaries === undefined) return undefined;
  const asked = fieldsBelow(summaries, info);
  if (connectionFields.has('totalCount')) asked.set('totalLoans', []);
  return LOAN_SUMMARY_FIELDS.filter((field) => asked.has(field));
}

/** The default order of loan lists: newest disbursement first. */
export const BY_DISBURSEMENT_DESC = { field: LoanOrderField.DISBURSEMENT_DATE, direction: SortDirection.DESC };

/**
 * A loan list as the `loans` fields take it: the caller's `filter` argument parsed (defaulting to dashboard-visible
 * officers only when `visibleOfficersOnly`), under a parent (null with parentId '' for the root list), newest
 * disbursement first unless ordered otherwise.
 */
export function filteredLoanConnection(
  ctx: AppContext,
  info: GraphQLResolveInfo,
  scope: { parent: LoanParent | null; parentId: string; visibleOfficersOnly: boolean },
  args: LoanListArgs,
): Promise<LoanConnection> {
  const parsed = parseLoanFilter('filter', args.filter, { visibleOfficersOnly: scope.visibleOfficersOnly });
  return loanConnection(ctx, info, { parent: scope.parent, parentId: scope.parentId, ...parsed }, args, BY_DISBURSEMENT_DESC);
}
