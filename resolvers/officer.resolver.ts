/** Officer queries (one officer, lists) and the officer's loans, customers, portfolio metrics and riskiest loans. */
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../src/context';
import { officerSortSpec } from '../loaders/officer.metrics';
import { OFFICER_PORTFOLIO_FIELDS, type OfficerPortfolioField } from '../loaders/officer-portfolio.metrics';
import { CustomerConnection, LoanConnection, OfficerConnection, OfficerEdge, TopRiskLoan } from './connections.type';
import { officerCustomerConnection } from './customer-list';
import { Wave } from './enums';
import { parseId } from './ids';
import { LoanListArgs } from './loan.args';
import { filteredLoanConnection, loadLoans } from './loan-list';
import { OfficerFilterInput, OfficerOrder, parseOfficerFilter, parseOfficerOrder } from './officer.args';
import { Officer, OFFICER_HIERARCHY_FIELDS } from './officer.type';
import { fieldsBelow, nodeFieldsBelow, prefetch, selectedFields } from './selection';
import { boundaryCursors, CursorArgs, decodeCursor, encodeCursor, LIST_ARG_DOCS, pageInfo, pageOf, parseBoundedInt, parseFirst } from './pagination';
import { OfficerPortfolio } from './officer-portfolio.type';
import { loadSyncReports, SyncReport, SYNC_REPORTS_DESCRIPTION } from './sync-report.type';

/** §4.6: top-risk loans default to 20, at most 100. */
export const TOP_RISK_MAX = 100;

@Resolver(() => Officer)
export class OfficerResolver {
  @Query(() => Officer, { nullable: true, description: 'An officer by Django user id; null when Django has no such user.' })
  async officer(@Arg('id', () => ID, { description: 'Django user id.' }) id: string, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Promise<Officer | null> {
    const officerId = parseId('id', id);
    // The seedsmetrics rows are keyed by the same id: read them alongside the Django row instead of after it.
    const fields = selectedFields(info);
    const asksHierarchy = OFFICER_HIERARCHY_FIELDS.some((name) => fields.has(name));
    allWavePortfolioFields(fields, info).forEach((portfolioFields, i) => {
      if (i === 0 && asksHierarchy) ctx.loaders.prefetchOfficerProfile(officerId, portfolioFields);
      else prefetch(() => ctx.loaders.officerPortfolio(null, portfolioFields).load(officerId));
    });
    const hierarchy = asksHierarchy ? ctx.loaders.officerHierarchy.load(officerId) : undefined;
    hierarchy?.catch(() => undefined);
    const row = await ctx.loaders.officer.load(officerId);
    if (row === null) return null;
    // Handed over, the hierarchy fields resolve synchronously; on a failure each of them reports it instead.
    return new Officer(row, ctx.loaders, hierarchy === undefined ? undefined : await hierarchy.catch(() => undefined));
  }

  @Query(() => OfficerConnection, {
    description:
      'Officers known to seedsmetrics (every active Django user, plus inactive ones that loans reference or that were synced while active), ' +
      'by name unless ordered otherwise. Ids Django does not have (placeholders for loans whose officer it lacks, §8.23) are left out of ' +
      'the page, which may then hold fewer than `first` (pageInfo.hasNextPage still says whether more follow), while totalCount counts them.',
  })
  async officers(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() cursor: CursorArgs,
    @Arg('filter', () => OfficerFilterInput, { nullable: true, description: 'Officer filters; leave out for every dashboard-visible officer.' }) filter?: OfficerFilterInput | null,
    @Arg('orderBy', () => OfficerOrder, { nullable: true, description: LIST_ARG_DOCS.orderBy }) orderBy?: OfficerOrder | null,
  ): Promise<OfficerConnection> {
    const parsedFilter = parseOfficerFilter('filter', filter);
    const { sort, direction, wave } = parseOfficerOrder('orderBy', orderBy);
    // A cursor of one wave's order must not continue another's.
    const order = wave === null ? `officer:${sort}:${direction}` : `officer:${sort}:${direction}:${wave}`;
    const size = parseFirst('first', cursor.first, ctx.maxPageSize);
    const position = decodeCursor('after', cursor.after, order, officerSortSpec(sort));
    const connectionFields = selectedFields(info);
    // The count does not depend on the page, and the portfolio metrics only on its ids: started early, they run
    // alongside the page and the Django rows instead of after them.
    if (connectionFields.has('totalCount')) prefetch(() => ctx.loaders.officerCount(parsedFilter));
    const portfolioSelections = allWavePortfolioFields(nodeFieldsBelow(connectionFields, info), info);
    // A page sorted on one wave's metrics computes that wave's, not the all-wave ones `portfolio` shows.
    const portfolioFields = wave !== null ? [] : OFFICER_PORTFOLIO_FIELDS.filter((field) => portfolioSelections.some((fields) => fields.includes(field)));
    const rows = await ctx.loaders.officerPage({ filter: parsedFilter, sort, direction, wave, after: position, first: size, portfolioFields });
    const page = pageOf(rows, size);
    for (const fields of portfolioSelections) {
      for (const row of page.rows) prefetch(() => ctx.loaders.officerPortfolio(null, fields).load(row.officerId));
    }
    const bases = await ctx.loaders.officer.loadMany(page.rows.map((r) => r.officerId));
    const cursorOf = (row: (typeof page.rows)[number]): string => encodeCursor(order, { value: row.sortKey, id: row.officerId });
    const edges: OfficerEdge[] = [];
    page.rows.forEach((row, i) => {
      const base = bases[i];
      if (base instanceof Error) throw base;
      // An officer Django no longer has is left out: a node always has its base fields.
      if (base === null || base === undefined) return;
      edges.push(new OfficerEdge(new Officer(base, ctx.loaders, row), () => cursorOf(row)));
    });
    return Object.assign(new OfficerConnection(), {
      filter: parsedFilter,
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: pageInfo(
        boundaryCursors(page.rows, cursorOf),
        page.hasNextPage,
        position !== null,
      ),
    });
  }

  @FieldResolver(() => [SyncReport], { description: SYNC_REPORTS_DESCRIPTION })
  syncReports(@Root() officer: Officer, @Ctx() ctx: AppContext): Promise<SyncReport[]> {
    return loadSyncReports(ctx.loaders, 'officer', officer.id);
  }

  @FieldResolver(() => LoanConnection, { description: "The officer's synced loans (every status and user type unless filtered), newest disbursement first." })
  loans(
    @Root() officer: Officer,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: LoanListArgs,
  ): Promise<LoanConnection> {
    return filteredLoanConnection(ctx, info, { parent: 'officer', parentId: officer.id, visibleOfficersOnly: false }, args);
  }

  @FieldResolver(() => CustomerConnection, { description: "Customers of the officer's synced loans, by id." })
  customers(
    @Root() officer: Officer,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: CursorArgs,
  ): Promise<CustomerConnection> {
    return officerCustomerConnection(ctx, info, officer.id, page);
  }

  @FieldResolver(() => OfficerPortfolio, { description: 'Portfolio metrics of §4.4 over the officer\'s loans (optionally one wave).' })
  async portfolio(
    @Root() officer: Officer,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('wave', () => Wave, { nullable: true, description: "Only the officer's loans of this wave; leave out for all." }) wave?: Wave | null,
  ): Promise<OfficerPortfolio> {
    // Only the metrics shown are computed (PostgreSQL then skips the aggregates nothing uses).
    const row = await ctx.loaders.officerPortfolio(wave ?? null, portfolioFieldsOf(info.fieldNodes, info)).load(officer.id);
    if (row === null) throw new Error(`officer portfolio query returned no row for officer ${officer.id}`);
    return Object.assign(new OfficerPortfolio(), row);
  }

  @FieldResolver(() => [TopRiskLoan], { description: 'The riskiest Active loans (§4.6), highest score first.' })
  async topRiskLoans(
    @Root() officer: Officer,
    @Ctx() ctx: AppContext,
    @Arg('limit', () => Int, { defaultValue: 20, description: 'How many loans (1-100).' }) limit: number,
  ): Promise<TopRiskLoan[]> {
    const rows = await ctx.loaders.topRiskLoans(parseBoundedInt('limit', limit, 1, TOP_RISK_MAX)).load(officer.id);
    const loans = await loadLoans(ctx, rows);
    return rows.flatMap((r) => {
      const loan = loans.get(r.loanId);
      return loan === undefined ? [] : [Object.assign(new TopRiskLoan(), { loan, riskScore: r.riskScore, riskCategory: r.riskCategory })];
    });
  }
}

/** The metrics a `portfolio` selection shows. */
function portfolioFieldsOf(nodes: readonly FieldNode[], info: Pick<GraphQLResolveInfo, 'fragments'>): OfficerPortfolioField[] {
  const shown = fieldsBelow(nodes, info);
  return OFFICER_PORTFOLIO_FIELDS.filter((field) => shown.has(field));
}

/**
 * The metrics of each all-wave `portfolio` (no wave argument) an officer selection asks, one list per response
 * key, as graphql-js will resolve them: what officer lookups and lists can start reading early.
 */
function allWavePortfolioFields(officerFields: Map<string, FieldNode[]>, info: Pick<GraphQLResolveInfo, 'fragments'>): OfficerPortfolioField[][] {
  const byResponseKey = new Map<string, FieldNode[]>();
  for (const node of officerFields.get('portfolio') ?? []) {
    if ((node.arguments ?? []).length > 0) continue;
    const key = node.alias?.value ?? node.name.value;
    byResponseKey.set(key, [...(byResponseKey.get(key) ?? []), node]);
  }
  return [...byResponseKey.values()].map((nodes) => portfolioFieldsOf(nodes, info));
}
