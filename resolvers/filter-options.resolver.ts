/**
 * The dashboard's dropdown values (§6 row 20): every list the query selects is read in one seedsmetrics statement;
 * officers resolve live from Django, batched.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, Info, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { FILTER_LISTS, type FilterListKey } from '../loaders/filter-options.metrics';
import type { AppContext } from '../src/context';
import { LoanStatus, Wave } from './enums';
import { Officer, preloadOfficers } from './officer.type';
import { takePreloaded } from './preloaded';
import { selectedFields } from './selection';

const WAVES = new Set<string>(Object.values(Wave));
const STATUSES = new Set<string>(Object.values(LoanStatus));

@ObjectType({ description: 'Values the dashboard offers in its filter dropdowns: distinct, non-blank, sorted; from the loans of dashboard-visible officers unless said otherwise.' })
export class FilterOptions {
  /** Officers with loans, for the `officers` field (resolved from Django). Lists not selected stay empty. */
  officerIds: string[] = [];

  @Field(() => [String], { description: 'Branches of the loans (narrowed by `regions`).' })
  branches: string[] = [];

  @Field(() => [String], { description: 'Regions of the loans and of the visible officers themselves.' })
  regions: string[] = [];

  @Field(() => [Wave], { description: 'Waves of the loans.' })
  waves: string[] = [];

  @Field(() => [String], { description: 'Channels of the loans.' })
  channels: string[] = [];

  @Field(() => [String], { description: 'User types of the visible officers.' })
  userTypes: string[] = [];

  @Field(() => [LoanStatus], { description: 'Statuses of the loans, as the `statuses` filter takes them.' })
  statuses: string[] = [];

  @Field(() => [String], { description: 'Raw Django statuses (blank ones are chosen with `missing: true`).' })
  djangoStatuses: string[] = [];

  @Field(() => [String], { description: 'Django loan types of the loans.' })
  loanTypes: string[] = [];

  @Field(() => [String], { description: 'Django verification statuses of the loans.' })
  verificationStatuses: string[] = [];

  @Field(() => [String], { description: "Vertical leads' e-mails on every loan (any officer)." })
  verticalLeadEmails: string[] = [];
}

/** The lists a FilterOptions selection reads (`officers` reads the officer ids), in canonical order. */
function listsSelected(info: GraphQLResolveInfo): FilterListKey[] {
  const fields = selectedFields(info);
  return FILTER_LISTS.filter((list) => fields.has(list === 'officerIds' ? 'officers' : list));
}

@Resolver(() => FilterOptions)
export class FilterOptionsResolver {
  @Query(() => FilterOptions, { description: "The filter dropdowns' values (§6 row 20); only the lists selected are read, in one statement." })
  async filterOptions(
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('regions', () => [String], { nullable: true, description: 'Narrows the branches and officers offered.' }) regions?: string[] | null,
    @Arg('branches', () => [String], { nullable: true, description: 'Narrows the officers offered.' }) branches?: string[] | null,
  ): Promise<FilterOptions> {
    const lists = await ctx.loaders.filterOptions(listsSelected(info), { regions: regions ?? undefined, branches: branches ?? undefined });
    const options = Object.assign(new FilterOptions(), lists);
    // An existing seedsmetrics database may hold spellings the enums do not know (D13): they cannot be chosen.
    options.waves = options.waves.filter((wave) => WAVES.has(wave));
    options.statuses = options.statuses.filter((status) => STATUSES.has(status));
    return options;
  }

  @FieldResolver(() => [Officer], { description: 'Officers with loans (narrowed by `regions` and `branches`), by the officer name on their loans; live from Django.' })
  async officers(@Root() options: FilterOptions, @Ctx() ctx: AppContext, @Info() info: GraphQLResolveInfo): Promise<Officer[]> {
    const officers = await preloadOfficers(ctx.loaders, options.officerIds, selectedFields(info));
    return options.officerIds.flatMap((id) => {
      const officer = takePreloaded(officers, id, 'officer');
      return officer === null ? [] : [officer];
    });
  }
}
