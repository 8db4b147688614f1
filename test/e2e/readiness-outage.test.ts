/**
 * What the health endpoints tell an orchestrator while the seedsmetrics database's network goes silent under a
 * running gateway (a failover, a black-holed route): /health/ready 503 within its probe bound, naming the database;
 * /health/live still 200, so the process is not restarted for an outage a restart cannot fix; gateway_db_up 0. Both
 * databases are reached through TCP proxies (Django's side of the same question: operator-metrics, startup-checks).
 */
import type { App } from '../../src/app';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

let dbs: TestDatabases;
let metrics: TcpProxy;
let app: App;

beforeAll(async () => {
  dbs = await createTestDatabases();
  const target = new URL(dbs.metricsUrl);
  metrics = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  app = await startTestApp({ djangoUrl: dbs.djangoUrl, metricsUrl: metrics.via(dbs.metricsUrl) }, { SYNC_ENABLED: 'false' });
}, 120_000);

afterAll(async () => {
  await metrics?.close(); // the silenced connections fail at once instead of waiting out their bounds
  await app?.stop();
  await dbs?.drop();
});

it('says 503 naming seedsmetrics while its network is silent, and stays live', async () => {
  expect((await fetch(`${app.server.url}/health/ready`)).status).toBe(200);
  metrics.holdNew();
  metrics.silence();

  const ready = await fetch(`${app.server.url}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toMatchObject({ status: 'unavailable', django: { ok: true }, metrics: { ok: false, error: 'no answer within 2000 ms' }, sync: { status: 'disabled' } });
  const live = await fetch(`${app.server.url}/health/live`);
  expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
  const scrape = await (await fetch(`${app.server.url}/metrics`)).text();
  expect(scrape.split('\n').filter((line) => line.startsWith('gateway_db_up'))).toEqual(['gateway_db_up{database="django"} 1', 'gateway_db_up{database="metrics"} 0']);
});
