/** A plain HTTP route that throws: the caller gets 500 JSON with no detail, the log gets the cause. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { failedRoute } from '../../../src/http-fallback';

it('a failing route answers 500 JSON without the cause, and logs the cause', async () => {
  const logged: Array<[Record<string, unknown>, string]> = [];
  const app = express();
  app.get('/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
  });
  app.use(failedRoute({ error: (fields: Record<string, unknown>, message: string) => void logged.push([fields, message]) } as never));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
    expect([response.status, await response.text()]).toEqual([500, '{"error":"Internal server error"}']);
    expect(logged).toEqual([[{ err: new Error('connect ECONNREFUSED 10.0.0.7:5432'), method: 'GET', path: '/boom' }, 'an HTTP route failed']]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
