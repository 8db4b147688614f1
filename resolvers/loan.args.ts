/**
 * The loan filter grammar of §4.7 as typed GraphQL inputs (lists instead of comma strings, `missing: true` instead
 * of `__MISSING__`), and its validation into the loaders' LoanFilter. Bad values become BAD_USER_INPUT errors
 * that name the argument path.
 */
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { badUserInput } from '../src/errors';
import type { LoanFilter, TextSet } from '../loaders/loan-filter';
import type { RepaymentPeriod as PeriodKey } from '../loaders/repayment-period';
import { DelayType, DpdBucket, LoanBehaviour, LoanOrderField, LoanStatus, RepaymentPeriod, RotType, SortDirection, Wave } from './enums';
import { parseIds } from './ids';
import { CursorArgs, LIST_ARG_DOCS } from './pagination';
import { DateScalar } from './scalars';
import { parseSearchText } from './search-text';

@InputType({ description: 'A set of text values; `missing: true` also matches NULL or empty (the upstream __MISSING__ sentinel). Give values, missing: true or both.' })
export class TextSetFilter {
  @Field(() => [String], { nullable: true, description: 'Exact (case-sensitive) values; an empty list matches nothing unless `missing` is true.' })
  values?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: also match NULL or empty text.' })
  missing?: boolean | null;
}

@InputType({ description: 'Loan filters (§4.7). Every given condition must hold; lists match any of their values, and an empty list matches nothing.' })
export class LoanFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Django loan ids.' })
  ids?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Loan officers' Django user ids." })
  officerIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Borrowers' Django ids." })
  customerIds?: string[] | null;

  @Field(() => String, { nullable: true, description: "Case-sensitive substring of the customer's phone (matched live in Django)." })
  customerPhone?: string | null;

  @Field(() => [String], { nullable: true, description: 'Curated branches of the loans (D12), exact match.' })
  branches?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Curated regions of the loans (D12), exact match.' })
  regions?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Channels (the sync sets "AJO" on every loan).' })
  channels?: string[] | null;

  @Field(() => [LoanStatus], { nullable: true, description: 'Normalised statuses.' })
  statuses?: LoanStatus[] | null;

  @Field(() => TextSetFilter, { nullable: true, description: 'Raw Django statuses (OPEN, PAST_MATURITY, ...).' })
  djangoStatuses?: TextSetFilter | null;

  @Field(() => TextSetFilter, { nullable: true, description: 'Django performance statuses (PERFORMING, DEFAULTED, ...).' })
  performanceStatuses?: TextSetFilter | null;

  @Field(() => TextSetFilter, { nullable: true, description: 'Django loan types (AJO, BNPL, PROSPER, DMO, ...).' })
  loanTypes?: TextSetFilter | null;

  @Field(() => TextSetFilter, { nullable: true, description: 'Django verification stages.' })
  verificationStatuses?: TextSetFilter | null;

  @Field(() => [Wave], { nullable: true, description: 'Waves (§3.7).' })
  waves?: Wave[] | null;

  @Field(() => [String], { nullable: true, description: 'Vertical lead e-mails as copied onto the loans (D12), exact match.' })
  verticalLeadEmails?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Minimum current DPD (inclusive).' })
  dpdMin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Maximum current DPD (inclusive).' })
  dpdMax?: number | null;

  @Field(() => [DpdBucket], { nullable: true, description: 'Current DPD buckets (D7).' })
  dpdBuckets?: DpdBucket[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: no counted repayment for 6+ days or never; false: paid within 5 days.' })
  quiet?: boolean | null;

  @Field(() => LoanBehaviour, { nullable: true, description: 'Behaviour class (§4.7).' })
  behaviour?: LoanBehaviour | null;

  @Field(() => RotType, { nullable: true, description: 'Risk of termination, early or late (§4.5).' })
  rotType?: RotType | null;

  @Field(() => DelayType, { nullable: true, description: 'Repayment-delay class (§4.7).' })
  delayType?: DelayType | null;

  @Field(() => Boolean, { nullable: true, description: 'true: FIMR-tagged loans only; false: untagged loans only.' })
  fimrTagged?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: loans with DPD 1–6 only; false: the others.' })
  earlyIndicatorTagged?: boolean | null;

  @Field(() => DateScalar, { nullable: true, description: 'Disbursed on or after this date.' })
  disbursedFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Disbursed on or before this date.' })
  disbursedTo?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Only loans of officers in the dashboard-visible user types (§1.8). Leave out for the query's default: true on loans, dailyCollections, " +
      'collectionsByBranch, collectionsByOfficer, agentActivity, agentActivityTiles and repaymentWatch; false on fimrLoans, earlyIndicatorLoans, ' +
      'Officer.loans and Customer.loans.',
  })
  visibleOfficersOnly?: boolean | null;

  @Field(() => RepaymentPeriod, { nullable: true, description: "Window of the summary's repayment totals (default TODAY); it does not filter loans." })
  period?: RepaymentPeriod | null;
}

@InputType({ description: 'Order of a loan list.' })
export class LoanOrder {
  @Field(() => LoanOrderField, { description: 'Sort key; ties are broken by loan id.' })
  field: LoanOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'Default DESC; NULL values sort last either way.' })
  direction: SortDirection;
}

function list<T>(value: T[] | null | undefined): T[] | undefined {
  return value === null || value === undefined ? undefined : value;
}

/** A set with neither values nor `missing: true` would match every loan, and on fimrLoans drop its default statuses. */
function textSet(argument: string, value: TextSetFilter | null | undefined): TextSet | undefined {
  if (value === null || value === undefined) return undefined;
  const values = list(value.values);
  if (values === undefined && value.missing !== true) {
    throw badUserInput(argument, 'values, missing: true or both (or the filter left out)', { ...value });
  }
  return { values, missing: value.missing ?? undefined };
}

function nonNegative(argument: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw badUserInput(argument, 'a non-negative integer', value);
  return value;
}

/** The arguments of every loan list: filter, order and cursor page. */
@ArgsType()
export class LoanListArgs extends CursorArgs {
  @Field(() => LoanFilterInput, { nullable: true, description: LIST_ARG_DOCS.loanFilter })
  filter?: LoanFilterInput | null;

  @Field(() => LoanOrder, { nullable: true, description: LIST_ARG_DOCS.orderBy })
  orderBy?: LoanOrder | null;
}

/** A loan filter input validated: the loaders' LoanFilter but for a phone text, which is looked up in Django first. */
export interface ParsedLoanFilter {
  filter: LoanFilter;
  period: PeriodKey;
  /** Trimmed substring of customers' phones: resolvers/phone-filter.ts turns it into filter.phoneCustomerIds. */
  customerPhone?: string;
}

/**
 * Validates a filter input into the loaders' LoanFilter and the summary period. `argument` is the path the input
 * arrived under (e.g. "filter").
 */
export function parseLoanFilter(argument: string, input: LoanFilterInput | null | undefined, defaults: { visibleOfficersOnly: boolean }): ParsedLoanFilter {
  const f = input ?? new LoanFilterInput();
  const dpdMin = nonNegative(`${argument}.dpdMin`, f.dpdMin);
  const dpdMax = nonNegative(`${argument}.dpdMax`, f.dpdMax);
  if (dpdMin !== undefined && dpdMax !== undefined && dpdMin > dpdMax) {
    throw badUserInput(`${argument}.dpdMin`, `at most ${argument}.dpdMax (${dpdMax})`, dpdMin);
  }
  const from = f.disbursedFrom ?? undefined;
  const to = f.disbursedTo ?? undefined;
  if (from !== undefined && to !== undefined && from > to) {
    throw badUserInput(`${argument}.disbursedFrom`, `a date on or before ${argument}.disbursedTo (${to})`, from);
  }
  const filter: LoanFilter = {
    ids: parseIds(`${argument}.ids`, f.ids),
    officerIds: parseIds(`${argument}.officerIds`, f.officerIds),
    customerIds: parseIds(`${argument}.customerIds`, f.customerIds),
    branches: list(f.branches),
    regions: list(f.regions),
    channels: list(f.channels),
    statuses: list(f.statuses),
    djangoStatuses: textSet(`${argument}.djangoStatuses`, f.djangoStatuses),
    performanceStatuses: textSet(`${argument}.performanceStatuses`, f.performanceStatuses),
    loanTypes: textSet(`${argument}.loanTypes`, f.loanTypes),
    verificationStatuses: textSet(`${argument}.verificationStatuses`, f.verificationStatuses),
    waves: list(f.waves),
    verticalLeadEmails: list(f.verticalLeadEmails),
    dpdMin,
    dpdMax,
    dpdBuckets: list(f.dpdBuckets),
    quiet: f.quiet ?? undefined,
    behaviour: f.behaviour ?? undefined,
    rotType: f.rotType ?? undefined,
    delayType: f.delayType ?? undefined,
    fimrTagged: f.fimrTagged ?? undefined,
    earlyIndicatorTagged: f.earlyIndicatorTagged ?? undefined,
    disbursedFrom: from,
    disbursedTo: to,
    visibleOfficersOnly: f.visibleOfficersOnly ?? defaults.visibleOfficersOnly,
  };
  const customerPhone = parseSearchText(`${argument}.customerPhone`, f.customerPhone, 'a non-empty part of a phone number');
  return { filter, period: f.period ?? RepaymentPeriod.TODAY, ...(customerPhone !== undefined && { customerPhone }) };
}
