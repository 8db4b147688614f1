/**
 * Every type, field, argument and input field of the schema says what it is: analysts read these descriptions in
 * GraphiQL, and the dashboard team in the generated types. The test lists whatever has none.
 */
import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, isUnionType, type GraphQLSchema } from 'graphql';
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
    } else if (isEnumType(type) || isUnionType(type)) {
      // The type's own description is enough: its values are named for what they are (ASC, WAVE_1, DPD_7_30).
    }
  }
  return missing.sort();
}

it('every type, field, argument and input field has a description', async () => {
  expect(undocumented(await buildAppSchema({ pubSub: createAppPubSub() }))).toEqual([]);
});
