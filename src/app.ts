/**
 * Assembles the whole system from a Config: databases (embedded or configured) → checks before any write
 * (src/startup-checks.ts) → migrations → demo data (embedded only) → schema → event bridge → HTTP/WebSocket server
 * → sync worker → simulator; and takes it down in the reverse order, except that the sync worker stops last before
 * the databases, each resource stopped by its one owner.
 */
import { fetchExampleIds } from '../loaders/example-ids.metrics';
import { SharedReads } from '../loaders/shared-reads';
import { authenticationLeftOff, ConfigError, type Config } from './config';
import { createContextFactory } from './context';
import { createDatabases, EMBEDDED_DJANGO_DB, type Databases } from './databases';
import { applyDjangoFixture } from './django-fixture';
import type { EmbeddedPostgres } from './embedded';
import { configureBusinessClock } from './engine/clock';
import { startEventBridge } from './events/bridge';
import { subscribersPerFeed } from './events/feeds';
import { createAppPubSub } from './events/pubsub';
import type { Logger } from './logger';
import { migrateMetrics } from './migrate';
import { observeApp } from './observability';
import { buildAppSchema } from './schema';
import { checkReadiness, probeDatabases } from './readiness';
import { ensureDemoData } from './seed/demo';
import { ListenError, probeListen } from './listen';
import { startGatewayServer, type GatewayServer } from './server';
import { runStartupChecks } from './startup-checks';
import { createAuthenticator } from './auth';
import { startSimulator } from './simulator';
import { scheduleOf, SyncWorker } from './sync/worker';

export interface App {
  config: Config;
  dbs: Databases;
  server: GatewayServer;
  worker: SyncWorker | undefined;
  /** Stops everything in order; safe to call twice. */
  stop(): Promise<void>;
  /** While stop() runs: the component it is stopping now (for a shutdown that takes too long). */
  stoppingComponent(): string | undefined;
  /**
   * Settles when something the gateway cannot serve without is gone for good (the embedded PostgreSQL's process
   * ended): the process should stop, with `exitCode`. Never settles otherwise.
   */
  lost: Promise<{ reason: string; exitCode: number }>;
}

type Stopper = { name: string; stop: () => Promise<void> };

/** A failed listen is a HOST or PORT that does not work here: said as such, in one line. */
function listenConfigError(error: ListenError): ConfigError {
  const port = String(error.port);
  if (error.code === 'EADDRINUSE') return new ConfigError('PORT', 'a port no other process listens on', port, error.message);
  if (error.code === 'EACCES') return new ConfigError('PORT', 'a port this process may listen on (below 1024 needs privileges)', port, error.message);
  return new ConfigError('HOST', 'an address of this machine to listen on', error.host, error.message);
}

/**
 * The embedded PostgreSQL's process ended while the gateway runs: nothing restarts it, so the gateway stops too,
 * saying how it ended — exit code 1 when it was killed or crashed, 0 when it was stopped in order (a signal sent to
 * it directly: a terminal's Ctrl-C reaches it as well as the gateway).
 */
function embeddedLost(embedded: EmbeddedPostgres | undefined, log: Logger): App['lost'] {
  if (embedded === undefined) return new Promise(() => undefined);
  return embedded.exited.then(({ code, signal }) => {
    const orderly = code === 0;
    const reason = 'the embedded PostgreSQL stopped';
    if (orderly) log.info({ code }, `${reason}; stopping the gateway too`);
    else log.error({ code, signal }, `${reason} unexpectedly; the gateway cannot serve without it and stops`);
    return { reason, exitCode: orderly ? 0 : 1 };
  });
}

/**
 * Start-up did not finish because a stop was requested meanwhile (StartOptions.signal): what had started has been
 * stopped, in reverse order.
 */
export class StartupCancelled extends Error {
  constructor(
    /** The step under way, or last finished, when the stop was seen. */
    readonly step: string,
    options?: { cause?: unknown },
  ) {
    super(`start-up cancelled while ${step}`, options);
    this.name = 'StartupCancelled';
  }
}

export interface StartOptions {
  /**
   * Aborted by a stop requested before start-up has finished (SIGTERM during a long demo seed or migrations): the
   * step under way is cancelled when it is one transaction (the migrations, the demo data's write: rolled back) and
   * finishes otherwise, no further step begins, what has started stops in reverse order, and startApp rejects with
   * StartupCancelled.
   */
  signal?: AbortSignal;
  /** Told what start-up is doing as it goes: each step as it begins, then each component a failed start stops. */
  onStep?: (step: string) => void;
}

export async function startApp(config: Config, log: Logger, options: StartOptions = {}): Promise<App> {
  const { signal, onStep } = options;
  let step = 'checking HOST and PORT';
  onStep?.(step);
  /** Begins the next step, unless a stop was requested during the last one. */
  const begin = (next: string): void => {
    if (signal?.aborted) throw new StartupCancelled(step);
    step = next;
    onStep?.(next);
  };
  // Everything started is pushed here, so a failure half-way still stops what did start (in reverse order).
  const stoppers: Stopper[] = [];
  let stoppingNow: string | undefined;
  let started = false;
  const stopAll = async (): Promise<void> => {
    while (stoppers.length > 0) {
      const next = stoppers.pop()!;
      stoppingNow = next.name;
      if (!started) onStep?.(`stopping the ${next.name}`);
      try {
        await next.stop();
        log.debug({ component: next.name }, 'stopped');
      } catch (error) {
        log.error({ err: error, component: next.name }, 'error while stopping');
      }
    }
    stoppingNow = undefined;
  };

  try {
    const unauthenticated = authenticationLeftOff(config);
    if (unauthenticated !== undefined) throw unauthenticated;
    await probeListen(config.host, config.port);
    begin(config.embeddedMode ? 'starting the embedded PostgreSQL' : 'opening the databases');
    const dbs = await createDatabases(config, (message) => log.trace({ component: 'postgres' }, message.trim()));
    stoppers.push({ name: 'databases', stop: () => dbs.close() });
    begin('checking the databases');
    await runStartupChecks(dbs, config, log);
    begin('migrating seedsmetrics');
    await migrateMetrics(dbs.metrics.url, undefined, { signal });
    begin('setting the business clock');
    await configureBusinessClock(dbs.metrics.pool, { businessTz: config.businessTz });

    if (dbs.embedded) {
      begin('writing the demo data');
      const djangoWriterUrl = dbs.embedded.url(EMBEDDED_DJANGO_DB);
      await applyDjangoFixture(djangoWriterUrl);
      const demo = await ensureDemoData({
        djangoWriterUrl,
        metricsPool: dbs.metrics.pool,
        scale: config.demo.scale,
        seed: config.demo.seed,
        asOf: config.demo.asOf,
        signal,
        log: log.child({ component: 'demo' }),
      });
      log.info({ demo }, 'demo data ready');
    }

    begin('starting the server and the sync worker');
    // The naive-resolver benchmark (batching off) runs every read of every request.
    const sharedReads = config.graphql.batching ? new SharedReads() : undefined;
    const pubSub = createAppPubSub({ onPublish: () => sharedReads?.dataChanged() });
    const schema = await buildAppSchema({ pubSub });
    const contextFactory = createContextFactory({
      django: dbs.django,
      metrics: dbs.metrics,
      maxPageSize: config.graphql.maxPageSize,
      businessTz: config.businessTz,
      batching: config.graphql.batching,
      sharedReads,
    });

    let worker: SyncWorker | undefined;
    if (config.sync.enabled) {
      worker = new SyncWorker({
        djangoPool: dbs.django.pool,
        metricsPool: dbs.metrics.pool,
        businessTz: config.businessTz,
        ...scheduleOf(config.sync),
        log: log.child({ component: 'sync' }),
      });
    }

    const bridge = await startEventBridge({ metricsUrl: dbs.metrics.url, pubSub, log: log.child({ component: 'events' }) });
    stoppers.push({ name: 'event bridge', stop: () => bridge.stop() });

    const authenticator = createAuthenticator(config.auth, log.child({ component: 'auth' }));
    if (!authenticator.enabled && !config.embeddedMode) {
      log.warn('authentication is off (AUTH_DISABLED): every caller is the anonymous reader (set AUTH_JWT_SECRET or AUTH_JWKS_URL)');
    }
    const server = await startGatewayServer({
      schema,
      contextFactory,
      authenticator,
      log,
      host: config.host,
      port: config.port,
      maxComplexity: config.graphql.maxComplexity,
      maxPageSize: config.graphql.maxPageSize,
      slowOperationMs: config.graphql.slowOperationMs,
      corsOrigins: config.corsOrigins,
      maxWsPendingEventsPerConnection: config.liveFeeds.maxPendingEventsPerConnection,
      maxWsOperationsPerConnection: config.liveFeeds.maxOperationsPerConnection,
      keepAliveMs: config.timeouts.httpKeepAliveMs,
      compressResponses: config.httpCompression,
      introspection: config.graphql.introspection,
      // Only when anyone who reaches the page may read the data: the page itself is served without a token.
      playgroundExampleIds: authenticator.enabled ? undefined : () => fetchExampleIds(dbs.metrics.pool),
      readiness: () => checkReadiness({ dbs, worker, maxLagMs: config.sync.maxLagMs, listener: bridge.listenerState }),
    });
    const observedWorker = worker;
    const unobserve = observeApp({
      pools: { django: dbs.django.pool, metrics: dbs.metrics.pool },
      syncHealth: observedWorker && (() => observedWorker.health()),
      liveConnections: () => server.liveConnections(),
      liveSubscriptions: () => subscribersPerFeed(pubSub),
      listener: bridge.listenerState,
      databases: () => probeDatabases(dbs),
    });
    stoppers.push({ name: 'metrics sources', stop: async () => unobserve() });
    // Stopped in reverse order of the list: the HTTP server (pushed next) before all but the simulator, so in-flight
    // requests drain before anything they use goes away; the sync worker (spliced in right after the databases) last
    // before the databases it writes.
    if (worker) {
      const running = worker;
      stoppers.splice(1, 0, { name: 'sync worker', stop: () => running.stop() });
      running.start();
    }
    stoppers.push({ name: 'http server', stop: () => server.stop() });

    if (dbs.embedded && config.demo.simulator) {
      const simulator = startSimulator({
        djangoWriterUrl: dbs.embedded.url(EMBEDDED_DJANGO_DB),
        intervalMs: config.demo.simulatorIntervalMs,
        seed: config.demo.seed,
        log: log.child({ component: 'simulator' }),
      });
      stoppers.push({ name: 'simulator', stop: () => simulator.stop() });
    }

    // Past this point a stop is App.stop's: the caller sees a requested stop once it has the app.
    started = true;
    log.info({ url: `${server.url}/graphql`, embedded: Boolean(dbs.embedded) }, 'gateway ready');
    let stopping: Promise<void> | undefined;
    return {
      config,
      dbs,
      server,
      worker,
      stop: () => (stopping ??= stopAll()),
      stoppingComponent: () => stoppingNow,
      lost: embeddedLost(dbs.embedded, log),
    };
  } catch (error) {
    await stopAll();
    // Whatever failed once a stop was requested (a statement cancelled, a server stopping under it: a terminal's
    // Ctrl-C reaches the embedded PostgreSQL too) failed because of it.
    if (signal?.aborted) throw error instanceof StartupCancelled ? error : new StartupCancelled(step, { cause: error });
    // A refused listen, whether the early probe's or the server's own (another process took the port in between),
    // is a HOST or PORT that does not work here.
    throw error instanceof ListenError ? listenConfigError(error) : error;
  }
}
