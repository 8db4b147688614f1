/**
 * GraphQL over HTTP straight from node:http into Apollo Server: reads a bounded JSON body (src/request-body.ts),
 * hands the request to `executeHTTPGraphQLRequest` and writes Apollo's answer. Express, body-parser and the Express
 * integration did the same with per-request routing, header copying, content sniffing and an ETag hash of every
 * response; on a small query that was a sixth of the gateway's CPU (BENCHMARKS.md), so the GraphQL path does without
 * them.
 * Errors of the transport itself (a body that is not a JSON object, or too large) and requests the context function
 * refuses (authentication) answer in GraphQL's error shape and content type, as Apollo's own request errors do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import Negotiator from 'negotiator';
import vary from 'vary';
import { describeValue } from './errors';
import { countGraphqlError } from './observability';
import { mediaTypeEssence, NON_PREFLIGHTED_TYPES, parsedBody, TransportError } from './request-body';
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

/** GraphQL over HTTP's methods: GET for queries in the URL, POST for a JSON body. */
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST']);
const ALLOWED = [...METHODS].join(', ');

/** The query text of a request: `query` of a POST body, or of a GET's search parameters. */
function queryTextOf(method: string, body: unknown, search: string): unknown {
  if (method === 'POST') return typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
  return new URLSearchParams(search).get('query') ?? undefined;
}

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * The content type of a refusal: application/graphql-response+json when the client prefers it, as Apollo Server
 * chooses for its own answers. A client reads a 4xx body as GraphQL (and so its `extensions.code`) only in that
 * type: Apollo Client 4 asks for it first, and turns a 4xx application/json body into a ServerError with the text.
 */
function refusalContentType(request: IncomingMessage): string {
  const preferred = request.headers.accept === undefined ? undefined : new Negotiator(request).mediaType(['application/json', GRAPHQL_RESPONSE_JSON]);
  return `${preferred === GRAPHQL_RESPONSE_JSON ? GRAPHQL_RESPONSE_JSON : 'application/json'}; charset=utf-8`;
}

function sendRefusal(request: IncomingMessage, response: ServerResponse, error: RequestRefusal): void {
  // Counted like the errors Apollo sends (src/errors.ts), so gateway_graphql_errors_total sees every refusal.
  countGraphqlError(error.code);
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] });
  response.statusCode = error.status;
  response.setHeader('content-type', refusalContentType(request));
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

/** Headers that make a browser ask the server first (a preflight), which CORS then answers; Apollo Client sends one. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/**
 * Why a request a browser could send from another site unasked is refused, or nothing. A request with a body of a
 * NON_PREFLIGHTED_TYPES type, or without a content type (a GET), and with none of PREFLIGHT_HEADERS, may come from
 * another site's page in a user's browser (cross-site request forgery, or timing the answer to guess at data), so it
 * is refused. Apollo's CSRF prevention applies the same rule; this answers first, in the API's JSON and saying what
 * arrived, where Apollo's refusal is a line of plain text.
 */
function crossSiteRefusal(request: IncomingMessage): string | undefined {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !NON_PREFLIGHTED_TYPES.has(mediaTypeEssence(contentType))) return undefined;
  if (PREFLIGHT_HEADERS.some((name) => (request.headers[name] ?? '') !== '')) return undefined;
  const got = contentType === undefined ? 'no content-type' : `content-type ${describeValue(contentType)}`;
  return `A GraphQL ${request.method} must carry a header browsers do not send to another site unasked: apollo-require-preflight (any value, such as 1), x-apollo-operation-name, or a content-type such as application/json (not ${[...NON_PREFLIGHTED_TYPES].join(', ')}); got ${got} and neither header`;
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
      sendRefusal(request, response, new TransportError(405, `GraphQL over HTTP takes GET (a query in the URL) or POST (a JSON body); got ${method}`, 'BAD_REQUEST', { allow: ALLOWED }));
      return;
    }
    let body: unknown;
    try {
      body = await parsedBody(request, maxBodyBytes);
    } catch (error) {
      // Anything but a refusal is the connection failing mid-body: nobody is left to answer.
      if (isRequestRefusal(error)) sendRefusal(request, response, error);
      else response.destroy();
      return;
    }
    const crossSite = body === undefined ? crossSiteRefusal(request) : undefined;
    if (crossSite !== undefined) {
      sendRefusal(request, response, new TransportError(400, crossSite));
      return;
    }
    const url = request.url ?? '';
    const queryStart = url.indexOf('?');
    const search = queryStart === -1 ? '' : url.slice(queryStart);
    const misshapen = method === 'GET' ? searchParametersProblem(search) : body === undefined ? undefined : bodyParametersProblem(body as Record<string, unknown>);
    if (misshapen !== undefined) {
      sendRefusal(request, response, new TransportError(400, misshapen));
      return;
    }
    const queryText = queryTextOf(method, body, search);
    const overLimits = typeof queryText === 'string' ? checkDocument?.(queryText) : undefined;
    if (overLimits !== undefined) {
      sendRefusal(request, response, new TransportError(400, overLimits, 'GRAPHQL_PARSE_FAILED'));
      return;
    }
    const contextValue = context(request);
    try {
      await contextValue;
    } catch (error) {
      // Other failures reach Apollo through the same promise, which answers them as it answers any context error.
      if (isRequestRefusal(error)) {
        sendRefusal(request, response, error);
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
