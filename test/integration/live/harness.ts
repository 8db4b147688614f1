/**
 * A live-feeds instance for tests: schema + HTTP server with graphql-ws on 127.0.0.1 (port 0) + event bridge,
 * over a test database pair; plus helpers to insert event rows, collect subscription messages and wait for
 * conditions with a timeout (never a fixed sleep as an assertion).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createContextFactory, type AppContext, type Viewer } from '../../../src/context';
import { startEventBridge, type EventBridge } from '../../../src/events/bridge';
import type { HeartbeatOptions, ReconnectOptions } from '../../../src/events/pg-listener';
import { createAppPubSub, type AppPubSub } from '../../../src/events/pubsub';
import { attachGraphqlWs, type GraphqlWsOptions, type GraphqlWsServer } from '../../../src/events/ws-server';
import { buildAppSchema } from '../../../src/schema';
import type { TestDatabases } from '../../support/databases';

export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that records what it is told (the bridge and the ws server take Pick<Logger, ...>). */
export function recordingLog(): { entries: LogEntry[]; info: LogFn; warn: LogFn; error: LogFn; debug: LogFn } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']): LogFn =>
    (fields: unknown, message?: unknown) => {
      entries.push({ level, fields: (typeof fields === 'object' && fields !== null ? fields : {}) as Record<string, unknown>, message: String(message ?? fields) });
    };
  return { entries, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}
type LogFn = (fields: unknown, message?: unknown) => void;

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LiveInstance {
  url: string;
  pubSub: AppPubSub;
  bridge: EventBridge;
  ws: GraphqlWsServer;
  httpServer: http.Server;
  log: ReturnType<typeof recordingLog>;
  contexts: { created: number };
  client(): Client;
  stop(): Promise<void>;
}

export async function startLiveInstance(
  dbs: TestDatabases,
  options: Pick<GraphqlWsOptions, 'maxBufferedBytes' | 'maxPendingEvents' | 'maxPendingEventsPerConnection' | 'keepAliveMs' | 'checkOperation' | 'maxOperationsPerConnection'> & {
    reconnect?: ReconnectOptions;
    applicationName?: string;
    heartbeat?: HeartbeatOptions;
    /** Longest wait for the LISTEN connection to open. */
    connectTimeoutMs?: number;
    /** Where the LISTEN connection goes (e.g. through a TCP proxy). @default dbs.metricsUrl */
    listenerUrl?: string;
  } = {},
): Promise<LiveInstance> {
  const log = recordingLog();
  const pubSub = createAppPubSub();
  const schema = await buildAppSchema({ pubSub });
  const base = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: 500 });
  const contexts = { created: 0 };
  const contextFactory = (viewer: Viewer | null): AppContext => {
    contexts.created += 1;
    return base(viewer);
  };
  const httpServer = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const ws = attachGraphqlWs({ httpServer, path: '/graphql', schema, contextFactory, log, maxBufferedBytes: options.maxBufferedBytes, maxPendingEvents: options.maxPendingEvents, maxPendingEventsPerConnection: options.maxPendingEventsPerConnection, keepAliveMs: options.keepAliveMs, checkOperation: options.checkOperation, maxOperationsPerConnection: options.maxOperationsPerConnection });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const bridge = await startEventBridge({
    metricsUrl: options.listenerUrl ?? dbs.metricsUrl,
    pubSub,
    log,
    reconnect: options.reconnect,
    heartbeat: options.heartbeat,
    connectTimeoutMs: options.connectTimeoutMs,
    applicationName: options.applicationName,
  });
  const url = `ws://127.0.0.1:${port}/graphql`;
  const clients: Client[] = [];
  return {
    url,
    pubSub,
    bridge,
    ws,
    httpServer,
    log,
    contexts,
    client() {
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await ws.dispose();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await bridge.stop();
    },
  };
}

/** Collects what one subscription receives. */
export interface Collected<T> {
  values: T[];
  errors: unknown[];
  completed: boolean;
  stop(): void;
}

/** `operationName` picks one operation of a document that has several. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}, operationName?: string): Collected<T> {
  const collected: Collected<T> = {
    values: [],
    errors: [],
    completed: false,
    stop: () => undefined,
  };
  collected.stop = client.subscribe<T>(
    { query, variables, operationName },
    {
      next: (result) => {
        if (result.errors) collected.errors.push(result.errors);
        if (result.data) collected.values.push(result.data as T);
      },
      error: (error) => collected.errors.push(error),
      complete: () => {
        collected.completed = true;
      },
    },
  );
  return collected;
}

export interface TransitionSpec {
  loanId?: string;
  officerId?: string;
  branch?: string | null;
  region?: string | null;
  from?: string;
  to?: string;
  dpdBefore?: number;
  dpdAfter?: number;
  outstanding?: string;
}

/** Appends transitions in one statement (one NOTIFY, as the engine does); returns their ids in order. */
export async function insertTransitions(dbs: TestDatabases, specs: TransitionSpec[]): Promise<string[]> {
  const values: unknown[] = [];
  const tuples = specs.map((s, i) => {
    values.push(s.loanId ?? '9001', s.officerId ?? '501', s.branch === undefined ? 'YABA' : s.branch, s.region === undefined ? 'Crystal' : s.region, s.from ?? '1-6', s.to ?? '7-30', s.dpdBefore ?? 6, s.dpdAfter ?? 7, s.outstanding ?? '12500.50');
    const p = (k: number) => `$${i * 9 + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, DATE '2025-12-10', ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)})`;
  });
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(
    `INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
     VALUES ${tuples.join(', ')} RETURNING transition_id::text AS id`,
    values,
  );
  return rows.map((r) => r.id);
}

/** Officers the filters can name: 501 YABA/Crystal, 502 EPE/Crystal, 503 AGEGE/Jade. */
export async function seedOfficers(dbs: TestDatabases): Promise<void> {
  await dbs.metrics.pool.query(
    `INSERT INTO officers (officer_id, officer_name, region, branch) VALUES
       ('501', 'Ada Obi', 'Crystal', 'YABA'), ('502', 'Bola Ade', 'Crystal', 'EPE'), ('503', 'Chidi Eze', 'Jade', 'AGEGE')`,
  );
}

export const DPD_SUBSCRIPTION = `subscription Dpd($filter: DpdTransitionFilterInput, $since: ID) {
  dpdTransitioned(filter: $filter, since: $since) { id fromBucket toBucket dpdBefore dpdAfter actualOutstanding branch region }
}`;

export interface DpdEvent {
  dpdTransitioned: { id: string; fromBucket: string; toBucket: string; dpdBefore: number; dpdAfter: number; actualOutstanding: string; branch: string | null; region: string | null };
}

export function ids(collected: Collected<DpdEvent>): string[] {
  return collected.values.map((v) => v.dpdTransitioned.id);
}

/** Django rows for the nested fields: officers 501 (ada) and 502 (bola), borrower 1, loans 9001 (501) and 9002 (502). */
export async function seedDjango(dbs: TestDatabases): Promise<void> {
  await dbs.djangoWriter.query(
    `INSERT INTO accounts_customuser (id, email, username, user_type, performance_status) VALUES
       (501, 'ada@example.com', 'ada', 'MERCHANT', 'Active'), (502, 'bola@example.com', 'bola', 'MERCHANT', 'Active')`,
  );
  await dbs.djangoWriter.query(`INSERT INTO ajo_ajouser (id, first_name, last_name, phone_number) VALUES (1, 'Tunde', 'Bello', '08030000001')`);
  await dbs.djangoWriter.query(
    `INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, status, is_disbursed) VALUES
       (9001, 501, 1, 50000, 65000, 'OPEN', true), (9002, 502, 1, 80000, 104000, 'OPEN', true)`,
  );
}

export interface ParSpec {
  scope: 'PORTFOLIO' | 'REGION' | 'BRANCH' | 'OFFICER';
  key: string;
  /** PAR15 before/after; the other amounts follow from it (PAR30 = half, PAR60 = a quarter, PAR90 = 0). */
  par15Before?: string;
  par15After?: string;
}

/** Appends PAR changes in one statement (portfolio 100000.00 before and after); returns their ids in order. */
export async function insertParChanges(dbs: TestDatabases, specs: ParSpec[]): Promise<string[]> {
  const values: unknown[] = [];
  const tuples = specs.map((s, i) => {
    values.push(s.scope, s.key, s.par15Before ?? '10000.00', s.par15After ?? '25000.00');
    const p = (k: number) => `$${i * 4 + k}::numeric`;
    const t = (k: number) => `$${i * 4 + k}`;
    return `(${t(1)}, ${t(2)}, DATE '2025-12-10', 100000.00, 100000.00, ${p(3)}, ${p(4)}, ${p(3)} / 2, ${p(4)} / 2, ${p(3)} / 4, ${p(4)} / 4, 0, 0,
             ${p(3)} / 100000, ${p(4)} / 100000, ${p(3)} / 200000, ${p(4)} / 200000, ${p(3)} / 400000, ${p(4)} / 400000, 0, 0)`;
  });
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(
    `INSERT INTO par_changes (scope, scope_key, business_date, portfolio_before, portfolio_after, par15_before, par15_after,
        par30_before, par30_after, par60_before, par60_after, par90_before, par90_after,
        ratio15_before, ratio15_after, ratio30_before, ratio30_after, ratio60_before, ratio60_after, ratio90_before, ratio90_after)
     VALUES ${tuples.join(', ')} RETURNING change_id::text AS id`,
    values,
  );
  return rows.map((r) => r.id);
}
