/** parChanged over graphql-ws: scope and keys, exact amounts and ratios, `since` replay, and the history query. */
import { TOPICS } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { collect as collectFrom, insertParChanges, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from './harness';

let dbs: TestDatabases;
let live: LiveInstance;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

/** Every subscription a test opens, stopped after it even when it fails (a later test counts live subscribers). */
const opened: Array<{ stop(): void }> = [];
const collect = <T>(...args: Parameters<typeof collectFrom>) => {
  const subscription = collectFrom<T>(...args);
  opened.push(subscription);
  return subscription;
};

afterEach(() => {
  for (const subscription of opened.splice(0)) subscription.stop();
});

afterAll(async () => {
  await live?.stop();
  await dbs?.drop();
});

const PAR = `subscription Par($scope: ParScope!, $keys: [String!], $since: ID) {
  parChanged(scope: $scope, keys: $keys, since: $since) {
    id scope key businessDate portfolioBefore portfolioAfter par15Before par15After ratioBefore ratioAfter
    par30After ratio30After par60After ratio60After par90After ratio90After
  }
}`;

interface ParEvent {
  parChanged: Record<string, string>;
}

const changeIds = (values: ParEvent[]) => values.map((v) => v.parChanged.id);

test('scope and keys select the changes; amounts and ratios arrive as exact decimals', async () => {
  const client = live.client();
  const yaba = collect<ParEvent>(client, PAR, { scope: 'BRANCH', keys: ['YABA'] });
  const branches = collect<ParEvent>(client, PAR, { scope: 'BRANCH' });
  const portfolio = collect<ParEvent>(client, PAR, { scope: 'PORTFOLIO', keys: ['ALL'] });
  const officer = collect<ParEvent>(client, PAR, { scope: 'OFFICER', keys: ['503'] });
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.PAR_CHANGE) === 4, 'four live subscriptions');
  // The REGION change comes first: ids arrive in increasing order on every subscription, so once a subscription
  // has its own last change, it would already have received r had its filter let r through.
  const [r, p, y, e, o] = await insertParChanges(dbs, [
    { scope: 'REGION', key: 'Crystal' },
    { scope: 'PORTFOLIO', key: 'ALL', par15Before: '10000.00', par15After: '12345.67' },
    { scope: 'BRANCH', key: 'YABA' },
    { scope: 'BRANCH', key: 'EPE' },
    { scope: 'OFFICER', key: '503' },
  ]);
  const received = (sub: { values: ParEvent[] }, id: string | undefined) => changeIds(sub.values).includes(id!);
  await waitUntil(() => received(yaba, y) && received(branches, e) && received(portfolio, p) && received(officer, o), 'every change');
  for (const sub of [yaba, branches, portfolio, officer]) expect(changeIds(sub.values)).not.toContain(r);
  expect(changeIds(yaba.values)).toEqual([y]);
  expect(changeIds(branches.values)).toEqual([y, e]);
  expect(changeIds(officer.values)).toEqual([o]);
  expect(portfolio.values).toEqual([
    {
      parChanged: {
        id: p,
        scope: 'PORTFOLIO',
        key: 'ALL',
        businessDate: '2025-12-10',
        portfolioBefore: '100000.00',
        portfolioAfter: '100000.00',
        par15Before: '10000.00',
        par15After: '12345.67',
        ratioBefore: '0.10000000',
        ratioAfter: '0.12345670',
        par30After: '6172.84',
        ratio30After: '0.06172835',
        par60After: '3086.42',
        ratio60After: '0.03086418',
        par90After: '0.00',
        ratio90After: '0.00000000',
      },
    },
  ]);
  for (const sub of [yaba, branches, portfolio, officer]) {
    expect(sub.errors).toEqual([]);
    sub.stop();
  }
});

test('since replays the missed changes of the scope, then continues live', async () => {
  const [seen] = await insertParChanges(dbs, [{ scope: 'REGION', key: 'Jade' }]);
  const missed = await insertParChanges(dbs, [{ scope: 'REGION', key: 'Jade' }, { scope: 'BRANCH', key: 'YABA' }, { scope: 'REGION', key: 'Crystal' }]);
  const sub = collect<ParEvent>(live.client(), PAR, { scope: 'REGION', since: seen });
  await waitUntil(() => live.pubSub.subscriberCount(TOPICS.PAR_CHANGE) === 1, 'the subscription to be live');
  const [later] = await insertParChanges(dbs, [{ scope: 'REGION', key: 'Jade' }]);
  await waitUntil(() => sub.values.length === 3, 'two replayed and one live change');
  expect(changeIds(sub.values)).toEqual([missed[0], missed[2], later]);
  sub.stop();
});

test('after PAR_CHANGES_RETENTION_DAYS pruned the log, a since before the pruned ids is refused; "0" replays what is kept', async () => {
  const [gone, kept] = await insertParChanges(dbs, [
    { scope: 'REGION', key: 'Jade' },
    { scope: 'REGION', key: 'Jade' },
  ]);
  // As the pruning leaves it: the change gone, and recorded (the earlier tests' changes stay, for the tests after).
  await dbs.metrics.pool.query(`DELETE FROM par_changes WHERE change_id = $1`, [gone]);
  await dbs.metrics.pool.query(`INSERT INTO live_history_pruned (feed, through_id) VALUES ('par', $1)`, [gone]);
  try {
    const before = String(BigInt(gone!) - 1n);
    const refused = collect<ParEvent>(live.client(), PAR, { scope: 'REGION', keys: ['Jade'], since: before });
    await waitUntil(() => refused.errors.length === 1, 'the refusal');
    expect(refused.errors).toEqual([
      [
        expect.objectContaining({
          message: `since must be the id of a change still kept: the changes up to ${gone} were pruned (PAR_CHANGES_RETENTION_DAYS); subscribe without since, or with "0" for every change kept, and refetch the PAR figures; got "${before}"`,
          extensions: { code: 'BAD_USER_INPUT', argument: 'since' },
        }),
      ],
    ]);
    // From the last pruned id on nothing was lost: the replay starts with the first change kept. "0" gets every one kept.
    const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT change_id::text AS id FROM par_changes WHERE scope = 'REGION' AND scope_key = 'Jade' ORDER BY change_id`);
    const resumed = collect<ParEvent>(live.client(), PAR, { scope: 'REGION', keys: ['Jade'], since: gone });
    const everything = collect<ParEvent>(live.client(), PAR, { scope: 'REGION', keys: ['Jade'], since: '0' });
    await waitUntil(() => resumed.values.length === 1 && everything.values.length === rows.length, 'the kept changes replayed');
    expect([changeIds(resumed.values), changeIds(everything.values)]).toEqual([[kept], rows.map((r) => r.id)]);
    expect([resumed.errors, everything.errors]).toEqual([[], []]);
  } finally {
    await dbs.metrics.pool.query(`DELETE FROM live_history_pruned`);
  }
});

test('Query.parChanges pages a scope by id', async () => {
  const client = live.client();
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT change_id::text AS id FROM par_changes WHERE scope = 'BRANCH' ORDER BY change_id`);
  const result = await new Promise<unknown>((resolve, reject) => {
    let last: unknown;
    client.subscribe(
      { query: `{ parChanges(scope: BRANCH, first: 2) { nodes { id key } pageInfo { hasNextPage endCursor } } }` },
      { next: (r) => (last = r), error: reject, complete: () => resolve(last) },
    );
  });
  expect(result).toEqual({
    data: {
      parChanges: {
        nodes: [
          { id: rows[0]!.id, key: 'YABA' },
          { id: rows[1]!.id, key: 'EPE' },
        ],
        pageInfo: { hasNextPage: true, endCursor: rows[1]!.id },
      },
    },
  });
});
