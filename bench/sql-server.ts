/**
 * The minimal REST-style JSON layer of variants (b) and (c): plain node:http, POST /raw/<operation> or
 * /fdw/<operation> with the parameters as a JSON body, answered `{ "data": ... }` — the transport the replaced
 * backend had, so the four variants pay comparable HTTP costs. Run as its own process by bench/run.ts:
 *   BENCH_DJANGO_URL=... BENCH_METRICS_URL=... BENCH_POOL_SIZE=16 node -r @swc-node/register bench/sql-server.ts
 * It prints one line `listening http://127.0.0.1:PORT` when ready.
 */
import http from 'node:http';
import { preparedStatements } from '../loaders/sql';
import { createPool } from '../src/pg-pool';
import { wholeNumber } from './args';
import { OPERATION_NAMES, type OperationName, type OperationParams } from './operations';
import { FDW, RAW, type SqlHandler, type SqlPools } from './sql-variants';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set (a postgres:// URL)`);
  return value;
}

const poolSize = wholeNumber('BENCH_POOL_SIZE', process.env.BENCH_POOL_SIZE ?? '16', 1);
const djangoPool = createPool({ url: required('BENCH_DJANGO_URL'), max: poolSize, readOnly: true, applicationName: 'bench/sql-server' });
const metricsPool = createPool({ url: required('BENCH_METRICS_URL'), max: poolSize, applicationName: 'bench/sql-server' });
// A bound on any one statement, so a pathological FDW plan shows up as an error instead of stalling the run.
for (const pool of [djangoPool, metricsPool]) pool.on('connect', (client) => void client.query('SET statement_timeout = 60000').catch(() => undefined));
/**
 * Every statement goes out as a named prepared statement, as the gateway's loaders send theirs (the same
 * wrapper): PostgreSQL parses and plans it once per connection instead of per request, what a hand-tuned
 * endpoint does.
 */
const pools: SqlPools = { django: preparedStatements(djangoPool), metrics: preparedStatements(metricsPool) };
const routes = new Map<string, SqlHandler>();
// The transport floor: an answer with no SQL, to compare with the gateway's `{ __typename }`.
routes.set('/raw/ping', async () => ({ ok: true }));
for (const name of OPERATION_NAMES) {
  routes.set(`/raw/${name}`, RAW[name as OperationName]);
  routes.set(`/fdw/${name}`, FDW[name as OperationName]);
}

function send(response: http.ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const server = http.createServer((request, response) => {
  const handler = request.method === 'POST' ? routes.get(request.url ?? '') : undefined;
  if (!handler) {
    send(response, 404, { error: `expected POST /raw/<operation> or /fdw/<operation>; got ${request.method} ${request.url}` });
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let params: OperationParams;
    try {
      params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as OperationParams;
    } catch {
      send(response, 400, { error: 'the body must be JSON parameters' });
      return;
    }
    handler(pools, params).then(
      (data) => send(response, 200, { data }),
      (error: unknown) => send(response, 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});

const shutdown = (): void => {
  server.close();
  void Promise.all([djangoPool.end(), metricsPool.end()]).finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
