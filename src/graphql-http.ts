/**
 * GraphQL over HTTP straight from node:http into Apollo Server: reads a bounded JSON body, hands the request to
 * `executeHTTPGraphQLRequest` and writes Apollo's answer. Express, body-parser and the Express integration did
 * the same with per-request routing, header copying, content sniffing and an ETag hash of every response; on a
 * small query that was a sixth of the gateway's CPU (BENCHMARKS.md), so the GraphQL path does without them.
 * Errors of the transport itself (a body that is not a JSON object, or too large) and requests the context function
 * refuses (authentication) answer in GraphQL's error shape, as Apollo's own request errors do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import vary from 'vary';
import { describeValue } from './errors';
import { isJsonObject } from './json-shapes';
import { countGraphqlError } from './observability';
import { bodyParametersProblem, searchParametersProblem } from './request-parameters';
import { encodeBody } from './response-compression';

/**
 * What the context function throws to refuse a request before it is executed: answered with `status`, `headers`
 * and `{ errors: [{ message, extensions: { code } }] }`.
 */
export interface RequestRefusal extends Error {
  status: number;
  code: string;
  headers?: Readonly<Record<string, string>>;
}

function isRequestRefusal(error: unknown): error is RequestRefusal {
  return error instanceof Error && typeof (error as RequestRefusal).status === 'number' && typeof (error as RequestRefusal).code === 'string';
}

export interface GraphqlHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the request's context before execution; may throw a RequestRefusal. */
  context: (request: IncomingMessage) => Promise<TContext>;
  /** Largest request body accepted, in bytes; larger ones are answered 413. */
  maxBodyBytes: number;
  /**
   * Why a query text may not be parsed (too deep, too many tokens), or undefined: checked before Apollo parses
   * it, and answered 400 GRAPHQL_PARSE_FAILED. @default no check
   */
  checkDocument?: (query: string) => string | undefined;
  /** Gzip large responses for clients that accept it (src/response-compression.ts). */
  compress: boolean;
}

export type GraphqlHttpHandler = (request: IncomingMessage, response: ServerResponse) => void;

class TransportError extends Error implements RequestRefusal {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** GraphQL over HTTP's methods: GET for queries in the URL, POST for a JSON body. */
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST']);
const ALLOWED = [...METHODS].join(', ');

/** The query text of a request: `query` of a POST body, or of a GET's search parameters. */
function queryTextOf(method: string, body: unknown, search: string): unknown {
  if (method === 'POST') return typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
  return new URLSearchParams(search).get('query') ?? undefined;
}

function sendRefusal(response: ServerResponse, error: RequestRefusal): void {
  // Counted like the errors Apollo sends (src/errors.ts), so gateway_graphql_errors_total sees every refusal.
  countGraphqlError(error.code);
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  response.statusCode = error.status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(error.headers ?? {})) response.setHeader(name, value);
  // The unread rest of an oversized body would otherwise be parsed as the next request on this connection.
  if (error.status === 413) response.setHeader('connection', 'close');
  response.end(body);
}

function headerMapOf(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** The media type without its parameters, lower case: "application/json; charset=utf-8" → "application/json". */
function mediaTypeEssence(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}

/** application/json and the +json types (application/graphql-response+json...) carry a JSON body. */
function isJsonMediaType(contentType: string | undefined): contentType is string {
  if (contentType === undefined) return false;
  const essence = mediaTypeEssence(contentType);
  return essence === 'application/json' || essence.endsWith('+json');
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(new TransportError(413, `The request body must be at most ${maxBytes} bytes; got ${declared}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new TransportError(413, `The request body must be at most ${maxBytes} bytes; got more`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

/**
 * Media types a browser form or a plain fetch can send to another origin without a preflight: with none of
 * PREFLIGHT_HEADERS either, such a request, and one without a content type (a GET), may come from another site's
 * page in a user's browser (cross-site request forgery, or timing the answer to guess at data), so it is refused.
 * Apollo's CSRF prevention applies the same rule; this answers first, in the API's JSON and saying what arrived,
 * where Apollo's refusal is a line of plain text.
 */
const NON_PREFLIGHTED_TYPES: ReadonlySet<string> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Headers that make a browser ask the server first (a preflight), which CORS then answers; Apollo Client sends one. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** Why a request a browser could send from another site unasked is refused, or nothing. */
function crossSiteRefusal(request: IncomingMessage): string | undefined {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !NON_PREFLIGHTED_TYPES.has(mediaTypeEssence(contentType))) return undefined;
  if (PREFLIGHT_HEADERS.some((name) => (request.headers[name] ?? '') !== '')) return undefined;
  const got = contentType === undefined ? 'no content-type' : `content-type ${describeValue(contentType)}`;
  return `A GraphQL ${request.method} must carry a header browsers do not send to another site unasked: apollo-require-preflight (any value, such as 1), x-apollo-operation-name, or a content-type such as application/json (not ${[...NON_PREFLIGHTED_TYPES].join(', ')}); got ${got} and neither header`;
}

const OPERATION_EXAMPLE = '{"query": "{ __typename }"}';
const BODY_EXPECTED = `The request body must be a JSON object with the operation, such as ${OPERATION_EXAMPLE}`;

/** What arrived instead of an object with the operation: null, "abc", 42, {}, an array. */
function describeBody(body: unknown): string {
  if (Array.isArray(body)) return 'an array (operation batching is off: send one operation per request)';
  return describeValue(body);
}

/**
 * The body Apollo expects: the parsed JSON object of a JSON media type. A body Apollo could only answer with
 * "POST body missing, invalid Content-Type, or JSON object has no keys" is answered here, saying what arrived:
 * another media type (application/graphql), an empty body, JSON that is not an object with keys.
 */
async function parsedBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (request.method !== 'POST') return undefined;
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    // Read as UTF-8, a compressed body used to be refused as JSON that does not parse, with its bytes quoted.
    request.resume();
    throw new TransportError(415, `The request body must be sent uncompressed (no content-encoding); got content-encoding ${describeValue(encoding)}`, 'BAD_REQUEST', { 'accept-encoding': 'identity' });
  }
  const raw = await readBody(request, maxBytes);
  const contentType = request.headers['content-type'];
  if (!isJsonMediaType(contentType)) {
    if (contentType === undefined || NON_PREFLIGHTED_TYPES.has(mediaTypeEssence(contentType))) return undefined;
    throw new TransportError(400, `The request body must be JSON, sent with content-type application/json, such as ${OPERATION_EXAMPLE}; got content-type ${describeValue(contentType)}`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    throw new TransportError(415, `The request body must be UTF-8 (content-type application/json or with charset=utf-8); got charset ${describeValue(charset)}`);
  }
  // RFC 8259 lets a parser ignore a leading byte order mark; JSON.parse would name it as an invisible token.
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new TransportError(400, `${BODY_EXPECTED}; got an empty body`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new TransportError(400, `The request body must be JSON; got text that does not parse (${(error as Error).message})`);
  }
  if (!isJsonObject(body) || Object.keys(body).length === 0) {
    throw new TransportError(400, `${BODY_EXPECTED}; got ${describeBody(body)}`);
  }
  return body;
}

async function respond(request: IncomingMessage, response: ServerResponse, answer: Awaited<ReturnType<ApolloServer['executeHTTPGraphQLRequest']>>, compress: boolean): Promise<void> {
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    if (!compress) {
      response.end(answer.body.string);
      return;
    }
    // A cache must not hand a gzip body to a client that did not ask for one (vary keeps what CORS put there).
    vary(response, 'Accept-Encoding');
    const encoded = await encodeBody(request, answer.body.string);
    if (encoded.encoding !== undefined) response.setHeader('content-encoding', encoded.encoding);
    response.end(encoded.body);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) response.write(chunk);
  response.end();
}

export function createGraphqlHttpHandler<TContext extends BaseContext>(options: GraphqlHttpOptions<TContext>): GraphqlHttpHandler {
  const { apollo, context, maxBodyBytes, checkDocument, compress } = options;
  apollo.assertStarted('createGraphqlHttpHandler()');
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    // Answers are live loans and borrowers' names and phones: no cache on the way (a proxy, a shared browser) may
    // keep one, and a browser must not read one as anything but the JSON it says it is.
    response.setHeader('cache-control', 'no-store');
    response.setHeader('x-content-type-options', 'nosniff');
    if (method === 'OPTIONS') {
      // What the path allows (a CORS preflight is answered before this, by src/cors.ts).
      response.writeHead(204, { allow: ALLOWED }).end();
      return;
    }
    if (!METHODS.has(method)) {
      sendRefusal(response, new TransportError(405, `GraphQL over HTTP takes GET (a query in the URL) or POST (a JSON body); got ${method}`, 'BAD_REQUEST', { allow: ALLOWED }));
      return;
    }
    let body: unknown;
    try {
      body = await parsedBody(request, maxBodyBytes);
    } catch (error) {
      // Anything but a refusal is the connection failing mid-body: nobody is left to answer.
      if (isRequestRefusal(error)) sendRefusal(response, error);
      else response.destroy();
      return;
    }
    const crossSite = body === undefined ? crossSiteRefusal(request) : undefined;
    if (crossSite !== undefined) {
      sendRefusal(response, new TransportError(400, crossSite));
      return;
    }
    const url = request.url ?? '';
    const queryStart = url.indexOf('?');
    const search = queryStart === -1 ? '' : url.slice(queryStart);
    const misshapen = method === 'GET' ? searchParametersProblem(search) : body === undefined ? undefined : bodyParametersProblem(body as Record<string, unknown>);
    if (misshapen !== undefined) {
      sendRefusal(response, new TransportError(400, misshapen));
      return;
    }
    const queryText = queryTextOf(method, body, search);
    const overLimits = typeof queryText === 'string' ? checkDocument?.(queryText) : undefined;
    if (overLimits !== undefined) {
      sendRefusal(response, new TransportError(400, overLimits, 'GRAPHQL_PARSE_FAILED'));
      return;
    }
    const contextValue = context(request);
    try {
      await contextValue;
    } catch (error) {
      // Other failures reach Apollo through the same promise, which answers them as it answers any context error.
      if (isRequestRefusal(error)) {
        sendRefusal(response, error);
        return;
      }
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method,
      headers: headerMapOf(request),
      search,
      body,
    };
    const answer = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => contextValue });
    await respond(request, response, answer, compress);
  };
  return (request, response) => {
    serve(request, response).catch(() => {
      // Apollo answers its own failures; this is only a write to a connection that has gone.
      if (!response.headersSent) response.destroy();
    });
  };
}
