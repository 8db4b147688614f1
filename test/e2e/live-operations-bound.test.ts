/**
 * LIVE_MAX_OPERATIONS_PER_CONNECTION reaches the WebSocket server: with a bound of 1, a client holding one
 * subscription is refused a second with TOO_MANY_OPERATIONS naming the bound, and its first feed goes on.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appForFile } from '../support/app';

const running = appForFile({ SYNC_ENABLED: 'false', LIVE_MAX_OPERATIONS_PER_CONNECTION: '1' });

it('refuses the operation past the configured bound, on the same connection', async () => {
  const client = createClient({ url: `${running.app.server.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  try {
    const firstErrors: unknown[] = [];
    client.subscribe({ query: 'subscription { dpdTransitioned { id } }' }, { next: () => undefined, error: (error) => firstErrors.push(error), complete: () => undefined });
    const second = await new Promise((resolve) => {
      client.subscribe({ query: 'subscription { parChanged(scope: PORTFOLIO) { id } }' }, { next: (result) => resolve({ next: result }), error: (error) => resolve({ error }), complete: () => undefined });
    });
    expect(second).toEqual({
      error: [
        {
          message: 'A connection may hold at most 1 operations at once; this one already holds 1. Complete one before starting another',
          extensions: { code: 'TOO_MANY_OPERATIONS', maxOperationsPerConnection: 1 },
        },
      ],
    });
    expect(firstErrors).toEqual([]);
  } finally {
    await client.dispose();
  }
});
