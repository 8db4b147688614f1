/**
 * Idle keep-alive connections stay open for HTTP_KEEP_ALIVE_TIMEOUT_MS (Node's own default closes them after 5 s,
 * under a load balancer that reuses them for a minute): the server announces the timeout and serves a second
 * request on the same connection.
 */
import http from 'node:http';
import { appForFile } from '../support/app';

const t = appForFile({ SYNC_ENABLED: 'false', HTTP_KEEP_ALIVE_TIMEOUT_MS: '90000' });

function get(agent: http.Agent, path: string): Promise<{ status: number; keepAlive: string | undefined; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${t.app.server.url}${path}`, { agent }, (response) => {
      response.resume();
      const keepAlive = response.headers['keep-alive'];
      response.on('end', () => resolve({ status: response.statusCode ?? 0, keepAlive: Array.isArray(keepAlive) ? keepAlive.join(', ') : keepAlive, reusedSocket: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

it('announces the configured idle timeout and serves the next request on the same connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect(await get(agent, '/health/live')).toEqual({ status: 200, keepAlive: 'timeout=90', reusedSocket: false });
    expect(await get(agent, '/health/live')).toEqual({ status: 200, keepAlive: 'timeout=90', reusedSocket: true });
  } finally {
    agent.destroy();
  }
});
