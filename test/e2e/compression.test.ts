/**
 * Responses are gzip-compressed for clients that accept it: GraphQL answers from 1 KiB (the dashboard's screens are
 * tens to hundreds of kilobytes of JSON), GraphiQL's assets and the metrics page; never for a client that did not
 * ask, and always with `Vary: Accept-Encoding`, so a cache in between keeps the two apart.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { COMPRESSION_MIN_BYTES } from '../../src/response-compression';
import { appForFile, startTestApp } from '../support/app';

const t = appForFile({ SYNC_ENABLED: 'false' });

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The schema's types with their fields and descriptions: a large answer (~100 KB) on an empty database. */
const LARGE_QUERY = '{ __schema { types { name description fields { name description type { name } } } } }';

const post = (query: string, acceptEncoding?: string, base = t.app.server.url) =>
  request(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
    body: JSON.stringify({ query }),
  });

describe('GraphQL responses', () => {
  it('are gzip-compressed for a client that accepts gzip, to the same JSON', async () => {
    const plain = await post(LARGE_QUERY);
    const compressed = await post(LARGE_QUERY, 'gzip, deflate, br');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(50_000);
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers['content-type']).toBe(plain.headers['content-type']);
    expect(Number(compressed.headers['content-length'])).toBe(compressed.bytes.length);
    // The schema's prose compresses ~4× at gzip's fastest level, less as descriptions grow: 3× still shows it is gzip.
    expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(JSON.parse(gunzipSync(compressed.bytes).toString('utf8'))).toEqual(JSON.parse(plain.bytes.toString('utf8')));
    for (const response of [plain, compressed]) expect(response.headers.vary).toMatch(/(^|, )Accept-Encoding($|,)/);
  });

  it.each([
    ['gzip;q=0', 'as it is', undefined],
    ['identity', 'as it is', undefined],
    ['br', 'as it is (gzip only)', undefined],
    ['deflate', 'as it is (gzip only)', undefined],
    ['*', 'gzip', 'gzip'],
    ['br;q=1, gzip;q=0.5', 'gzip', 'gzip'],
  ])('Accept-Encoding %j: sent %s', async (acceptEncoding, _label, expected) => {
    const response = await post(LARGE_QUERY, acceptEncoding);
    expect(response.headers['content-encoding']).toBe(expected);
    const text = expected === 'gzip' ? gunzipSync(response.bytes).toString('utf8') : response.bytes.toString('utf8');
    expect(JSON.parse(text)).toHaveProperty('data.__schema.types');
  });

  it(`are sent as they are below ${COMPRESSION_MIN_BYTES} bytes, and over GET as over POST`, async () => {
    const small = await post('{ __typename }', 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.bytes.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
    const get = await request(`${t.app.server.url}/graphql?query=${encodeURIComponent(LARGE_QUERY)}`, { headers: { accept: 'application/json', 'accept-encoding': 'gzip', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect(get.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(get.bytes).toString('utf8'))).toHaveProperty('data.__schema.types');
  });

  it('a refused request is answered as it is, in GraphQL\'s error shape', async () => {
    const refused = await request(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body: '[]' });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.bytes.toString('utf8')).errors[0].extensions.code).toBe('BAD_REQUEST');
  });
});

describe('GraphiQL assets and the metrics page', () => {
  it('are gzip-compressed for a client that accepts gzip, and keep their validators', async () => {
    const asset = `${t.app.server.url}/graphiql/assets/graphiql.min.js`;
    const plain = await request(asset, {});
    const compressed = await request(asset, { headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(compressed.bytes).equals(plain.bytes)).toBe(true);
    expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(compressed.headers.etag).toBeDefined();
    expect(compressed.headers.vary).toMatch(/Accept-Encoding/);
    const revalidated = await request(asset, { headers: { 'accept-encoding': 'gzip', 'if-none-match': compressed.headers.etag! } });
    expect(revalidated.status).toBe(304);

    const metrics = await request(`${t.app.server.url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    expect(metrics.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(metrics.bytes).toString('utf8')).toContain('# TYPE gateway_http_request_duration_seconds histogram');
  });
});

it('HTTP_COMPRESSION=false sends every response as it is (a proxy in front compresses)', async () => {
  const app = await startTestApp(t.dbs, { SYNC_ENABLED: 'false', HTTP_COMPRESSION: 'false' });
  try {
    const graphql = await post(LARGE_QUERY, 'gzip', app.server.url);
    expect(graphql.headers['content-encoding']).toBeUndefined();
    expect(graphql.headers.vary ?? '').not.toMatch(/Accept-Encoding/);
    const asset = await request(`${app.server.url}/graphiql/assets/graphiql.min.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.headers['content-encoding']).toBeUndefined();
  } finally {
    await app.stop();
  }
});
