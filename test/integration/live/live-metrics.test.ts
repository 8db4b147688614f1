/**
 * What /metrics tells an operator about live subscriptions as they run: the events each feed sends (one per
 * subscriber that receives it, replayed or live; none for an event a subscriber's filter leaves out) and how long
 * subscriptions lasted, observed once each, however it ended.
 */
import { TOPICS } from '../../../src/events/pubsub';
import { registry } from '../../../src/observability';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { metricSamples } from '../../support/metric-samples';
import { collect, DPD_SUBSCRIPTION, insertTransitions, seedOfficers, startLiveInstance, waitUntil, type DpdEvent, type LiveInstance } from './harness';
import { RawClient } from './raw-client';

let dbs: TestDatabases;
let live: LiveInstance;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  await live?.stop();
  await dbs?.drop();
});

/** The samples of the metrics page, keyed by series (`name{labels}`), as a scrape of GET /metrics reads them. */
async function scrape(): Promise<Map<string, number>> {
  return metricSamples(await registry.metrics());
}

const FEED_SERIES = [
  'gateway_live_events_sent_total{feed="dpd"}',
  'gateway_live_events_sent_total{feed="par"}',
  'gateway_live_subscription_duration_seconds_count{feed="dpd"}',
  'gateway_live_subscription_duration_seconds_count{feed="par"}',
];

async function feedCounts(): Promise<number[]> {
  const samples = await scrape();
  return FEED_SERIES.map((series) => samples.get(series) ?? 0);
}

const subscribers = () => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION);

test('counts the events each subscriber is sent, replayed and live, and times each subscription once as it ends', async () => {
  const [replayed] = await insertTransitions(dbs, [{ officerId: '501' }]);
  const before = await feedCounts();
  const client = live.client();
  const all = collect<DpdEvent>(client, DPD_SUBSCRIPTION);
  const officer502 = collect<DpdEvent>(client, DPD_SUBSCRIPTION, { filter: { officerIds: ['502'] } });
  // Through fragments, to the same feed: replays the one row before, then live.
  const resumed = collect<DpdEvent>(
    client,
    'subscription Resume($since: ID) { ...Feed } fragment Feed on Subscription { ... on Subscription { dpdTransitioned(since: $since) { id } } }',
    { since: String(BigInt(replayed!) - 1n) },
  );
  await waitUntil(() => subscribers() === 3 && resumed.values.length === 1, 'three live subscriptions, the replay sent');
  await insertTransitions(dbs, [{ officerId: '501' }, { officerId: '502' }, { officerId: '503' }]);
  await waitUntil(() => all.values.length === 3 && officer502.values.length === 1 && resumed.values.length === 4, 'the live events');
  // 3 to the unfiltered one, 1 of them to the filtered one, 1 replayed and 3 live to the resumed one.
  expect((await feedCounts()).map((count, i) => count - before[i]!)).toEqual([8, 0, 0, 0]);

  all.stop();
  await waitUntil(async () => (await feedCounts())[2]! - before[2]! === 1, 'the completed subscription to be timed');
  // The others end with their connection.
  await client.dispose();
  await waitUntil(() => subscribers() === 0, 'the subscriptions to be released');
  await waitUntil(async () => (await feedCounts())[2]! - before[2]! === 3, 'the closed connection’s subscriptions to be timed');
  expect((await feedCounts()).map((count, i) => count - before[i]!)).toEqual([8, 0, 3, 0]);
  for (const sub of [all, officer502, resumed]) expect(sub.errors).toEqual([]);
});

test('a subscription refused for its arguments is neither timed as a subscription nor sent anything', async () => {
  const before = await feedCounts();
  const client = await RawClient.connect(live.url);
  client.subscribe('bad', 'subscription { parChanged(scope: PORTFOLIO, since: "yesterday") { id } }');
  const refusal = await client.waitFor((m) => m.type === 'error' && m.id === 'bad', 'the error message');
  expect(refusal.payload).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  client.socket.close();
  await client.closedWith();
  expect((await feedCounts()).map((count, i) => count - before[i]!)).toEqual([0, 0, 0, 0]);
});
