/**
 * Plain fields (properties and getters of the object types) resolve through graphql-js's default resolver
 * (src/schema.ts readPlainFieldsDirectly), not through a type-graphql wrapper per field; fields with arguments,
 * resolver methods and @FieldResolver methods keep their resolvers, and those of them that take only root,
 * context and info are called directly.
 */
import 'reflect-metadata';
import { GraphQLObjectType } from 'graphql';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';
import { LoanResolver } from '../../../resolvers/loan.resolver';
import { Loan } from '../../../resolvers/loan.type';

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
  expect(withResolver('Loan')).toEqual(['customer', 'dpdHistory', 'lastTransition', 'officer', 'repaymentSyncReports', 'repayments', 'syncReports', 'transitions']);
  expect(withResolver('LoanConnection')).toEqual(['summary', 'totalCount']);
  expect(withResolver('PageInfo')).toEqual([]);
  // Every object type of the API follows the same rule: none keeps a resolver on every field.
  const roots = new Set(['Query', 'Subscription', 'Mutation']);
  const types = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType && !t.name.startsWith('__') && !roots.has(t.name));
  const wrappedEverywhere = types.filter((t) => Object.values(t.getFields()).every((f) => f.resolve !== undefined)).map((t) => t.name);
  expect(wrappedEverywhere).toEqual([]);
});

it('calls @FieldResolver methods that take only root, context and info directly, with them in declared order', async () => {
  const officer = jest.spyOn(LoanResolver.prototype, 'officer').mockReturnValue(null);
  try {
    const schema = await buildAppSchema({ pubSub: createAppPubSub() });
    const loanFields = (schema.getType('Loan') as GraphQLObjectType).getFields();
    expect([loanFields.officer!.resolve!.name, loanFields.customer!.resolve!.name]).toEqual(['resolveDirectly', 'resolveDirectly']);
    // An argument (dpdHistory's `last`) is converted and validated by type-graphql: that resolver stays its.
    expect(loanFields.dpdHistory!.resolve!.name).not.toBe('resolveDirectly');
    const field = loanFields.officer!;
    const loan = new Loan({ id: '1', officerId: '7' } as never, {} as never);
    const context = { viewer: null };
    const info = { fieldName: 'officer' };
    expect(field.resolve!(loan, {}, context, info as never)).toBeNull();
    expect(officer.mock.calls).toEqual([[loan, context, info]]);
    // A root that is not a Loan yet goes through type-graphql, which converts it first.
    field.resolve!({ base: { id: '2', officerId: '8' } }, {}, context, info as never);
    expect(officer.mock.calls[1]![0]).toBeInstanceOf(Loan);
  } finally {
    officer.mockRestore();
  }
});
