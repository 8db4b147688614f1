/** Daily collections for the Collections Control Centre charts (§4.6, §6 row 16): one seedsmetrics statement. */
import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../src/context';
import { RepaymentPeriod } from './enums';
import { LoanFilterInput, parseLoanFilter } from './loan.args';
import { DateScalar, DecimalScalar } from './scalars';

@ObjectType({ description: 'Counted repayments of one business date, split by channel (payment method).' })
export class DailyCollection {
  @Field(() => DateScalar)
  date: string;

  @Field(() => DecimalScalar)
  collectedAmount: string;

  @Field(() => Int)
  repaymentsCount: number;

  @Field(() => DecimalScalar)
  agentDebitAmount: string;

  @Field(() => DecimalScalar)
  transferAmount: string;

  @Field(() => DecimalScalar)
  escrowDebitAmount: string;

  @Field(() => DecimalScalar, { description: 'Every other method, blank or missing included.' })
  otherAmount: string;
}

@Resolver()
export class CollectionsResolver {
  @Query(() => [DailyCollection], {
    description: 'Counted repayments per business date of the period (every day present, oldest first) for the loans matching the filter (dashboard-visible officers by default).',
  })
  async dailyCollections(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => LoanFilterInput, { nullable: true }) filter?: LoanFilterInput | null,
    @Arg('period', () => RepaymentPeriod, { nullable: true, description: 'Default: filter.period, else LAST_7_DAYS.' }) period?: RepaymentPeriod | null,
  ): Promise<DailyCollection[]> {
    const parsed = parseLoanFilter('filter', filter, { visibleOfficersOnly: true });
    const window = period ?? filter?.period ?? RepaymentPeriod.LAST_7_DAYS;
    const rows = await ctx.loaders.dailyCollections(parsed.filter, window);
    return rows.map((r) => Object.assign(new DailyCollection(), r));
  }
}
