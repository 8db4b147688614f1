/** PAR changes: the live feed per scope (lossless with `since`) and its history, keyset-paged by event id. */
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { matchesParChangeFilter, type ParChangeRow } from '../loaders/par-change.metrics';
import type { AppContext } from '../src/context';
import { liveFeedRequest } from '../src/events/live-feed';
import { liveLoadersOf } from '../src/events/live-loaders';
import type { LiveEnvelope } from '../src/events/live-transport';
import { TOPICS } from '../src/events/pubsub';
import { checkAfterRecorded, hasEventsBefore, parseEventId, parseSince } from './dpd-transition.args';
import { loadOfficer, Officer } from './officer.type';
import { LIST_ARG_DOCS, pageInfo, pageOf, parseFirst } from './pagination';
import { checkSinceKept, parseParChangeFilter } from './par-change.args';
import { ParChange, ParChangeConnection, ParScope } from './par-change.type';

interface ParChangedArgs {
  scope: ParScope;
  keys?: string[] | null;
  since?: string | null;
}

@Resolver(() => ParChange)
export class ParChangeResolver {
  @Subscription(() => ParChange, {
    description:
      'Each change of PAR amounts or ratios of the scope (and keys) as it commits. With `since` the missed changes are replayed first, then the feed continues live.',
    topics: TOPICS.PAR_CHANGE,
    topicId: ({ args, context }: { args: ParChangedArgs; context: AppContext }) =>
      liveFeedRequest<ParChangeRow, AppContext>(context, async () => {
        const since = await parseSince(args.since, () => liveLoadersOf(context).parChanges.latestId());
        await checkSinceKept(since, () => liveLoadersOf(context).parChanges.prunedThrough());
        const filter = await parseParChangeFilter(args.scope, args.keys, liveLoadersOf(context).dpdTransitions);
        return {
          since,
          replayPage: (page, afterId, limit) => liveLoadersOf(page).parChanges.after(filter, afterId, limit),
          load: (event, id) => liveLoadersOf(event).parChanges.byId.load(id),
          matches: (row) => matchesParChangeFilter(row, filter),
        };
      }),
  })
  parChanged(
    @Root() envelope: LiveEnvelope<ParChangeRow>,
    @Arg('scope', () => ParScope, { description: 'Whose PAR: one officer, branch or region, or the whole portfolio.' }) _scope: ParScope,
    @Arg('keys', () => [String], { nullable: true, description: 'Keys of the scope; leave out for all.' }) _keys: string[] | null,
    @Arg('since', () => ID, {
      nullable: true,
      description: 'The id of the last change seen; "0" replays every change kept. Refused when changes after it were pruned (PAR_CHANGES_RETENTION_DAYS).',
    })
    _since: string | null,
  ): ParChange {
    return ParChange.fromRow(envelope.row);
  }

  @Query(() => ParChangeConnection, { description: 'PAR changes of a scope in id order (oldest first).' })
  async parChanges(
    @Ctx() context: AppContext,
    @Arg('scope', () => ParScope, { description: 'Whose PAR: one officer, branch or region, or the whole portfolio.' }) scope: ParScope,
    @Arg('keys', () => [String], { nullable: true, description: 'Keys of the scope; leave out for all.' }) keys: string[] | null,
    @Arg('first', () => Int, { nullable: true, description: LIST_ARG_DOCS.eventFirst }) first: number | null,
    @Arg('after', () => ID, { nullable: true, description: 'An event id (a previous endCursor).' }) after: string | null,
  ): Promise<ParChangeConnection> {
    const size = parseFirst('first', first, context.maxPageSize);
    const afterId = parseEventId('after', after);
    const loaders = liveLoadersOf(context);
    const filter = await parseParChangeFilter(scope, keys, loaders.dpdTransitions);
    const page = pageOf(await loaders.parChanges.after(filter, afterId ?? '0', size + 1), size);
    await checkAfterRecorded(afterId, page.rows.length === 0, () => loaders.parChanges.latestId());
    return Object.assign(new ParChangeConnection(), {
      nodes: page.rows.map((row) => ParChange.fromRow(row)),
      pageInfo: pageInfo(page.rows.map((row) => row.id), page.hasNextPage, hasEventsBefore(afterId)),
    });
  }

  @FieldResolver(() => Officer, {
    nullable: true,
    description: "The officer of an OFFICER change (its key), as the officer is now, so a feed can show names; null for the other scopes or an officer Django does not have.",
  })
  officer(@Root() change: ParChange, @Ctx() context: AppContext): Promise<Officer | null> | null {
    return change.scope === ParScope.OFFICER ? loadOfficer(context.loaders, change.key) : null;
  }
}
