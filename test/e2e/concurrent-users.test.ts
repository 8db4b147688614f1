/**
 * 100+ concurrent users (DOMAIN §7) on a gateway whose request pools hold 2 connections each: 160 users open the
 * dashboard's main screen at once (its query documents in parallel, as the browser sends them, then once more on
 * the same keep-alive sockets) while 20 live-feed subscribers stay connected. Every request waits its turn for a
 * connection instead of failing: each answer is the one the same document gets alone, a transition committed
 * mid-burst reaches every subscriber, no promise is left rejected, and afterwards the pools and PostgreSQL hold
 * exactly the idle connections they had. Readiness ("degraded", still 200) and the pool gauge show the queue
 * while it lasts.
 *
 * The bound that does fail a burst is the wait for a free connection (DB_CONNECT_TIMEOUT_MS, 10 s by default):
 * a caller still queued when it passes gets DATABASE_UNAVAILABLE naming that wait and that setting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { App } from '../../src/app';
import { browserAgent, loadScreenOnce } from '../../bench/screen-load';
import { mainScreenDocuments, OPERATIONS_DIR } from '../../bench/screens';
import { collect, insertTransitions, waitUntil, type Collected } from '../integration/live/harness';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { metricSamples } from '../support/metric-samples';
import { buildDemoWorld } from '../support/demo-world';

const USERS = 160;
const SCREEN_LOADS_PER_USER = 2;
const SUBSCRIBERS = 20;
const POOL_SIZE = 2;
const GATEWAY_APPLICATION_NAMES = ['seedsmetrics-gateway/django', 'seedsmetrics-gateway/metrics'];

let dbs: TestDatabases;
let app: App;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dbs = await createTestDatabases();
  await buildDemoWorld(dbs);
  app = await startTestApp(dbs, { DJANGO_POOL_SIZE: String(POOL_SIZE), METRICS_POOL_SIZE: String(POOL_SIZE), SYNC_ENABLED: 'false' });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await dbs?.drop();
  process.off('unhandledRejection', onUnhandled);
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: unknown[] };
}

const mainScreen = mainScreenDocuments();

/** The answer with what moves on its own left out: the sync's lag grows with the clock, whatever the load. */
function comparable(answer: Answer): Answer {
  const data = answer.body.data as { syncStatus?: Record<string, unknown> } | null | undefined;
  if (data?.syncStatus === undefined) return answer;
  const { lagSeconds: _lag, ...syncStatus } = data.syncStatus;
  return { ...answer, body: { ...answer.body, data: { ...data, syncStatus } } };
}

/** One user (a browser's keep-alive sockets) opening the main screen `loads` times; each document's answers. */
async function userLoadsMainScreen(url: string, loads: number): Promise<Map<string, Answer[]>> {
  const agent = browserAgent();
  const answers = new Map<string, Answer[]>(mainScreen.map(({ name }) => [name, []]));
  try {
    for (let load = 0; load < loads; load += 1) {
      for (const { name, status, text } of await loadScreenOnce(agent, new URL(url), mainScreen)) answers.get(name)!.push({ status, body: JSON.parse(text) as Answer['body'] });
    }
    return answers;
  } finally {
    agent.destroy();
  }
}

/**
 * The request pools' server processes of this file's two databases, by state, as PostgreSQL sees them; asked on the
 * test's writer connection, which has a name of its own. The test's own pools (buildDemoWorld's) share the names.
 */
async function requestPoolBackends(): Promise<Record<string, Record<string, number>>> {
  const databases = [dbs.djangoUrl, dbs.metricsUrl].map((url) => new URL(url).pathname.slice(1));
  const { rows } = await dbs.djangoWriter.query<{ application_name: string; state: string; n: number }>(
    'SELECT application_name, state, count(*)::int AS n FROM pg_stat_activity WHERE application_name = ANY($1) AND datname = ANY($2) GROUP BY 1, 2',
    [GATEWAY_APPLICATION_NAMES, databases],
  );
  const byName: Record<string, Record<string, number>> = {};
  for (const row of rows) (byName[row.application_name] ??= {})[row.state] = row.n;
  return byName;
}

const poolCounts = (): Record<'django' | 'metrics', { waiting: number; busy: number }> => ({
  django: { waiting: app.dbs.django.pool.waitingCount, busy: app.dbs.django.pool.totalCount - app.dbs.django.pool.idleCount },
  metrics: { waiting: app.dbs.metrics.pool.waitingCount, busy: app.dbs.metrics.pool.totalCount - app.dbs.metrics.pool.idleCount },
});

it(`${USERS} users load the main screen at once on pools of ${POOL_SIZE}: every answer is the one it gets alone, and every subscriber hears the transition committed meanwhile`, async () => {
  const url = `${app.server.url}/graphql`;
  const alone = await userLoadsMainScreen(url, 1);
  for (const [name, [answer]] of alone) {
    expect([name, answer!.status, answer!.body.errors]).toEqual([name, 200, undefined]);
  }

  const { rows: officers } = await dbs.metrics.pool.query<{ loan_id: string; officer_id: string }>('SELECT loan_id::text, officer_id::text FROM loans ORDER BY loan_id LIMIT 1');
  const { rows: last } = await dbs.metrics.pool.query<{ id: string }>('SELECT coalesce(max(transition_id), 0)::text AS id FROM dpd_transitions');
  const liveQuery = fs.readFileSync(path.join(OPERATIONS_DIR, 'liveDpdTransitions.graphql'), 'utf8');
  const clients: Client[] = [];
  const feeds: Array<Collected<{ dpdTransitioned: { id: string; loan: { id: string }; officer: { id: string } } }>> = [];
  for (let i = 0; i < SUBSCRIBERS; i += 1) {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    feeds.push(collect(client, liveQuery, { since: last[0]!.id }));
  }
  try {
    await waitUntil(() => app.server.liveConnections() === SUBSCRIBERS, `${SUBSCRIBERS} live connections`);
    // Both seedsmetrics connections held while the burst arrives, so the queue is there to be seen (every document
    // of the main screen reads seedsmetrics): readiness and the pool gauge show it, and then it drains.
    const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => app.dbs.metrics.pool.connect()));
    let burst: Promise<Array<Map<string, Answer[]>>>;
    try {
      burst = Promise.all(Array.from({ length: USERS }, () => userLoadsMainScreen(url, SCREEN_LOADS_PER_USER)));
      await waitUntil(() => app.dbs.metrics.pool.waitingCount >= USERS, `${USERS} requests queueing for a seedsmetrics connection`);
      const ready = await fetch(`${app.server.url}/health/ready`);
      expect(ready.status).toBe(200);
      const report = (await ready.json()) as { status: string; metrics: { ok: boolean; pool: { total: number; idle: number; waiting: number } } };
      expect([report.status, report.metrics.ok, report.metrics.pool.total, report.metrics.pool.idle]).toEqual(['degraded', true, POOL_SIZE, 0]);
      expect(report.metrics.pool.waiting).toBeGreaterThanOrEqual(USERS);
      const samples = metricSamples(await (await fetch(`${app.server.url}/metrics`)).text());
      expect(samples.get('gateway_db_pool_connections{database="metrics",state="waiting"}')).toBeGreaterThanOrEqual(USERS);
    } finally {
      for (const connection of held) connection.release();
    }
    const [transition] = await insertTransitions(dbs, [{ loanId: officers[0]!.loan_id, officerId: officers[0]!.officer_id }]);
    const users = await burst;

    // Compared as JSON text: ten thousand deep comparisons of the officers table would take longer than the burst.
    const differing: string[] = [];
    for (const [user, answers] of users.entries()) {
      for (const [name, [reference]] of alone) {
        const expected = JSON.stringify(comparable(reference!));
        const got = answers.get(name)!.map((answer) => JSON.stringify(comparable(answer)));
        if (got.length !== SCREEN_LOADS_PER_USER || got.some((text) => text !== expected)) differing.push(`user ${user} ${name}: ${got.find((text) => text !== expected)?.slice(0, 300)}`);
      }
    }
    expect(differing).toEqual([]);
    await waitUntil(() => feeds.every((feed) => feed.values.length > 0), 'the transition at every subscriber');
    for (const feed of feeds) {
      expect(feed.errors).toEqual([]);
      expect(feed.values.map((value) => [value.dpdTransitioned.id, value.dpdTransitioned.loan.id, value.dpdTransitioned.officer.id])).toEqual([[transition, officers[0]!.loan_id, officers[0]!.officer_id]]);
    }
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
  }
  expect(unhandled).toEqual([]);
  // Nothing borrowed or queued is left behind: every connection is idle, in the pools and in PostgreSQL's view.
  expect(poolCounts()).toEqual({ django: { waiting: 0, busy: 0 }, metrics: { waiting: 0, busy: 0 } });
  expect(app.dbs.metrics.pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
  expect(app.dbs.django.pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
  const open = { django: app.dbs.django.pool.totalCount + dbs.django.pool.totalCount, metrics: app.dbs.metrics.pool.totalCount + dbs.metrics.pool.totalCount };
  expect(await requestPoolBackends()).toEqual({
    ...(open.django > 0 && { 'seedsmetrics-gateway/django': { idle: open.django } }),
    ...(open.metrics > 0 && { 'seedsmetrics-gateway/metrics': { idle: open.metrics } }),
  });
}, 180_000);

it('a burst that outwaits DB_CONNECT_TIMEOUT_MS gets DATABASE_UNAVAILABLE naming the busy connections and the setting', async () => {
  const impatient = await startTestApp(dbs, { METRICS_POOL_SIZE: '1', DB_CONNECT_TIMEOUT_MS: '100', SYNC_ENABLED: 'false' });
  const held = await impatient.dbs.metrics.pool.connect();
  try {
    const users = await Promise.all(Array.from({ length: 5 }, () => userLoadsMainScreen(`${impatient.server.url}/graphql`, 1)));
    const busy = { message: "The gateway's connections to the database were all busy for longer than DB_CONNECT_TIMEOUT_MS lets a request wait; try again later", extensions: { code: 'DATABASE_UNAVAILABLE' } };
    for (const answers of users) {
      expect(Object.fromEntries([...answers].map(([name, [answer]]) => [name, answer]))).toEqual({
        portfolioKpis: { status: 200, body: { data: null, errors: [{ ...busy, path: ['portfolioKpis'], locations: [{ line: 4, column: 3 }] }] } },
        dashboard: { status: 200, body: { data: null, errors: [{ ...busy, path: ['officers'], locations: [{ line: 4, column: 3 }] }] } },
        filterOptions: { status: 200, body: { data: null, errors: [{ ...busy, path: ['filterOptions'], locations: [{ line: 4, column: 3 }] }] } },
        syncStatus: { status: 200, body: { data: null, errors: [{ ...busy, path: ['syncStatus'], locations: [{ line: 4, column: 3 }] }] } },
      });
    }
    expect(impatient.dbs.metrics.pool.waitingCount).toBe(0); // the refused callers left the queue
  } finally {
    held.release();
    await impatient.stop();
  }
  expect(unhandled).toEqual([]);
}, 60_000);
