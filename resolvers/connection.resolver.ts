/** Lazy fields of connections: counts and the loans summary cost a statement only when a query asks for them. */
import { Ctx, Extensions, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { SEPARATE_READ } from '../src/complexity';
import type { AppContext } from '../src/context';
import { CustomerConnection, LoanConnection, OfficerConnection } from './connections.type';
import { customerTotalCount } from './customer-list';
import { loanSummaryRow, loanTotalCount } from './loan-list';
import { LoanSummary, RepaymentsByDjangoStatus } from './loan-summary.type';

@Resolver(() => LoanConnection)
export class LoanConnectionResolver {
  @Extensions({ [SEPARATE_READ]: true })
  @FieldResolver(() => Int, { description: 'Number of loans matching the filter (all pages).' })
  totalCount(@Root() connection: LoanConnection, @Ctx() ctx: AppContext): Promise<number> {
    return loanTotalCount(ctx, connection.question);
  }

  @Extensions({ [SEPARATE_READ]: true })
  @FieldResolver(() => LoanSummary, { nullable: true, description: 'The loans summary (§4.6) over every matching loan; top-level lists only (null on nested lists).' })
  async summary(@Root() connection: LoanConnection, @Ctx() ctx: AppContext): Promise<LoanSummary | null> {
    // Only the asked fields are computed: a dashboard asking a few loan aggregates skips the rest and the repayments.
    const row = await loanSummaryRow(ctx, connection.question);
    if (row === null) return null;
    return Object.assign(new LoanSummary(), {
      ...row,
      repaymentsByDjangoStatus: row.repaymentsByDjangoStatus?.map((r) => Object.assign(new RepaymentsByDjangoStatus(), r)) ?? null,
    });
  }
}

@Resolver(() => OfficerConnection)
export class OfficerConnectionResolver {
  @Extensions({ [SEPARATE_READ]: true })
  @FieldResolver(() => Int, { description: 'Number of officers matching the filter (all pages).' })
  totalCount(@Root() connection: OfficerConnection, @Ctx() ctx: AppContext): Promise<number> {
    return ctx.loaders.officerCount(connection.filter);
  }
}

@Resolver(() => CustomerConnection)
export class CustomerConnectionResolver {
  @Extensions({ [SEPARATE_READ]: true })
  @FieldResolver(() => Int, { description: 'Number of customers matching the filter (all pages).' })
  totalCount(@Root() connection: CustomerConnection, @Ctx() ctx: AppContext): Promise<number> {
    return customerTotalCount(ctx, connection.question);
  }
}
