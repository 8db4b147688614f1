/** Lazy fields of connections: counts and the loans summary cost a statement only when a query asks for them. */
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../src/context';
import { CustomerConnection, LoanConnection, OfficerConnection } from './connections.type';
import { LoanSummary, RepaymentsByDjangoStatus } from './loan-summary.type';

@Resolver(() => LoanConnection)
export class LoanConnectionResolver {
  @FieldResolver(() => Int, { description: 'Number of loans matching the filter (all pages).' })
  async totalCount(@Root() connection: LoanConnection, @Ctx() ctx: AppContext): Promise<number> {
    const q = connection.question;
    // The summary statement this query runs anyway counts the same loans.
    if (q.summaryFields?.includes('totalLoans')) return (await ctx.loaders.loanSummary(q.filter, q.period, q.summaryFields)).totalLoans!;
    return ctx.loaders.loanCounts(q.parent, q.filter).load(q.parentId);
  }

  @FieldResolver(() => LoanSummary, { nullable: true, description: 'The loans summary (§4.6) over every matching loan; top-level lists only (null on nested lists).' })
  async summary(@Root() connection: LoanConnection, @Ctx() ctx: AppContext): Promise<LoanSummary | null> {
    const q = connection.question;
    if (q.parent !== null) return null;
    // Only the asked fields are computed: a dashboard asking a few loan aggregates skips the rest and the repayments.
    const row = await ctx.loaders.loanSummary(q.filter, q.period, q.summaryFields ?? []);
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
