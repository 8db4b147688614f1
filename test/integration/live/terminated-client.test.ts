/**
 * A client that stops reading is, with the default keepalive, terminated by it (no pong), usually before any
 * slow-consumer bound is crossed (graphql-ws awaits each send, so little piles up on the server). Sends still
 * pending then fail with ERR_STREAM_DESTROYED, one per subscription: nobody can receive those errors, so they
 * are neither logged as unexpected nor counted as INTERNAL_SERVER_ERROR. The server-side socket is destroyed
 * here by hand, as the keepalive's terminate() does, once writes are pending. The keepalive itself is tested first.
 */
import type net from 'node:net';
import { TOPICS } from '../../../src/events/pubsub';
import { registry } from '../../../src/observability';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertTransitions, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from './harness';
import { RawClient } from './raw-client';

let dbs: TestDatabases;
let live: LiveInstance | undefined;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
});

// Each test's instance is stopped after it, passed or failed: one left running would reconnect its LISTEN
// connection to the databases dropped below after Jest's environment is gone.
afterEach(async () => {
  await live?.stop();
  live = undefined;
});

afterAll(async () => {
  await dbs?.drop();
});

jest.setTimeout(180_000);

async function unresponsiveClosed(): Promise<number> {
  const { values } = await registry.getSingleMetric('gateway_live_clients_closed_total')!.get();
  return values.find((v) => v.labels.reason === 'unresponsive')!.value;
}

test('the keepalive terminates a client that stops answering pings, and leaves one that answers', async () => {
  // A pong must arrive within the keepalive; 500 ms leaves room for this process's event loop to stall (GC, the
  // other suites' work) without terminating the answering client, whose pong is read after the timer fires.
  live = await startLiveInstance(dbs, { keepAliveMs: 500 });
  const unresponsiveBefore = await unresponsiveClosed();
  const answering = await RawClient.connect(live.url);
  const silent = await RawClient.open(live.url, ['graphql-transport-ws'], { autoPong: false });
  silent.send({ type: 'connection_init' });
  await silent.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
  // Terminated, not closed: a client that does not answer pings would not answer a close frame either.
  expect(await silent.closedWith()).toEqual({ code: 1006, reason: '' });
  expect(silent.pings).toBeGreaterThan(0);
  expect(await unresponsiveClosed()).toBe(unresponsiveBefore + 1); // gateway_live_clients_closed_total{reason="unresponsive"}
  // And which client it was, for the operator.
  expect(live.log.entries.filter((e) => e.message === 'terminating a WebSocket client that did not answer a ping')).toEqual([
    { level: 'warn', fields: { client: { address: '127.0.0.1', userAgent: undefined }, keepAliveMs: 500, operations: 0 }, message: 'terminating a WebSocket client that did not answer a ping' },
  ]);
  await waitUntil(() => answering.closed !== undefined || answering.pings >= silent.pings + 3, 'three more pings to the answering client');
  expect(answering.closed).toBeUndefined();
  await answering.close();
});

/** About 100 kB per event: 100 fields under 1000-character aliases. */
const FAT_SUBSCRIPTION = `subscription { dpdTransitioned { id ${Array.from({ length: 100 }, (_, i) => `${'x'.repeat(1000)}${i}: actualOutstanding`).join(' ')} } }`;
const SUBSCRIPTIONS = 5;
const EVENT_BYTES = 100_000;

async function internalErrorsCounted(): Promise<number> {
  const { values } = await registry.getSingleMetric('gateway_graphql_errors_total')!.get();
  return values.find((v) => v.labels.code === 'INTERNAL_SERVER_ERROR')?.value ?? 0;
}

test('writes that fail because the server closed the socket are neither unexpected errors nor counted', async () => {
  live = await startLiveInstance(dbs, { keepAliveMs: 0, maxBufferedBytes: 1_000_000_000, maxPendingEvents: 1_000_000 });
  const instance = live;
  const serverSockets: net.Socket[] = [];
  instance.httpServer.on('connection', (socket) => serverSockets.push(socket));
  const client = await RawClient.connect(instance.url);
  for (let i = 0; i < SUBSCRIPTIONS; i += 1) client.subscribe(`fat-${i}`, FAT_SUBSCRIPTION);
  await waitUntil(() => instance.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === SUBSCRIPTIONS, 'the subscriptions to be live');
  const internalBefore = await internalErrorsCounted();
  client.socket.pause();

  // The kernel's socket buffers fill first; then the server's writes wait in the socket: one being written (whose
  // callback a destroyed socket never calls) and the others queued behind it (failed with ERR_STREAM_DESTROYED).
  // More than two events' worth of bytes waiting means some are queued.
  const [server] = serverSockets;
  const writesPending = () => server!.writableLength > 2.5 * EVENT_BYTES;
  for (let batch = 0; !writesPending(); batch += 1) {
    if (batch === 40) throw new Error('the server never had to wait to write');
    const inserted = await insertTransitions(dbs, Array.from({ length: 25 }, () => ({})));
    await waitUntil(() => instance.bridge.lastDelivered().dpd === inserted.at(-1), 'the bridge to publish the batch');
    await waitUntil(writesPending, 'writes waiting in the socket', 2000).catch(() => undefined); // else one more batch
  }
  server!.destroy();

  await waitUntil(() => instance.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 0, 'the subscriptions to be released');
  const ended = () => instance.log.entries.filter((e) => e.message === 'a subscription ended on a closed WebSocket');
  const unexpected = () => instance.log.entries.filter((e) => e.level === 'error');
  await waitUntil(() => ended().length + unexpected().length > 0, 'the failed writes to end their subscriptions');
  expect(unexpected()).toEqual([]);
  // (Under jest, graphql-ws does not recognise Node's error as an Error and keeps its text only.)
  expect(ended()[0]).toMatchObject({ level: 'debug', fields: { err: { message: expect.stringContaining('Cannot call write after a stream was destroyed') } } });
  expect(await internalErrorsCounted()).toBe(internalBefore);
  client.socket.terminate();
});
