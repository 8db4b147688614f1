/** Operation names come from clients: the label set of gateway_graphql_operation_duration_seconds stays bounded. */
import { operationNameLabels } from '../../../src/operation-metrics';

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
