/**
 * GRAPHQL_INTROSPECTION=false: a deployment facing callers who should not read the whole schema. Introspection is
 * refused over HTTP and over graphql-ws with an error naming the setting, wherever in the document it hides (a
 * fragment, an alias); `__typename`, which Apollo Client adds to every selection, and ordinary queries still run;
 * a browser opening /graphql is told why there is no GraphiQL.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appForFile } from '../support/app';

const running = appForFile({ SYNC_ENABLED: 'false', GRAPHQL_INTROSPECTION: 'false' });
const graphqlUrl = (): string => `${running.app.server.url}/graphql`;

async function post(query: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(graphqlUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: await response.json() };
}

const refusal = (field: string) => ({
  errors: [
    {
      message: `Schema introspection is turned off on this server (GRAPHQL_INTROSPECTION=false): a query must not select __schema or __type; got one selecting ${field}`,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    },
  ],
});

it.each([
  ['__schema', '{ __schema { queryType { name } } }'],
  ['__type', '{ loans(first: 1) { totalCount } __type(name: "Loan") { name } }'],
  ['__schema', 'query Q { ...F } fragment F on Query { shape: __schema { types { name } } }'],
])('refuses a query selecting %s over HTTP with 400', async (field, query) => {
  expect(await post(query)).toEqual({ status: 400, body: refusal(field) });
});

it('still answers __typename and ordinary queries', async () => {
  expect(await post('{ __typename loans(first: 1) { __typename totalCount } }')).toEqual({
    status: 200,
    body: { data: { __typename: 'Query', loans: { __typename: 'LoanConnection', totalCount: 0 } } },
  });
});

it('refuses introspection over graphql-ws with the same error', async () => {
  const client = createClient({ url: graphqlUrl().replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    const outcome = await new Promise((resolve) => {
      client.subscribe({ query: '{ __type(name: "Loan") { fields { name } } }' }, { next: (result) => resolve({ next: result }), error: (error) => resolve({ error }), complete: () => undefined });
    });
    expect(outcome).toEqual({ error: refusal('__type').errors });
  } finally {
    await client.dispose();
  }
});

it('tells a browser opening /graphql that GraphiQL is off, and serves none of its assets', async () => {
  const page = await fetch(graphqlUrl(), { headers: { accept: 'text/html' } });
  expect([page.status, page.headers.get('content-type'), await page.text()]).toEqual([
    404,
    'text/plain; charset=utf-8',
    'GraphiQL is turned off on this server (GRAPHQL_INTROSPECTION=false); send GraphQL operations to this address with POST.\n',
  ]);
  expect((await fetch(`${running.app.server.url}/graphiql/assets/graphiql.min.js`)).status).toBe(404);
});
