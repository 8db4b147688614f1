/** Operation names come from clients: the label set of gateway_graphql_operation_duration_seconds stays bounded. */
import { exampleOperationNames } from '../../../src/example-operations';
import { MAX_OPERATION_NAME_LENGTH, operationNameLabels } from '../../../src/operation-metrics';

it('reports names as themselves until the bound, then as _other; a name seen before keeps its label', () => {
  const label = operationNameLabels(2);
  expect([label('Dashboard'), label('LoansPage'), label('Scan1'), label('Dashboard'), label('Scan2'), label(undefined), label(null)]).toEqual([
    'Dashboard',
    'LoansPage',
    '_other',
    'Dashboard',
    '_other',
    '_anonymous',
    '_anonymous',
  ]);
});

it('reports a name too long for a label as _other, without taking one of the bounded places', () => {
  const label = operationNameLabels(1);
  const longest = 'N'.repeat(MAX_OPERATION_NAME_LENGTH);
  expect([label(`${longest}X`), label('B'.repeat(200_000)), label(longest), label('Later')]).toEqual(['_other', '_other', longest, '_other']);
});

it("the dashboard's own operations are always themselves, outside the bound", () => {
  const label = operationNameLabels(1, ['Dashboard', 'LoanById']);
  expect([label('Scan1'), label('Scan2'), label('LoanById'), label('Dashboard'), label('Scan1')]).toEqual(['Scan1', '_other', 'LoanById', 'Dashboard', 'Scan1']);
});

it("the reserved names are the example operations' names", () => {
  const names = exampleOperationNames();
  expect(names).toEqual(expect.arrayContaining(['Dashboard', 'LoanById', 'LoansPage', 'OfficersPage', 'PortfolioKpis', 'LiveDpdTransitions', 'LiveParChanges']));
  expect(names).toHaveLength(22);
});
