/** DPD transitions: the live feed (lossless with `since`) and its history, keyset-paged by event id. */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { matchesDpdTransitionFilter, type DpdTransitionRow } from '../loaders/dpd-transition.metrics';
import type { AppContext } from '../src/context';
import { liveFeedRequest } from '../src/events/live-feed';
import { liveLoadersOf } from '../src/events/live-loaders';
import type { LiveEnvelope } from '../src/events/live-transport';
import { TOPICS } from '../src/events/pubsub';
import { checkAfterRecorded, hasEventsBefore, parseDpdTransitionFilter, parseEventId, parseSince } from './dpd-transition.args';
import { DpdTransition, DpdTransitionConnection, DpdTransitionFilterInput, type TransitionParties } from './dpd-transition.type';
import { isDjangoId } from './ids';
import { Loan } from './loan.type';
import { preloadLoans } from './loan-list';
import { loadOfficer, Officer, preloadOfficers } from './officer.type';
import { LIST_ARG_DOCS, pageInfo, pageOf, parseFirst } from './pagination';
import { takePreloaded } from './preloaded';
import { fieldsBelow, selectedFields } from './selection';

interface DpdTransitionedArgs {
  filter?: DpdTransitionFilterInput | null;
  since?: string | null;
}

/**
 * The loans and officers a page of transitions shows, read ahead in one batch per database and kind (the same
 * statements as row by row, fewer promises); a list of events of the live feed resolves them per event instead.
 */
async function transitionPartiesShown(context: AppContext, info: GraphQLResolveInfo, rows: readonly DpdTransitionRow[]): Promise<TransitionParties> {
  const nodeFields = fieldsBelow(selectedFields(info).get('nodes') ?? [], info);
  const loanNodes = nodeFields.get('loan');
  const officerNodes = nodeFields.get('officer');
  const loanIds = [...new Set(rows.map((row) => row.loanId).filter(isDjangoId))];
  const [loans, officers] = await Promise.all([
    loanNodes === undefined ? undefined : preloadLoans(context, loanIds, fieldsBelow(loanNodes, info), info),
    officerNodes === undefined ? undefined : preloadOfficers(context.loaders, rows.map((row) => row.officerId), fieldsBelow(officerNodes, info)),
  ]);
  return { loans, officers };
}

@Resolver(() => DpdTransition)
export class DpdTransitionResolver {
  @Subscription(() => DpdTransition, {
    description:
      'Each DPD bucket move as it commits. With `since` (the last id seen) the missed moves are replayed first, in order, then the feed continues live with no gap and no duplicate.',
    topics: TOPICS.DPD_TRANSITION,
    topicId: ({ args, context }: { args: DpdTransitionedArgs; context: AppContext }) =>
      liveFeedRequest<DpdTransitionRow, AppContext>(context, async () => {
        const since = await parseSince(args.since, () => liveLoadersOf(context).dpdTransitions.latestId());
        const filter = await parseDpdTransitionFilter(args.filter, liveLoadersOf(context).dpdTransitions);
        return {
          since,
          replayPage: (page, afterId, limit) => liveLoadersOf(page).dpdTransitions.after(filter, afterId, limit),
          load: (event, id) => liveLoadersOf(event).dpdTransitions.byId.load(id),
          matches: (row) => matchesDpdTransitionFilter(row, filter),
        };
      }),
  })
  dpdTransitioned(
    @Root() envelope: LiveEnvelope<DpdTransitionRow>,
    @Arg('filter', () => DpdTransitionFilterInput, { nullable: true, description: 'Which transitions; leave out for all.' }) _filter: DpdTransitionFilterInput | null,
    @Arg('since', () => ID, { nullable: true, description: 'The id of the last transition seen; "0" replays all.' }) _since: string | null,
  ): DpdTransition {
    return DpdTransition.fromRow(envelope.row);
  }

  @Query(() => DpdTransitionConnection, { description: 'DPD transitions in id order (oldest first), filtered like dpdTransitioned.' })
  async dpdTransitions(
    @Ctx() context: AppContext,
    @Arg('filter', () => DpdTransitionFilterInput, { nullable: true, description: 'Which transitions; leave out for all.' }) filterInput: DpdTransitionFilterInput | null,
    @Arg('first', () => Int, { nullable: true, description: LIST_ARG_DOCS.eventFirst }) first: number | null,
    @Arg('after', () => ID, { nullable: true, description: 'An event id (a previous endCursor).' }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DpdTransitionConnection> {
    const size = parseFirst('first', first, context.maxPageSize);
    const afterId = parseEventId('after', after);
    const loaders = liveLoadersOf(context).dpdTransitions;
    const filter = await parseDpdTransitionFilter(filterInput, loaders);
    const page = pageOf(await loaders.after(filter, afterId ?? '0', size + 1), size);
    await checkAfterRecorded(afterId, page.rows.length === 0, () => loaders.latestId());
    const parties = await transitionPartiesShown(context, info, page.rows);
    return Object.assign(new DpdTransitionConnection(), {
      nodes: page.rows.map((row) => DpdTransition.fromRow(row, parties)),
      pageInfo: pageInfo(page.rows.map((row) => row.id), page.hasNextPage, hasEventsBefore(afterId)),
    });
  }

  @FieldResolver(() => Loan, { nullable: true, description: 'The loan as it is now (read when the event is delivered); null if Django no longer has it.' })
  loan(@Root() transition: DpdTransition, @Ctx() context: AppContext): Loan | null | Promise<Loan | null> {
    if (transition.parties?.loans !== undefined) return takePreloaded(transition.parties.loans, transition.loanId, 'loan');
    if (!isDjangoId(transition.loanId)) return null;
    return context.loaders.loan.load(transition.loanId).then((row) => (row === null ? null : new Loan(row, context.loaders)));
  }

  @FieldResolver(() => Officer, { nullable: true, description: 'The officer the transition was recorded under, as the officer is now.' })
  officer(@Root() transition: DpdTransition, @Ctx() context: AppContext): Officer | null | Promise<Officer | null> {
    if (transition.parties?.officers !== undefined) return takePreloaded(transition.parties.officers, transition.officerId, 'officer');
    return loadOfficer(context.loaders, transition.officerId);
  }
}
