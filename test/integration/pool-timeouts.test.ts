/**
 * The pools' waits are bounded: a statement over its bound is cancelled by PostgreSQL; a connection that went
 * silent (network black-holed) fails its caller and is replaced once the network heals; a connection that cannot
 * be opened, or a free one of a full pool, is waited for at most connectTimeoutMs — so callers never queue
 * without bound. The sync worker's connections carry its own, longer bound.
 */
import pg from 'pg';
import { openDatabases } from '../../src/databases';
import { createPool, LongStatementSession, type ObservedPool } from '../../src/pg-pool';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { recordingRecompute, TODAY } from './sync/harness';
import { djangoRows } from './sync/django-rows';
import { fixedBusinessClock } from '../../src/engine/clock';
import { silentLogger } from '../../src/logger';
import { SyncWorker } from '../../src/sync/worker';

let dbs: TestDatabases;
let proxy: TcpProxy;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  const target = new URL(dbs.metricsUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
});

afterAll(async () => {
  await Promise.allSettled(pools.map((pool) => pool.end()));
  await proxy?.close();
  await dbs?.drop();
});

function pool(options: Parameters<typeof createPool>[0]): ObservedPool {
  const created = createPool(options);
  pools.push(created);
  return created;
}

/** Holds an ACCESS EXCLUSIVE lock on a seedsmetrics table until the returned function is called. */
async function lockTable(table: string): Promise<() => Promise<void>> {
  const client = await dbs.metrics.pool.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await client.query('ROLLBACK');
    client.release();
  };
}

it('a statement over the bound is cancelled by PostgreSQL with its statement-timeout error', async () => {
  const bounded = pool({ url: dbs.metricsUrl, max: 2, statementTimeoutMs: 300 });
  expect((await bounded.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '300ms' }]);
  const unlock = await lockTable('loans');
  try {
    await expect(bounded.query('SELECT count(*) FROM loans')).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
  } finally {
    await unlock();
  }
  expect((await bounded.query('SELECT count(*)::int AS n FROM loans')).rows).toEqual([{ n: 0 }]);
});

it('a silenced connection fails its caller; a route that holds new connections fails them; after healing the pool serves again', async () => {
  const bounded = pool({ url: proxy.via(dbs.metricsUrl), max: 2, statementTimeoutMs: 300, connectTimeoutMs: 500, applicationName: 'pool-test/silenced' });
  expect((await bounded.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  expect(proxy.silence('pool-test/silenced')).toBe(1);
  // PostgreSQL never hears the statement, so only the client's own answer timeout can end the wait.
  await expect(bounded.query('SELECT 1')).rejects.toThrow('Query read timeout');
  proxy.holdNew();
  await expect(bounded.query('SELECT 1')).rejects.toThrow('Connection terminated due to connection timeout');
  expect([bounded.totalCount, bounded.waitingCount]).toEqual([0, 0]);
  proxy.heal();
  expect((await bounded.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
});

it('a caller waits for a free connection of a full pool at most connectTimeoutMs; nobody is left queued', async () => {
  const small = pool({ url: dbs.metricsUrl, max: 1, connectTimeoutMs: 300 });
  const busy = await small.connect();
  try {
    await expect(small.query('SELECT 1')).rejects.toThrow('timeout exceeded when trying to connect');
    expect(small.waitingCount).toBe(0);
  } finally {
    busy.release();
  }
  expect((await small.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
});

it("a LongStatementSession borrows a connection with its own bound and hands it back with the pool's", async () => {
  const bounded = pool({ url: dbs.metricsUrl, max: 1, statementTimeoutMs: 200 });
  const pid = (await bounded.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const session = new LongStatementSession(bounded, 10_000);
  expect((await session.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '10s' }]);
  expect((await session.query('SELECT pg_sleep(0.4)::text AS slept')).rows).toEqual([{ slept: '' }]);
  await session.end();
  expect((await bounded.query('SELECT pg_backend_pid() AS pid, current_setting($1) AS bound', ['statement_timeout'])).rows).toEqual([{ pid, bound: '200ms' }]);
  await expect(bounded.query('SELECT pg_sleep(0.4)')).rejects.toMatchObject({ code: '57014' });
});

it('a LongStatementSession with a name shows under it while it has the connection, and hands it back under the pool\'s', async () => {
  const named = pool({ url: dbs.metricsUrl, max: 1, applicationName: 'test/requests' });
  const session = new LongStatementSession(named, 10_000, "the sync's");
  expect((await session.query('SHOW application_name')).rows).toEqual([{ application_name: "the sync's" }]);
  await session.end();
  expect((await named.query('SHOW application_name')).rows).toEqual([{ application_name: 'test/requests' }]);
});

it('a LongStatementSession whose statement was cancelled ends only once its server process has gone', async () => {
  const small = pool({ url: dbs.metricsUrl, max: 2 });
  const session = new LongStatementSession(small, 10_000);
  const sleeping = session.query('SELECT pg_sleep(600) /* cancelled session */');
  const pidOf = `SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600) /* cancelled session */%'`;
  let pids: { pid: number }[] = [];
  while (pids.length === 0) pids = (await dbs.metrics.pool.query<{ pid: number }>(pidOf)).rows;
  await session.cancel();
  await expect(sleeping).rejects.toMatchObject({ code: '57014' });
  const removed: unknown[] = [];
  small.on('remove', (client) => removed.push(client));
  await session.end();
  expect(removed).toHaveLength(1); // its socket closed before end() returned
  // Destroyed, not handed back (the one idle connection is the cancel's): and by now PostgreSQL has no process for
  // it, not even an idle one.
  expect([small.totalCount, small.idleCount]).toEqual([1, 1]);
  expect((await dbs.metrics.pool.query('SELECT pid FROM pg_stat_activity WHERE pid = $1', [pids[0]!.pid])).rows).toEqual([]);
});

it('a LongStatementSession cancelled between statements hands no connection back (the cancel could reach its next user)', async () => {
  const small = pool({ url: dbs.metricsUrl, max: 2 });
  const session = new LongStatementSession(small, 10_000);
  expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  await session.cancel();
  const removed: unknown[] = [];
  small.on('remove', (client) => removed.push(client));
  await session.end();
  expect(removed).toHaveLength(1);
  expect([small.totalCount, small.idleCount]).toEqual([1, 1]); // the cancel's own connection
});

describe('the sync worker under pools bounded for requests', () => {
  let bounded: ReturnType<typeof openDatabases>;
  beforeAll(() => {
    bounded = openDatabases({ djangoUrl: dbs.djangoUrl, metricsUrl: dbs.metricsUrl }, { djangoPoolSize: 3, metricsPoolSize: 3, statementTimeoutMs: 200 });
  });
  afterAll(async () => {
    await bounded.close();
  });

  it('runs statements longer than the request bound, on both databases, within its own bound', async () => {
    const django = djangoRows(dbs.djangoWriter);
    await django.user(7);
    await django.customer(11);
    await django.loan(100, 7, 11);
    const recompute = recordingRecompute();
    const worker = new SyncWorker({
      djangoPool: bounded.django.pool,
      metricsPool: bounded.metrics.pool,
      businessTz: 'Africa/Lagos',
      clock: fixedBusinessClock(TODAY),
      log: silentLogger(),
      statementTimeoutMs: 10_000,
      // The start-up recompute of every open loan, on the worker's lock connection: longer than the request bound.
      recompute: { ...recompute, openLoans: async (client) => Number((await client.query<{ n: string }>('SELECT pg_sleep(0.4), 0 AS n')).rows[0]!.n) },
    });
    // A Django read that waits on a lock longer than the request bound before it can run.
    const writer = await dbs.djangoWriter.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('LOCK TABLE accounts_customuser IN ACCESS EXCLUSIVE MODE');
      let settled = false;
      const cycle = worker.runOnce().finally(() => (settled = true));
      const waitedLong = async () =>
        (await dbs.djangoWriter.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'seedsmetrics-gateway/sync' AND wait_event_type = 'Lock' AND now() - query_start > interval '400 ms'`)).rows.length > 0;
      while (!settled && !(await waitedLong())) await new Promise((resolve) => setTimeout(resolve, 25));
      await writer.query('ROLLBACK');
      const report = await cycle;
      expect(report.entities.loans.rowsWritten).toBe(1);
      // The first sync computed every loan at its end; the next cycle runs the start-up recompute of open loans.
      expect(report.openLoansRecomputed).toBeNull();
      expect((await worker.runOnce()).openLoansRecomputed).toBe(0);
    } finally {
      writer.release();
      await worker.stop();
    }
  });
});
