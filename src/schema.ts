/** Builds the executable GraphQL schema from the type-graphql resolver classes (no file writes at runtime). */
import 'reflect-metadata';
import { GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { coreResolvers } from '../resolvers';
import { liveResolvers } from '../resolvers/live';
import type { AppPubSub } from './events/pubsub';

export interface SchemaOptions {
  pubSub: AppPubSub;
}

export async function buildAppSchema(options: SchemaOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...coreResolvers, ...liveResolvers] as typeof coreResolvers,
    pubSub: options.pubSub,
    validate: false,
    emitSchemaFile: false,
  });
  readPlainFieldsDirectly(schema);
  return schema;
}

/**
 * Gives plain fields (a class's properties and getters) graphql-js's default resolver, which reads the property.
 * type-graphql wraps every field in a resolver of its own that exists to run middlewares and auth roles (we use
 * neither) and, for getters, re-types the root first; on a page of loans that wrapper ran for every field of
 * every row. Fields with arguments, resolver methods and @FieldResolver methods keep their resolvers.
 */
function readPlainFieldsDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const resolverMethods = new Map<Function, Set<string>>();
  // @FieldResolver methods of resolver classes; a type's own getters and methods register as "internal" ones and
  // are told apart by their property descriptors below.
  for (const resolver of storage.fieldResolvers) {
    const owner = resolver.getObjectType?.();
    if (resolver.kind !== 'external' || owner === undefined) continue;
    const names = resolverMethods.get(owner) ?? new Set<string>();
    names.add(resolver.schemaName);
    resolverMethods.set(owner, names);
  }
  for (const { name, target } of storage.objectTypes) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length > 0 || hasResolverMethod(target, field.name, resolverMethods)) continue;
      field.resolve = undefined;
    }
  }
}

/** True when `target` or a class it extends has a method, or a @FieldResolver, for the field. */
function hasResolverMethod(target: Function, fieldName: string, resolverMethods: Map<Function, Set<string>>): boolean {
  for (let cls: unknown = target; typeof cls === 'function' && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) {
    if (resolverMethods.get(cls as Function)?.has(fieldName)) return true;
    const own = Object.getOwnPropertyDescriptor((cls as Function).prototype, fieldName);
    if (own !== undefined) return typeof own.value === 'function';
  }
  return false;
}
