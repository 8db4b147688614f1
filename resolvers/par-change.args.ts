/** Validates the scope and keys of parChanged / parChanges (BAD_USER_INPUT naming what was expected). */
import type { DpdTransitionLoaders } from '../loaders/dpd-transition.metrics';
import { PORTFOLIO_KEY, type ParChangeFilter } from '../loaders/par-change.metrics';
import { badUserInput } from '../src/errors';
import { checkPlacesKnown, nonEmptyList } from './dpd-transition.args';
import { parseIds } from './ids';
import { ParScope } from './par-change.type';

/**
 * `since` of parChanged, refused when changes after it were pruned (PAR_CHANGES_RETENTION_DAYS): the replay would
 * skip them without a word. "0" asks for every change, and gets every change kept.
 */
export async function checkSinceKept(since: string | undefined, prunedThrough: () => Promise<string | null>): Promise<void> {
  if (since === undefined || since === '0') return;
  const through = await prunedThrough();
  if (through === null || BigInt(since) >= BigInt(through)) return;
  throw badUserInput(
    'since',
    `the id of a change still kept: the changes up to ${through} were pruned (PAR_CHANGES_RETENTION_DAYS); subscribe without since, or with "0" for every change kept, and refetch the PAR figures`,
    since,
  );
}

export async function parseParChangeFilter(
  scope: ParScope,
  rawKeys: readonly string[] | null | undefined,
  loaders: Pick<DpdTransitionLoaders, 'unknownPlaces'>,
): Promise<ParChangeFilter> {
  const keys = nonEmptyList('keys', rawKeys);
  if (keys === undefined) return { scope };
  switch (scope) {
    case ParScope.PORTFOLIO:
      if (keys.some((key) => key !== PORTFOLIO_KEY)) throw badUserInput('keys', `nothing or ["${PORTFOLIO_KEY}"] for scope PORTFOLIO`, keys);
      break;
    case ParScope.REGION:
      await checkPlacesKnown(loaders, { regions: keys }, () => 'keys');
      break;
    case ParScope.BRANCH:
      await checkPlacesKnown(loaders, { branches: keys }, () => 'keys');
      break;
    case ParScope.OFFICER:
      await checkPlacesKnown(loaders, { officerIds: parseIds('keys', keys) }, () => 'keys');
      break;
  }
  return { scope, keys };
}
