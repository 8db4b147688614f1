/**
 * The Collections Control Centre (§4.6, §6 rows 14-19): daily collections, the branch and officer leaderboards,
 * agent activity tiles and details, and the repayment watch. Each is one seedsmetrics statement over the filtered
 * loans (dashboard-visible officers by default); rows about an officer resolve `officer` live from Django, batched.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Extensions, Info, Query, Resolver } from 'type-graphql';
import { AGENT_ACTIVITY_CATEGORIES, type AgentActivityCategoryKey } from '../loaders/agent-activity.metrics';
import type { CollectionsGrouping } from '../loaders/collections-leaderboard.metrics';
import type { LoanFilter } from '../loaders/loan-filter';
import { withPhoneCustomers } from './phone-filter';
import { UNPAGED_LIST } from '../src/complexity';
import type { AppContext } from '../src/context';
import {
  AgentActivity,
  AgentActivityCategory,
  AgentActivityTiles,
  CollectionsBoard,
  CollectionsOrder,
  CollectionsOrderField,
  CollectionsStanding,
  CollectionsSummary,
  DailyCollection,
  DailyAmount,
  RepaymentWatch,
} from './collections.type';
import { RepaymentPeriod, SortDirection, Wave } from './enums';
import { LoanFilterInput, parseLoanFilter } from './loan.args';
import { preloadOfficers, type Officer } from './officer.type';
import type { Preloaded } from './preloaded';
import { fieldsBelow, selectedFields } from './selection';

/** The tile of each category. */
const TILE_OF: Readonly<Record<AgentActivityCategoryKey, Exclude<keyof AgentActivityTiles, 'officers'>>> = {
  CRITICAL_NO_COLLECTION: 'criticalNoCollection',
  STOPPED_COLLECTING: 'stoppedCollecting',
  SEVERE_DECLINE: 'severeDecline',
  NOT_YET_STARTED_TODAY: 'notYetStartedToday',
  STRONG_GROWTH: 'strongGrowth',
  STARTED_TODAY: 'startedToday',
};

const FILTER_DESCRIPTION = 'Loans counted (§4.7); dashboard-visible officers only unless filter.visibleOfficersOnly is false.';

/** The leaderboards are whole lists (no pages), so their order needs no warning about cursors. */
const LEADERBOARD_ORDER_DESCRIPTION = 'Sort column and direction; leave out for highest NPL ratio first. Ties: by branch, or officer id, in the same direction.';

/**
 * The officers of rows about officers, read ahead when the query shows `officer` on them (`rowPath`: the fields from
 * the resolved field down to the rows); undefined when it does not, and no officer is read.
 */
async function officersShown(ctx: AppContext, info: GraphQLResolveInfo, rowPath: readonly string[], ids: readonly (string | null)[]): Promise<Preloaded<Officer> | undefined> {
  let rowFields = selectedFields(info);
  for (const name of rowPath) rowFields = fieldsBelow(rowFields.get(name) ?? [], info);
  const officerNodes = rowFields.get('officer');
  return officerNodes === undefined ? undefined : preloadOfficers(ctx.loaders, ids, fieldsBelow(officerNodes, info));
}

/** A collections filter: the loan filter grammar, dashboard-visible officers by default (§4.7 population rules). */
function collectionsFilter(ctx: AppContext, input: LoanFilterInput | null | undefined): Promise<LoanFilter> {
  return withPhoneCustomers(ctx, parseLoanFilter('filter', input, { visibleOfficersOnly: true }));
}

@Resolver()
export class CollectionsResolver {
  @Query(() => [DailyCollection], {
    description: 'Counted repayments per business date of the period (every day present, oldest first) for the loans matching the filter (dashboard-visible officers by default).',
  })
  async dailyCollections(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
    @Arg('period', () => RepaymentPeriod, { nullable: true, description: 'Default: filter.period, else LAST_7_DAYS.' }) period?: RepaymentPeriod | null,
  ): Promise<DailyCollection[]> {
    const window = period ?? filter?.period ?? RepaymentPeriod.LAST_7_DAYS;
    const rows = await ctx.loaders.dailyCollections(await collectionsFilter(ctx, filter), window);
    return rows.map((r) => Object.assign(new DailyCollection(), r));
  }

  @Query(() => CollectionsBoard, { description: "Collections leaderboard by branch (§6 row 14): today's collections against what was due; highest NPL ratio first by default." })
  collectionsByBranch(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
    @Arg('orderBy', () => CollectionsOrder, { nullable: true, description: LEADERBOARD_ORDER_DESCRIPTION }) orderBy?: CollectionsOrder | null,
  ): Promise<CollectionsBoard> {
    return leaderboard(ctx, info, 'branch', filter, orderBy);
  }

  @Query(() => CollectionsBoard, { description: "Collections leaderboard by officer (§6 row 15): today's collections against what was due; highest NPL ratio first by default." })
  collectionsByOfficer(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
    @Arg('orderBy', () => CollectionsOrder, { nullable: true, description: LEADERBOARD_ORDER_DESCRIPTION }) orderBy?: CollectionsOrder | null,
  ): Promise<CollectionsBoard> {
    return leaderboard(ctx, info, 'officer', filter, orderBy);
  }

  @Query(() => AgentActivityTiles, { description: 'Officers per agent-activity category over the last seven calendar days (§6 row 17).' })
  async agentActivityTiles(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
  ): Promise<AgentActivityTiles> {
    const rows = await ctx.loaders.agentActivity(await collectionsFilter(ctx, filter));
    const tiles = Object.assign(new AgentActivityTiles(), { officers: rows.length });
    for (const category of AGENT_ACTIVITY_CATEGORIES) tiles[TILE_OF[category]] = rows.filter((r) => r.categories.includes(category)).length;
    return tiles;
  }

  @Extensions({ [UNPAGED_LIST]: true })
  @Query(() => [AgentActivity], {
    description: 'Officers with at least one filtered loan and their last seven calendar days of collections (§6 row 18), most collected first, then by name.',
  })
  async agentActivity(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('category', () => AgentActivityCategory, { nullable: true, description: 'Only the officers in this category (a tile); all when absent.' })
    category?: AgentActivityCategory | null,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
  ): Promise<AgentActivity[]> {
    const rows = await ctx.loaders.agentActivity(await collectionsFilter(ctx, filter));
    const shown = category === null || category === undefined ? rows : rows.filter((r) => r.categories.includes(category));
    const officers = await officersShown(ctx, info, [], shown.map((r) => r.officerId));
    return shown.map((r) => Object.assign(new AgentActivity(ctx.loaders, officers), r, { daily: r.daily.map((d) => Object.assign(new DailyAmount(), d)) }));
  }

  @Extensions({ [UNPAGED_LIST]: true })
  @Query(() => [RepaymentWatch], {
    description: 'Per officer, the open loans (Django status OPEN or PAST_MATURITY) and how many were repaid today (§6 row 19), most open loans first. Wave 2 loans unless filter.waves says otherwise.',
  })
  async repaymentWatch(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => LoanFilterInput, { nullable: true, description: FILTER_DESCRIPTION }) filter?: LoanFilterInput | null,
  ): Promise<RepaymentWatch[]> {
    const loans = await collectionsFilter(ctx, filter);
    const rows = await ctx.loaders.repaymentWatch({ ...loans, waves: loans.waves ?? [Wave.WAVE_2] });
    const officers = await officersShown(ctx, info, [], rows.map((r) => r.officerId));
    return rows.map((r) => Object.assign(new RepaymentWatch(ctx.loaders, officers), r));
  }
}

async function leaderboard(
  ctx: AppContext,
  info: GraphQLResolveInfo,
  grouping: CollectionsGrouping,
  filter: LoanFilterInput | null | undefined,
  orderBy: CollectionsOrder | null | undefined,
): Promise<CollectionsBoard> {
  const rows = await ctx.loaders.collectionsLeaderboard(
    grouping,
    await collectionsFilter(ctx, filter),
    orderBy?.field ?? CollectionsOrderField.NPL_RATIO,
    orderBy?.direction ?? SortDirection.DESC,
  );
  const first = rows[0];
  const officerIdOf = (key: string): string | null => (grouping === 'officer' ? key : null);
  const officers = await officersShown(ctx, info, ['standings'], rows.map((r) => officerIdOf(r.key)));
  return Object.assign(new CollectionsBoard(), {
    standings: rows.map(({ key, summaryPortfolio, summaryDueToday, summaryCollectedToday, summaryMissedToday, summaryRateToday, ...figures }) =>
      Object.assign(new CollectionsStanding(ctx.loaders, officers), figures, { officerId: officerIdOf(key) }),
    ),
    summary: Object.assign(new CollectionsSummary(), {
      groups: rows.length,
      totalPortfolio: first?.summaryPortfolio ?? '0.00',
      totalDueToday: first?.summaryDueToday ?? '0.00',
      totalCollectedToday: first?.summaryCollectedToday ?? '0.00',
      totalMissedToday: first?.summaryMissedToday ?? '0.00',
      collectionRateToday: first?.summaryRateToday ?? '0.00000000',
    }),
  });
}
