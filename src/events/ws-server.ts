/**
 * graphql-ws (graphql-transport-ws protocol) on the HTTP server's own port and path, next to Apollo Server.
 * This adapter adds three things to graphql-ws's `useServer`:
 * - every published event is executed in a context of its own (fresh loaders, shared by all subscribers of
 *   that event), because graphql-ws would otherwise reuse one context, and its loaders' cache, for the whole
 *   subscription;
 * - a bound on what a slow client can make the server hold: when a subscription's backlog of events or the
 *   socket's unsent bytes exceed it, the client is closed with SLOW_CONSUMER_CLOSE_CODE (it may reconnect and
 *   resume with `since`);
 * - the API's error masking: caller errors pass, anything else becomes INTERNAL_SERVER_ERROR and is logged.
 */
import type http from 'node:http';
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult, type GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { viewerFromRequest } from '../auth';
import type { AppContext, Viewer } from '../context';
import { createFormatError } from '../errors';
import type { Logger } from '../logger';
import { LIVE_TRANSPORT, LiveEnvelope, type LiveTransport } from './live-transport';
import type { RowEvent } from './pubsub';

/** Close code for a client that does not read its events fast enough (4000-4999: application-defined). */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;

/** @default 4 MiB */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** @default 1000 */
export const DEFAULT_MAX_PENDING_EVENTS = 1000;

export interface GraphqlWsOptions {
  httpServer: http.Server;
  /** The path shared with Apollo Server, e.g. "/graphql". */
  path: string;
  schema: GraphQLSchema;
  /** Builds a request context; called per subscription, per published event and per replayed page. */
  contextFactory: (viewer: Viewer | null) => AppContext;
  /** Unsent bytes a socket may hold before the client is closed as a slow consumer. @default 4 MiB */
  maxBufferedBytes?: number;
  /** Events a subscription may have waiting before the client is closed as a slow consumer. @default 1000 */
  maxPendingEvents?: number;
  /** Ping interval; a client that misses a pong for this long is terminated. @default 12000 */
  keepAliveMs?: number;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
}

export interface GraphqlWsServer {
  /** Closes every client (1001 Going away) and the WebSocket server. */
  dispose(): Promise<void>;
}

/** graphql-js's subscribe, except that each event executes in the context its envelope carries. */
async function subscribeWithEventContexts(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const executeEvent = async (payload: unknown): Promise<ExecutionResult> =>
    execute({ ...args, rootValue: payload, contextValue: payload instanceof LiveEnvelope ? payload.context : args.contextValue });
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      const result = await source.next();
      if (result.done) return { value: undefined, done: true };
      return { value: await executeEvent(result.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
  };
  return mapped;
}

export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsServer {
  const { log } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const maxPendingEvents = options.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
  const formatError = createFormatError(log);
  // One context per published event of this server: every subscriber of that event shares its loaders.
  const eventContexts = new WeakMap<RowEvent, AppContext>();

  const closeSlowConsumer = (socket: WebSocket, reason: string): void => {
    if (socket.readyState !== socket.OPEN) return;
    log.warn({ reason }, 'closing a slow WebSocket client');
    socket.close(SLOW_CONSUMER_CLOSE_CODE, reason);
  };
  const overBound = (socket: WebSocket, pendingEvents: number): boolean => {
    if (socket.readyState !== socket.OPEN) return true;
    if (socket.bufferedAmount > maxBufferedBytes) {
      closeSlowConsumer(socket, `Slow consumer: ${socket.bufferedAmount} unsent bytes exceed ${maxBufferedBytes}`);
      return true;
    }
    if (pendingEvents > maxPendingEvents) {
      closeSlowConsumer(socket, `Slow consumer: ${pendingEvents} pending events exceed ${maxPendingEvents}`);
      return true;
    }
    return false;
  };

  const transportFor = (viewer: Viewer | null, socket: WebSocket): LiveTransport<AppContext> => ({
    eventContext(event) {
      let shared = eventContexts.get(event);
      if (shared === undefined) {
        shared = options.contextFactory(viewer);
        eventContexts.set(event, shared);
      }
      return shared.viewer === viewer ? shared : { ...shared, viewer };
    },
    freshContext: () => options.contextFactory(viewer),
    acceptBacklog: (pendingEvents) => !overBound(socket, pendingEvents),
  });

  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  const server = useServer(
    {
      schema: options.schema,
      context: (ctx) => {
        const viewer = viewerFromRequest(ctx.extra.request);
        const context = options.contextFactory(viewer);
        return Object.assign(context, { [LIVE_TRANSPORT]: transportFor(viewer, ctx.extra.socket) });
      },
      subscribe: subscribeWithEventContexts,
      onNext: (ctx, _id, _payload, _args, result) => {
        overBound(ctx.extra.socket, 0);
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) };
      },
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error)),
    },
    wss,
    options.keepAliveMs,
  );
  return {
    dispose: async () => {
      await server.dispose();
    },
  };
}
