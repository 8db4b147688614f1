/**
 * graphql-ws (graphql-transport-ws protocol) on the HTTP server's own port and path, next to Apollo Server.
 * This adapter adds to graphql-ws's protocol server (bound to `ws` sockets in ws-transport.ts, which also answers
 * protocol mistakes with reasons that name them):
 * - every published event is executed in a context of its own (fresh loaders, shared by all subscribers of
 *   that event), because graphql-ws would otherwise reuse one context, and its loaders' cache, for the whole
 *   subscription; and it is executed once per distinct operation (query text, operation name, variables), the
 *   result going to every subscriber of that operation (shared-execution.ts);
 * - bounds on what a slow client can make the server hold (its socket's unsent bytes, the events waiting for each
 *   of its subscriptions and for all of them: slow-consumers.ts), and on the operations one connection holds at
 *   once (TOO_MANY_OPERATIONS beyond it);
 * - the API's error masking: caller errors pass, anything else becomes INTERNAL_SERVER_ERROR and is logged —
 *   except errors of a subscription whose socket is already closed (its pending sends fail once the keepalive
 *   or a slow-consumer close has ended the connection): nobody can receive them, so they are logged at debug and
 *   not counted;
 * - bad input found when a subscription starts (its resolver refuses the arguments) is the protocol's `error`
 *   message, like a validation error, and parse/validation/variable errors carry Apollo's codes; a document
 *   over the size bounds (src/document-limits.ts) is refused before it is parsed, as over HTTP;
 * - authentication at connection_init, and a close when the token expires (ws-authentication.ts);
 * - the operator's view: queries and operations refused before they run are timed as over HTTP (transport `ws`,
 *   src/operation-metrics.ts), and each subscription reports the events it is sent and, as it ends, how long it
 *   lasted (src/observability.ts);
 * - the origin check browsers do not make for WebSockets: an upgrade from a page on another origin than this
 *   server's, not listed in CORS_ORIGINS, is refused with 403 (src/cors.ts).
 */
import type http from 'node:http';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { NO_AUTHENTICATION, type Authenticator } from '../auth';
import type { AppContext, Viewer } from '../context';
import { isAllowedWebSocketOrigin } from '../cors';
import { DEFAULT_MAX_OPERATIONS_PER_CONNECTION } from '../config';
import { documentOverLimits } from '../document-limits';
import { createFormatError, INTERNAL_ERROR_MESSAGE } from '../errors';
import type { Logger } from '../logger';
import { meterLiveSubscription, type LiveSubscriptionMeter } from '../observability';
import { observeOperation, type ResolvedOperation } from '../operation-metrics';
import { RepeatedFailures } from '../repeated-failures';
import type { OperationCheck } from '../operation-checks';
import { LIVE_TRANSPORT, LiveEnvelope, type LiveTransport } from './live-transport';
import type { RowEvent } from './pubsub';
import { createSharedExecutor, operationKey, type SharedExecutor } from './shared-execution';
import { guardSlowConsumers } from './slow-consumers';
import { authenticateConnections } from './ws-authentication';
import { bindGraphqlWs } from './ws-transport';

/** @default 12 s (graphql-ws's own) */
export const DEFAULT_KEEP_ALIVE_MS = 12_000;
/** @default 1 MiB, as a GraphQL request body over HTTP */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
/** The error code of an operation refused because its connection holds the most it may. */
export const TOO_MANY_OPERATIONS = 'TOO_MANY_OPERATIONS';

export interface GraphqlWsOptions {
  httpServer: http.Server;
  /** The path shared with Apollo Server, e.g. "/graphql". */
  path: string;
  schema: GraphQLSchema;
  /** Builds a request context; called per subscription, per published event and per replayed page. */
  contextFactory: (viewer: Viewer | null) => AppContext;
  /** Who is asking, checked once per connection. @default NO_AUTHENTICATION (everyone is the anonymous reader) */
  authenticator?: Authenticator;
  /** Unsent bytes a socket may hold before the client is closed as a slow consumer. @default 4 MiB */
  maxBufferedBytes?: number;
  /** Events a subscription may have waiting before the client is closed as a slow consumer. @default 100000 */
  maxPendingEvents?: number;
  /**
   * Events all subscriptions of one connection may have waiting before the client is closed as a slow consumer
   * (LIVE_MAX_PENDING_EVENTS_PER_CONNECTION). @default 200000
   */
  maxPendingEventsPerConnection?: number;
  /** Ping interval; a client that misses a pong for this long is terminated; 0 for none. @default 12 s */
  keepAliveMs?: number;
  /** Largest message a client may send; a larger one closes the connection with 1009 before it is buffered. @default 1 MiB */
  maxMessageBytes?: number;
  /**
   * Operations one connection may hold at once (LIVE_MAX_OPERATIONS_PER_CONNECTION); one more is refused with a
   * TOO_MANY_OPERATIONS `error` message. @default 100
   */
  maxOperationsPerConnection?: number;
  /**
   * Extra checks of a parsed, valid operation before it runs (those the HTTP path applies in an Apollo plugin,
   * src/operation-checks.ts); errors returned are sent as the `error` message, masked unless their code is one
   * of CALLER_ERROR_CODES (src/errors.ts). @default no extra checks
   */
  checkOperation?: OperationCheck;
  /** Browser origins allowed besides the server's own (CORS_ORIGINS; see src/cors.ts). @default [] */
  corsOrigins?: readonly string[];
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
}

export interface GraphqlWsServer {
  /** Open WebSocket connections. */
  connections(): number;
  /** Closes every client (1001 Going away) and the WebSocket server. */
  dispose(): Promise<void>;
}

/**
 * graphql-js's subscribe, split so that its two halves run where graphql-ws expects them: the source stream is
 * created in onSubscribe (so a subscribe resolver's error — bad input — is sent as the protocol's `error`
 * message rather than `next` + `complete`), and each event then executes in the context its envelope carries,
 * unless a subscriber of the same operation (`operation`, see operationKey) already executed it there.
 */
function eventResults(args: ExecutionArgs, source: AsyncIterator<unknown>, operation: string, shared: SharedExecutor, meter: LiveSubscriptionMeter): AsyncIterableIterator<ExecutionResult> {
  const executeEvent = async (payload: unknown): Promise<ExecutionResult> => {
    if (!(payload instanceof LiveEnvelope)) return execute({ ...args, rootValue: payload });
    return shared(payload, operation, () => execute({ ...args, rootValue: payload, contextValue: payload.context }));
  };
  // Set by return(): graphql-ws sends whatever next() resolves to, even once the client has completed the operation.
  let ended = false;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const result = await source.next();
        const value = result.done ? undefined : await executeEvent(result.value);
        // An event still executing when the client completed the subscription is dropped: sent, it would arrive
        // after the client's `complete` (and, under a reused id, as an event of the subscription that replaced it).
        if (value === undefined || ended) {
          meter.ended();
          return { value: undefined, done: true };
        }
        meter.sent();
        return { value, done: false };
      } catch (error) {
        // graphql-ws sends the error and ends the subscription without calling return().
        meter.ended();
        throw error;
      }
    },
    async return() {
      ended = true;
      meter.ended();
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      ended = true;
      meter.ended();
      await source.return?.();
      throw error;
    },
  };
}

/** The root field a subscription operation selects (validation allows exactly one, possibly inside fragments). */
function subscriptionField(document: DocumentNode, operation: OperationDefinitionNode): string | undefined {
  const fieldIn = (selections: readonly SelectionNode[]): string | undefined => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) return selection.name.value;
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection
          : document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      const field = fragment === undefined ? undefined : fieldIn(fragment.selectionSet.selections);
      if (field !== undefined) return field;
    }
    return undefined;
  };
  return fieldIn(operation.selectionSet.selections);
}

/** The error with `extensions.code` set (graphql-js's own errors carry none). */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * Errors coded as Apollo Server codes them over HTTP: parse and validation errors are coded where they arise
 * (onSubscribe). An uncoded error without a path whose cause, if any, is itself a GraphQLError comes from
 * graphql-js refusing the variables: a caller error too (BAD_USER_INPUT). Everything else — resolver failures
 * (they have a path), a stream that failed mid-way (graphql-ws wraps the thrown Error) — is left to be masked.
 */
function codeCallerErrors(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) => {
    const fromGraphqlJs = error.originalError === undefined || error.originalError instanceof GraphQLError;
    return error.extensions.code === undefined && error.path === undefined && fromGraphqlJs ? withCode(error, 'BAD_USER_INPUT') : error;
  });
}

/**
 * Whether nothing can be sent on `socket` any more: closing or closed (the keepalive's terminate() marks it so), or
 * its TCP socket already destroyed (a client that vanished: the failed writes arrive before ws sees the close).
 */
function socketGone(socket: WebSocket): boolean {
  return socket.readyState !== socket.OPEN || (socket as unknown as { _socket?: { destroyed?: boolean } })._socket?.destroyed === true;
}

export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsServer {
  const { log } = options;
  const slowConsumers = guardSlowConsumers(options, log);
  const maxOperations = options.maxOperationsPerConnection ?? DEFAULT_MAX_OPERATIONS_PER_CONNECTION;
  const formatError = createFormatError(log, { schema: options.schema });
  // One context per published event of this server and viewer: every subscriber of that event shares its
  // loaders, and every subscriber with the same viewer the context object itself (so its executions too).
  const eventContexts = new WeakMap<RowEvent, Map<Viewer | null, AppContext>>();
  const sharedExecution = createSharedExecutor();
  // Source streams created in onSubscribe, picked up by subscribe (graphql-ws passes the same args object),
  // with the subscription's operation key.
  const sourceStreams = new WeakMap<ExecutionArgs, { stream: AsyncIterator<unknown>; operation: string; field: string }>();
  // Queries and mutations, timed from their subscribe message to their result (onOperation), as over HTTP.
  const operationTimings = new WeakMap<ExecutionArgs, { operation: ResolvedOperation; startedAt: number }>();
  // A shared result with errors is masked (and its unexpected errors logged) once, not once per subscriber.
  const maskedResults = new WeakMap<ExecutionResult, FormattedExecutionResult>();

  const transportFor = (viewer: Viewer | null, socket: WebSocket): LiveTransport<AppContext> => ({
    eventContext(event) {
      let byViewer = eventContexts.get(event);
      if (byViewer === undefined) {
        byViewer = new Map();
        eventContexts.set(event, byViewer);
      }
      let context = byViewer.get(viewer);
      if (context === undefined) {
        const [first] = byViewer.values();
        context = first === undefined ? options.contextFactory(viewer) : { ...first, viewer };
        byViewer.set(viewer, context);
      }
      return context;
    },
    freshContext: () => options.contextFactory(viewer),
    acceptBacklog: slowConsumers.backlogOf(socket),
  });

  const authentication = authenticateConnections(options.authenticator ?? NO_AUTHENTICATION);
  const corsOrigins = options.corsOrigins ?? [];
  // Any page a visitor opens can send upgrades from its origin, as often as it likes: one line a minute says it
  // (the latest origin, and how many were refused since the last line), not one per attempt.
  const refusedOrigins = new RepeatedFailures();
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    verifyClient: ({ req }, accept) => {
      const origin = req.headers.origin;
      if (isAllowedWebSocketOrigin(corsOrigins, origin, req.headers.host)) return accept(true);
      const line = refusedOrigins.failed('origin refused');
      if (line) log.warn({ origin, host: req.headers.host, refusedSinceLastLine: line.failuresSinceLastLine }, 'WebSocket upgrade from an origin not in CORS_ORIGINS refused');
      accept(false, 403, `Origin ${origin} is not allowed: expected this server's own origin or one listed in CORS_ORIGINS`);
    },
  });
  const server = bindGraphqlWs(
    {
      schema: options.schema,
      onConnect: (ctx) => authentication.connect(ctx.extra.socket, ctx.connectionParams, ctx.extra.request),
      onClose: (ctx) => authentication.closed(ctx.extra.socket),
      onSubscribe: async (ctx, _id, payload) => {
        const startedAt = performance.now();
        // An operation refused before it runs is timed as one that failed (`_unresolved` until its document resolved).
        const refuse = (errors: readonly GraphQLError[], operation?: ResolvedOperation): GraphQLError[] => {
          observeOperation('ws', operation, true, startedAt);
          return [...errors];
        };
        // graphql-ws has registered this operation already, so the count includes it. Operations still being
        // started count too: a burst of queries can hold more than the bound for a moment, and the refusal says so.
        const held = Object.keys(ctx.subscriptions).length - 1;
        if (held >= maxOperations) {
          return refuse([
            new GraphQLError(`A connection may hold at most ${maxOperations} operations at once; this one already holds ${held}. Complete one before starting another`, {
              extensions: { code: TOO_MANY_OPERATIONS, maxOperationsPerConnection: maxOperations },
            }),
          ]);
        }
        const overLimits = documentOverLimits(payload.query);
        if (overLimits !== undefined) return refuse([new GraphQLError(overLimits, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return refuse([withCode(error, 'GRAPHQL_PARSE_FAILED')]);
          throw error;
        }
        const invalid = validate(options.schema, document);
        if (invalid.length > 0) return refuse(invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')));
        const operationAST = getOperationAST(document, payload.operationName);
        const operation: ResolvedOperation = operationAST == null ? undefined : { name: operationAST.name?.value, type: operationAST.operation };
        const refused = options.checkOperation?.({ document, operationName: payload.operationName, variables: payload.variables }) ?? [];
        if (refused.length > 0) return refuse(refused, operation);
        // graphql-ws refuses a subscribe before connection_ack, so onConnect has stored the viewer.
        const viewer = authentication.viewerOf(ctx.extra.socket);
        const contextValue = Object.assign(options.contextFactory(viewer), { [LIVE_TRANSPORT]: transportFor(viewer, ctx.extra.socket) });
        const args: ExecutionArgs = { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
        if (operationAST != null && operationAST.operation === 'subscription') {
          const stream = await createSourceEventStream(args);
          if (!(Symbol.asyncIterator in stream)) return refuse(stream.errors ?? [], operation);
          sourceStreams.set(args, { stream: stream[Symbol.asyncIterator](), operation: operationKey(payload), field: subscriptionField(document, operationAST) ?? '_unknown' });
        } else {
          operationTimings.set(args, { operation, startedAt });
        }
        return args;
      },
      subscribe: (args) => {
        const source = sourceStreams.get(args);
        if (source === undefined) throw new Error('subscription without a source stream (onSubscribe creates it)');
        sourceStreams.delete(args);
        return eventResults(args, source.stream, source.operation, sharedExecution, meterLiveSubscription(source.field));
      },
      onOperation: (_ctx, _id, _payload, args, result) => {
        const timing = operationTimings.get(args);
        if (timing === undefined) return undefined;
        operationTimings.delete(args);
        // Only queries and mutations are timed: their result is one ExecutionResult, already awaited.
        observeOperation('ws', timing.operation, ((result as ExecutionResult).errors?.length ?? 0) > 0, timing.startedAt);
        return undefined;
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        slowConsumers.checkUnsent(ctx.extra.socket);
        if (!result.errors?.length) return undefined;
        let masked = maskedResults.get(result);
        if (masked === undefined) {
          masked = { ...result, errors: codeCallerErrors(result.errors).map((error) => formatError(error.toJSON(), error)) };
          maskedResults.set(result, masked);
        }
        return masked;
      },
      onError: (ctx, _id, _payload, errors: readonly GraphQLError[]) => {
        if (socketGone(ctx.extra.socket)) {
          // graphql-ws ends the subscription with the failed send's error (ERR_STREAM_DESTROYED) and would send it on
          // a socket that is gone: not a failure of the operation, and no caller will see it. terminate() makes ws
          // agree that the socket is gone (its TCP socket may be destroyed before ws notices), so that send is skipped.
          if (ctx.extra.socket.readyState === ctx.extra.socket.OPEN) ctx.extra.socket.terminate();
          const cause = errors[0]?.originalError;
          log.debug({ err: { message: cause?.message ?? errors[0]?.message, code: (cause as { code?: unknown } | undefined)?.code } }, 'a subscription ended on a closed WebSocket');
          return errors.map(() => ({ message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
        }
        return codeCallerErrors(errors).map((error) => formatError(error.toJSON(), error));
      },
    },
    wss,
    { keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS, log },
  );
  return {
    connections: () => wss.clients.size,
    dispose: async () => {
      await server.dispose();
    },
  };
}
