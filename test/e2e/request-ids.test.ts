/**
 * Each HTTP request has an id, sent back as `X-Request-Id` and carried (`requestId`) by the log lines written while it
 * was served, so a caller's report of an INTERNAL_SERVER_ERROR or a slow screen leads the operator to its lines. An
 * id passed on by a proxy in front is kept when it is a plain token, and replaced otherwise.
 */
import type { App } from '../../src/app';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { memoryLogger } from '../support/memory-logger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let dbs: TestDatabases;
let app: App;
const { log, lines } = memoryLogger();

beforeAll(async () => {
  dbs = await createTestDatabases();
  // Every operation logged as slow (once per name and minute): each request below writes one line of its own.
  app = await startTestApp(dbs, { SYNC_ENABLED: 'false', GRAPHQL_SLOW_OPERATION_MS: '0' }, log);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await dbs?.drop();
});

function post(query: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
}

const messagesOf = (requestId: string | null): unknown[] => lines.filter((line) => line.requestId === requestId).map((line) => line.msg);

it("puts the request's id in its answer and on the lines logged while it was served: the masked error's cause among them", async () => {
  await dbs.metrics.pool.query('ALTER TABLE sync_runs RENAME TO sync_runs_away');
  let response: Response;
  try {
    response = await post('query Status { syncStatus { lagSeconds } }');
  } finally {
    await dbs.metrics.pool.query('ALTER TABLE sync_runs_away RENAME TO sync_runs');
  }
  const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
  expect(body.errors.map((error) => error.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
  const id = response.headers.get('x-request-id');
  expect(id).toMatch(UUID);
  expect(messagesOf(id)).toEqual(['unexpected error while executing a GraphQL operation', 'slow GraphQL operation']);
  expect(lines.find((line) => line.requestId === id && line.msg === 'unexpected error while executing a GraphQL operation')).toMatchObject({
    err: { message: 'relation "sync_runs" does not exist', code: '42P01' },
  });
});

it('keeps the id a proxy in front passed on when it is a plain token, replaces any other, and gives every route one', async () => {
  const passed = await post('query Viewer { viewer { id } }', { 'x-request-id': 'Root=1-67a2f3b1-12456789abcdef012345678' });
  expect(passed.headers.get('x-request-id')).toBe('Root=1-67a2f3b1-12456789abcdef012345678');
  expect(messagesOf('Root=1-67a2f3b1-12456789abcdef012345678')).toEqual(['slow GraphQL operation']);

  const odd = await post('query Odd { viewer { id } }', { 'x-request-id': 'id with spaces; and="quotes"' });
  const replaced = odd.headers.get('x-request-id');
  expect(replaced).toMatch(UUID);
  expect(messagesOf(replaced)).toEqual(['slow GraphQL operation']);
  expect(lines.some((line) => JSON.stringify(line).includes('quotes'))).toBe(false);

  for (const path of ['/health/live', '/metrics', '/no-such-path']) {
    expect((await fetch(`${app.server.url}${path}`)).headers.get('x-request-id')).toMatch(UUID);
  }
  // Three requests logged, three ids; lines written outside any request (start-up's) carry none.
  expect(new Set(lines.filter((line) => line.requestId !== undefined).map((line) => line.requestId)).size).toBe(3);
  expect(lines.filter((line) => line.requestId === undefined).map((line) => line.msg)).not.toContain('slow GraphQL operation');
});
