/** Lazy fields of connections: counts and the loans summary cost a statement only when a query asks for them. */
import type { GraphQLResolveInfo } from 'graphql';
import { Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { SUMMARY_REPAYMENT_FIELDS } from '../loaders/loan-page.metrics';
import type { AppContext } from '../src/context';
import { CustomerConnection, LoanConnection, OfficerConnection } from './connections.type';
import { LoanSummary, RepaymentsByDjangoStatus } from './loan-summary.type';
import { selectsAnyOf } from './selection';

@Resolver(() => LoanConnection)
export class LoanConnectionResolver {
  @FieldResolver(() => Int, { description: 'Number of loans matching the filter (all pages).' })
  totalCount(@Root() connection: LoanConnection, @Ctx() ctx: AppContext): Promise<number> {
    const q = connection.question;
    return ctx.loaders.loanCounts(q.parent, q.filter).load(q.parentId);
  }

  @FieldResolver(() => LoanSummary, { nullable: true, description: 'The loans summary (§4.6) over every matching loan; top-level lists only (null on nested lists).' })
  async summary(@Root() connection: LoanConnection, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Promise<LoanSummary | null> {
    const q = connection.question;
    if (q.parent !== null) return null;
    // The repayment totals join the period's repayments; a dashboard asking only loan aggregates skips that.
    const row = await ctx.loaders.loanSummary(q.filter, q.period, selectsAnyOf(info, SUMMARY_REPAYMENT_FIELDS));
    return Object.assign(new LoanSummary(), {
      ...row,
      repaymentsByDjangoStatus: row.repaymentsByDjangoStatus?.map((r) => Object.assign(new RepaymentsByDjangoStatus(), r)) ?? null,
    });
  }
}

@Resolver(() => OfficerConnection)
export class OfficerConnectionResolver {
  @FieldResolver(() => Int, { description: 'Number of officers matching the filter (all pages).' })
  totalCount(@Root() connection: OfficerConnection, @Ctx() ctx: AppContext): Promise<number> {
    return ctx.loaders.officerCount(connection.filter);
  }
}

@Resolver(() => CustomerConnection)
export class CustomerConnectionResolver {
  @FieldResolver(() => Int, { description: 'Number of customers matching the filter (all pages).' })
  totalCount(@Root() connection: CustomerConnection, @Ctx() ctx: AppContext): Promise<number> {
    const q = connection.question;
    return q.kind === 'root' ? ctx.loaders.customerCount(q.filter) : ctx.loaders.officerCustomerCount.load(q.officerId);
  }
}
