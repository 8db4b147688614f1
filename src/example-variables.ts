/**
 * The variables an example operation needs to run as it stands in GraphiQL: each required variable with no default
 * that is passed as the id of a loan, an officer or a customer (`loan(id: $id)`, `topRiskLoans(officerId: $officerId)`)
 * gets the example id of that kind. Other variables are left to the analyst.
 */
import { Kind, parse, visit, type ArgumentNode } from 'graphql';
import type { ExampleIds } from '../loaders/example-ids.metrics';

const KIND_OF_ID: Readonly<Record<string, keyof ExampleIds>> = { loan: 'loanId', officer: 'officerId', customer: 'customerId' };

/** The example id an argument takes: `id` of the field named after the kind, or an argument named `<kind>Id`. */
function idKindOf(fieldName: string, argument: ArgumentNode): keyof ExampleIds | undefined {
  const name = argument.name.value;
  if (name === 'id') return KIND_OF_ID[fieldName];
  const kind = /^(loan|officer|customer)Id$/.exec(name)?.[1];
  return kind === undefined ? undefined : KIND_OF_ID[kind];
}

/** The variables to prefill, or undefined when the operation needs none of the example ids. */
export function exampleVariables(query: string, ids: ExampleIds): Record<string, string> | undefined {
  const document = parse(query);
  const required = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) {
      if (variable.type.kind === Kind.NON_NULL_TYPE && variable.defaultValue === undefined) required.add(variable.variable.name.value);
    }
  }
  const variables: Record<string, string> = {};
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? []) {
        if (argument.value.kind !== Kind.VARIABLE || !required.has(argument.value.name.value)) continue;
        const kind = idKindOf(field.name.value, argument);
        if (kind !== undefined) variables[argument.value.name.value] = ids[kind];
      }
    },
  });
  return Object.keys(variables).length > 0 ? variables : undefined;
}
