import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, DPD_SUBSCRIPTION, ids, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';

let dbs: TestDatabases;
let live: LiveInstance;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  await live?.stop();
  await dbs?.drop();
});

test('smoke', async () => {
  const client = live.client();
  const sub = collect<DpdEvent>(client, DPD_SUBSCRIPTION);
  await waitUntil(() => live.contexts.created > 0, 'subscription context');
  const inserted = await insertTransitions(dbs, [{}, { from: '7-30', to: '1-6' }]);
  await waitUntil(() => sub.values.length >= 2 || sub.errors.length > 0, 'two events');
  expect(sub.errors).toEqual([]);
  expect(ids(sub)).toEqual(inserted);
  console.log(JSON.stringify(sub.values));
});
