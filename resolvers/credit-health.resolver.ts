/** Credit health by branch and by vertical lead (§4.6): one seedsmetrics statement each. */
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../src/context';
import type { BranchFilter } from '../loaders/branch.metrics';
import { BranchFilterInput, BranchList, BranchMetrics, BranchOrder, BranchOrderField, BranchSummary, VerticalLeadMetrics } from './credit-health.type';
import { SortDirection } from './enums';

@Resolver()
export class CreditHealthResolver {
  @Query(() => BranchList, { description: 'Credit health by branch (§4.6) over every loan, grouped by branch and region; by branch, then region, unless ordered otherwise.' })
  async branches(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => BranchFilterInput, { nullable: true, description: 'Loan filters; leave out for every loan.' }) filter?: BranchFilterInput | null,
    @Arg('orderBy', () => BranchOrder, { nullable: true, description: 'Sort column and direction; leave out for branch, then region, ascending.' }) orderBy?: BranchOrder | null,
  ): Promise<BranchList> {
    const rows = await ctx.loaders.branches(
      branchFilter(filter),
      orderBy?.field ?? BranchOrderField.BRANCH,
      orderBy?.direction ?? SortDirection.ASC,
    );
    const first = rows[0];
    return Object.assign(new BranchList(), {
      branches: rows.map((r) => Object.assign(new BranchMetrics(), r)),
      summary: Object.assign(new BranchSummary(), {
        totalBranches: rows.length,
        totalPortfolio: first?.summaryTotalPortfolio ?? '0.00',
        totalOverdue15d: first?.summaryTotalOverdue15d ?? '0.00',
        avgPar15Ratio: first?.summaryPar15Ratio ?? '0.00000000',
      }),
    });
  }

  @Query(() => [VerticalLeadMetrics], { description: 'Credit health per vertical lead (§4.6), by name.' })
  async verticalLeads(@Ctx() ctx: AppContext, @Arg('filter', () => BranchFilterInput, { nullable: true, description: 'Loan filters; leave out for every loan.' }) filter?: BranchFilterInput | null): Promise<VerticalLeadMetrics[]> {
    const rows = await ctx.loaders.verticalLeads(branchFilter(filter));
    return rows.map((r) => Object.assign(new VerticalLeadMetrics(), r));
  }
}


function branchFilter(input: BranchFilterInput | null | undefined): BranchFilter {
  const f = input ?? new BranchFilterInput();
  return { branches: f.branches ?? undefined, regions: f.regions ?? undefined, channels: f.channels ?? undefined, waves: f.waves ?? undefined };
}
