/**
 * Metrics an operator looks for during an incident: whether each database answers (gateway_db_up, probed at the
 * scrape on the probe connections) and how many sync cycles went through or failed (gateway_sync_cycles_total,
 * a counter: the last cycle's errors alone hide a failure between two scrapes). Django is reached through a TCP
 * proxy here, so it can go silent.
 */
import type { App } from '../../src/app';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { metricSamples } from '../support/metric-samples';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

let dbs: TestDatabases;
let proxy: TcpProxy;
let app: App;

beforeAll(async () => {
  dbs = await createTestDatabases();
  const target = new URL(dbs.djangoUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  // One start-up cycle, no other unless asked for.
  app = await startTestApp({ djangoUrl: proxy.via(dbs.djangoUrl), metricsUrl: dbs.metricsUrl }, { SYNC_INTERVAL_MS: '3600000', SYNC_MAX_LAG_MS: '86400000' });
}, 120_000);

afterAll(async () => {
  await proxy?.close(); // the silenced connections fail at once instead of waiting out their bounds
  await app?.stop();
  await dbs?.drop();
});

async function scrape(): Promise<Map<string, number>> {
  return metricSamples(await (await fetch(`${app.server.url}/metrics`)).text());
}

const cycles = async () => {
  const samples = await scrape();
  return [samples.get('gateway_sync_cycles_total{result="ok"}'), samples.get('gateway_sync_cycles_total{result="failed"}')];
};

it('counts sync cycles that went through and cycles that failed', async () => {
  for (let waited = 0; app.worker!.health().cycles.succeeded === 0; waited += 50) {
    if (waited > 60_000) throw new Error('no start-up cycle');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await cycles()).toEqual([1, 0]);
  await dbs.metrics.pool.query('ALTER TABLE sync_watermarks RENAME TO sync_watermarks_away');
  try {
    await expect(app.worker!.runOnce()).rejects.toThrow('relation "sync_watermarks" does not exist');
  } finally {
    await dbs.metrics.pool.query('ALTER TABLE sync_watermarks_away RENAME TO sync_watermarks');
  }
  await app.worker!.runOnce();
  expect(await cycles()).toEqual([2, 1]);
});

it('reports each database up while it answers, and Django down once its network goes silent', async () => {
  const samples = await scrape();
  expect([samples.get('gateway_db_up{database="django"}'), samples.get('gateway_db_up{database="metrics"}')]).toEqual([1, 1]);
  proxy.holdNew();
  proxy.silence();
  const after = await scrape();
  expect([after.get('gateway_db_up{database="django"}'), after.get('gateway_db_up{database="metrics"}')]).toEqual([0, 1]);
});
