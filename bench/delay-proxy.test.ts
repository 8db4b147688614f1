/**
 * The bench's network hop (`--db-rtt-ms`): a real PostgreSQL answers through bench/delay-proxy.ts run as its own
 * process, byte for byte and in order; the holding rule itself is delay-line.test.ts's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startDelayProxy, type DelayProxy } from './processes';

const adminUrl = process.env.TEST_PG_ADMIN_URL!;
const serverPort = Number(new URL(adminUrl).port || '5432');
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-delay-proxy-'));
let proxy: DelayProxy;

beforeAll(async () => {
  proxy = await startDelayProxy(serverPort, 1, logDir);
});

afterAll(async () => {
  await proxy?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

test('a client through the proxy gets every row of a multi-chunk answer, in order, and can go on querying', async () => {
  const client = new pg.Client({ connectionString: proxy.via(adminUrl) });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number; text: string }>(`SELECT g AS n, repeat(chr(65 + g % 26), 1000) AS text FROM generate_series(1, 2000) g`);
    expect(rows).toHaveLength(2000);
    expect(rows.every((row, i) => row.n === i + 1 && row.text === String.fromCharCode(65 + ((i + 1) % 26)).repeat(1000))).toBe(true);
    const port = await client.query<{ port: number }>(`SELECT inet_server_port() AS port`);
    expect(port.rows[0]!.port).toBe(serverPort);
  } finally {
    await client.end();
  }
});

test('via() moves a URL of the proxied server onto the proxy and refuses one of another server', () => {
  const through = new URL(proxy.via(adminUrl));
  expect(through.port).toBe(String(proxy.port));
  expect(through.pathname).toBe(new URL(adminUrl).pathname);
  expect(() => proxy.via('postgres://postgres@127.0.0.1:1/db')).toThrow(`127.0.0.1:1 is not the server the delay proxy forwards to (port ${serverPort})`);
});

test('a delay under 1 ms is refused at start, naming the variable', async () => {
  await expect(startDelayProxy(serverPort, 0, logDir)).rejects.toThrow('the delay-proxy exited with code 1');
  expect(fs.readFileSync(path.join(logDir, 'delay-proxy.log'), 'utf8')).toContain('BENCH_PROXY_DELAY_MS must be a whole number of at least 1; got "0"');
});
