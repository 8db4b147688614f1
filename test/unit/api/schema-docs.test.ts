/**
 * Every type, field, argument and input field of the schema says what it is: analysts read these descriptions in
 * GraphiQL, and the dashboard team in the generated types. The test lists whatever has none.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';

/** Schema coordinates (Type, Type.field, Type.field(arg)) without a description. */
export function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const lacks = (description: string | null | undefined): boolean => (description ?? '').trim() === '';
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    const isRoot = type === schema.getQueryType() || type === schema.getSubscriptionType() || type === schema.getMutationType();
    if (!isRoot && lacks(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (lacks(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (lacks(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (lacks(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      // GraphiQL shows each value with its own description: "No description" beside WAVE_2 or RISK_SCORE says nothing.
      for (const value of type.getValues()) if (lacks(value.description)) missing.push(`${type.name}.${value.name}`);
    } else if (isUnionType(type)) {
      // The type's own description is enough.
    }
  }
  return missing.sort();
}

/** Every description of the schema, with the coordinate it describes. */
function descriptions(schema: GraphQLSchema): Array<[string, string]> {
  const all: Array<[string, string | null | undefined]> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    all.push([type.name, type.description]);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        all.push([`${type.name}.${field.name}`, field.description]);
        for (const arg of field.args) all.push([`${type.name}.${field.name}(${arg.name})`, arg.description]);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) all.push([`${type.name}.${field.name}`, field.description]);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) all.push([`${type.name}.${value.name}`, value.description]);
    }
  }
  return all.filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/** The fields, input fields or values a type has, by name. */
function memberNames(type: GraphQLNamedType): string[] {
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return Object.keys(type.getFields());
  if (isEnumType(type)) return type.getValues().map((value) => value.name);
  return [];
}

it('every type, field, argument, input field and enum value has a description', async () => {
  expect(undocumented(await buildAppSchema({ pubSub: createAppPubSub() }))).toEqual([]);
});

it('descriptions name only members that exist (Type.member: a renamed field leaves no stale pointer behind)', async () => {
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  const stale: string[] = [];
  for (const [coordinate, description] of descriptions(schema)) {
    for (const [mention, typeName, member] of description.matchAll(/\b([A-Z][A-Za-z]+)\.([A-Za-z_]\w*)/g)) {
      const type = schema.getType(typeName!);
      if (type !== undefined && type !== null && !memberNames(type).includes(member!)) stale.push(`${coordinate}: ${mention}`);
    }
  }
  expect(stale).toEqual([]);
});
