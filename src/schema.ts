/** Builds the executable GraphQL schema from the type-graphql resolver classes (no file writes at runtime). */
import 'reflect-metadata';
import { GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
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
  callRootOnlyResolversDirectly(schema);
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

/**
 * Calls the @FieldResolver methods that take only @Root, @Ctx and @Info straight from graphql-js. type-graphql's
 * wrapper sorts the parameter metadata, converts the root and runs the (empty) middleware chain on every call:
 * on a 100-loan page that is 200 calls (officer, customer) per request. A root that is not yet an instance of the
 * declared class (never the case here) still goes through type-graphql, which converts it.
 */
function callRootOnlyResolversDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const instances = new Map<Function, Record<string, (...params: unknown[]) => unknown>>();
  for (const resolver of storage.fieldResolvers) {
    if (resolver.kind !== 'external' || (resolver.middlewares?.length ?? 0) > 0 || (resolver.roles?.length ?? 0) > 0) continue;
    const owner = resolver.getObjectType?.();
    const typeName = storage.objectTypes.find((t) => t.target === owner)?.name;
    const type = typeName === undefined ? undefined : schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) continue;
    const field = type.getFields()[resolver.schemaName];
    const viaTypeGraphql = field?.resolve;
    if (field === undefined || viaTypeGraphql === undefined) continue;
    const params = [...(resolver.params ?? [])].sort((a, b) => a.index - b.index);
    type Pick = (root: unknown, context: Record<string, unknown>, info: GraphQLResolveInfo) => unknown;
    const picks: Pick[] = [];
    const rootTypes: Function[] = [];
    for (const param of params) {
      if (param.kind === 'root' && param.propertyName === undefined) {
        const rootType = param.getType?.();
        if (typeof rootType === 'function') rootTypes.push(rootType);
        picks.push((root) => root);
      } else if (param.kind === 'context') {
        const property = param.propertyName;
        picks.push(property === undefined ? (_root, context) => context : (_root, context) => context[property]);
      } else if (param.kind === 'info') {
        picks.push((_root, _context, info) => info);
      } else {
        break;
      }
    }
    if (picks.length !== params.length) continue;
    let instance = instances.get(resolver.target);
    if (instance === undefined) {
      instance = new (resolver.target as new () => Record<string, (...params: unknown[]) => unknown>)();
      instances.set(resolver.target, instance);
    }
    const target = instance;
    const method = target[resolver.methodName]!;
    field.resolve = function resolveDirectly(root, args, context, info) {
      for (const rootType of rootTypes) if (!(root instanceof rootType)) return viaTypeGraphql(root, args, context, info);
      return method.apply(target, picks.map((pick) => pick(root, context as Record<string, unknown>, info)));
    };
  }
}
