/**
 * Prometheus metrics for operators (GET /metrics): process defaults, the build, HTTP request counts and durations,
 * GraphQL errors by code, and, read at scrape time from the running app, connection pools, sync health and live
 * WebSocket clients; and, as live subscriptions report them, how long they last and the events they are sent. GraphQL
 * operations by name are timed in src/operation-metrics.ts.
 */
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { RequestHandler } from 'express';
import client from 'prom-client';
import { FEEDS, type LiveFeedName } from './events/feeds';
import type { ListenerState } from './events/pg-listener';
import { repoRoot } from './paths';
import type { DatabaseProbe } from './readiness';
import type { SyncHealth } from './sync/worker';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

/** The package version, read once: which build an instance runs, for dashboards that compare instances. */
const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

new client.Gauge({
  name: 'gateway_build_info',
  help: 'Always 1; the labels say which build runs: the package version and the Node.js version',
  labelNames: ['version', 'node'] as const,
  registers: [registry],
}).set({ version: PACKAGE_VERSION, node: process.version }, 1);

const requests = new client.Histogram({
  name: 'gateway_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

const graphqlErrors = new client.Counter({
  name: 'gateway_graphql_errors_total',
  help: 'GraphQL errors sent to callers, by extensions.code (INTERNAL_SERVER_ERROR: masked failures, logged with their cause)',
  labelNames: ['code'] as const,
  registers: [registry],
});

/** Counts one error sent to a caller. */
export function countGraphqlError(code: string): void {
  graphqlErrors.inc({ code });
}

/** Why the gateway closes a live-feed client: each keeps the feeds of the others flowing and memory bounded. */
const LIVE_CLIENT_CLOSE_REASONS = ['slow_consumer', 'unresponsive', 'token_expired'] as const;
export type LiveClientCloseReason = (typeof LIVE_CLIENT_CLOSE_REASONS)[number];

const liveClientsClosed = new client.Counter({
  name: 'gateway_live_clients_closed_total',
  help:
    'WebSocket clients the gateway closed, by reason: slow_consumer (4008: read slower than events came), unresponsive (no pong within the keepalive), token_expired (4403); a rise of the first two is clients losing their live feeds',
  labelNames: ['reason'] as const,
  registers: [registry],
});
// Every reason from 0, so a rate() or an increase() alert has a series before the first close.
for (const reason of LIVE_CLIENT_CLOSE_REASONS) liveClientsClosed.inc({ reason }, 0);

/** Counts one live-feed client the gateway closed. */
export function countLiveClientClosed(reason: LiveClientCloseReason): void {
  liveClientsClosed.inc({ reason });
}

/** The feed of each subscription field: the `feed` label of the live metrics. */
const LIVE_FEED_OF_FIELD: ReadonlyMap<string, LiveFeedName> = new Map(FEEDS.map((feed) => [feed.subscriptionField, feed.name]));

const liveSubscriptionDurations = new client.Histogram({
  name: 'gateway_live_subscription_duration_seconds',
  help:
    'How long live subscriptions lasted, by feed, observed as each ends (completed by the client, its connection closed, or failed); many short ones are clients resubscribing in a loop',
  labelNames: ['feed'] as const,
  buckets: [1, 10, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600],
  registers: [registry],
});

const liveEventsSent = new client.Counter({
  name: 'gateway_live_events_sent_total',
  help: 'Events sent to live subscribers, by feed: one per subscriber that receives the event, replayed or live',
  labelNames: ['feed'] as const,
  registers: [registry],
});
// Every feed from 0, so a rate() has a series before the first event.
for (const { name } of FEEDS) liveEventsSent.inc({ feed: name }, 0);

/** One live subscription's part in the live metrics. */
export interface LiveSubscriptionMeter {
  /** Counts one event sent to the subscriber. */
  sent(): void;
  /** Observes how long the subscription lasted; only its first call counts. */
  ended(): void;
}

/** Meters a subscription to `field` (a field of the Subscription type) from now on. */
export function meterLiveSubscription(field: string): LiveSubscriptionMeter {
  // The schema bounds the fields; one that is not a feed (none today) is reported under its own name.
  const feed = LIVE_FEED_OF_FIELD.get(field) ?? field;
  const end = liveSubscriptionDurations.startTimer({ feed });
  let ended = false;
  return {
    sent: () => liveEventsSent.inc({ feed }),
    ended: () => {
      if (ended) return;
      ended = true;
      end();
    },
  };
}

/** Pool sizes as pg.Pool reports them. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** What the scrape reads from the running app. */
export interface AppMetricSources {
  pools: Record<'django' | 'metrics', PoolCounts>;
  /** undefined when the sync worker does not run in this process. */
  syncHealth?: () => SyncHealth;
  /** Open graphql-ws connections. */
  liveConnections: () => number;
  /** Live subscriptions per feed (each holds its own backlog and reads each event it is sent). */
  liveSubscriptions?: () => Record<LiveFeedName, number>;
  /** The live feeds' LISTEN connection. */
  listener?: () => ListenerState;
  /** Probes each database (on its probe connection, within the probe's bound). */
  databases?: () => Promise<Record<'django' | 'metrics', Pick<DatabaseProbe, 'ok'>>>;
}

// One app per process in production; tests start several in turn, so the latest observed app is the one read.
let observed: AppMetricSources | undefined;

/** Makes the scrape read `sources`; returns the function that stops it. */
export function observeApp(sources: AppMetricSources): () => void {
  observed = sources;
  return () => {
    if (observed === sources) observed = undefined;
  };
}

/**
 * A gauge without labels read at scrape time that shows no sample while `read` says the value is unknown (null):
 * prom-client's own shows 0 after a reset, which reads as "no lag" or "disconnected" on an instance that has no sync
 * worker, no listener, or no cycle yet.
 */
class OptionalGauge extends client.Gauge {
  constructor(
    config: { name: string; help: string },
    private readonly read: () => number | null,
  ) {
    super({ ...config, registers: [registry] });
  }

  override async get(): ReturnType<client.Gauge['get']> {
    const value = this.read();
    this.reset();
    if (value !== null) this.set(value);
    const metric = await super.get();
    return value === null ? { ...metric, values: [] } : metric;
  }
}

new client.Gauge({
  name: 'gateway_db_pool_connections',
  help: 'Connections of each database pool: total open, idle, and requests waiting for one',
  labelNames: ['database', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [database, pool] of Object.entries(observed?.pools ?? {})) {
      this.set({ database, state: 'total' }, pool.totalCount);
      this.set({ database, state: 'idle' }, pool.idleCount);
      this.set({ database, state: 'waiting' }, pool.waitingCount);
    }
  },
});

new client.Gauge({
  name: 'gateway_db_up',
  help: 'Whether each database answered a probe at this scrape (1) or not within 2 s (0); the probes do not queue behind requests',
  labelNames: ['database'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const probed = await observed?.databases?.();
    for (const [database, probe] of Object.entries(probed ?? {})) this.set({ database }, probe.ok ? 1 : 0);
  },
});

new client.Gauge({
  name: 'gateway_live_connections',
  help: 'Open graphql-ws (WebSocket) connections',
  registers: [registry],
  collect() {
    this.reset();
    if (observed) this.set(observed.liveConnections());
  },
});

new client.Gauge({
  name: 'gateway_live_subscriptions',
  help: 'Live subscriptions per feed (dpd: dpdTransitioned, par: parChanged); a drop to 0 while dashboards are open is clients that did not resubscribe',
  labelNames: ['feed'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [feed, count] of Object.entries(observed?.liveSubscriptions?.() ?? {})) this.set({ feed }, count);
  },
});

new OptionalGauge(
  {
    name: 'gateway_listener_connected',
    help: "1 while the live feeds' LISTEN connection is up, 0 while it reconnects (subscribers get nothing live meanwhile)",
  },
  () => {
    const state = observed?.listener?.();
    return state === undefined ? null : state.connected ? 1 : 0;
  },
);

new client.Counter({
  name: 'gateway_listener_connections_lost_total',
  help: "LISTEN connections lost (dropped, or found silent by the heartbeat) and re-established since start",
  registers: [registry],
  collect() {
    this.reset();
    const state = observed?.listener?.();
    if (state) this.inc(state.connectionsLost);
  },
});

/**
 * A sync gauge read from the worker's health; no sample while the value is unknown (before the first cycle) or
 * when this process runs no sync worker.
 */
function syncGauge(name: string, help: string, read: (health: SyncHealth) => number | null): void {
  new OptionalGauge({ name, help }, () => (observed?.syncHealth ? read(observed.syncHealth()) : null));
}

syncGauge('gateway_sync_lag_seconds', 'How stale seedsmetrics may be: now minus the newest Django change known to be copied', (h) => (h.lagMs === null ? null : h.lagMs / 1000));
syncGauge('gateway_sync_last_cycle_duration_seconds', 'Duration of the last sync cycle', (h) => (h.lastCycleMs === null ? null : h.lastCycleMs / 1000));
syncGauge('gateway_sync_last_cycle_timestamp_seconds', 'When the last sync cycle finished (Unix time)', (h) => (h.lastCycleAt === null ? null : Date.parse(h.lastCycleAt) / 1000));
syncGauge('gateway_sync_last_cycle_rows', 'Rows the last sync cycle copied', (h) => (h.lastCycleAt === null ? null : h.rowsLastCycle));
syncGauge(
  'gateway_sync_last_reconciliation_duration_seconds',
  'Duration of the last reconciliation in its sync cycle (every SYNC_RECONCILE_INTERVAL_MS); no new Django row is copied meanwhile',
  (h) => (h.lastReconciliationMs === null ? null : h.lastReconciliationMs / 1000),
);
syncGauge(
  'gateway_sync_last_survey_duration_seconds',
  "Duration of the last survey of every loan's repayments, run beside the sync cycles before a scheduled reconciliation",
  (h) => (h.lastSurveyMs === null ? null : h.lastSurveyMs / 1000),
);
syncGauge('gateway_sync_last_cycle_errors', 'Errors of the last sync cycle (rejected rows and failures)', (h) => (h.lastCycleAt === null ? null : h.errorsLastCycle));

new client.Counter({
  name: 'gateway_sync_cycles_total',
  help: 'Sync cycles finished since start, by result (ok, failed); a failed cycle is retried next interval',
  labelNames: ['result'] as const,
  registers: [registry],
  collect() {
    this.reset();
    const cycles = observed?.syncHealth?.().cycles;
    if (cycles === undefined) return;
    this.inc({ result: 'ok' }, cycles.succeeded);
    this.inc({ result: 'failed' }, cycles.failed);
  },
});

new client.Gauge({
  name: 'gateway_sync_rejected_rows',
  help:
    'Rows in sync_rejects by entity, counted at each reconciliation: Django rows the sync did not take as they are, and loan_recompute, loans the engine fails on (an engine fault: alert on any)',
  labelNames: ['entity'] as const,
  registers: [registry],
  collect() {
    this.reset();
    const counts = observed?.syncHealth?.().rejectedRows;
    for (const [entity, rows] of Object.entries(counts ?? {})) this.set({ entity }, rows);
  },
});

export type RouteLabel = 'graphql' | 'health' | 'other';

/** Observes one request's duration under `route` when its response has been sent. */
export function timeRequest(route: RouteLabel, response: ServerResponse): void {
  const end = requests.startTimer();
  response.on('finish', () => end({ route, status: String(response.statusCode) }));
}

/** Times every request Express serves and serves GET /metrics. */
export function httpMetrics(graphqlPath: string): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' && req.path === '/metrics') {
      void registry.metrics().then((body) => {
        res.type(registry.contentType).send(body);
      });
      return;
    }
    timeRequest(req.path === graphqlPath ? 'graphql' : req.path.startsWith('/health') ? 'health' : 'other', res);
    next();
  };
}
