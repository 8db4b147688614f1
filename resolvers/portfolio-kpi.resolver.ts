/** The KPI strip (§4.5): one seedsmetrics statement, and the top officer from Django. */
import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../src/context';
import { Wave } from './enums';
import { loadOfficer, Officer } from './officer.type';
import { PortfolioKpis } from './portfolio-kpi.type';

@Resolver(() => PortfolioKpis)
export class PortfolioKpiResolver {
  @Query(() => PortfolioKpis, { description: 'KPI strip (§4.5) over the dashboard-visible officers; `regions` narrows only the DPD tile.' })
  async portfolioKpis(
    @Ctx() ctx: AppContext,
    @Arg('wave', () => Wave, { nullable: true, description: 'Only the loans of this wave; leave out for all.' }) wave?: Wave | null,
    @Arg('regions', () => [String], { nullable: true, description: 'Curated regions the DPD tile (totalDpdLoansCount, totalDpdActualOutstanding) counts; leave out for all (an empty list counts none).' }) regions?: string[] | null,
  ): Promise<PortfolioKpis> {
    const row = await ctx.loaders.portfolioKpis(wave ?? null, regions ?? null);
    return Object.assign(new PortfolioKpis(), row);
  }

  @FieldResolver(() => Officer, { nullable: true, description: 'The officer with the highest AYR (> 0).' })
  async topOfficer(@Root() kpis: PortfolioKpis, @Ctx() ctx: AppContext): Promise<Officer | null> {
    return loadOfficer(ctx.loaders, kpis.topOfficerId);
  }
}
