/**
 * graphql-ws's protocol server (makeServer) bound to `ws` sockets, in place of the binding graphql-ws ships
 * (graphql-ws/use/ws), so that a client that breaks the protocol learns how:
 * - every message is checked before the protocol server sees it (checkClientMessage); a bad one closes the
 *   connection with 4400 and a reason naming what was expected and what arrived. The shipped binding says only
 *   "Invalid message received", and a well-formed message a client may not send (`next`, say) made it log an
 *   internal error and close with 4500;
 * - a client offering only other subprotocols is answered with a close saying which one is expected, not a
 *   refused handshake;
 * - the protocol server's terse close reasons ("Unauthorized", "Subprotocol not acceptable", …) are replaced by
 *   ones that say what the client should have done (explainedReason);
 * - an operation id the client completed may be reused at once: the new subscribe waits until the old operation has
 *   ended (graphql-ws would otherwise let the old one answer under the new one's id, or end the new one with it);
 * - failures go to our logger, never to console.error; a frame over `maxMessageBytes` is refused by ws (1009)
 *   before it is buffered.
 * Keepalive is the shipped binding's: a ping every `keepAliveMs`, and a client whose pong does not come within
 * as long is terminated.
 */
import type http from 'node:http';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { describeValue } from '../errors';
import { isAbsent, isJsonObject } from '../json-shapes';
import type { Logger } from '../logger';
import { countLiveClientClosed } from '../observability';

/** What graphql-ws callbacks find in `ctx.extra`. */
export interface SocketExtra {
  socket: WebSocket;
  request: http.IncomingMessage;
}

/** How long a client has, once connected, to send connection_init (graphql-ws's default, stated so reasons can quote it). */
export const CONNECTION_INIT_WAIT_MS = 3000;
/** RFC 6455 "Internal Error": the server failed; a graphql-ws client may reconnect. */
const INTERNAL_ERROR_CLOSE_CODE = 1011;
/** A WebSocket close reason holds at most 123 bytes of UTF-8. */
const MAX_CLOSE_REASON_BYTES = 123;

/** `text` cut, with an ellipsis, to what a close frame can carry. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  let cut = text.slice(0, MAX_CLOSE_REASON_BYTES - 3);
  while (Buffer.byteLength(`${cut}…`) > MAX_CLOSE_REASON_BYTES) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const CLIENT_MESSAGE_TYPES = ['connection_init', 'ping', 'pong', 'subscribe', 'complete'];


/** A message a client may send, by its type and id (the id of a subscribe or complete), or why `data` is not one. */
export type CheckedClientMessage = { problem: string } | { type: string; id: string | undefined };

/**
 * `data` read as a message a client may send under graphql-transport-ws, or why it is not one, as a close reason.
 * The same checks as graphql-ws's own (validateMessage), limited to the client's message types.
 */
export function checkClientMessage(data: string): CheckedClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return { problem: `Invalid message: must be a JSON object; got ${describeValue(data.length > 40 ? `${data.slice(0, 40)}…` : data)}` };
  }
  if (!isJsonObject(message)) return { problem: `Invalid message: must be a JSON object; got ${describeValue(message)}` };
  const problem = messageFieldsProblem(message);
  if (problem !== undefined) return { problem };
  return { type: message.type as string, id: typeof message.id === 'string' ? message.id : undefined };
}

/** Why a JSON object is not a message a client may send: its type, id or payload; undefined when it is one. */
function messageFieldsProblem(message: Record<string, unknown>): string | undefined {
  const { type } = message;
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.includes(type)) {
    return `Invalid message: "type" must be ${CLIENT_MESSAGE_TYPES.join(', ')}; got ${describeValue(type)}`;
  }
  const invalid = (field: string, expected: string, got: unknown): string => `Invalid ${type} message: "${field}" must be ${expected}; got ${describeValue(got)}`;
  if (type === 'subscribe' || type === 'complete') {
    if (typeof message.id !== 'string' || message.id === '') return invalid('id', 'a non-empty string', message.id);
  }
  const { payload } = message;
  if (type === 'complete') return undefined;
  if (type !== 'subscribe') return isAbsent(payload) || isJsonObject(payload) ? undefined : invalid('payload', 'an object or absent', payload);
  if (!isJsonObject(payload)) return invalid('payload', 'an object', payload);
  if (typeof payload.query !== 'string') return invalid('payload.query', 'a string', payload.query);
  if (!isAbsent(payload.variables) && !isJsonObject(payload.variables)) return invalid('payload.variables', 'an object or absent', payload.variables);
  if (!isAbsent(payload.operationName) && typeof payload.operationName !== 'string') return invalid('payload.operationName', 'a string or absent', payload.operationName);
  if (!isAbsent(payload.extensions) && !isJsonObject(payload.extensions)) return invalid('payload.extensions', 'an object or absent', payload.extensions);
  return undefined;
}

/** The reason to send for a close the protocol server asks for: its own, or one saying what the client should have done. */
export function explainedReason(code: number, reason: string, request: http.IncomingMessage): string {
  switch (code) {
    case CloseCode.Unauthorized:
      return 'Unauthorized: subscribe arrived before connection_ack; send connection_init and wait for connection_ack';
    case CloseCode.SubprotocolNotAcceptable: {
      const offered = request.headers['sec-websocket-protocol'];
      return closeReason(`Subprotocol not acceptable: expected "${GRAPHQL_TRANSPORT_WS_PROTOCOL}"; got ${offered === undefined ? 'none' : `"${offered}"`}`);
    }
    case CloseCode.ConnectionInitialisationTimeout:
      return `Connection initialisation timeout: no connection_init within ${CONNECTION_INIT_WAIT_MS} ms of connecting`;
    case CloseCode.TooManyInitialisationRequests:
      return 'Too many initialisation requests: connection_init is sent once per connection';
    default:
      return reason;
  }
}

export interface WsBindingOptions {
  /** Ping interval; a client that misses a pong for this long is terminated. 0 turns keepalive off. */
  keepAliveMs: number;
  log: Pick<Logger, 'warn' | 'error'>;
}

export interface WsBinding {
  /** Closes every client (1001 Going away) and the WebSocket server. */
  dispose(): Promise<void>;
}

/** Serves graphql-transport-ws on every connection `wss` accepts. */
export function bindGraphqlWs(serverOptions: ServerOptions<Record<string, unknown> | undefined, SocketExtra>, wss: WebSocketServer, options: WsBindingOptions): WsBinding {
  const { keepAliveMs, log } = options;
  const protocolServer = makeServer({ connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS, ...serverOptions });
  // graphql-transport-ws when offered; else the first protocol offered, so that the handshake completes and the
  // client receives the 4406 close that says what was expected (refusing the handshake would fail it with no
  // reason at all: clients drop a connection whose server picked none of their protocols).
  wss.options.handleProtocols = (offered: Set<string>) => (offered.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : (offered.values().next().value ?? false));
  // The HTTP server's errors reach the WebSocket server too; unhandled, they would throw.
  wss.on('error', (error) => {
    log.error({ err: error }, 'the WebSocket server failed; closing its clients');
    for (const client of wss.clients) client.close(INTERNAL_ERROR_CLOSE_CODE, 'Internal server error');
  });

  wss.on('connection', (socket, request) => {
    // ws has already closed the socket (1002 protocol error, 1009 message too big) when it reports a bad frame.
    socket.once('error', (error) => log.warn({ err: { message: error.message } }, 'a WebSocket client sent a frame it may not; closed'));

    // The protocol server keeps one entry per operation id and ends an operation the client completed only later
    // (when its start, or its last event, has finished): an id reused meanwhile shared that entry, so the old operation
    // went on under the new one's id (every event twice), or its end sent `complete` and dropped the new one. So a
    // subscribe reusing an id the client completed waits until that operation has ended, and so does every later
    // message about that id (in order). Per id: the handling of its latest subscribe, until it ends.
    const operations = new Map<string, { ended: Promise<void>; completed: boolean }>();
    const held = new Map<string, Promise<void>>();

    let pongTimer: NodeJS.Timeout | undefined;
    const pingTimer =
      keepAliveMs > 0
        ? setInterval(() => {
            if (socket.readyState !== socket.OPEN) return;
            pongTimer = setTimeout(() => {
              countLiveClientClosed('unresponsive');
              // Which client lost its feeds: the counter alone does not say (it sees 1006 and resubscribes with `since`).
              log.warn({ client: { address: request.socket.remoteAddress, userAgent: request.headers['user-agent'] }, keepAliveMs, operations: operations.size }, 'terminating a WebSocket client that did not answer a ping');
              socket.terminate();
            }, keepAliveMs);
            socket.once('pong', () => clearTimeout(pongTimer));
            socket.ping();
          }, keepAliveMs)
        : undefined;

    const closed = protocolServer.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, code === undefined ? reason : explainedReason(code, reason ?? '', request)),
        onMessage: (handle) => {
          const dispatch = (data: string, type: string, id: string | undefined): void => {
            const operation = id === undefined ? undefined : operations.get(id);
            if (type === 'complete' && operation) operation.completed = true;
            const handled = handle(data).catch((error: unknown) => {
              log.error({ err: error }, 'handling a graphql-ws message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
            if (type !== 'subscribe' || id === undefined) return;
            const started = { ended: handled, completed: false };
            operations.set(id, started);
            void handled.then(() => {
              if (operations.get(id) === started) operations.delete(id);
            });
          };
          socket.on('message', (raw) => {
            const data = String(raw);
            const checked = checkClientMessage(data);
            if ('problem' in checked) {
              socket.close(CloseCode.BadRequest, closeReason(checked.problem));
              return;
            }
            const { type, id } = checked;
            const operation = id === undefined ? undefined : operations.get(id);
            const wait = id === undefined ? undefined : (held.get(id) ?? (type === 'subscribe' && operation?.completed ? operation.ended : undefined));
            if (wait === undefined) return dispatch(data, type, id);
            const handedOver = wait.then(() => {
              if (socket.readyState === socket.OPEN) dispatch(data, type, id);
            });
            held.set(id!, handedOver);
            void handedOver.then(() => {
              if (held.get(id!) === handedOver) held.delete(id!);
            });
          });
        },
      },
      { socket, request },
    );

    socket.once('close', (code, reason) => {
      clearTimeout(pongTimer);
      clearInterval(pingTimer);
      closed(code, String(reason)).catch((error: unknown) => log.error({ err: error }, 'ending the subscriptions of a closed WebSocket failed'));
    });
  });

  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
