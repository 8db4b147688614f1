/**
 * A client that stops reading cannot make the server hold events or bytes without bound: once a bound is
 * crossed the server closes it with SLOW_CONSUMER_CLOSE_CODE, and its subscription is released. Tiny bounds and
 * fat messages (many aliases) make the bound reachable quickly; the client pauses its socket (reads nothing).
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TOPICS } from '../../../src/events/pubsub';
import { SLOW_CONSUMER_CLOSE_CODE } from '../../../src/events/slow-consumers';
import { registry } from '../../../src/observability';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect, DPD_SUBSCRIPTION, insertParChanges, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';
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

test('events pending across one connection over maxPendingEventsPerConnection close it, though no subscription is over its own bound', async () => {
  // Three subscriptions of 20 each could hold 60; the connection may hold 30 together.
  const live = await startLiveInstance(dbs, { maxBufferedBytes: 1_000_000_000, maxPendingEvents: 20, maxPendingEventsPerConnection: 30, keepAliveMs: 0 });
  instances.push(live);
  const before = await clientsClosed();
  // A graphql-ws client as a dashboard runs it, whose socket the test can pause.
  const sockets: WebSocket[] = [];
  const client = createClient({
    url: live.url,
    retryAttempts: 0,
    webSocketImpl: class extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    },
  });
  const closes: { code: number; reason: string }[] = [];
  client.on('closed', (event) => void closes.push({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason }));
  const ended: unknown[] = [];
  for (let i = 0; i < 3; i += 1) client.subscribe({ query: FAT_SUBSCRIPTION }, { next: () => undefined, error: (error) => void ended.push(error), complete: () => undefined });
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 3, 'the three subscriptions to be live');
  sockets[0]!.pause();
  const closing = () => live.log.entries.some((e) => e.message === 'closing a slow WebSocket client');
  for (let batch = 0; batch < 40 && !closing(); batch += 1) {
    const inserted = await insertTransitions(dbs, Array.from({ length: 5 }, () => ({})));
    await waitUntil(() => closing() || live.bridge.lastDelivered().dpd === inserted.at(-1), 'the bridge to publish the batch', PATIENCE_MS);
  }
  await waitUntil(closing, 'the server to close the slow client', PATIENCE_MS);
  sockets[0]!.resume();
  await waitUntil(() => closes.length === 1 && ended.length === 3, 'the close to reach the client and end its subscriptions', PATIENCE_MS);
  expect(closes).toEqual([{ code: SLOW_CONSUMER_CLOSE_CODE, reason: 'Slow consumer: 31 pending events on this connection exceed 30' }]);
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 0, 'the subscriptions to be released', PATIENCE_MS);
  expect(await clientsClosed()).toEqual({ ...before, slow_consumer: before.slow_consumer! + 1 });
  await client.dispose();
});

test('events a connection has been sent no longer count against its bound, whichever of its feeds they came from', async () => {
  const live = await startLiveInstance(dbs, { maxPendingEventsPerConnection: 30, keepAliveMs: 0 });
  instances.push(live);
  const client = live.client();
  const dpd = collect<DpdEvent>(client, DPD_SUBSCRIPTION);
  const par = collect<{ parChanged: { id: string } }>(client, 'subscription { parChanged(scope: PORTFOLIO) { id } }');
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1 && live.pubSub.subscriberCount(TOPICS.PAR_CHANGE) === 1, 'both subscriptions to be live');
  // Each statement's events are published at once: up to 20 wait on the dpd feed, then up to 15 on the par feed,
  // each burst within the bound of 30 once the other feed's events have been sent (together they are over it).
  const transitions: string[] = [];
  const changes: string[] = [];
  for (let round = 0; round < 2; round += 1) {
    transitions.push(...(await insertTransitions(dbs, Array.from({ length: 20 }, () => ({})))));
    await waitUntil(() => dpd.values.length === transitions.length, 'the transitions', PATIENCE_MS);
    changes.push(...(await insertParChanges(dbs, Array.from({ length: 15 }, () => ({ scope: 'PORTFOLIO' as const, key: 'ALL' })))));
    await waitUntil(() => par.values.length === changes.length, 'the PAR changes', PATIENCE_MS);
  }
  expect(dpd.values.map((v) => v.dpdTransitioned.id)).toEqual(transitions);
  expect(par.values.map((v) => v.parChanged.id)).toEqual(changes);
  expect([dpd.errors, par.errors]).toEqual([[], []]);
  expect(live.log.entries.filter((e) => e.message === 'closing a slow WebSocket client')).toEqual([]);
});
