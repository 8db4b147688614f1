/**
 * A LISTEN connection that goes silent — the network stops carrying it without closing it (NAT or firewall idle
 * timeout, failover) — is noticed by the listener's heartbeat, dropped and re-established; the catch-up then
 * delivers what was committed meanwhile, and events flow live again. While it is down, /health/ready says
 * degraded and names the listener. The proxy makes the silence; the heartbeat is configured small.
 */
import { TOPICS } from '../../../src/events/pubsub';
import { checkReadiness } from '../../../src/readiness';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { collect, DPD_SUBSCRIPTION, ids, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';

let dbs: TestDatabases;
let proxy: TcpProxy;
let live: LiveInstance | undefined;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  const target = new URL(dbs.metricsUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
});

afterAll(async () => {
  await live?.stop();
  await proxy?.close();
  await dbs?.drop();
});

test('a silenced LISTEN connection is noticed, replaced and caught up; readiness is degraded meanwhile', async () => {
  live = await startLiveInstance(dbs, {
    applicationName: 'live-test/silenced',
    listenerUrl: proxy.via(dbs.metricsUrl),
    // A heartbeat answer can take a few hundred ms while the whole suite loads the machine; 2 s tells silence from
    // that (a 300 ms bound dropped a healthy connection once, and the counts below are exact).
    heartbeat: { intervalMs: 100, timeoutMs: 2000 },
    connectTimeoutMs: 500,
    reconnect: { initialMs: 100, maxMs: 500 },
  });
  const instance = live;
  const sub = collect<DpdEvent>(instance.client(), DPD_SUBSCRIPTION);
  await waitUntil(() => instance.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  const [first] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === 1, 'the first event');
  expect(instance.bridge.listenerState()).toMatchObject({ connected: true, connectionsLost: 0 });

  // Silent, and new connections held too, so the listener stays down until healed.
  proxy.holdNew();
  expect(proxy.silence('live-test/silenced')).toBe(1);
  const whileSilent = await insertTransitions(dbs, [{}, {}]);
  await waitUntil(() => !instance.bridge.listenerState().connected, 'the heartbeat to notice the silence');
  expect(instance.log.entries).toContainEqual({ level: 'warn', fields: { problem: 'no answer within 2000 ms', retryInMs: 100 }, message: 'LISTEN connection unresponsive; reconnecting' });
  const report = await checkReadiness({ dbs, worker: undefined, maxLagMs: 120_000, listener: instance.bridge.listenerState });
  expect(report).toMatchObject({ status: 'degraded', django: { ok: true }, metrics: { ok: true }, listener: { connected: false, connectionsLost: 1 } });

  // Every attempt to reconnect times out while new connections are held: the first failure is logged, the
  // rest of the same cause are not (one line per cause and minute), and the reconnection says how many there were.
  await waitUntil(() => instance.bridge.listenerState().failedReconnects >= 3, 'three failed reconnection attempts');
  const failedLines = instance.log.entries.filter((entry) => entry.message === 'LISTEN reconnect failed');
  expect(failedLines).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ failuresSinceLastLine: 0 }) })]);

  proxy.heal();
  await waitUntil(() => instance.bridge.listenerState().connected, 'the reconnection');
  const failedReconnects = instance.log.entries.filter((entry) => entry.message === 'listening for notifications').at(-1)?.fields?.failedReconnects;
  expect(failedReconnects).toBeGreaterThanOrEqual(3);
  expect(instance.bridge.listenerState().failedReconnects).toBe(0);
  await waitUntil(() => sub.values.length === 3, 'the catch-up after the reconnect');
  expect(ids(sub)).toEqual([first, ...whileSilent]);
  const [after] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => sub.values.length === 4, 'a live event after the reconnect');
  expect(ids(sub)).toEqual([first, ...whileSilent, after]);
  expect(instance.bridge.listenerState()).toMatchObject({ connected: true, connectionsLost: 1 });
  expect((await checkReadiness({ dbs, worker: undefined, maxLagMs: 120_000, listener: instance.bridge.listenerState })).status).toBe('ok');
  sub.stop();
});
