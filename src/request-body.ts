/**
 * Reads the body of a GraphQL POST into the JSON object Apollo expects (bounded, uncompressed, a JSON media type in
 * UTF-8, an object with keys), and refuses any other body with a TransportError naming what arrived.
 */
import type { IncomingMessage } from 'node:http';
import { describeValue } from './errors';
import { isJsonObject } from './json-shapes';
import { OPERATION_EXAMPLE } from './request-parameters';

/**
 * A request the transport refuses before Apollo sees it (an unreadable body, a method GraphQL over HTTP does not
 * have): answered with `status`, `headers` and `{ errors: [{ message, extensions: { code } }] }`, as a RequestRefusal
 * of src/graphql-http.ts is.
 */
export class TransportError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/**
 * Media types a browser form or a plain fetch can send to another origin without a preflight: a request with one of
 * them, or with none, must carry a preflight header (src/graphql-http.ts, crossSiteRefusal).
 */
export const NON_PREFLIGHTED_TYPES: ReadonlySet<string> = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The media type without its parameters, lower case: "application/json; charset=utf-8" → "application/json". */
export function mediaTypeEssence(contentType: string): string {
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

const BODY_EXPECTED = `The request body must be a JSON object with the operation, such as ${OPERATION_EXAMPLE}`;

/** What arrived instead of an object with the operation: null, "abc", 42, {}, an array. */
function describeBody(body: unknown): string {
  if (Array.isArray(body)) return 'an array (operation batching is off: send one operation per request)';
  return describeValue(body);
}

/**
 * The body Apollo expects: the parsed JSON object of a JSON media type; undefined for a GET, and for a body without
 * a content type or of a NON_PREFLIGHTED_TYPES type (whose requests src/graphql-http.ts then refuses as ones another
 * site could make a browser send). A body Apollo could only answer with
 * "POST body missing, invalid Content-Type, or JSON object has no keys" is answered here, saying what arrived:
 * another media type (application/graphql), an empty body, JSON that is not an object with keys.
 */
export async function parsedBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
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
