/**
 * What an operator scrapes from GET /metrics on the running gateway: connection pools, sync health (the same
 * figures /health/ready reports), open graphql-ws connections, GraphQL errors by code and operations by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { appForFile } from '../support/app';
import { metricSamples } from '../support/metric-samples';

// One start-up sync cycle and no other within the test, so the scrape and /health/ready describe the same cycle.
const t = appForFile({ SYNC_INTERVAL_MS: '3600000', SYNC_MAX_LAG_MS: '86400000' });

/** The samples of one scrape, keyed by series (`name{labels}`). */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${t.app.server.url}/metrics`);
  expect(response.status).toBe(200);
  return metricSamples(await response.text());
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type SyncReport = { lastCycleAt: string | null; lastCycleMs: number | null; rowsLastCycle: number; errorsLastCycle: number; lastReconciliationMs: number | null };

it('reports the sync worker health that /health/ready reports, as gauges', async () => {
  const ready = async () => ((await (await fetch(`${t.app.server.url}/health/ready`)).json()) as { sync: SyncReport }).sync;
  const sync = await until(ready, (report) => report.lastCycleAt !== null);
  const samples = await scrape();
  expect(samples.get('gateway_sync_last_cycle_timestamp_seconds')).toBe(Date.parse(sync.lastCycleAt!) / 1000);
  expect(samples.get('gateway_sync_last_cycle_duration_seconds')).toBe(sync.lastCycleMs! / 1000);
  expect(samples.get('gateway_sync_last_cycle_rows')).toBe(sync.rowsLastCycle);
  expect(samples.get('gateway_sync_last_cycle_errors')).toBe(0);
  // The first cycle reconciles; a later one may have run meanwhile, and reconciles only every 5 minutes.
  const reconciled = (await ready()).lastReconciliationMs;
  // A duration in whole milliseconds (how long it took is the machine's business), the gauge's value in seconds.
  expect(Number.isInteger(reconciled)).toBe(true);
  expect((await scrape()).get('gateway_sync_last_reconciliation_duration_seconds')).toBe(reconciled! / 1000);
  // The first reconciliation compares every loan in its cycle; the loop surveys beside its cycles from the second on,
  // so none has run: no sample (not a duration of 0).
  expect(samples.has('gateway_sync_last_survey_duration_seconds')).toBe(false);
  expect(samples.get('gateway_sync_lag_seconds')).toBeGreaterThanOrEqual(0);
  // Every entity has its series from the first reconciliation on, at 0 here: nothing was rejected.
  expect([...samples].filter(([series]) => series.startsWith('gateway_sync_rejected_rows'))).toEqual(
    ['officers', 'customers', 'loans', 'repayments', 'loan_schedule', 'holiday', 'loan_recompute'].map((entity) => [`gateway_sync_rejected_rows{entity="${entity}"}`, 0]),
  );
});

it("reports each pool's open, idle and waiting connections as the pools count them", async () => {
  await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ loans(first: 1) { totalCount } }' }) });
  const samples = await scrape();
  for (const database of ['django', 'metrics'] as const) {
    const pool = t.app.dbs[database].pool;
    expect([
      samples.get(`gateway_db_pool_connections{database="${database}",state="total"}`),
      samples.get(`gateway_db_pool_connections{database="${database}",state="idle"}`),
      samples.get(`gateway_db_pool_connections{database="${database}",state="waiting"}`),
    ]).toEqual([pool.totalCount, pool.idleCount, pool.waitingCount]);
  }
  expect(samples.get('gateway_db_pool_connections{database="metrics",state="total"}')).toBeGreaterThan(0);
});

it('counts open graphql-ws connections', async () => {
  const live = async () => (await scrape()).get('gateway_live_connections');
  expect(await live()).toBe(0);
  const client = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const connected = new Promise((resolve) => client.on('connected', resolve));
  try {
    await connected;
    expect(await live()).toBe(1);
  } finally {
    await client.dispose();
  }
  expect(await until(live, (count) => count === 0)).toBe(0);
});

it('counts live subscriptions per feed', async () => {
  const subscriptions = async () => {
    const samples = await scrape();
    return [samples.get('gateway_live_subscriptions{feed="dpd"}'), samples.get('gateway_live_subscriptions{feed="par"}')];
  };
  expect(await subscriptions()).toEqual([0, 0]);
  const client = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const sink = { next: () => undefined, error: () => undefined, complete: () => undefined };
  try {
    client.subscribe({ query: 'subscription { dpdTransitioned { id } }' }, sink);
    client.subscribe({ query: 'subscription { dpdTransitioned(filter: { direction: WORSENING }) { id } }' }, sink);
    client.subscribe({ query: 'subscription { parChanged(scope: PORTFOLIO) { id } }' }, sink);
    expect(await until(subscriptions, ([dpd, par]) => dpd === 2 && par === 1)).toEqual([2, 1]);
  } finally {
    await client.dispose();
  }
  expect(await until(subscriptions, ([dpd, par]) => dpd === 0 && par === 0)).toEqual([0, 0]);
});

it('counts the GraphQL errors sent, by code', async () => {
  const errors = async (code: string) => (await scrape()).get(`gateway_graphql_errors_total{code="${code}"}`) ?? 0;
  const [validationBefore, inputBefore] = [await errors('GRAPHQL_VALIDATION_FAILED'), await errors('BAD_USER_INPUT')];
  const post = (query: string) => fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  await post('{ nonsense }');
  await post('{ loans(first: 100000) { totalCount } }');
  await post('{ loans(first: 100000) { totalCount } }');
  expect([await errors('GRAPHQL_VALIDATION_FAILED'), await errors('BAD_USER_INPUT')]).toEqual([validationBefore + 1, inputBefore + 2]);
});

/** How many operations each series of gateway_graphql_operation_duration_seconds has timed, by the caller's keys. */
async function operationCounts<K extends string>(series: Record<K, string>): Promise<Record<K, number>> {
  const samples = await scrape();
  return Object.fromEntries(Object.entries<string>(series).map(([key, labels]) => [key, samples.get(`gateway_graphql_operation_duration_seconds_count{${labels}}`) ?? 0])) as Record<K, number>;
}

/** What each count of `after` added to the same one of `before`. */
function increments<K extends string>(before: Record<K, number>, after: Record<K, number>): Record<K, number> {
  return Object.fromEntries(Object.keys(after).map((key) => [key, after[key as K] - before[key as K]])) as Record<K, number>;
}

/** The series the same five operations land in, sent over `transport` (both tests below send them). */
const probeSeries = (transport: 'http' | 'ws') => ({
  named: `operation="MetricsProbe",type="query",result="ok",transport="${transport}"`,
  anonymous: `operation="_anonymous",type="query",result="ok",transport="${transport}"`,
  refused: `operation="MetricsProbe",type="query",result="error",transport="${transport}"`,
  unresolved: `operation="_unresolved",type="unknown",result="error",transport="${transport}"`,
});

it('times each HTTP operation under its name, type and result', async () => {
  const series = probeSeries('http');
  const before = await operationCounts(series);
  const post = (query: string) => fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  await post('query MetricsProbe { loans(first: 1) { totalCount } }');
  await post('query MetricsProbe { loans(first: 1) { totalCount } }');
  await post('{ loans(first: 1) { totalCount } }');
  await post('query MetricsProbe { loans(first: 100000) { totalCount } }');
  await post('query MetricsProbe { nonsense }');
  expect(increments(before, await operationCounts(series))).toEqual({ named: 2, anonymous: 1, refused: 1, unresolved: 1 });
});

it('times each operation over WebSocket under its name, type and result, as transport ws; a subscription that started is not timed', async () => {
  const series = {
    ...probeSeries('ws'),
    badSubscription: 'operation="FeedProbe",type="subscription",result="error",transport="ws"',
    subscription: 'operation="FeedProbe",type="subscription",result="ok",transport="ws"',
    overHttp: 'operation="MetricsProbe",type="query",result="ok",transport="http"',
  };
  const before = await operationCounts(series);
  const client = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  /** Runs one operation to its end; resolves with what the server sent (results, or the `error` message's errors). */
  const run = (query: string) =>
    new Promise<unknown[]>((resolve) => {
      const received: unknown[] = [];
      client.subscribe({ query }, { next: (result) => void received.push(result), error: (errors) => resolve([...received, errors]), complete: () => resolve(received) });
    });
  try {
    await run('query MetricsProbe { loans(first: 1) { totalCount } }');
    await run('query MetricsProbe { loans(first: 1) { totalCount } }');
    await run('{ loans(first: 1) { totalCount } }');
    // Refused by the complexity check before it runs, and over the page size in its resolver: both failed.
    await run('query MetricsProbe { loans(first: 100000) { totalCount } }');
    await run('query MetricsProbe { nonsense }');
    // Bad input: the subscription's resolver refuses it before it starts (the protocol's `error` message).
    await run('subscription FeedProbe { dpdTransitioned(since: "yesterday") { id } }');
    // A subscription that starts is not one duration: it is not in the histogram, even once it has ended.
    const stop = client.subscribe({ query: 'subscription FeedProbe { dpdTransitioned { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await until(async () => (await scrape()).get('gateway_live_subscriptions{feed="dpd"}'), (open) => open === 1);
    stop();
    await until(async () => (await scrape()).get('gateway_live_subscriptions{feed="dpd"}'), (open) => open === 0);
  } finally {
    await client.dispose();
  }
  expect(increments(before, await operationCounts(series))).toEqual({
    named: 2,
    anonymous: 1,
    refused: 1,
    unresolved: 1,
    badSubscription: 1,
    subscription: 0,
    overHttp: 0,
  });
});

it('says which build runs', async () => {
  const { version } = JSON.parse(await fs.promises.readFile(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  expect((await scrape()).get(`gateway_build_info{version="${version}",node="${process.version}"}`)).toBe(1);
});
