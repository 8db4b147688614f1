/** Ids are Django's bigint ids as strings; they are validated once, at the edge, before any SQL sees them. */
import { isDjangoId } from '../src/django-id';
import { badUserInput } from '../src/errors';

export { isDjangoId };
export const ID_EXPECTED = 'a positive integer id such as "17533"';

/** The id, or a BAD_USER_INPUT error naming the argument. */
export function parseId(argument: string, value: unknown): string {
  if (!isDjangoId(value)) throw badUserInput(argument, ID_EXPECTED, value);
  return value;
}

export function parseIds(argument: string, values: readonly unknown[] | null | undefined): string[] | undefined {
  if (values === null || values === undefined) return undefined;
  return values.map((v, i) => parseId(`${argument}[${i}]`, v));
}
