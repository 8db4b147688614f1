/**
 * A client that stops reading cannot make the server hold events or bytes without bound: once a bound is
 * crossed the server closes it with SLOW_CONSUMER_CLOSE_CODE, and its subscription is released. Tiny bounds and
 * fat messages (many aliases) make the bound reachable quickly; the client pauses its socket (reads nothing).
 */
import { TOPICS } from '../../../src/events/pubsub';
import { SLOW_CONSUMER_CLOSE_CODE } from '../../../src/events/ws-server';
import { registry } from '../../../src/observability';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertTransitions, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from './harness';
import { RawClient } from './raw-client';

let dbs: TestDatabases;
const instances: LiveInstance[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
});

afterAll(async () => {
  for (const instance of instances) await instance.stop();
  await dbs?.drop();
});

/** About 100 kB per event, cheap to execute: 100 fields under 1000-character aliases. */
const LONG_ALIAS = 'x'.repeat(1000);
const FAT_SUBSCRIPTION = `subscription { dpdTransitioned { id ${Array.from({ length: 100 }, (_, i) => `${LONG_ALIAS}${i}: actualOutstanding`).join(' ')} } }`;

// The machine may be busy: generous waits (they bound a wait, they are not what the test asserts).
jest.setTimeout(180_000);
const PATIENCE_MS = 60_000;

/** gateway_live_clients_closed_total by reason, as /metrics shows it. */
async function clientsClosed(): Promise<Record<string, number>> {
  const { values } = await registry.getSingleMetric('gateway_live_clients_closed_total')!.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
}

async function overwhelm(live: LiveInstance): Promise<RawClient> {
  const client = await RawClient.connect(live.url);
  client.subscribe('fat', FAT_SUBSCRIPTION);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  client.socket.pause();
  const closing = () => live.log.entries.some((e) => e.message === 'closing a slow WebSocket client');
  // The kernel's socket buffers (several MB on loopback) fill first; only then does the server hold anything.
  for (let batch = 0; batch < 40 && !closing(); batch += 1) {
    const inserted = await insertTransitions(dbs, Array.from({ length: 25 }, () => ({})));
    await waitUntil(() => closing() || live.bridge.lastDelivered().dpd === inserted.at(-1), 'the bridge to publish the batch', PATIENCE_MS);
  }
  await waitUntil(closing, 'the server to close the slow client', PATIENCE_MS);
  // Reading again, the client drains what was sent and then sees the close frame.
  client.socket.resume();
  await waitUntil(() => client.closed !== undefined, 'the close frame', PATIENCE_MS);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 0, 'the subscription to be released', PATIENCE_MS);
  return client;
}

test('unsent bytes over maxBufferedBytes close the client with the slow-consumer code', async () => {
  const live = await startLiveInstance(dbs, { maxBufferedBytes: 1024, maxPendingEvents: 1_000_000, keepAliveMs: 0 });
  instances.push(live);
  const before = await clientsClosed();
  const client = await overwhelm(live);
  expect(client.closed!.code).toBe(SLOW_CONSUMER_CLOSE_CODE);
  expect(client.closed!.reason).toMatch(/^Slow consumer: \d+ unsent bytes exceed 1024$/);
  expect(live.log.entries.filter((e) => e.message === 'closing a slow WebSocket client')).toHaveLength(1);
  // Visible to an operator without reading logs: clients are losing their live feeds.
  expect(await clientsClosed()).toEqual({ ...before, slow_consumer: before.slow_consumer! + 1 });
});

test('events pending over maxPendingEvents close the client with the slow-consumer code', async () => {
  const live = await startLiveInstance(dbs, { maxBufferedBytes: 1_000_000_000, maxPendingEvents: 20, keepAliveMs: 0 });
  instances.push(live);
  const before = await clientsClosed();
  const client = await overwhelm(live);
  expect(client.closed).toEqual({ code: SLOW_CONSUMER_CLOSE_CODE, reason: 'Slow consumer: 21 pending events exceed 20' });
  expect(await clientsClosed()).toEqual({ ...before, slow_consumer: before.slow_consumer! + 1 });
});
