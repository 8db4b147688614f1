/** Loan queries (one loan, lists, FIMR and early-indicator drilldowns) and the loan's relations. */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { DjangoCustomerRow } from '../loaders/customer.django';
import type { DpdTransitionRow } from '../loaders/dpd-transition.metrics';
import type { DjangoOfficerRow } from '../loaders/officer.django';
import type { AppContext } from '../src/context';
import { EARLY_INDICATOR_DRILLDOWN_BANDS, EARLY_INDICATOR_DRILLDOWN_DPD } from '../src/engine/thresholds';
import { LoanConnection } from './connections.type';
import { Customer, customerBaseKeysShown } from './customer.type';
import { EarlyIndicatorBand, LoanOrderField, SortDirection } from './enums';
import { badUserInput } from '../src/errors';
import { parseId } from './ids';
import { LoanListArgs, parseLoanFilter } from './loan.args';
import { DpdSnapshot, LoanTransition, Repayment } from './loan-history.type';
import { BY_DISBURSEMENT_DESC, filteredLoanConnection, loanConnection, preloadLoans } from './loan-list';
import { Loan } from './loan.type';
import { oncePerFieldPosition, selectedFields } from './selection';
import { loadOfficer, Officer, officerBaseKeysShown } from './officer.type';
import { parseBoundedInt } from './pagination';
import { takePreloaded } from './preloaded';
import { loadSyncReports, SyncReport, SYNC_REPORTS_DESCRIPTION } from './sync-report.type';

const BY_DPD_DESC = { field: LoanOrderField.CURRENT_DPD, direction: SortDirection.DESC };
/** FIMR drilldown default (§6 row 3): open and past-maturity loans only, unless the caller picks statuses. */
const FIMR_DEFAULT_DJANGO_STATUSES = ['OPEN', 'PAST_MATURITY'];

@Resolver(() => Loan)
export class LoanResolver {
  @Query(() => Loan, { nullable: true, description: 'A loan by its Django id; null when Django has no such loan.' })
  async loan(@Arg('id', () => ID, { description: 'Django loan id.' }) id: string, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Promise<Loan | null> {
    const loanId = parseId('id', id);
    return takePreloaded(await preloadLoans(ctx, [loanId], selectedFields(info), info), loanId, 'loan');
  }

  @Query(() => LoanConnection, {
    description: 'Loans matching a filter (§4.7), by default of dashboard-visible officers only, newest disbursement first. Lists show synced loans.',
  })
  loans(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: LoanListArgs,
  ): Promise<LoanConnection> {
    return filteredLoanConnection(ctx, info, { parent: null, parentId: '', visibleOfficersOnly: true }, args);
  }

  @Query(() => LoanConnection, {
    description:
      'FIMR drilldown (§6 row 3): FIMR-tagged loans of every officer (unless filter.visibleOfficersOnly is true); raw Django status OPEN or ' +
      'PAST_MATURITY unless filter.djangoStatuses says otherwise; newest disbursement first.',
  })
  fimrLoans(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: LoanListArgs,
  ): Promise<LoanConnection> {
    const parsed = parseLoanFilter('filter', args.filter, { visibleOfficersOnly: false });
    // The list is FIMR-tagged loans by definition: `fimrTagged: false` asked for the other loans, and overriding it
    // answered with the very loans the caller excluded.
    if (parsed.filter.fimrTagged === false) throw badUserInput('filter.fimrTagged', 'true or left out (fimrLoans lists FIMR-tagged loans only)', false);
    parsed.filter.fimrTagged = true;
    parsed.filter.djangoStatuses ??= { values: FIMR_DEFAULT_DJANGO_STATUSES };
    return loanConnection(ctx, info, { parent: null, parentId: '', ...parsed }, args, BY_DISBURSEMENT_DESC);
  }

  @Query(() => LoanConnection, {
    description: 'Early-indicators drilldown (§6 row 4): loans with DPD 1-30, optionally one band, of every officer (unless filter.visibleOfficersOnly is true); highest DPD first.',
  })
  earlyIndicatorLoans(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Args() args: LoanListArgs,
    @Arg('band', () => EarlyIndicatorBand, { nullable: true, description: 'One DPD band; leave out for DPD 1-30.' }) band?: EarlyIndicatorBand | null,
  ): Promise<LoanConnection> {
    const parsed = parseLoanFilter('filter', args.filter, { visibleOfficersOnly: false });
    // The enum's values are the keys of EARLY_INDICATOR_DRILLDOWN_BANDS: a value without a band does not compile.
    const { min: low, max: high } = band ? EARLY_INDICATOR_DRILLDOWN_BANDS[band] : EARLY_INDICATOR_DRILLDOWN_DPD;
    // The band narrows the caller's DPD range; an empty intersection simply matches nothing.
    parsed.filter.dpdMin = Math.max(low, parsed.filter.dpdMin ?? low);
    parsed.filter.dpdMax = Math.min(high, parsed.filter.dpdMax ?? high);
    return loanConnection(ctx, info, { parent: null, parentId: '', ...parsed }, args, BY_DPD_DESC);
  }

  // Not async: when the loan row came with its parties, the answer is synchronous, and a page whose every field
  // is synchronous completes without a promise per row. A page reads only the party fields it shows: a row that
  // lacks one this position shows (another alias, another path to the loan) gives way to the whole row.
  @FieldResolver(() => Officer, { nullable: true, description: 'The loan officer (Django agent).' })
  officer(@Root() loan: Loan, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Officer | null | Promise<Officer | null> {
    if (loan.base.officerId === null) return null;
    const known = loan.base.officer;
    if (known === null) return null;
    if (known !== undefined && hasEvery(known, officerKeysAt(info))) return new Officer(known as DjangoOfficerRow, ctx.loaders);
    return loadOfficer(ctx.loaders, loan.base.officerId);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The borrower.' })
  customer(@Root() loan: Loan, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Customer | null | Promise<Customer | null> {
    const known = loan.base.customer;
    if (known === null) return null;
    if (known !== undefined && hasEvery(known, customerKeysAt(info))) return new Customer(known as DjangoCustomerRow);
    return ctx.loaders.customer.load(loan.base.customerId).then((row) => (row === null ? null : new Customer(row)));
  }

  @FieldResolver(() => [Repayment], { description: 'Every repayment seedsmetrics holds for the loan, newest first, counted or not.' })
  async repayments(@Root() loan: Loan, @Ctx() ctx: AppContext): Promise<Repayment[]> {
    const rows = await ctx.loaders.repayments.load(loan.base.id);
    return rows.map((r) => Object.assign(new Repayment(), r));
  }

  @FieldResolver(() => [DpdSnapshot], { description: 'Daily DPD snapshots, newest first.' })
  async dpdHistory(
    @Root() loan: Loan,
    @Ctx() ctx: AppContext,
    @Arg('last', () => Int, { defaultValue: 30, description: 'How many snapshot days (1-366).' }) last: number,
  ): Promise<DpdSnapshot[]> {
    const rows = await ctx.loaders.dpdHistory(parseBoundedInt('last', last, 1, 366)).load(loan.base.id);
    return rows.map((r) => Object.assign(new DpdSnapshot(), r));
  }

  @FieldResolver(() => [SyncReport], { description: `${SYNC_REPORTS_DESCRIPTION} A loan with synced false and no report is on its way (or not disbursed: §1.8).` })
  syncReports(@Root() loan: Loan, @Ctx() ctx: AppContext): Promise<SyncReport[]> {
    return loadSyncReports(ctx.loaders, 'loan', loan.base.id);
  }

  @FieldResolver(() => [SyncReport], {
    description:
      "What the sync reported about this loan's Django repayments, copied or not, in repayment id order: why one is missing from repayments (not copied) or is not counted; empty when nothing.",
  })
  repaymentSyncReports(@Root() loan: Loan, @Ctx() ctx: AppContext): Promise<SyncReport[]> {
    return loadSyncReports(ctx.loaders, 'loanRepayments', loan.base.id);
  }

  @FieldResolver(() => [LoanTransition], { description: 'DPD bucket transitions, newest first.' })
  async transitions(@Root() loan: Loan, @Ctx() ctx: AppContext): Promise<LoanTransition[]> {
    return (await ctx.loaders.transitions.load(loan.base.id)).map(loanTransitionOf);
  }

  @FieldResolver(() => LoanTransition, {
    nullable: true,
    description:
      "The loan's latest bucket move (D7): the early-indicators drilldown's previous status (fromBucket), days in the current status " +
      '(computedAsOf − transitionDate) and roll direction (direction), which upstream showed as constants. Null when no move was ' +
      'recorded: the loan has stayed in its bucket since the gateway first computed it.',
  })
  async lastTransition(@Root() loan: Loan, @Ctx() ctx: AppContext): Promise<LoanTransition | null> {
    // The same batched read as `transitions` (newest first), so asking both costs one statement.
    const [latest] = await ctx.loaders.transitions.load(loan.base.id);
    return latest === undefined ? null : loanTransitionOf(latest);
  }
}

/** A transition row as the Loan's history shows it: the row's createdAt (when it was recorded) is the type's `at`. */
function loanTransitionOf({ createdAt, ...fields }: DpdTransitionRow): LoanTransition {
  return Object.assign(new LoanTransition(), fields, { at: createdAt });
}

/** The officer and customer row fields a query reads at a position (computed once per position). */
const officerKeysAt = oncePerFieldPosition((info) => officerBaseKeysShown(selectedFields(info)));
const customerKeysAt = oncePerFieldPosition((info) => customerBaseKeysShown(selectedFields(info)));

function hasEvery(row: object, keys: readonly string[]): boolean {
  for (const key of keys) if (!(key in row)) return false;
  return true;
}
