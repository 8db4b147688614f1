/**
 * /health/ready tells a database that does not answer from a pool that is merely busy: its probes run on
 * connections of their own, so with every request connection taken and callers queueing, the gateway stays in
 * rotation (200, "degraded", the queue shown) rather than reporting the database unavailable (503). The report
 * also shows the live feeds' LISTEN connection.
 */
import { appForFile } from '../support/app';

const t = appForFile({ METRICS_POOL_SIZE: '1', SYNC_ENABLED: 'false' });

async function ready(): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${t.app.server.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

it('is ok with both pools idle', async () => {
  const { status, body } = await ready();
  expect(status).toBe(200);
  expect(body).toMatchObject({ status: 'ok', django: { ok: true, pool: { waiting: 0 } }, metrics: { ok: true, pool: { waiting: 0 } }, sync: { status: 'disabled' } });
  // The live feeds' LISTEN connection, here and as a metric (test/integration/live/silent-listener.test.ts: down).
  expect(body.listener).toEqual({ connected: true, since: expect.any(String), connectionsLost: 0, failedReconnects: 0 });
  const scrape = await (await fetch(`${t.app.server.url}/metrics`)).text();
  expect(scrape.split('\n').filter((line) => line.startsWith('gateway_listener_'))).toEqual(['gateway_listener_connected 1', 'gateway_listener_connections_lost_total 0']);
  // No sync worker in this process: its gauges are described but carry no sample (not a lag of 0).
  expect(scrape.split('\n').filter((line) => line.startsWith('gateway_sync_'))).toEqual([]);
  expect(scrape).toContain('# TYPE gateway_sync_lag_seconds gauge');
});

it('stays ready, degraded, while every request connection is taken and a caller waits', async () => {
  const taken = await t.app.dbs.metrics.pool.connect();
  let queued: Promise<unknown> | undefined;
  try {
    queued = t.app.dbs.metrics.pool.query('SELECT 1');
    expect(t.app.dbs.metrics.pool.waitingCount).toBe(1);
    const { status, body } = await ready();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'degraded', django: { ok: true }, metrics: { ok: true, pool: { total: 1, idle: 0, waiting: 1 } } });
  } finally {
    taken.release();
    await queued;
  }
  expect((await ready()).body.status).toBe('ok');
});
