/**
 * Serves GraphiQL offline: the page and its assets (GraphiQL, React, graphql-ws browser builds) come from
 * node_modules through this server, never from a CDN, and the analysts' example operations
 * (test/operations/*.graphql) open as tabs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { ExampleIds } from '../loaders/example-ids.metrics';
import { loadExampleOperations, type ExampleOperation } from './example-operations';
import { exampleVariables } from './example-variables';
import { repoRoot } from './paths';

const ASSETS: Record<string, string> = {
  'graphiql.min.css': 'graphiql/graphiql.min.css',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphql-ws.min.js': 'graphql-ws/umd/graphql-ws.min.js',
};

export const PLAYGROUND_ASSET_PATH = '/graphiql/assets';

/** Embeds JSON in an inline script without letting "</script>" or U+2028 end it early. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The page, and the Content-Security-Policy that lets exactly its scripts run. */
export interface PlaygroundPage {
  html: string;
  contentSecurityPolicy: string;
}

/** The page; with `ids`, each example tab that takes a loan, officer or customer id opens with one filled in. */
export function renderPlayground(graphqlPath: string, examples: readonly ExampleOperation[], ids?: ExampleIds): PlaygroundPage {
  const tabs = examples.map((example) => {
    const variables = ids && exampleVariables(example.query, ids);
    return { query: example.query, headers: '', ...(variables && { variables: JSON.stringify(variables, null, 2) }) };
  });
  const inlineScript = `
  (function () {
    var path = ${inlineJson(graphqlPath)};
    var httpUrl = window.location.origin + path;
    var wsUrl = httpUrl.replace(/^http/, 'ws');
    // The Headers tab reaches HTTP requests by itself; a WebSocket has no headers, so its Authorization goes in
    // the connection parameters: one lazy graphql-ws client per token, shared by that token's subscriptions.
    var wsClients = {};
    function wsClientFor(headers) {
      var authorization = '';
      Object.keys(headers || {}).forEach(function (name) {
        if (name.toLowerCase() === 'authorization') authorization = String(headers[name]);
      });
      if (!wsClients[authorization]) {
        wsClients[authorization] = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: authorization ? { authorization: authorization } : {} });
      }
      return wsClients[authorization];
    }
    var fetcher = function (params, options) {
      return GraphiQL.createFetcher({ url: httpUrl, wsClient: wsClientFor(options && options.headers) })(params, options);
    };
    var tabs = ${inlineJson(tabs)};
    var root = ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      defaultTabs: tabs.length > 0 ? tabs : undefined,
      shouldPersistHeaders: false
    }));
  })();
`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Seeds Metrics GraphQL</title>
<link rel="stylesheet" href="${PLAYGROUND_ASSET_PATH}/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${PLAYGROUND_ASSET_PATH}/react.production.min.js"></script>
<script src="${PLAYGROUND_ASSET_PATH}/react-dom.production.min.js"></script>
<script src="${PLAYGROUND_ASSET_PATH}/graphql-ws.min.js"></script>
<script src="${PLAYGROUND_ASSET_PATH}/graphiql.min.js"></script>
<script>${inlineScript}</script>
</body>
</html>`;
  // Scripts from this server and the page's own inline one only, requests to this server only (WebSockets
  // included), and no other site may frame the page: whatever text reaches the page (a description, a result)
  // cannot load or run anything else. Styles stay open to inline ones, which GraphiQL's editor sets.
  const contentSecurityPolicy = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${createHash('sha256').update(inlineScript).digest('base64')}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** Headers of the page and its assets: no type sniffing, no framing by other sites, no referrer to other sites. */
const PLAYGROUND_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/**
 * Finds a file inside an installed package. Packages with an "exports" map hide their UMD builds from
 * require.resolve, so resolve the package directory through its package.json location instead.
 */
function resolveAsset(modulePath: string): string {
  const [scopeOrName, ...rest] = modulePath.split('/');
  const packageName = scopeOrName!;
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    packageDir = path.join(repoRoot, 'node_modules', packageName);
  }
  const file = path.join(packageDir, ...rest);
  if (!fs.existsSync(file)) throw new Error(`GraphiQL asset ${modulePath} is missing: run npm ci`);
  return file;
}

/** How long the example ids of the page are kept before they are read again. */
export const EXAMPLE_IDS_TTL_MS = 10 * 60_000;

/** The current page: rendered once without example ids, or with the ids `readIds` answers, read again when stale. */
function currentPage(graphqlPath: string, readIds?: () => Promise<ExampleIds | undefined>): () => Promise<PlaygroundPage> {
  const examples = loadExampleOperations();
  const plain = renderPlayground(graphqlPath, examples);
  if (!readIds) return async () => plain;
  let kept: { readAt: number; page: PlaygroundPage } | undefined;
  return async () => {
    if (kept && Date.now() - kept.readAt < EXAMPLE_IDS_TTL_MS) return kept.page;
    // The page is a convenience: with seedsmetrics down or still empty it opens without ids, and the next one asks again.
    const ids = await readIds().catch(() => undefined);
    if (!ids) return plain;
    kept = { readAt: Date.now(), page: renderPlayground(graphqlPath, examples, ids) };
    return kept.page;
  };
}

/**
 * Express router: the assets, and the page for browsers that GET the GraphQL path asking for HTML. `readExampleIds`
 * fills the example tabs' ids (left out when authentication is on: the page is served to anyone who can reach it).
 */
export function playgroundRouter(graphqlPath: string, readExampleIds?: () => Promise<ExampleIds | undefined>): express.Router {
  const router = express.Router();
  const page = currentPage(graphqlPath, readExampleIds);
  for (const [name, modulePath] of Object.entries(ASSETS)) {
    const file = resolveAsset(modulePath);
    router.get(`${PLAYGROUND_ASSET_PATH}/${name}`, (_req, res) => {
      res.set(PLAYGROUND_HEADERS).sendFile(file, { maxAge: '1d' });
    });
  }
  router.get(graphqlPath, async (req, res, next) => {
    if (!wantsPlayground(req)) {
      next();
      return;
    }
    const { html, contentSecurityPolicy } = await page();
    res.set({ ...PLAYGROUND_HEADERS, 'content-security-policy': contentSecurityPolicy }).type('html').send(html);
  });
  return router;
}

/** A browser opening the API's address, as opposed to a GET query. */
function wantsPlayground(req: express.Request): boolean {
  const wantsPage = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
  return wantsPage && typeof req.query.query !== 'string';
}

/**
 * With introspection off GraphiQL could not read the schema it explores: a browser opening the API's address is told
 * why there is no page (404), instead of Apollo's answer to a GET without a query.
 */
export function playgroundOffRouter(graphqlPath: string): express.Router {
  const router = express.Router();
  router.get(graphqlPath, (req, res, next) => {
    if (!wantsPlayground(req)) {
      next();
      return;
    }
    res.status(404).type('text').send('GraphiQL is turned off on this server (GRAPHQL_INTROSPECTION=false); send GraphQL operations to this address with POST.\n');
  });
  return router;
}
