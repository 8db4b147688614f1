/** The schema as SDL, lexicographically sorted so the committed file diffs cleanly. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createAppPubSub } from './events/pubsub';
import { buildAppSchema } from './schema';

export async function printAppSchema(): Promise<string> {
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
