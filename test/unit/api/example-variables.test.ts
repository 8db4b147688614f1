/**
 * GraphiQL's example tabs: the operations that need a loan, officer or customer id get the example id of that kind,
 * under the variable's own name; the others get none.
 */
import { exampleVariables } from '../../../src/example-variables';
import { loadExampleOperations } from '../../../src/example-operations';

const IDS = { loanId: '9001', officerId: '501', customerId: '7001' };

test('each example operation gets exactly the ids it needs', () => {
  const filled = Object.fromEntries(
    loadExampleOperations()
      .map((example) => [example.name, exampleVariables(example.query, IDS)] as const)
      .filter(([, variables]) => variables !== undefined),
  );
  expect(filled).toEqual({
    customerById: { id: '7001' },
    loanById: { id: '9001' },
    officerById: { id: '501' },
    topRiskLoans: { officerId: '501' },
  });
});

test('a variable with a default, an optional one, or an id of another kind is left to the analyst', () => {
  const query = `query Q($a: ID! = "1", $b: ID, $c: ID!, $d: ID!) {
    loan(id: $a) { id }
    officer(id: $b) { id }
    dpdTransition(id: $c) { id }
    customer(id: $d) { id }
  }`;
  expect(exampleVariables(query, IDS)).toEqual({ d: '7001' });
});

test('an operation without variables gets none', () => {
  expect(exampleVariables('{ apiVersion }', IDS)).toBeUndefined();
});
