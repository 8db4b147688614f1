/** Fields of a repayment that come from elsewhere than its seedsmetrics row. */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../src/context';
import { Repayment } from './loan-history.type';
import { loadSyncReports, SyncReport, SYNC_REPORTS_DESCRIPTION } from './sync-report.type';

@Resolver(() => Repayment)
export class RepaymentResolver {
  @FieldResolver(() => [SyncReport], { description: SYNC_REPORTS_DESCRIPTION })
  syncReports(@Root() repayment: Repayment, @Ctx() ctx: AppContext): Promise<SyncReport[]> {
    return loadSyncReports(ctx.loaders, 'repayment', repayment.id);
  }
}
