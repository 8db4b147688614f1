/**
 * Text arguments whose values the gateway itself writes from a fixed set (an officer's employment status, a
 * customer's KYC status): a value outside the set can match no row, so it is refused naming the set rather than
 * answered with an empty list (`ACTIVE`, as GraphQL enums are spelt, found no officer).
 */
import { badUserInput } from '../src/errors';

/** The values, undefined when absent, or BAD_USER_INPUT naming the first value outside `allowed` by its position. */
export function parseClosedSet(argument: string, values: readonly string[] | null | undefined, allowed: readonly string[]): string[] | undefined {
  if (values === null || values === undefined) return undefined;
  values.forEach((value, i) => {
    if (!allowed.includes(value)) throw badUserInput(`${argument}[${i}]`, `one of ${allowed.join(', ')} (exact spelling)`, value);
  });
  return [...values];
}
