/**
 * What a client sees when it sends bad input to the running server: a body that is not JSON or is too large,
 * request parameters of the wrong shape, an operationName that picks no operation, parse and validation errors, a
 * bad argument, an operation over the complexity bound (over HTTP and over graphql-ws) — each a clear error with a
 * code — and never SQL, a stack or a host name.
 */
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { HTTP_ROUTES } from '../../src/http-fallback';
import { appForFile } from '../support/app';

const t = appForFile({ SYNC_ENABLED: 'false', GRAPHQL_MAX_COMPLEXITY: '1000' });

async function post(body: unknown): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } }> {
  const response = await fetch(`${t.app.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}

/** A POST of raw bytes on `agent`'s connection, with the headers given (fetch cannot send a content-encoding as is). */
function rawRequest(agent: http.Agent, headers: Record<string, string>, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${t.app.server.url}/graphql`, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function postRaw(body: string, contentType: string, path = '/graphql'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${t.app.server.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, text: await response.text() };
}

/** gateway_graphql_errors_total for one code, as /metrics reports it. */
async function errorsCounted(code: string): Promise<number> {
  const text = await (await fetch(`${t.app.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_graphql_errors_total{code="${code}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Runs `send` and returns how many errors /metrics counted under each code meanwhile (codes that moved only). */
async function countedWhile(send: () => Promise<unknown>, codes = ['BAD_REQUEST', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'INTERNAL_SERVER_ERROR']): Promise<Record<string, number>> {
  const before = await Promise.all(codes.map(errorsCounted));
  await send();
  const after = await Promise.all(codes.map(errorsCounted));
  return Object.fromEntries(codes.map((code, i) => [code, after[i]! - before[i]!]).filter(([, moved]) => moved !== 0));
}

describe('the HTTP transport', () => {
  it('answers a path it does not serve with 404 JSON naming what it serves', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/'],
    ] as const) {
      const response = await fetch(`${t.app.server.url}${path}`, { method });
      expect([response.status, response.headers.get('content-type')]).toEqual([404, 'application/json; charset=utf-8']);
      expect(await response.json()).toEqual({
        error: `Nothing is served at ${method} ${path}; this server answers GET or POST /graphql (GraphiQL in a browser, graphql-ws on a WebSocket upgrade), GET /health/live, GET /health/ready, GET /metrics`,
      });
    }
  });

  it.each(Object.keys(HTTP_ROUTES))('answers %s with another method than GET with 405 and Allow (and GET with its content)', async (path) => {
    const response = await fetch(`${t.app.server.url}${path}`, { method: 'DELETE' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect(await response.json()).toEqual({ error: `${path} answers GET; got DELETE` });
    expect([200, 503]).toContain((await fetch(`${t.app.server.url}${path}`)).status);
  });

  it('answers a body that is not JSON with 400 BAD_REQUEST naming what did not parse', async () => {
    const { status, text } = await postRaw('{"query": "{ __typename }"', 'application/json');
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      errors: [
        {
          message: expect.stringMatching(/^The request body must be JSON; got text that does not parse \(.*JSON.*\)$/),
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
  });

  it('answers a body over 1 MiB with 413 naming the bound', async () => {
    const query = `{ __typename }${' '.repeat(1024 * 1024)}`;
    const { status, text } = await postRaw(JSON.stringify({ query }), 'application/json');
    expect(status).toBe(413);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: `The request body must be at most 1048576 bytes; got ${query.length + 12}`, extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('answers a compressed body with 415 and Accept-Encoding: identity, and the connection serves the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = gzipSync(JSON.stringify({ query: '{ __typename }' }));
      const compressed = await rawRequest(agent, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
      expect([compressed.status, compressed.headers['accept-encoding'], JSON.parse(compressed.text)]).toEqual([
        415,
        'identity',
        { errors: [{ message: 'The request body must be sent uncompressed (no content-encoding); got content-encoding "gzip"', extensions: { code: 'BAD_REQUEST' } }] },
      ]);
      const next = await rawRequest(agent, { 'content-type': 'application/json', 'content-encoding': 'identity' }, Buffer.from(JSON.stringify({ query: '{ __typename }' })));
      expect([next.status, JSON.parse(next.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
    } finally {
      agent.destroy();
    }
  });

  it('answers a JSON body in another charset than UTF-8 with 415 naming it; utf-8 in any letter case passes', async () => {
    const { status, text } = await postRaw(JSON.stringify({ query: '{ __typename }' }), 'application/json; charset=iso-8859-1');
    expect([status, JSON.parse(text)]).toEqual([
      415,
      { errors: [{ message: 'The request body must be UTF-8 (content-type application/json or with charset=utf-8); got charset "iso-8859-1"', extensions: { code: 'BAD_REQUEST' } }] },
    ]);
    expect((await postRaw(JSON.stringify({ query: '{ __typename }' }), 'application/json; charset="UTF-8"')).status).toBe(200);
  });

  const BODY_EXPECTED = 'The request body must be a JSON object with the operation, such as {"query": "{ __typename }"}';

  it.each([
    ['an empty body', '', `${BODY_EXPECTED}; got an empty body`],
    ['null', 'null', `${BODY_EXPECTED}; got null`],
    ['a string', '"abc"', `${BODY_EXPECTED}; got "abc"`],
    ['a number', '42', `${BODY_EXPECTED}; got 42`],
    ['an object without keys', '{}', `${BODY_EXPECTED}; got {}`],
    ['an empty array', '[]', `${BODY_EXPECTED}; got an array (operation batching is off: send one operation per request)`],
    ['a batch', '[{"query": "{ __typename }"}, {"query": "{ __typename }"}]', `${BODY_EXPECTED}; got an array (operation batching is off: send one operation per request)`],
  ])('answers JSON that is not an object with the operation (%s) with 400 BAD_REQUEST saying what arrived', async (_case, body, message) => {
    let answer: Awaited<ReturnType<typeof postRaw>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await postRaw(body, 'application/json');
    });
    expect({ status: answer!.status, body: JSON.parse(answer!.text) }).toEqual({ status: 400, body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
  });

  it('answers a body of another media type a browser cannot send cross-site unasked (application/graphql) with 400 naming the type', async () => {
    const { status, text } = await postRaw('{ __typename }', 'application/graphql');
    expect({ status, body: JSON.parse(text) }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'The request body must be JSON, sent with content-type application/json, such as {"query": "{ __typename }"}; got content-type "application/graphql"',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
    });
  });

  it('reads a JSON body that starts with a byte order mark', async () => {
    const { status, text } = await postRaw(`\uFEFF${JSON.stringify({ query: '{ __typename }' })}`, 'application/json');
    expect({ status, body: JSON.parse(text) }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  const CROSS_SITE = 'must carry a header browsers do not send to another site unasked: apollo-require-preflight (any value, such as 1), x-apollo-operation-name, or a content-type such as application/json (not application/x-www-form-urlencoded, multipart/form-data, text/plain)';

  it('refuses what a browser could send from another site unasked (a text/plain POST, a bare GET) with 400 BAD_REQUEST saying what arrived', async () => {
    const posted = await postRaw(JSON.stringify({ query: '{ __typename }' }), 'text/plain');
    expect({ status: posted.status, body: JSON.parse(posted.text) }).toEqual({
      status: 400,
      body: { errors: [{ message: `A GraphQL POST ${CROSS_SITE}; got content-type "text/plain" and neither header`, extensions: { code: 'BAD_REQUEST' } }] },
    });
    const url = `${t.app.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await fetch(url, { headers: { accept: 'application/json' } });
    expect({ status: bare.status, body: await bare.json() }).toEqual({
      status: 400,
      body: { errors: [{ message: `A GraphQL GET ${CROSS_SITE}; got no content-type and neither header`, extensions: { code: 'BAD_REQUEST' } }] },
    });
    // Any one of them lets it through, as Apollo Client's requests are.
    const oneHeaderEach: Record<string, string>[] = [{ 'apollo-require-preflight': '1' }, { 'x-apollo-operation-name': 'Q' }, { 'content-type': 'application/json' }];
    for (const headers of oneHeaderEach) {
      const got = await fetch(url, { headers: { accept: 'application/json', ...headers } });
      expect({ status: got.status, body: await got.json() }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    }
  });

  it('answers POST with a query string, and GET with the query in it, like a plain POST', async () => {
    const posted = await postRaw(JSON.stringify({ query: '{ __typename }' }), 'application/json', '/graphql?client=test');
    expect({ status: posted.status, body: JSON.parse(posted.text) }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    const got = await fetch(`${t.app.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect({ status: got.status, body: await got.json() }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('marks every answer of /graphql, data or refusal, POST or GET, as not to be stored by any cache nor sniffed', async () => {
    const answers = [
      await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
      await fetch(`${t.app.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } }),
      await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ nope }"}' }),
      await fetch(`${t.app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' }),
      await fetch(`${t.app.server.url}/graphql`, { method: 'PUT' }),
    ];
    expect(answers.map((a) => [a.status, a.headers.get('cache-control'), a.headers.get('x-content-type-options')])).toEqual([
      [200, 'no-store', 'nosniff'],
      [200, 'no-store', 'nosniff'],
      [400, 'no-store', 'nosniff'],
      [400, 'no-store', 'nosniff'],
      [405, 'no-store', 'nosniff'],
    ]);
  });

  it('counts GraphQL requests in the Prometheus histogram by route and status', async () => {
    const count = async (): Promise<number> => {
      const text = await (await fetch(`${t.app.server.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('gateway_http_request_duration_seconds_count{route="graphql",status="200"}'));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    };
    const before = await count();
    await post({ query: '{ __typename }' });
    await post({ query: '{ __typename }' });
    expect(await count()).toBe(before + 2);
  });
});

describe("automatic persisted queries: mistakes are the caller's, answered 400 BAD_REQUEST with Apollo's message", () => {
  it('a sha256Hash that does not match the query', async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    });
    expect(answer).toEqual({ status: 400, json: { errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] } });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
  });

  it('a version other than 1', async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: '0'.repeat(64) } } });
    });
    expect(answer).toEqual({ status: 400, json: { errors: [{ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } }] } });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
  });
});

it('answers malformed GraphQL with GRAPHQL_PARSE_FAILED and the position', async () => {
  const { status, json } = await post({ query: '{ loans(first: 5 { totalCount } }' });
  expect(status).toBe(400);
  expect(json.errors).toEqual([
    expect.objectContaining({ message: 'Syntax Error: Expected Name, found "{".', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
  ]);
});

it('answers an unknown field with GRAPHQL_VALIDATION_FAILED naming it', async () => {
  const { status, json } = await post({ query: '{ loans { totalCount nonsense } }' });
  expect(status).toBe(400);
  expect(json.errors![0]).toMatchObject({ message: 'Cannot query field "nonsense" on type "LoanConnection". Did you mean "nodes"?', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
});

it('answers a bad argument with BAD_USER_INPUT naming the argument, the expectation and the value', async () => {
  const { json } = await post({ query: '{ loans(first: 100000) { totalCount } }' });
  expect(json.errors![0]).toMatchObject({ message: 'first must be an integer from 0 to 500; got 100000', extensions: { code: 'BAD_USER_INPUT' } });
  const malformedId = await post({ query: '{ loan(id: "abc") { id } }' });
  expect(malformedId.json.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  expect(malformedId.json.errors![0]!.message).toContain('"abc"');
});

const TOO_COMPLEX = '{ officers(first: 100) { nodes { loans(first: 100) { nodes { id currentDpd } } } } }';

it('refuses an operation over the complexity bound over HTTP, before touching a database', async () => {
  const { status, json } = await post({ query: TOO_COMPLEX });
  expect(status).toBe(400);
  expect(json.errors).toEqual([
    {
      message: 'Query complexity must be at most 1000 (GRAPHQL_MAX_COMPLEXITY); got 30201. Ask for smaller pages or fewer fields.',
      extensions: { code: 'QUERY_TOO_COMPLEX', complexity: 30201, maxComplexity: 1000 },
    },
  ]);
});

it('refuses the same operation over graphql-ws with an error message', async () => {
  const client = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    const errors = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: TOO_COMPLEX }, { next: () => reject(new Error('expected no result')), error: resolve, complete: () => reject(new Error('expected an error')) });
    });
    // The same error as over HTTP; extensions.http (Apollo's status hint) is not sent over the socket either.
    expect(errors).toEqual([
      {
        message: 'Query complexity must be at most 1000 (GRAPHQL_MAX_COMPLEXITY); got 30201. Ask for smaller pages or fewer fields.',
        extensions: { code: 'QUERY_TOO_COMPLEX', complexity: 30201, maxComplexity: 1000 },
      },
    ]);
  } finally {
    await client.dispose();
  }
});

it('refuses an alias bomb of cheap-looking aggregates over HTTP and over graphql-ws, each alias a scan of the portfolio', async () => {
  // 2 apiece in complexity (60 × 2 = 120, within 1000), one statement apiece.
  const query = `{ ${Array.from({ length: 60 }, (_, i) => `k${i}: portfolioKpis(regions: ["r${i}"]) { totalLoans }`).join(' ')} }`;
  const refusal = {
    message:
      'An operation may make at most 50 separate reads (each field with arguments, such as a list, a lookup or an aggregate, and each totalCount or summary runs a statement of its own); got 60. Ask for each list or figure once, or split the operation.',
    extensions: { code: 'QUERY_TOO_COMPLEX', reads: 60, maxReads: 50 },
  };
  const { status, json } = await post({ query });
  expect([status, json]).toEqual([400, { errors: [refusal] }]);
  expect(await wsErrors({ query })).toEqual([refusal]);
});

/** The `error` message graphql-ws answers an operation with (failing the test if it gets a result instead). */
async function wsErrors(payload: { query: string; variables?: Record<string, unknown>; operationName?: string }): Promise<unknown> {
  const client = createClient({ url: `${t.app.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await new Promise<unknown>((resolve, reject) => {
      client.subscribe(payload, { next: (result) => reject(new Error(`expected an error, got ${JSON.stringify(result)}`)), error: resolve, complete: () => reject(new Error('expected an error')) });
    });
  } finally {
    await client.dispose();
  }
}

describe("a request's parameters of the wrong shape are refused with 400 BAD_REQUEST naming the parameter and what arrived", () => {
  const DOCUMENT = 'The request body\'s "query" must be a string holding the GraphQL document, such as {"query": "{ __typename }"}';
  const VARIABLES = 'The request body\'s "variables" must be a JSON object of the operation\'s variables, such as {"id": "17533"}';

  it.each([
    ['a query that is a number', { query: 5 }, `${DOCUMENT}; got 5`],
    ['no query', { variables: {}, foo: 1 }, `${DOCUMENT}; got a body without it (members: "variables", "foo")`],
    ['a null query', { query: null }, `${DOCUMENT}; got null`],
    ['a blank query', { query: '  ' }, `${DOCUMENT}; got an empty string`],
    ['variables that are a list', { query: '{ __typename }', variables: [1] }, `${VARIABLES}; got [1]`],
    ['variables sent as JSON text', { query: '{ __typename }', variables: '{"n":1}' }, `${VARIABLES} (send the object itself, not JSON text of it); got "{\\"n\\":1}"`],
    ['an operationName that is a number', { query: '{ __typename }', operationName: 3 }, 'The request body\'s "operationName" must be a string naming the operation to run (or left out); got 3'],
    ['extensions that are a number', { query: '{ __typename }', extensions: 3 }, 'The request body\'s "extensions" must be a JSON object (or left out); got 3'],
  ])('POST: %s', async (_case, body, message) => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post(body);
    });
    expect(answer).toEqual({ status: 400, json: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
  });

  const OBJECT_TEXT = (name: string, example: string): string => `The search parameter "${name}" must be JSON text of an object, URL-encoded, such as ${example}`;

  it.each([
    ['no query', {}, 'The search parameter "query" must be a string holding the GraphQL document, such as ?query={__typename}; got none'],
    ['variables that do not parse', { query: '{ __typename }', variables: '{bad' }, expect.stringMatching(/^The search parameter "variables" must be JSON text of an object, URL-encoded, such as \{"id": "17533"\}; got text that does not parse \(.+\)$/)],
    ['variables that are a list', { query: '{ __typename }', variables: '[1]' }, `${OBJECT_TEXT('variables', '{"id": "17533"}')}; got [1]`],
    ['extensions that are a number', { query: '{ __typename }', extensions: '3' }, `${OBJECT_TEXT('extensions', '{"persistedQuery": {…}}')}; got 3`],
  ])('GET: %s', async (_case, params, message) => {
    const search = new URLSearchParams(params as Record<string, string>).toString();
    const response = await fetch(`${t.app.server.url}/graphql?${search}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } });
  });

  it('a persisted query sent by its hash alone still reaches Apollo, over POST and GET', async () => {
    const persistedQuery = { version: 1, sha256Hash: 'f'.repeat(64) };
    const notFound = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };
    expect(await post({ extensions: { persistedQuery } })).toEqual({ status: 200, json: notFound });
    const search = new URLSearchParams({ extensions: JSON.stringify({ persistedQuery }) }).toString();
    const response = await fetch(`${t.app.server.url}/graphql?${search}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: notFound });
  });

  it('OPTIONS: 204 with Allow naming the methods GraphQL over HTTP takes', async () => {
    const response = await fetch(`${t.app.server.url}/graphql`, { method: 'OPTIONS' });
    expect({ status: response.status, allow: response.headers.get('allow'), body: await response.text() }).toEqual({ status: 204, allow: 'GET, POST', body: '' });
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('%s: 405 with Allow, naming the methods GraphQL over HTTP takes', async (method) => {
    const response = await fetch(`${t.app.server.url}/graphql`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect({ status: response.status, allow: response.headers.get('allow'), body: await response.json() }).toEqual({
      status: 405,
      allow: 'GET, POST',
      body: { errors: [{ message: `GraphQL over HTTP takes GET (a query in the URL) or POST (a JSON body); got ${method}`, extensions: { code: 'BAD_REQUEST' } }] },
    });
  });
});

describe('an operationName that picks no operation of the document is refused naming the operations it has, over HTTP and graphql-ws', () => {
  const TWO = 'query Officers { officers(first: 1) { totalCount } } query Kpis { portfolioKpis { __typename } }';

  it.each([
    ['two operations and no operationName', TWO, undefined, 'operationName must name the operation to run, "Officers" or "Kpis" (the document has 2); got none'],
    ['a name the document does not have', TWO, 'Loans', 'operationName must be one of the document\'s operations, "Officers" or "Kpis"; got "Loans"'],
    ['a name for a document whose one operation has none', '{ __typename }', 'Loans', 'operationName must be left out: the document\'s only operation has no name; got "Loans"'],
    [
      'no operationName for a document of many operations (the first ten named, the rest counted)',
      Array.from({ length: 300 }, (_, i) => `query Q${i} { __typename }`).join(' '),
      undefined,
      `operationName must name the operation to run, ${Array.from({ length: 10 }, (_, i) => `"Q${i}"`).join(', ')} or 290 more (the document has 300); got none`,
    ],
  ])('%s', async (_case, query, operationName, message) => {
    const refusal = { message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } };
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(
      async () => {
        answer = await post({ query, operationName });
      },
      ['OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST', 'INTERNAL_SERVER_ERROR'],
    );
    expect(answer).toEqual({ status: 400, json: { errors: [refusal] } });
    expect(counted).toEqual({ OPERATION_RESOLUTION_FAILURE: 1 });
    expect(await wsErrors({ query, operationName })).toEqual([refusal]);
  });

  it('a name the document has runs that operation', async () => {
    expect(await post({ query: TWO, operationName: 'Kpis' })).toEqual({ status: 200, json: { data: { portfolioKpis: { __typename: 'PortfolioKpis' } } } });
  });
});

describe('operations the transport does not serve are refused with 400 BAD_REQUEST saying where to go', () => {
  it.each([
    ['parChanged', 'subscription { parChanged(scope: BRANCH) { id } }'],
    ['dpdTransitioned', 'subscription { dpdTransitioned { id } }'],
  ])('a subscription (%s) over HTTP POST', async (_field, query) => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post({ query });
    });
    expect(answer).toEqual({
      status: 400,
      json: {
        errors: [
          {
            message: 'Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws) at this same path, /graphql; got a subscription over HTTP',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
    });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
  });

  it('a mutation, over HTTP and over graphql-ws: the schema has none', async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post({ query: 'mutation { x }' });
    });
    expect(answer).toEqual({
      status: 400,
      json: { errors: [{ message: 'This API has no mutations: it serves queries and subscriptions (over WebSocket); got a mutation', extensions: { code: 'BAD_REQUEST' } }] },
    });
    expect(counted).toEqual({ BAD_REQUEST: 1 });
    expect(await wsErrors({ query: 'mutation { x }' })).toEqual([
      { message: 'This API has no mutations: it serves queries and subscriptions; got a mutation', extensions: { code: 'BAD_REQUEST' } },
    ]);
  });
});

describe('text with a NUL character (U+0000), which PostgreSQL cannot store, is refused as BAD_USER_INPUT before any SQL', () => {
  const nulPhone = { query: 'query ($p: String) { loans(filter: { customerPhone: $p }) { totalCount } }', variables: { p: '08\u0000' } };
  const refusal = {
    message: 'filter.customerPhone must be text without NUL characters (U+0000); got "08\\u0000"',
    locations: [{ line: 1, column: 53 }],
    extensions: { code: 'BAD_USER_INPUT', argument: 'filter.customerPhone' },
  };

  it('over HTTP: 400, the argument named, counted as BAD_USER_INPUT', async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post(nulPhone);
    });
    expect(answer).toEqual({ status: 400, json: { errors: [refusal] } });
    expect(counted).toEqual({ BAD_USER_INPUT: 1 });
  });

  it.each([
    ['officers(filter: { search })', '{ officers(filter: { search: "a\\u0000" }) { totalCount } }', 'filter.search'],
    ['customers(filter: { name })', '{ customers(filter: { name: "a\\u0000" }) { totalCount } }', 'filter.name'],
    ['loans(filter: { branches })', '{ loans(filter: { branches: ["a\\u0000"] }) { totalCount } }', 'filter.branches[0]'],
    ['filterOptions(branches)', '{ filterOptions(branches: ["a\\u0000"]) { branches } }', 'branches[0]'],
  ])('over HTTP, in %s', async (_where, query, argument) => {
    const { status, json } = await post({ query });
    expect({ status, errors: json.errors!.map((e) => [e.message, e.extensions]) }).toEqual({
      status: 400,
      errors: [[`${argument} must be text without NUL characters (U+0000); got "a\\u0000"`, { code: 'BAD_USER_INPUT', argument }]],
    });
  });

  it('over graphql-ws: a query, and a subscription filter', async () => {
    expect(await wsErrors(nulPhone)).toEqual([refusal]);
    expect(await wsErrors({ query: 'subscription ($f: DpdTransitionFilterInput) { dpdTransitioned(filter: $f) { id } }', variables: { f: { branches: ['Ya\u0000ba'] } } })).toEqual([
      {
        message: 'filter.branches[0] must be text without NUL characters (U+0000); got "Ya\\u0000ba"',
        locations: [{ line: 1, column: 71 }],
        extensions: { code: 'BAD_USER_INPUT', argument: 'filter.branches[0]' },
      },
    ]);
  });
});

describe('documents too large to parse or check are refused naming the bound and what arrived', () => {
  const deep = `${'{ a '.repeat(2999)}{ __typename }${' }'.repeat(2999)}`;
  const tooDeep = { message: 'The document must nest { } and [ ] at most 64 levels deep; got 3000 levels', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };

  it('3000 levels of nesting (the parser overflowed its stack), over HTTP and graphql-ws', async () => {
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    const counted = await countedWhile(async () => {
      answer = await post({ query: deep });
    });
    expect(answer).toEqual({ status: 400, json: { errors: [tooDeep] } });
    expect(counted).toEqual({ GRAPHQL_PARSE_FAILED: 1 });
    expect(await wsErrors({ query: deep })).toEqual([tooDeep]);
  });

  it('a GET query over the bound (one that fits in a URL)', async () => {
    const query = `${'{ a '.repeat(99)}{ __typename }${' }'.repeat(99)}`;
    const got = await fetch(`${t.app.server.url}/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect({ status: got.status, body: await got.json() }).toEqual({
      status: 400,
      body: { errors: [{ message: 'The document must nest { } and [ ] at most 64 levels deep; got 100 levels', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] },
    });
  });

  it('20,000 fields (graphql-js gave up validating)', async () => {
    const { status, json } = await post({ query: `{ apiVersion ${'__typename '.repeat(20_000)}}` });
    expect({ status, json }).toEqual({
      status: 400,
      json: { errors: [{ message: 'The document must have at most 15000 tokens (names, values and punctuation); got 20003', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] },
    });
  });

  it('a field repeated 2,000 times, within the token bound: graphql-js still gives up, and the message says why', async () => {
    const query = `{ apiVersion ${'__typename '.repeat(2000)}}`;
    const aborted = {
      message:
        'Validation aborted: checking the document took more work than graphql-js allows (many fields of the same name in one selection, or many fragment spreads); ask for each field once per selection and spread fewer fragments',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    };
    expect(await post({ query })).toEqual({ status: 400, json: { errors: [aborted] } });
    expect(await wsErrors({ query })).toEqual([aborted]);
  });
});

it('masks an unexpected failure as INTERNAL_SERVER_ERROR with nothing from the database in it', async () => {
  await t.dbs.metrics.pool.query('ALTER TABLE loans RENAME TO loans_gone');
  try {
    const { json } = await post({ query: '{ loans(first: 1) { totalCount } }' });
    expect(json.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(JSON.stringify(json)).not.toMatch(/loans_gone|relation|SELECT|127\.0\.0\.1|at .*\.ts/);
  } finally {
    await t.dbs.metrics.pool.query('ALTER TABLE loans_gone RENAME TO loans');
  }
});
