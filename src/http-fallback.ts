/**
 * What Express answers for a request no route takes, and for a route that fails: JSON that names what this server
 * does serve (Express's own answers are HTML pages, with the stack trace outside production).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger';

/** The plain HTTP routes besides GraphQL, with the methods each answers. */
export const HTTP_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/health/live': ['GET'],
  '/health/ready': ['GET'],
  '/metrics': ['GET'],
};

/** 405 with `Allow` for a known path asked with another method; 404 naming every route for anything else. */
export function unknownRoute(graphqlPath: string): RequestHandler {
  const served = [`GET or POST ${graphqlPath} (GraphiQL in a browser, graphql-ws on a WebSocket upgrade)`, ...Object.entries(HTTP_ROUTES).map(([path, methods]) => `${methods.join(' or ')} ${path}`)];
  return (request, response) => {
    const methods = HTTP_ROUTES[request.path];
    if (methods !== undefined) {
      response
        .status(405)
        .set('allow', [...methods, 'HEAD'].join(', '))
        .json({ error: `${request.path} answers ${methods.join(' or ')}; got ${request.method}` });
      return;
    }
    response.status(404).json({ error: `Nothing is served at ${request.method} ${request.path}; this server answers ${served.join(', ')}` });
  };
}

/** A route that threw: logged with its cause; the caller gets 500 and no detail. */
export function failedRoute(log: Pick<Logger, 'error'>): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    log.error({ err: error, method: request.method, path: request.path }, 'an HTTP route failed');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(500).json({ error: 'Internal server error' });
  };
}
