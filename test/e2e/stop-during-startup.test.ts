/**
 * SIGTERM or SIGINT before "gateway ready" (during migrations that wait for another instance's, during a demo seed)
 * stops the process in order, as after it: the step under way is cancelled (one transaction, rolled back) or
 * finishes, nothing after it begins, what had started stops (the embedded PostgreSQL last), one line says so, and the
 * exit code is 0. Before, the process exited 0 at once, mid-step, with the same two lines as an ordinary stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { repoRoot } from '../../src/paths';
import { createEmptyDatabase, createTestDatabases, type EmptyDatabase, type TestDatabases } from '../support/databases';
import { embeddedGatewayEnv, postgresProcessesUsing, scratchDataDir } from '../support/embedded-processes';
import { freePort } from '../support/free-port';

/** The advisory lock start-up's migrations take (src/migrate.ts MIGRATION_LOCK_KEY): held, it keeps them waiting. */
const MIGRATION_LOCK_KEY = 7_301_001;

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface Gateway {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** The JSON lines logged so far. */
  lines: () => LogLine[];
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startGateway(env: NodeJS.ProcessEnv): Gateway {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, output: () => output, exited, lines };
}

async function waitFor(what: string, gateway: Gateway, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await condition())) {
    if (gateway.child.exitCode !== null) throw new Error(`the process exited (${gateway.child.exitCode}) while waiting for ${what}\n${gateway.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${gateway.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The lines from the stop request on, with the fields a test compares. */
function fromStopRequest(lines: readonly LogLine[]): LogLine[] {
  const at = lines.findIndex((line) => line.msg.startsWith('stop requested during start-up'));
  return at < 0 ? lines.slice() : lines.slice(at).map(({ level, msg, signal, step, deadlineMs }) => ({ level, msg, ...(signal !== undefined && { signal, step, deadlineMs }) }));
}

const STOP_REQUESTED = 'stop requested during start-up: ending the step under way, then stopping what has started';

describe('against configured databases', () => {
  let dbs: TestDatabases;
  let empty: EmptyDatabase;
  let holder: pg.Client;
  beforeAll(async () => {
    dbs = await createTestDatabases();
    empty = await createEmptyDatabase('stop_in_startup');
    holder = new pg.Client({ connectionString: empty.url });
    holder.on('error', () => undefined);
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await empty?.drop();
    await dbs?.drop();
  });

  it('SIGTERM while the migrations wait for another instance cancels the wait, stops the pools and exits 0', async () => {
    // Another instance migrating: this one waits for the lock.
    await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const gateway = startGateway({
      NODE_ENV: 'production',
      PATH: process.env.PATH,
      DJANGO_DATABASE_URL: dbs.djangoUrl,
      METRICS_DATABASE_URL: empty.url,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      AUTH_DISABLED: 'true',
    });
    const waitingForLock = async (): Promise<boolean> =>
      // This database's only: advisory locks are per database, and other test files migrate theirs meanwhile.
      (
        await holder.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'seedsmetrics-gateway/migrate' AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        )
      ).rows.length === 1;
    await waitFor('the migrations to wait for the lock', gateway, waitingForLock);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(fromStopRequest(gateway.lines())).toEqual([
      { level: 30, msg: STOP_REQUESTED, signal: 'SIGTERM', step: 'migrating seedsmetrics', deadlineMs: 25_000 },
      { level: 30, msg: 'stopped' },
    ]);
    // Still held by the other "instance", which was not waited for; nothing was migrated.
    const held = await holder.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [MIGRATION_LOCK_KEY],
    );
    expect(held.rows).toEqual([{ n: 1 }]);
    expect(await empty.tableCount()).toBe(0);
    await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }, 180_000);
});

describe('in embedded mode', () => {
  let parent: string;
  let dataDir: string;
  let port: number;
  let pgPort: number;
  beforeAll(async () => {
    ({ parent, dataDir } = scratchDataDir('gateway-startup-stop-'));
    [port, pgPort] = [await freePort(), await freePort()];
  });
  afterAll(() => {
    for (const line of postgresProcessesUsing(dataDir)) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('SIGINT during the demo seed stops the embedded PostgreSQL before exiting 0; the next start on the same directory has the whole demo', async () => {
    // A larger world than the other end-to-end tests': its generation and write outlast the signal's way here.
    const env = { ...embeddedGatewayEnv({ port, pgPort, dataDir }), DEMO_SCALE: '0.1', SIMULATOR_ENABLED: 'false' };
    const first = startGateway(env);
    await waitFor('"seeding demo data"', first, () => first.lines().some((line) => line.msg === 'seeding demo data'));
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // Stopped in order, the PostgreSQL included, before the process ended: not left to the exit hook's fast shutdown.
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
    // The write is cancelled, or, when the signal came after its commit, finishes with the hierarchy sheet (the one
    // line between): either way nothing after it begins.
    const stopLines = fromStopRequest(first.lines());
    expect([stopLines[0], stopLines.at(-1)]).toEqual([
      { level: 30, msg: STOP_REQUESTED, signal: 'SIGINT', step: 'writing the demo data', deadlineMs: 25_000 },
      { level: 30, msg: 'stopped' },
    ]);
    expect(stopLines.slice(1, -1).filter((line) => line.msg !== 'demo data ready')).toEqual([]);

    // The write was cancelled and rolled back (seeded now), or had committed with its hierarchy sheet (kept): never half.
    const second = startGateway(env);
    await waitFor('"gateway ready"', second, () => second.lines().some((line) => line.msg === 'gateway ready'));
    const seedsmetrics = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/seedsmetrics` });
    const django = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/django` });
    for (const client of [seedsmetrics, django]) client.on('error', () => undefined);
    try {
      await Promise.all([seedsmetrics.connect(), django.connect()]);
      const users = (await django.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts_customuser')).rows[0]!.n;
      const curated = (await seedsmetrics.query<{ n: number }>('SELECT count(*)::int AS n FROM officer_hierarchy')).rows[0]!.n;
      expect(users).toBeGreaterThan(0);
      expect(curated).toBeGreaterThan(0);
    } finally {
      await Promise.all([seedsmetrics.end().catch(() => undefined), django.end().catch(() => undefined)]);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
  }, 300_000);
});
