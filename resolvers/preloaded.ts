/**
 * Objects a list reads ahead for its rows' fields. graphql-js completes a row whose field returns a promise through
 * promises of its own, and a list of hundreds of rows spends more in those than in its statements; a row handed its
 * object resolves the field synchronously.
 */
import { isDjangoId } from './ids';

/** By Django id: the object, null when its database has no such row, or why it could not be read. */
export type Preloaded<T> = ReadonlyMap<string, T | null | Error>;

/** The object `id` out of a preloaded map: null for an id Django cannot have; the read's failure thrown for the field to report. */
export function takePreloaded<T>(preloaded: Preloaded<T>, id: string | null, what: string): T | null {
  if (!isDjangoId(id)) return null;
  const found = preloaded.get(id);
  if (found === undefined) throw new Error(`${what} ${id} was not preloaded`);
  if (found instanceof Error) throw found;
  return found;
}
