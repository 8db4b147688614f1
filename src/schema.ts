/** Builds the executable GraphQL schema from the type-graphql resolver classes (no file writes at runtime). */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { coreResolvers } from '../resolvers';
import { liveResolvers } from '../resolvers/live';
import type { AppPubSub } from './events/pubsub';

export interface SchemaOptions {
  pubSub: AppPubSub;
}

export async function buildAppSchema(options: SchemaOptions): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...coreResolvers, ...liveResolvers] as typeof coreResolvers,
    pubSub: options.pubSub,
    validate: false,
    emitSchemaFile: false,
  });
}
