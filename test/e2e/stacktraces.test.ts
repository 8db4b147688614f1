/** Error responses carry no stack trace whatever NODE_ENV says (Apollo adds one outside production and test). */
import type { App } from '../../src/app';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';

let dbs: TestDatabases;
let app: App;
const nodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  dbs = await createTestDatabases();
  process.env.NODE_ENV = 'development'; // as when the built server is started without npm start
  app = await startTestApp(dbs, { SYNC_ENABLED: 'false' });
}, 120_000);

afterAll(async () => {
  process.env.NODE_ENV = nodeEnv;
  await app?.stop();
  await dbs?.drop();
});

it('a validation error with NODE_ENV=development has a code and no stacktrace', async () => {
  const response = await fetch(`${app.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ noSuchField }' }),
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
  expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'GRAPHQL_VALIDATION_FAILED' }]);
});
