/**
 * Plain fields (properties and getters of the object types) resolve through graphql-js's default resolver
 * (src/schema.ts readPlainFieldsDirectly), not through a type-graphql wrapper per field; fields with arguments,
 * resolver methods and @FieldResolver methods keep their resolvers.
 */
import 'reflect-metadata';
import { GraphQLObjectType } from 'graphql';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';

it('leaves plain fields to the default resolver and keeps resolver methods', async () => {
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  const withResolver = (typeName: string): string[] => {
    const type = schema.getType(typeName) as GraphQLObjectType;
    return Object.values(type.getFields())
      .filter((field) => field.resolve !== undefined)
      .map((field) => field.name)
      .sort();
  };
  // Loan's relations are LoanResolver methods (dpdHistory also takes an argument); every other Loan field is a getter.
  expect(withResolver('Loan')).toEqual(['customer', 'dpdHistory', 'officer', 'repayments', 'transitions']);
  expect(withResolver('LoanConnection')).toEqual(['summary', 'totalCount']);
  expect(withResolver('PageInfo')).toEqual([]);
  // Every object type of the API follows the same rule: none keeps a resolver on every field.
  const roots = new Set(['Query', 'Subscription', 'Mutation']);
  const types = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType && !t.name.startsWith('__') && !roots.has(t.name));
  const wrappedEverywhere = types.filter((t) => Object.values(t.getFields()).every((f) => f.resolve !== undefined)).map((t) => t.name);
  expect(wrappedEverywhere).toEqual([]);
});
