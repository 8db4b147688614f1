/**
 * The running gateway with authentication on (AUTH_JWT_SECRET): GraphQL over HTTP and over graphql-ws asks for a
 * bearer token, answers a refused one with 401 (HTTP) or close code 4403 (WebSocket) and a message saying why,
 * closes a WebSocket when its token expires, and leaves health, metrics and the GraphiQL page open.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { App } from '../../src/app';
import { registry } from '../../src/observability';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';

const SECRET = 'e2e-shared-secret-with-at-least-32-chars';
/** Seconds of clock tolerance: a token is taken this long past its exp; short, so the expiry test's wait stays short. */
const CLOCK_TOLERANCE_S = 2;
const VIEWER_QUERY = '{ viewer { id roles } }';

let dbs: TestDatabases;
let app: App;

beforeAll(async () => {
  dbs = await createTestDatabases();
  app = await startTestApp(dbs, { SYNC_ENABLED: 'false', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'https://idp.seeds.test', AUTH_CLOCK_TOLERANCE_SECONDS: String(CLOCK_TOLERANCE_S) });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await dbs?.drop();
});

/** A token of `claims` from the configured issuer, expiring in ten minutes unless they say otherwise (`exp: undefined` for none). */
function token(claims: JWTPayload): Promise<string> {
  return new SignJWT({ iss: 'https://idp.seeds.test', exp: Math.floor(Date.now() / 1000) + 600, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

async function post(authorization: string | undefined): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== undefined) headers['authorization'] = authorization;
  const response = await fetch(`${app.server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: VIEWER_QUERY }) });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
}

describe('over HTTP', () => {
  it('answers a valid token with data, the viewer being its subject and roles', async () => {
    const answer = await post(`Bearer ${await token({ sub: 'analyst-7', roles: ['reader', 'analyst'] })}`);
    expect(answer).toEqual({ status: 200, challenge: null, body: { data: { viewer: { id: 'analyst-7', roles: ['reader', 'analyst'] } } } });
  });

  it('answers no token with 401 UNAUTHENTICATED and a Bearer challenge, before executing anything', async () => {
    expect(await post(undefined)).toEqual({
      status: 401,
      challenge: 'Bearer realm="seedsmetrics"',
      body: { errors: [{ message: 'Authentication required: expected an Authorization header "Bearer <JWT>"; got none', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('answers a token from another issuer with 401 naming both issuers', async () => {
    expect(await post(`Bearer ${await token({ sub: 'a', iss: 'https://elsewhere.test' })}`)).toEqual({
      status: 401,
      challenge: 'Bearer realm="seedsmetrics", error="invalid_token"',
      body: {
        errors: [{ message: 'The bearer token\'s "iss" claim must be "https://idp.seeds.test"; got "https://elsewhere.test"', extensions: { code: 'UNAUTHENTICATED' } }],
      },
    });
  });

  it('asks GET queries for a token too, and leaves health, metrics and the GraphiQL page open', async () => {
    const query = await fetch(`${app.server.url}/graphql?query=${encodeURIComponent(VIEWER_QUERY)}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(query.status).toBe(401);
    expect((await fetch(`${app.server.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${app.server.url}/metrics`)).status).toBe(200);
    const page = await fetch(`${app.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

/** `promise`, or a rejection naming `what` once the wall clock passes `deadlineMs` (epoch ms). */
function withDeadline<T>(promise: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} by ${new Date(deadlineMs).toISOString()}`)), Math.max(0, deadlineMs - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('over graphql-ws', () => {
  const url = () => `${app.server.url.replace('http', 'ws')}/graphql`;

  /** Resolves with the first result, or rejects with the close event that ended the connection. */
  function firstResult(client: Client, query: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      client.subscribe({ query }, { next: resolve, error: reject, complete: () => undefined });
    });
  }

  function closed(client: Client): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => client.on('closed', (event) => resolve(event as { code: number; reason: string })));
  }

  it('takes the token from the authorization connection parameter', async () => {
    const bearer = `Bearer ${await token({ sub: 'feed', roles: ['reader'] })}`;
    const client = createClient({ url: url(), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: bearer } });
    try {
      expect(await firstResult(client, VIEWER_QUERY)).toEqual({ data: { viewer: { id: 'feed', roles: ['reader'] } } });
    } finally {
      await client.dispose();
    }
  });

  it('closes a connection without a valid token with 4403 and the reason', async () => {
    const cases: Array<[Record<string, unknown> | undefined, string]> = [
      [undefined, 'Authentication required: expected an Authorization header "Bearer <JWT>"; got none'],
      [{ Authorization: 42 }, 'The connection parameter "Authorization" must be a string "Bearer <JWT>"; got number'],
      [{ authorization: `Bearer ${await token({ sub: 'a', exp: 1_700_000_000 })}` }, 'The bearer token must be unexpired; it expired at 2023-11-14T22:13:20.000Z'],
      // A connection on a token that never expires would never be closed.
      [{ authorization: `Bearer ${await token({ sub: 'a', exp: undefined })}` }, 'The bearer token must carry an "exp" claim (when it expires); got none'],
    ];
    for (const [connectionParams, reason] of cases) {
      const client = createClient({ url: url(), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
      try {
        await expect(firstResult(client, VIEWER_QUERY)).rejects.toMatchObject({ code: 4403, reason });
      } finally {
        await client.dispose();
      }
    }
  });

  it('closes a live connection with 4403 when its token expires (past the clock tolerance), and refuses the token from then on', async () => {
    // The gateway reads the wall clock (jose's check and the expiry timer have no clock to inject), so the token
    // gets a margin that a loaded machine cannot use up before the first answer; the close is then awaited with a
    // deadline past the expiry, never a fixed sleep.
    const expiresAt = Math.floor(Date.now() / 1000) + 10;
    const reason = `The bearer token must be unexpired; it expired at ${new Date(expiresAt * 1000).toISOString()}`;
    const bearer = `Bearer ${await token({ sub: 'short-lived', exp: expiresAt })}`;
    const expiredClosed = async (): Promise<number> =>
      (await registry.getSingleMetric('gateway_live_clients_closed_total')!.get()).values.find((v) => v.labels.reason === 'token_expired')!.value;
    const before = await expiredClosed();
    // lazy: false keeps the socket open between operations; its close is what this test awaits (through `closed`),
    // so graphql-ws's default report of it (console.error) is left out.
    const client = createClient({
      url: url(), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined, connectionParams: { authorization: bearer },
    });
    try {
      const end = closed(client);
      expect(await firstResult(client, VIEWER_QUERY)).toEqual({ data: { viewer: { id: 'short-lived', roles: ['reader'] } } });
      expect(await withDeadline(end, expiresAt * 1000 + CLOCK_TOLERANCE_S * 1000 + 20_000, 'close at expiry')).toMatchObject({ code: 4403, reason });
      // Not before the tolerance is used up: a token the HTTP side still takes must not lose its live feed.
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000 + CLOCK_TOLERANCE_S * 1000);
      expect(await expiredClosed()).toBe(before + 1); // closed at expiry, counted; a refused handshake is not a close of ours
    } finally {
      await client.dispose();
    }
    const again = createClient({ url: url(), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: bearer } });
    try {
      await expect(firstResult(again, VIEWER_QUERY)).rejects.toMatchObject({ code: 4403, reason });
    } finally {
      await again.dispose();
    }
  }, 60_000);

  it('a client reconnects after its token expired with a fresh one from its connectionParams function, and its feed goes on from `since`', async () => {
    const transition = async (): Promise<string> => {
      const { rows } = await dbs.metrics.pool.query<{ id: string }>(
        `INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
         VALUES ('9001', '501', 'YABA', 'Crystal', DATE '2025-12-10', '1-6', '7-30', 6, 7, 12500.50) RETURNING transition_id::text AS id`,
      );
      return rows[0]!.id;
    };
    const since = await transition();
    // As in the test above, the short-lived token gets a margin a loaded machine cannot use up before the first event.
    const expiresAt = Math.floor(Date.now() / 1000) + 10;
    const bearers = [`Bearer ${await token({ sub: 'dashboard', exp: expiresAt })}`, `Bearer ${await token({ sub: 'dashboard' })}`];
    let asked = 0;
    const client = createClient({
      url: url(),
      webSocketImpl: WebSocket,
      retryAttempts: 3,
      connectionParams: async () => ({ authorization: bearers[Math.min(asked++, 1)] }),
    });
    const closes: number[] = [];
    client.on('closed', (event) => void closes.push((event as { code: number }).code));
    const received: string[] = [];
    const errors: unknown[] = [];
    const until = async (done: () => boolean, what: string, deadlineMs: number): Promise<void> => {
      while (!done()) {
        if (errors.length > 0) throw new Error(`the subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadlineMs) throw new Error(`no ${what} by ${new Date(deadlineMs).toISOString()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      client.subscribe<{ dpdTransitioned: { id: string } }>(
        { query: `subscription { dpdTransitioned(since: "${since}") { id } }` },
        { next: (result) => void received.push(result.data!.dpdTransitioned.id), error: (error) => void errors.push(error), complete: () => undefined },
      );
      const live = await transition();
      await until(() => received.includes(live), 'live event', Date.now() + 20_000);
      await until(() => closes.includes(4403), 'close at expiry', expiresAt * 1000 + 20_000);
      // Committed while the client is away or just back: it arrives all the same.
      const afterExpiry = await transition();
      await until(() => received.includes(afterExpiry), 'event after the reconnection', Date.now() + 30_000);
      expect(asked).toBe(2);
      expect(closes).toEqual([4403]);
      // graphql-ws resubscribes with the variables it was given, so the feed replays from the same `since` and the
      // event seen before the expiry comes again: a client keeps the last id it saw and drops what it has seen.
      expect(received).toEqual([live, live, afterExpiry]);
    } finally {
      await client.dispose();
    }
  }, 90_000);
});
