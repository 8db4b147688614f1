/**
 * Text filters that look for a substring (a phone, a name, an e-mail): trimmed, as §4.7 trims filter values.
 * Blank text is refused rather than matched: as a substring it matches every row (empty) or, padded with spaces,
 * none, and neither is what a caller typing nothing means. Leaving the field out matches every row.
 */
import { badUserInput } from '../src/errors';

/** The trimmed text, undefined when absent, or BAD_USER_INPUT naming the argument when blank. */
export function parseSearchText(argument: string, value: string | null | undefined, expected: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') throw badUserInput(argument, expected, value);
  return text;
}
