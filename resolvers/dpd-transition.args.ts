/**
 * Turns the arguments of the live feeds into validated filters, or BAD_USER_INPUT errors that name the
 * argument, what was expected and what arrived: an empty list, an officer, branch or region seedsmetrics does not
 * know, buckets no transition can move between, a malformed event id. Shared by the subscriptions and their
 * history queries.
 */
import type { DpdTransitionFilter, DpdTransitionLoaders, PlaceKind } from '../loaders/dpd-transition.metrics';
import { badUserInput } from '../src/errors';
import { DPD_BUCKET_LABELS } from '../src/engine/thresholds';
import { directionOf, type DpdTransitionFilterInput, type TransitionDirection } from './dpd-transition.type';
import { DpdBucket, enumNameOf } from './enums';
import { parseIds } from './ids';

/** Up to 18 digits: any such id fits PostgreSQL's bigint, so it can be compared with the latest id in SQL. */
const EVENT_ID = /^(0|[1-9]\d{0,17})$/;

/** An event id (`since`, `after`): undefined when absent; '0' means "from the first event". */
export function parseEventId(argument: string, raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'string' || !EVENT_ID.test(raw)) {
    throw badUserInput(argument, 'an event id: the id of the last event seen, 1 to 18 digits such as "1024" ("0" for all)', raw);
  }
  return raw;
}

/** Whether a page after `afterId` has events before it: "0" (or no id) is the start of the history. */
export function hasEventsBefore(afterId: string | undefined): boolean {
  return afterId !== undefined && afterId !== '0';
}

/**
 * `since` of a subscription: a well-formed id no greater than the latest event. A larger id (from another
 * database, or a typo) would otherwise silently hold back every event up to it.
 */
export async function parseSince(raw: unknown, latestId: () => Promise<string>): Promise<string | undefined> {
  const since = parseEventId('since', raw);
  if (since === undefined || since === '0') return since;
  const latest = await latestId();
  if (BigInt(since) > BigInt(latest)) throw badUserInput('since', `the id of an event already delivered (the latest is ${latest})`, since);
  return since;
}

/**
 * `after` of an event history (dpdTransitions, parChanges), checked once its page came back empty: an id past the
 * latest event (another database's, a typo) answered an empty last page, and a client polling from it never saw the
 * events up to that id, as `since` would have held them back (parseSince). A page with rows follows a real position,
 * so walking a history costs no extra statement; only an empty page asks for the latest id.
 */
export async function checkAfterRecorded(afterId: string | undefined, pageEmpty: boolean, latestId: () => Promise<string>): Promise<void> {
  if (!pageEmpty || afterId === undefined || !hasEventsBefore(afterId)) return;
  const latest = await latestId();
  if (BigInt(afterId) > BigInt(latest)) throw badUserInput('after', `the id of an event already recorded, such as a previous page's endCursor (the latest is ${latest})`, afterId);
}

/** A list argument: undefined when absent; an empty list is refused (it would silently match nothing). */
export function nonEmptyList<T>(argument: string, values: readonly T[] | null | undefined): readonly T[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length === 0) throw badUserInput(argument, 'a non-empty list (leave it out to match every value)', values);
  return values;
}

const PLACE_ARGUMENT: Record<PlaceKind, { argument: string; expected: string }> = {
  officerId: { argument: 'officerIds', expected: 'ids of officers known to seedsmetrics' },
  branch: { argument: 'branches', expected: 'branches known to seedsmetrics (of an officer or a loan)' },
  region: { argument: 'regions', expected: 'regions known to seedsmetrics (of an officer or a loan)' },
};

/** Refuses officers, branches and regions seedsmetrics does not know (one statement; none when no list is given). */
export async function checkPlacesKnown(
  loaders: Pick<DpdTransitionLoaders, 'unknownPlaces'>,
  places: { officerIds?: readonly string[]; branches?: readonly string[]; regions?: readonly string[] },
  argumentOf: (listName: string) => string,
): Promise<void> {
  if (!places.officerIds && !places.branches && !places.regions) return;
  const unknown = await loaders.unknownPlaces(places);
  const first = unknown[0];
  if (first === undefined) return;
  const { argument, expected } = PLACE_ARGUMENT[first.kind];
  const values = unknown.filter((u) => u.kind === first.kind).map((u) => u.value);
  throw badUserInput(argumentOf(argument), expected, values);
}

/**
 * Refuses buckets and a direction no transition can have together: every transition changes bucket, WORSENING to a
 * later one and IMPROVING to an earlier one, so `fromBuckets: [CURRENT], direction: IMPROVING` or `fromBuckets` equal
 * to `toBuckets` (one bucket) match nothing, and such a feed would never deliver, like one on an unknown branch.
 */
function checkMovePossible(fromBuckets: readonly DpdBucket[] | undefined, toBuckets: readonly DpdBucket[] | undefined, direction: TransitionDirection | undefined): void {
  const every = DPD_BUCKET_LABELS as readonly DpdBucket[];
  const possible = (fromBuckets ?? every).some((from) =>
    (toBuckets ?? every).some((to) => to !== from && (direction === undefined || directionOf(from, to) === direction)),
  );
  if (possible) return;
  const bucketName = (bucket: DpdBucket): string => enumNameOf(DpdBucket, bucket);
  const got = {
    ...(fromBuckets && { fromBuckets: fromBuckets.map(bucketName) }),
    ...(toBuckets && { toBuckets: toBuckets.map(bucketName) }),
    ...(direction && { direction }),
  };
  throw badUserInput('filter', 'buckets and a direction some transition can have (each moves to another bucket: WORSENING to a later one, IMPROVING to an earlier one)', got);
}

/** The validated filter of dpdTransitioned / dpdTransitions. */
export async function parseDpdTransitionFilter(input: DpdTransitionFilterInput | null | undefined, loaders: Pick<DpdTransitionLoaders, 'unknownPlaces'>): Promise<DpdTransitionFilter> {
  if (input === null || input === undefined) return {};
  const officerIds = parseIds('filter.officerIds', nonEmptyList('filter.officerIds', input.officerIds));
  const branches = nonEmptyList('filter.branches', input.branches);
  const regions = nonEmptyList('filter.regions', input.regions);
  const fromBuckets = nonEmptyList('filter.fromBuckets', input.fromBuckets);
  const toBuckets = nonEmptyList('filter.toBuckets', input.toBuckets);
  checkMovePossible(fromBuckets, toBuckets, input.direction ?? undefined);
  await checkPlacesKnown(loaders, { officerIds, branches, regions }, (list) => `filter.${list}`);
  return {
    ...(officerIds && { officerIds }),
    ...(branches && { branches }),
    ...(regions && { regions }),
    ...(fromBuckets && { fromBuckets }),
    ...(toBuckets && { toBuckets }),
    ...(input.direction && { direction: input.direction }),
  };
}
