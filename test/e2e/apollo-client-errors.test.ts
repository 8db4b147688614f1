/**
 * What the dashboard's Apollo Client (4, HttpLink) makes of the gateway's refusals: it reads `extensions.code` only
 * from a body it may take as GraphQL, which for a 4xx status is one of content type application/graphql-response+json
 * (the type it asks for first). Any other 4xx body becomes a ServerError holding the text, code unread. Over
 * WebSocket (GraphQLWsLink) a refused connection is a close code, which the link reports in an Error's message.
 */
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appForFile } from '../support/app';

const t = appForFile({ SYNC_ENABLED: 'false', AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes-for-hs256', AUTH_ISSUER: 'https://idp.seeds.test' });

it('a request without a token reaches Apollo Client as a GraphQL error with code UNAUTHENTICATED, not a bare HTTP 401', async () => {
  const dashboard = new ApolloClient({ link: new HttpLink({ uri: `${t.app.server.url}/graphql` }), cache: new InMemoryCache() });
  try {
    const { data, error } = await dashboard.query({ query: gql`{ syncStatus { businessDate } }`, errorPolicy: 'all' });
    expect(data).toBeUndefined();
    expect(CombinedGraphQLErrors.is(error) ? error.errors : error).toEqual([
      { message: 'Authentication required: expected an Authorization header "Bearer <JWT>"; got none', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  } finally {
    dashboard.stop();
  }
});

it('answers a refusal as application/json to a client that does not ask for application/graphql-response+json', async () => {
  const response = await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ apiVersion }' }) });
  expect([response.status, response.headers.get('content-type')]).toEqual([401, 'application/json; charset=utf-8']);
  const asked = await fetch(`${t.app.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json;q=0.9' },
    body: JSON.stringify({ query: '{ apiVersion }' }),
  });
  expect([asked.status, asked.headers.get('content-type')]).toEqual([401, 'application/graphql-response+json; charset=utf-8']);
});

it("a subscription without a token reaches GraphQLWsLink as an error naming close code 4403 and the reason, and graphql-ws's closed event carries the code", async () => {
  const ws = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const closeCodes: number[] = [];
  ws.on('closed', (event) => closeCodes.push((event as { code: number }).code));
  const dashboard = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
  try {
    const outcome = await new Promise<unknown>((resolve) => {
      dashboard.subscribe({ query: gql`subscription { parChanged(scope: BRANCH) { id } }` }).subscribe({
        next: (result) => resolve(result.error === undefined ? result : String(result.error)),
        error: (error: unknown) => resolve(`thrown: ${String(error)}`),
      });
    });
    expect(outcome).toBe('Error: Socket closed with event 4403 Authentication required: expected an Authorization header "Bearer <JWT>"; got none');
    expect(closeCodes).toEqual([4403]);
  } finally {
    dashboard.stop();
    await ws.dispose();
  }
});
