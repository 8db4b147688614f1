/** The committed files generated from the schema: the SDL, sorted so it diffs cleanly, and Apollo's type policies. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { apolloTypePolicies } from './apollo-type-policies';
import { createAppPubSub } from './events/pubsub';
import { buildAppSchema } from './schema';

const appSchema = () => buildAppSchema({ pubSub: createAppPubSub() });

export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await appSchema()))}\n`;
}

export async function printApolloTypePolicies(): Promise<string> {
  return `${JSON.stringify(apolloTypePolicies(await appSchema()), null, 2)}\n`;
}
