/**
 * The load generator against a real local HTTP server: request bounds, exact percentiles, failures (non-200,
 * GraphQL `errors`) counted as errors rather than latencies, and variants measured in interleaved rounds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile, runInterleaved, runLoad, summarise } from './load';

let server: http.Server;
let base: string;
const bodies: string[] = [];
/** Paths in the order the server received them. */
const arrivals: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      arrivals.push(request.url ?? '');
      if (request.url === '/ok-too') response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"y":2}}');
      else if (request.url === '/ok') response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"x":1}}');
      else if (request.url === '/graphql-error') response.writeHead(200, { 'content-type': 'application/json' }).end('{"errors":[{"message":"boom"}],"data":null}');
      else response.writeHead(500).end('broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('percentiles are exact ranks of the sorted sample', () => {
  const sample = Array.from({ length: 100 }, (_, i) => i + 1);
  expect([percentile(sample, 50), percentile(sample, 95), percentile(sample, 99), percentile(sample, 100)]).toEqual([50, 95, 99, 100]);
  expect(percentile([7], 99)).toBe(7);
  expect(summarise([3, 1, 2], 1, 'e', 1000)).toMatchObject({ count: 3, errors: 1, firstError: 'e', rps: 3, p50Ms: 2, maxMs: 3, meanMs: 2 });
});

test('stops at maxRequests, sends the i-th body for request i, and records every latency', async () => {
  bodies.length = 0;
  const stats = await runLoad({ url: `${base}/ok`, body: (i) => `{"i":${i}}`, concurrency: 3, durationMs: 60_000, maxRequests: 30, warmupRequests: 4 });
  expect(stats.count).toBe(30);
  expect(stats.errors).toBe(0);
  expect(stats.p50Ms).toBeGreaterThan(0);
  expect(stats.p50Ms).toBeLessThanOrEqual(stats.p95Ms);
  expect(stats.p95Ms).toBeLessThanOrEqual(stats.p99Ms);
  expect(stats.p99Ms).toBeLessThanOrEqual(stats.maxMs);
  // 4 warm-up + 30 measured requests, bodies numbered without gaps or repeats.
  expect(bodies.map((b) => (JSON.parse(b) as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 34 }, (_, i) => i));
});

test('GraphQL errors and non-200 answers are errors, not latencies', async () => {
  const graphqlErrors = await runLoad({ url: `${base}/graphql-error`, body: () => '{}', concurrency: 2, durationMs: 60_000, maxRequests: 10, warmupRequests: 0 });
  expect(graphqlErrors).toMatchObject({ count: 0, errors: 10 });
  expect(graphqlErrors.firstError).toBe('GraphQL errors: [{"message":"boom"}]');
  const broken = await runLoad({ url: `${base}/500`, body: () => '{}', concurrency: 1, durationMs: 60_000, maxRequests: 3, warmupRequests: 0 });
  expect(broken).toMatchObject({ count: 0, errors: 3, firstError: 'HTTP 500: broken' });
});

test('a failing warm-up stops the run with the reason', async () => {
  await expect(runLoad({ url: `${base}/500`, body: () => '{}', concurrency: 1, durationMs: 1000, maxRequests: 1, warmupRequests: 1 })).rejects.toThrow(
    `warm-up request to ${base}/500 failed: HTTP 500: broken`,
  );
});

test('interleaves variants: each runs its share of every round, the order rotating, and a failing one is reported alone', async () => {
  arrivals.length = 0;
  bodies.length = 0;
  const [ok, okToo, broken] = await runInterleaved(
    [
      { url: `${base}/ok`, body: (i) => `{"i":${i}}` },
      { url: `${base}/ok-too`, body: (i) => `{"i":${i}}` },
      { url: `${base}/500`, body: () => '{}' },
    ],
    { concurrency: 1, durationMs: 60_000, maxRequests: 6, warmupRequests: 1, rounds: 3 },
  );
  expect(ok).toMatchObject({ count: 6, errors: 0 });
  expect(okToo).toMatchObject({ count: 6, errors: 0 });
  expect(broken).toEqual(new Error(`warm-up request to ${base}/500 failed: HTTP 500: broken`));
  // Warm-ups first, then rounds of 2 requests per variant: /ok first in round 1, /ok-too first in round 2 (the
  // broken variant's turn is skipped), /ok first again in round 3.
  expect(arrivals).toEqual(['/ok', '/ok-too', '/500', ...['/ok', '/ok', '/ok-too', '/ok-too'], ...['/ok-too', '/ok-too', '/ok', '/ok'], ...['/ok', '/ok', '/ok-too', '/ok-too']]);
  // The i-th request of each variant got body i, warm-up included.
  const okBodies = bodies.filter((_, k) => arrivals[k] === '/ok').map((b) => (JSON.parse(b) as { i: number }).i);
  expect(okBodies).toEqual([0, 1, 2, 3, 4, 5, 6]);
});
