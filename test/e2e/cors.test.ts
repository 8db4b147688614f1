/**
 * The dashboard served from its own origin calls the gateway from the browser: CORS_ORIGINS lets it (preflight
 * answered, answers readable, refusals' WWW-Authenticate readable), other origins get no CORS headers, and
 * without CORS_ORIGINS a cross-origin page cannot read anything. WebSocket upgrades, which browsers do not
 * subject to CORS, follow the same list (plus the server's own origin). Checked header by header and in Chromium.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import type { App } from '../../src/app';
import { startTestApp } from '../support/app';
import { launchChromium } from '../support/chromium';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { memoryLogger } from '../support/memory-logger';

const SECRET = 'a-test-secret-of-at-least-32-characters';

let dbs: TestDatabases;
/** A page server on localhost: its origin differs from the gateway's (127.0.0.1), as a dashboard's would. */
let pages: http.Server;
let dashboardOrigin: string;
let allowing: App;
let closed: App;
let browser: Browser;

beforeAll(async () => {
  pages = http.createServer((_request, response) => response.end('<!doctype html><title>dashboard</title>'));
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  dashboardOrigin = `http://localhost:${(pages.address() as AddressInfo).port}`;
  dbs = await createTestDatabases();
  allowing = await startTestApp(dbs, { SYNC_ENABLED: 'false', CORS_ORIGINS: `https://other.example, ${dashboardOrigin}`, AUTH_JWT_SECRET: SECRET });
  closed = await startTestApp(dbs, { SYNC_ENABLED: 'false' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await allowing?.stop();
  await closed?.stop();
  await dbs?.drop();
  await new Promise((resolve) => pages?.close(resolve));
});

const tokenFor = (sub: string): Promise<string> =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));

/** The answer to a graphql-ws upgrade request sent with `origin` (none: as a non-browser client sends it). */
function upgrade(app: App, origin?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${app.server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', origin === undefined ? {} : { origin });
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('error', reject);
  });
}

function corsHeaders(response: Response): Record<string, string> {
  const found: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('access-control-') || name === 'vary') found[name] = value;
  });
  return found;
}

describe('with CORS_ORIGINS', () => {
  it('answers a preflight from an allowed origin with what it may send', async () => {
    const response = await fetch(`${allowing.server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: dashboardOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(corsHeaders(response)).toEqual({
      'access-control-allow-origin': dashboardOrigin,
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Request-Id',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  it('lets an allowed origin read answers, and gives any other origin no CORS headers', async () => {
    const token = await tokenFor('officer-7');
    const query = (origin: string): Promise<Response> =>
      fetch(`${allowing.server.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ apiVersion }' }),
      });
    const allowed = await query(dashboardOrigin);
    expect(allowed.status).toBe(200);
    expect(corsHeaders(allowed)).toEqual({
      'access-control-allow-origin': dashboardOrigin,
      'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Request-Id',
      vary: 'Origin, Accept-Encoding',
    });
    expect(await allowed.json()).toEqual({ data: { apiVersion: expect.any(String) } });

    const stranger = await query('https://evil.example');
    // No Access-Control-Allow-Origin: the browser withholds the answer from that page.
    expect(corsHeaders(stranger)).toEqual({ 'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Request-Id', vary: 'Origin, Accept-Encoding' });
  });

  it('lets a page on the dashboard origin query the gateway from Chromium, and read why a token was refused', async () => {
    const page = await browser.newPage();
    await page.goto(dashboardOrigin);
    const ask = (authorization: string) =>
      page.evaluate(
        async ({ url, authorization }) => {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: '{ viewer { id } }' }) });
          return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
        },
        { url: `${allowing.server.url}/graphql`, authorization },
      );
    expect(await ask(`Bearer ${await tokenFor('officer-7')}`)).toEqual({ status: 200, challenge: null, body: { data: { viewer: { id: 'officer-7' } } } });
    const refused = await ask('Bearer not-a-token');
    expect(refused).toMatchObject({ status: 401, challenge: 'Bearer realm="seedsmetrics", error="invalid_token"', body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    await page.close();
  });
});

describe('WebSocket upgrades', () => {
  it('are accepted from listed origins, the server\'s own and non-browser clients, and refused with 403 from others', async () => {
    expect(await upgrade(allowing, dashboardOrigin)).toEqual({ status: 101, body: '' });
    expect(await upgrade(allowing)).toEqual({ status: 101, body: '' });
    expect(await upgrade(closed, closed.server.url)).toEqual({ status: 101, body: '' });
    const refused = { status: 403, body: `Origin ${dashboardOrigin} is not allowed: expected this server's own origin or one listed in CORS_ORIGINS` };
    expect(await upgrade(closed, dashboardOrigin)).toEqual(refused);
    expect(await upgrade(allowing, 'https://evil.example')).toEqual({ ...refused, body: refused.body.replace(dashboardOrigin, 'https://evil.example') });
  });

  it('refused from any number of origins, are logged in one line a minute, not one line each', async () => {
    const { log, lines } = memoryLogger();
    const app = await startTestApp(dbs, { SYNC_ENABLED: 'false' }, log);
    try {
      for (const origin of ['https://a.example', 'https://b.example', 'https://c.example']) expect((await upgrade(app, origin)).status).toBe(403);
      expect(lines.filter((line) => String(line.msg).startsWith('WebSocket upgrade')).map(({ msg, origin, refusedSinceLastLine }) => ({ msg, origin, refusedSinceLastLine }))).toEqual([
        { msg: 'WebSocket upgrade from an origin not in CORS_ORIGINS refused', origin: 'https://a.example', refusedSinceLastLine: 0 },
      ]);
    } finally {
      await app.stop();
    }
  });

  it('from a page on another origin open only where that origin is listed (Chromium)', async () => {
    const page = await browser.newPage();
    await page.goto(dashboardOrigin);
    const open = (url: string) =>
      page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const socket = new window.WebSocket(url, 'graphql-transport-ws');
            socket.onopen = () => {
              socket.close();
              resolve('open');
            };
            socket.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        url,
      );
    expect(await open(`${allowing.server.url.replace('http', 'ws')}/graphql`)).toBe('open');
    expect(await open(`${closed.server.url.replace('http', 'ws')}/graphql`)).toBe('closed 1006');
    await page.close();
  });
});

describe('without CORS_ORIGINS', () => {
  it('sends no CORS headers, so a page on another origin cannot read the answer', async () => {
    const response = await fetch(`${closed.server.url}/graphql`, { method: 'POST', headers: { origin: dashboardOrigin, 'content-type': 'application/json' }, body: '{"query":"{ apiVersion }"}' });
    // Vary names only the compression's header: the answer does not depend on the origin.
    expect(corsHeaders(response)).toEqual({ vary: 'Accept-Encoding' });

    const page = await browser.newPage();
    await page.goto(dashboardOrigin);
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ apiVersion }' }) });
        return 'read';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }, `${closed.server.url}/graphql`);
    expect(outcome).toBe('TypeError: Failed to fetch');
    await page.close();
  });
});
