/** Customer queries (one customer, list) and the customer's loans. */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../src/context';
import { CustomerConnection, LoanConnection } from './connections.type';
import { CustomerFilterInput, parseCustomerFilter } from './customer.args';
import { rootCustomerConnection } from './customer-list';
import { Customer } from './customer.type';
import { SortDirection } from './enums';
import { parseId } from './ids';
import { LoanListArgs } from './loan.args';
import { filteredLoanConnection } from './loan-list';
import { CursorArgs } from './pagination';
import { loadSyncReports, SyncReport, SYNC_REPORTS_DESCRIPTION } from './sync-report.type';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { nullable: true, description: 'A customer by Django id; null when Django has no such customer.' })
  async customer(@Arg('id', () => ID, { description: 'Django borrower id.' }) id: string, @Ctx() ctx: AppContext): Promise<Customer | null> {
    const row = await ctx.loaders.customer.load(parseId('id', id));
    return row === null ? null : new Customer(row);
  }

  @Query(() => CustomerConnection, { description: 'Customers, read live from Django, by id.' })
  customers(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() page: CursorArgs,
    @Arg('filter', () => CustomerFilterInput, { nullable: true, description: 'Customer filters; leave out for every customer.' }) filter?: CustomerFilterInput | null,
    @Arg('direction', () => SortDirection, { defaultValue: SortDirection.ASC, description: 'Order by id.' }) direction: SortDirection = SortDirection.ASC,
  ): Promise<CustomerConnection> {
    return rootCustomerConnection(ctx, info, { kind: 'root', filter: parseCustomerFilter('filter', filter) }, { direction, ...page });
  }

  @FieldResolver(() => [SyncReport], { description: SYNC_REPORTS_DESCRIPTION })
  syncReports(@Root() customer: Customer, @Ctx() ctx: AppContext): Promise<SyncReport[]> {
    return loadSyncReports(ctx.loaders, 'customer', customer.id);
  }

  @FieldResolver(() => LoanConnection, { description: "The customer's synced loans (every officer's, unless filtered), newest disbursement first." })
  loans(
    @Root() customer: Customer,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: LoanListArgs,
  ): Promise<LoanConnection> {
    return filteredLoanConnection(ctx, info, { parent: 'customer', parentId: customer.id, visibleOfficersOnly: false }, args);
  }
}
