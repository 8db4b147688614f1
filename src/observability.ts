/** Prometheus metrics for operators: process defaults plus HTTP request counts and durations (GET /metrics). */
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const requests = new client.Histogram({
  name: 'gateway_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export type RouteLabel = 'graphql' | 'health' | 'other';

/** Observes one request's duration under `route` when its response has been sent. */
export function timeRequest(route: RouteLabel, response: ServerResponse): void {
  const end = requests.startTimer();
  response.on('finish', () => end({ route, status: String(response.statusCode) }));
}

/** Times every request Express serves and serves GET /metrics. */
export function httpMetrics(graphqlPath: string): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' && req.path === '/metrics') {
      void registry.metrics().then((body) => {
        res.type(registry.contentType).send(body);
      });
      return;
    }
    timeRequest(req.path === graphqlPath ? 'graphql' : req.path.startsWith('/health') ? 'health' : 'other', res);
    next();
  };
}
