/**
 * One http.Server for everything a client talks to: Apollo Server 5 on /graphql (HTTP; POSTs skip Express, see
 * src/graphql-http.ts), graphql-ws on the same path (WebSocket), GraphiQL for browsers, health and Prometheus
 * endpoints. Shutdown drains HTTP first,
 * then disposes the WebSocket server (Apollo's drain plugins), so in-flight requests finish.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import compression from 'compression';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { AppContext, Viewer } from './context';
import type { Authenticator } from './auth';
import { withCors } from './cors';
import { createFormatError } from './errors';
import { attachGraphqlWs, type GraphqlWsServer } from './events/ws-server';
import { createComplexityCheck, createReadsCheck } from './complexity';
import { DEFAULT_HTTP_KEEP_ALIVE_MS, DEFAULT_SLOW_OPERATION_MS } from './config';
import { documentOverLimits } from './document-limits';
import { firstRefusal, operationChecksPlugin } from './operation-checks';
import { operationMetricsPlugin } from './operation-metrics';
import { checkOperationSelection } from './operation-selection';
import { slowOperationLogPlugin } from './slow-operations';
import { createOperationTypeCheck, type Transport } from './operation-types';
import { createTextArgumentsCheck } from './text-arguments';
import type { Logger } from './logger';
import { listen } from './listen';
import { checkIntrospectionOff } from './introspection';
import type { ExampleIds } from '../loaders/example-ids.metrics';
import { playgroundOffRouter, playgroundRouter } from './playground';
import { createGraphqlHttpHandler } from './graphql-http';
import { failedRoute, unknownRoute } from './http-fallback';
import { httpMetrics, timeRequest } from './observability';
import { requestIdFor, requestIdOnErrorsPlugin, withRequestId } from './request-id';
import { COMPRESSION_MIN_BYTES } from './response-compression';

export const GRAPHQL_PATH = '/graphql';
/** Largest GraphQL request body, in bytes: a generous bound for a query with its variables. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** POST /graphql, with or without a query string: the requests that skip Express. */
function isGraphqlPost(request: http.IncomingMessage): boolean {
  if (request.method !== 'POST') return false;
  const url = request.url ?? '';
  return url.startsWith(GRAPHQL_PATH) && (url.length === GRAPHQL_PATH.length || url[GRAPHQL_PATH.length] === '?');
}

export interface ReadinessReport {
  status: 'ok' | 'degraded' | 'unavailable';
  [part: string]: unknown;
}

export interface ServerOptions {
  schema: GraphQLSchema;
  contextFactory: (viewer: Viewer | null) => AppContext;
  /** Who is asking, for HTTP requests and WebSocket connections alike (src/auth.ts). */
  authenticator: Authenticator;
  log: Logger;
  host: string;
  port: number;
  /** Maximum estimated query complexity; see src/complexity.ts. */
  maxComplexity: number;
  /** Largest page a connection serves (complexity counts larger requests as this). */
  maxPageSize: number;
  /** Operations over HTTP that take this long or longer are logged (src/slow-operations.ts). @default 1000 */
  slowOperationMs?: number;
  /** Answers GET /health/ready: 200 unless status is 'unavailable'. */
  readiness: () => Promise<ReadinessReport>;
  /** Bytes a WebSocket client may leave unread before it is closed. @default 4 MiB */
  maxWsBufferedBytes?: number;
  /** Events all subscriptions of one WebSocket connection may have waiting (LIVE_MAX_PENDING_EVENTS_PER_CONNECTION). @default 200000 */
  maxWsPendingEventsPerConnection?: number;
  /** Operations one WebSocket connection may hold at once (LIVE_MAX_OPERATIONS_PER_CONNECTION). @default 100 */
  maxWsOperationsPerConnection?: number;
  /** Browser origins allowed to call from elsewhere (src/cors.ts); empty for same-origin only. @default [] */
  corsOrigins?: readonly string[];
  /** How long an idle keep-alive connection stays open (HTTP_KEEP_ALIVE_TIMEOUT_MS). @default 65000 */
  keepAliveMs?: number;
  /** Gzip responses of COMPRESSION_MIN_BYTES or more for clients that accept it (HTTP_COMPRESSION, src/response-compression.ts). @default true */
  compressResponses?: boolean;
  /** Schema introspection and GraphiQL (GRAPHQL_INTROSPECTION, src/introspection.ts). @default true */
  introspection?: boolean;
  /** The ids GraphiQL's example tabs open with (src/playground.ts); without it they open with no variables. */
  playgroundExampleIds?: () => Promise<ExampleIds | undefined>;
}

export interface GatewayServer {
  httpServer: http.Server;
  /** http://host:port, known after listen. */
  url: string;
  port: number;
  /** Open graphql-ws connections. */
  liveConnections(): number;
  stop(): Promise<void>;
}

/**
 * Node closes an idle keep-alive connection after 5 s by default, while a load balancer or a client pool in front
 * keeps it for a minute or more: a request sent on it as the gateway closes it fails ("socket hang up", a 502).
 * Waiting for the next request's headers must outlast the idle time, and a whole request must outlast that.
 */
function keepConnectionsAlive(httpServer: http.Server, keepAliveMs: number): void {
  httpServer.keepAliveTimeout = keepAliveMs;
  httpServer.headersTimeout = Math.max(httpServer.headersTimeout, keepAliveMs + 1000);
  httpServer.requestTimeout = Math.max(httpServer.requestTimeout, httpServer.headersTimeout);
}

export async function startGatewayServer(options: ServerOptions): Promise<GatewayServer> {
  const app = express();
  app.disable('x-powered-by');
  const compressResponses = options.compressResponses ?? true;
  // Express serves GraphiQL's assets (~4 MB of JavaScript and CSS, a quarter of that gzipped), the metrics page and
  // GET queries: the compression middleware takes those. POST /graphql bypasses Express and compresses its answers
  // in src/graphql-http.ts, with the same threshold; a body already encoded there is left alone by the middleware.
  if (compressResponses) app.use(compression({ threshold: COMPRESSION_MIN_BYTES }));
  // Requests are routed once Apollo has started (below), before the server listens.
  const httpServer = http.createServer();
  keepConnectionsAlive(httpServer, options.keepAliveMs ?? DEFAULT_HTTP_KEEP_ALIVE_MS);
  // Checked before an operation runs, in this order, on both transports (over HTTP a subscription is refused too).
  const checkComplexity = createComplexityCheck(options.schema, options.maxComplexity, options.maxPageSize);
  const checkReads = createReadsCheck(options.schema);
  const checkTextArguments = createTextArgumentsCheck();
  const introspection = options.introspection ?? true;
  const checksFor = (transport: Transport) =>
    firstRefusal(
      checkOperationSelection,
      createOperationTypeCheck(options.schema, transport, GRAPHQL_PATH),
      ...(introspection ? [] : [checkIntrospectionOff]),
      checkTextArguments,
      checkComplexity,
      checkReads,
    );
  let ws: GraphqlWsServer | undefined; // attached once the port is bound, below
  const disposeWs: ApolloServerPlugin<AppContext> = {
    async serverWillStart() {
      return {
        async drainServer() {
          await ws?.dispose();
        },
      };
    },
  };
  const apollo = new ApolloServer<AppContext>({
    schema: options.schema,
    // Always on for Apollo: with GRAPHQL_INTROSPECTION=false, checkIntrospectionOff refuses it on both transports
    // with a message that names the setting (Apollo's own refusal tells the caller to change its source code).
    introspection: true,
    // The process owns shutdown order (src/index.ts → App.stop); Apollo's own SIGINT/SIGTERM handler would stop
    // the server concurrently and re-raise the signal, racing (and, seen here, hanging) the ordered stop.
    stopOnTerminationSignals: false,
    // Apollo adds stack traces to error responses unless NODE_ENV is production or test; `node dist/src/index.js`
    // run by hand would send file paths to callers.
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(options.log.child({ component: 'graphql' }), { schema: options.schema }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      disposeWs,
      ApolloServerPluginLandingPageDisabled(),
      // We set no cache hints; Apollo's default cache-control plugin would still hook every field's resolution.
      ApolloServerPluginCacheControlDisabled(),
      operationChecksPlugin(checksFor('http')),
      operationMetricsPlugin(),
      requestIdOnErrorsPlugin(),
      slowOperationLogPlugin({ thresholdMs: options.slowOperationMs ?? DEFAULT_SLOW_OPERATION_MS, log: options.log.child({ component: 'graphql' }) }),
    ],
  });
  await apollo.start();

  const graphql = createGraphqlHttpHandler({
    apollo,
    context: async (request) => {
      const context = options.contextFactory((await options.authenticator.authenticate(request.headers.authorization)).viewer);
      context.requestId = requestIdFor(request);
      return context;
    },
    maxBodyBytes: MAX_REQUEST_BODY_BYTES,
    checkDocument: documentOverLimits,
    compress: compressResponses,
  });
  // Queries (POST /graphql) go straight to Apollo; browsers, GET queries, health and metrics go through Express.
  const route = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (isGraphqlPost(request)) {
      timeRequest('graphql', response);
      graphql(request, response);
    } else {
      app(request, response);
    }
  };
  httpServer.on('request', withRequestId(withCors(options.corsOrigins ?? [], route)));

  app.use(httpMetrics(GRAPHQL_PATH));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const report = await options.readiness();
    res.status(report.status === 'unavailable' ? 503 : 200).json(report);
  });
  // Before the playground's router, which would answer OPTIONS with its own methods (GET, HEAD).
  app.options(GRAPHQL_PATH, (request, response) => graphql(request, response));
  app.use(introspection ? playgroundRouter(GRAPHQL_PATH, options.playgroundExampleIds) : playgroundOffRouter(GRAPHQL_PATH));
  app.all(GRAPHQL_PATH, (request, response) => graphql(request, response));
  app.use(unknownRoute(GRAPHQL_PATH));
  app.use(failedRoute(options.log.child({ component: 'http' })));

  try {
    await listen(httpServer, options.host, options.port);
  } catch (error) {
    await apollo.stop();
    throw error;
  }
  // The WebSocket server is attached only now: ws re-emits the HTTP server's errors on itself, where they would be
  // logged as a failure of the WebSocket server (a port in use looked like a crash). No upgrade can arrive in
  // between: this runs in the listen callback's microtasks, before any I/O.
  const liveServer = attachGraphqlWs({
    httpServer,
    path: GRAPHQL_PATH,
    schema: options.schema,
    contextFactory: options.contextFactory,
    authenticator: options.authenticator,
    maxBufferedBytes: options.maxWsBufferedBytes,
    maxPendingEventsPerConnection: options.maxWsPendingEventsPerConnection,
    maxOperationsPerConnection: options.maxWsOperationsPerConnection,
    maxMessageBytes: MAX_REQUEST_BODY_BYTES,
    checkOperation: checksFor('websocket'),
    corsOrigins: options.corsOrigins,
    log: options.log.child({ component: 'graphql-ws' }),
  });
  ws = liveServer;
  const address = httpServer.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    httpServer,
    port: address.port,
    url: `http://${shownHost}:${address.port}`,
    liveConnections: () => liveServer.connections(),
    stop: () => apollo.stop(),
  };
}
