/**
 * The graphql-transport-ws messages a client sees: their order for replay, live events, complete and queries;
 * the exact `error` payloads for bad input; the close frames of protocol mistakes (a slow client's: slow-client.test.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { GraphQLError, Kind, visit } from 'graphql';
import { TOPICS } from '../../../src/events/pubsub';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { DPD_SUBSCRIPTION, insertTransitions, seedDjango, seedOfficers, startLiveInstance, waitUntil, type LiveInstance } from './harness';
import { RawClient } from './raw-client';

let dbs: TestDatabases;
let live: LiveInstance;
const clients: RawClient[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedOfficers(dbs);
  live = await startLiveInstance(dbs);
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await live?.stop();
  await dbs?.drop();
});

async function connect(url = live.url): Promise<RawClient> {
  const client = await RawClient.connect(url);
  clients.push(client);
  return client;
}

const subscribers = () => live.pubSub.subscriberCount(TOPICS.DPD_TRANSITION);

function next(id: string, transitionId: string, branch = 'YABA') {
  return {
    id,
    type: 'next',
    payload: {
      data: {
        dpdTransitioned: { id: transitionId, fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', dpdBefore: 6, dpdAfter: 7, actualOutstanding: '12500.50', branch, region: 'Crystal' },
      },
    },
  };
}

test('message order: ack, replayed next, live next; nothing after complete; a query gets next then complete', async () => {
  const [r1, r2] = await insertTransitions(dbs, [{}, {}]);
  const client = await connect();
  const base = subscribers();
  client.subscribe('s1', DPD_SUBSCRIPTION, { since: r1 });
  await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
  const [r3] = await insertTransitions(dbs, [{}]);
  await client.waitFor((m) => m.id === 's1' && (m.payload as { data?: { dpdTransitioned?: { id: string } } }).data?.dpdTransitioned?.id === r3, 'the live event');
  client.send({ id: 's1', type: 'complete' });
  await waitUntil(() => subscribers() === base, 'the server to end the subscription');
  const [r4] = await insertTransitions(dbs, [{}]);
  await waitUntil(() => live.bridge.lastDelivered().dpd === r4, 'the bridge to publish the event after complete');
  client.subscribe('q1', `{ dpdTransitions(first: 1, after: "${r3}") { nodes { id } } }`);
  await client.waitFor((m) => m.id === 'q1' && m.type === 'complete', 'the query to complete');
  expect(client.messages).toEqual([
    { type: 'connection_ack' },
    next('s1', r2!),
    next('s1', r3!),
    { id: 'q1', type: 'next', payload: { data: { dpdTransitions: { nodes: [{ id: r4 }] } } } },
    { id: 'q1', type: 'complete' },
  ]);
});

const eventOf = (m: { payload?: unknown }) => (m.payload as { data?: { dpdTransitioned?: { id: string } } }).data?.dpdTransitioned?.id;

test('a ping gets a pong with its payload; a pong needs no answer; neither disturbs a subscription', async () => {
  const client = await connect();
  const base = subscribers();
  client.subscribe('feed', DPD_SUBSCRIPTION);
  await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
  client.send({ type: 'ping', payload: { sentAt: 'now' } });
  client.send({ type: 'pong' });
  client.send({ type: 'ping' });
  await waitUntil(() => client.messages.filter((m) => m.type === 'pong').length === 2, 'two pongs');
  const [r1] = await insertTransitions(dbs, [{}]);
  await client.waitFor((m) => m.id === 'feed' && eventOf(m) === r1, 'the event');
  expect(client.messages).toEqual([{ type: 'connection_ack' }, { type: 'pong', payload: { sentAt: 'now' } }, { type: 'pong' }, next('feed', r1!)]);
  client.send({ id: 'feed', type: 'complete' });
  await waitUntil(() => subscribers() === base, 'the server to end the subscription');
});

describe('an id the client completed may be reused at once: the new operation alone answers under it', () => {
  test('a live subscription completed and subscribed again under its id (resuming with since): no `complete` for the new one, each event once', async () => {
    const client = await connect();
    const base = subscribers();
    client.subscribe('feed', DPD_SUBSCRIPTION);
    await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
    const [r1] = await insertTransitions(dbs, [{}]);
    await client.waitFor((m) => m.id === 'feed' && eventOf(m) === r1, 'the first event');
    // Resume as a client that wants every event would: same id, since the last id seen; both in one go.
    client.send({ id: 'feed', type: 'complete' });
    client.subscribe('feed', DPD_SUBSCRIPTION, { since: r1 });
    const [r2] = await insertTransitions(dbs, [{}]);
    await client.waitFor((m) => m.id === 'feed' && eventOf(m) === r2, 'the event after the resubscription');
    client.send({ id: 'feed', type: 'complete' });
    await waitUntil(() => subscribers() === base, 'the server to end the subscription');
    expect(client.of('feed')).toEqual([next('feed', r1!), next('feed', r2!)]);
    expect(client.closed).toBeUndefined();
  });

  test('a subscription completed before its start finished, its id reused at once: the first never answers, the second delivers each event once', async () => {
    const client = await connect();
    const base = subscribers();
    const [r0] = await insertTransitions(dbs, [{}]);
    client.subscribe('feed', DPD_SUBSCRIPTION, { since: '0', filter: { branches: ['YABA'] } });
    client.send({ id: 'feed', type: 'complete' });
    client.subscribe('feed', DPD_SUBSCRIPTION, { since: r0 });
    await waitUntil(() => subscribers() === base + 1, 'the second subscription to be live');
    const [r1] = await insertTransitions(dbs, [{}]);
    await client.waitFor((m) => m.id === 'feed' && eventOf(m) === r1, 'the event');
    client.send({ id: 'feed', type: 'complete' });
    await waitUntil(() => subscribers() === base, 'the server to end every subscription of the connection');
    expect(client.of('feed')).toEqual([next('feed', r1!)]);
  });

  test('a subscription completed while an event executes: that event is not sent, nor seen again under the reused id', async () => {
    await seedDjango(dbs);
    const client = await connect();
    const base = subscribers();
    const [r0] = await insertTransitions(dbs, [{}]);
    // Published before the subscription starts, so r1 is the only event it executes.
    await waitUntil(() => live.bridge.lastDelivered().dpd === r0, 'the bridge to publish the event before');
    client.subscribe('feed', 'subscription { dpdTransitioned { id loan { id amount } } }');
    await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
    // The event's loan is read from Django: held behind a lock, the execution waits there.
    const locker = await dbs.djangoWriter.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE loans_ajoloan IN ACCESS EXCLUSIVE MODE');
      const [r1] = await insertTransitions(dbs, [{}]);
      await waitUntil(async () => (await locker.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'loans_ajoloan'::regclass AND NOT granted`)).rows[0]!.n > 0, 'the event to wait for the loan');
      // Completed, and resumed at once under the same id with a selection of its own, from the event before r1.
      client.send({ id: 'feed', type: 'complete' });
      await waitUntil(() => subscribers() === base, 'the server to end the subscription');
      client.subscribe('feed', 'subscription Resumed($since: ID) { dpdTransitioned(since: $since) { id } }', { since: r0 });
      await locker.query('COMMIT');
      // The new operation answers only once the old one has ended, so anything the old one sent comes first.
      const replayed = { id: 'feed', type: 'next', payload: { data: { dpdTransitioned: { id: r1 } } } };
      await client.waitFor((m) => isDeepStrictEqual(m, replayed), 'the replayed event');
      expect(client.of('feed')).toEqual([replayed]);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
    }
    client.send({ id: 'feed', type: 'complete' });
    await waitUntil(() => subscribers() === base, 'the server to end the subscription');
  });

  test('a subscribe reusing an id the client did not complete still closes with 4409', async () => {
    const client = await connect();
    const base = subscribers();
    client.subscribe('feed', DPD_SUBSCRIPTION);
    await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
    client.subscribe('feed', DPD_SUBSCRIPTION);
    expect(await client.closedWith()).toEqual({ code: 4409, reason: 'Subscriber for feed already exists' });
    await waitUntil(() => subscribers() === base, 'the closed connection to end its subscription');
  });
});

describe('bad input on subscribe gets an `error` message naming what was expected and what arrived', () => {
  const cases: [string, string, Record<string, unknown>, unknown[]][] = [
    [
      'unknown branch',
      DPD_SUBSCRIPTION,
      { filter: { branches: ['YABA', 'NOWHERE'] } },
      [
        {
          message: 'filter.branches must be branches known to seedsmetrics (of an officer or a loan); got ["NOWHERE"]',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.branches' },
        },
      ],
    ],
    [
      'unknown region',
      DPD_SUBSCRIPTION,
      { filter: { regions: ['Atlantis'] } },
      [
        {
          message: 'filter.regions must be regions known to seedsmetrics (of an officer or a loan); got ["Atlantis"]',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.regions' },
        },
      ],
    ],
    [
      'unknown bucket',
      DPD_SUBSCRIPTION,
      { filter: { fromBuckets: ['DPD_7_14'] } },
      [
        {
          message:
            'Variable "$filter" got invalid value "DPD_7_14" at "filter.fromBuckets[0]"; Value "DPD_7_14" does not exist in "DpdBucket" enum. Expected one of CURRENT, DPD_1_6, DPD_7_30, DPD_31_60, DPD_61_90, DPD_90_PLUS. Did you mean the enum value "DPD_7_30", "DPD_1_6", "DPD_31_60", or "DPD_61_90"?',
          locations: [{ line: 1, column: 18 }],
          extensions: { code: 'BAD_USER_INPUT', argument: '$filter.fromBuckets[0]' },
        },
      ],
    ],
    [
      // Each transition moves to another bucket: from CURRENT nothing improves, so the feed would never deliver.
      'buckets no transition can move between',
      DPD_SUBSCRIPTION,
      { filter: { fromBuckets: ['CURRENT'], direction: 'IMPROVING' } },
      [
        {
          message:
            'filter must be buckets and a direction some transition can have (each moves to another bucket: WORSENING to a later one, IMPROVING to an earlier one); got {"fromBuckets":["CURRENT"],"direction":"IMPROVING"}',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter' },
        },
      ],
    ],
    [
      'malformed since',
      DPD_SUBSCRIPTION,
      { since: 'yesterday' },
      [
        {
          message: 'since must be an event id: the id of the last event seen, 1 to 18 digits such as "1024" ("0" for all); got "yesterday"',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'since' },
        },
      ],
    ],
    [
      'since of 19 digits (a bigint, but longer than event ids are accepted)',
      DPD_SUBSCRIPTION,
      { since: '9223372036854775807' },
      [
        {
          message: 'since must be an event id: the id of the last event seen, 1 to 18 digits such as "1024" ("0" for all); got "9223372036854775807"',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'since' },
        },
      ],
    ],
    [
      'empty list',
      DPD_SUBSCRIPTION,
      { filter: { officerIds: [] } },
      [
        {
          message: 'filter.officerIds must be a non-empty list (leave it out to match every value); got []',
          locations: [{ line: 2, column: 3 }],
          path: ['dpdTransitioned'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'filter.officerIds' },
        },
      ],
    ],
    [
      'PAR keys of another scope',
      'subscription { parChanged(scope: BRANCH, keys: ["YABA", "Crystal"]) { id } }',
      {},
      [
        {
          message: 'keys must be branches known to seedsmetrics (of an officer or a loan); got ["Crystal"]',
          locations: [{ line: 1, column: 16 }],
          path: ['parChanged'],
          extensions: { code: 'BAD_USER_INPUT', argument: 'keys' },
        },
      ],
    ],
    [
      'unknown field',
      'subscription { dpdTransitioned { id nope } }',
      {},
      [
        {
          message: 'Cannot query field "nope" on type "DpdTransition".',
          locations: [{ line: 1, column: 37 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    ],
    [
      'a literal of the wrong type',
      'subscription { dpdTransitioned(filter: { direction: 7 }) { id } }',
      {},
      [
        {
          message: 'Argument "filter.direction" of "dpdTransitioned": Enum "TransitionDirection" cannot represent non-enum value: 7.',
          locations: [{ line: 1, column: 53 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', argument: 'filter.direction' },
        },
      ],
    ],
  ];

  test('since beyond the latest event', async () => {
    const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT max(transition_id)::text AS id FROM dpd_transitions`);
    const latest = rows[0]!.id;
    const client = await connect();
    client.subscribe('ahead', DPD_SUBSCRIPTION, { since: '987654321' });
    await client.waitFor((m) => m.id === 'ahead', 'the error message');
    expect(client.of('ahead')).toEqual([
      {
        id: 'ahead',
        type: 'error',
        payload: [
          {
            message: `since must be the id of an event already delivered (the latest is ${latest}); got "987654321"`,
            locations: [{ line: 2, column: 3 }],
            path: ['dpdTransitioned'],
            extensions: { code: 'BAD_USER_INPUT', argument: 'since' },
          },
        ],
      },
    ]);
  });

  test.each(cases)('%s', async (_name, query, variables, payload) => {
    const client = await connect();
    client.subscribe('bad', query, variables);
    await client.waitFor((m) => m.id === 'bad', 'the error message');
    expect(client.of('bad')).toEqual([{ id: 'bad', type: 'error', payload }]);
    // The connection stays usable.
    client.subscribe('ok', '{ apiVersion }');
    await client.waitFor((m) => m.id === 'ok' && m.type === 'complete', 'a query on the same socket');
    expect(client.closed).toBeUndefined();
  });
});

test('checkOperation refuses an operation before it runs, with an `error` message', async () => {
  // A stand-in for the HTTP path's complexity limit: at most 3 fields.
  const limited = await startLiveInstance(dbs, {
    checkOperation: ({ document }) => {
      let fields = 0;
      visit(document, { [Kind.FIELD]: () => void (fields += 1) });
      return fields > 3 ? [new GraphQLError(`at most 3 fields; got ${fields}`, { extensions: { code: 'BAD_REQUEST' } })] : [];
    },
  });
  try {
    const client = await RawClient.connect(limited.url);
    clients.push(client);
    client.subscribe('big', 'subscription { dpdTransitioned { id fromBucket toBucket } }');
    client.subscribe('small', 'subscription { dpdTransitioned { id toBucket } }');
    await client.waitFor((m) => m.id === 'big', 'the refusal');
    expect(client.of('big')).toEqual([{ id: 'big', type: 'error', payload: [{ message: 'at most 3 fields; got 4', extensions: { code: 'BAD_REQUEST' } }] }]);
    await waitUntil(() => limited.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the small subscription to be live');
    client.send({ id: 'small', type: 'complete' });
  } finally {
    await limited.stop();
  }
});

test('a database failure while delivering ends that subscription with a masked `error`; the cause is logged', async () => {
  const client = await connect();
  const base = subscribers();
  client.subscribe('doomed', DPD_SUBSCRIPTION);
  await waitUntil(() => subscribers() === base + 1, 'the subscription to be live');
  await dbs.metrics.pool.query(`ALTER TABLE dpd_transitions RENAME TO dpd_transitions_away`);
  try {
    // Published by hand (the bridge stays idle): reading the row now fails.
    live.pubSub.publish(TOPICS.DPD_TRANSITION, { id: '424242' });
    await client.waitFor((m) => m.id === 'doomed', 'the error message');
  } finally {
    await dbs.metrics.pool.query(`ALTER TABLE dpd_transitions_away RENAME TO dpd_transitions`);
  }
  expect(client.of('doomed')).toEqual([{ id: 'doomed', type: 'error', payload: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }]);
  const logged = live.log.entries.find((e) => e.level === 'error' && e.message === 'unexpected error while executing a GraphQL operation');
  expect((logged?.fields.err as { message?: string } | undefined)?.message).toBe('relation "dpd_transitions" does not exist');
  expect(subscribers()).toBe(base);
  expect(client.closed).toBeUndefined();
});

describe('a protocol mistake closes the connection with a reason naming what was expected and what arrived', () => {
  const acknowledged = async (): Promise<RawClient> => connect();
  const cases: [string, string, number, string][] = [
    ['not JSON', 'hello', 4400, 'Invalid message: must be a JSON object; got "hello"'],
    ['JSON that is not an object', '[1,2]', 4400, 'Invalid message: must be a JSON object; got [1,2]'],
    ['a type only the server sends', '{"type":"next","id":"a","payload":{}}', 4400, 'Invalid message: "type" must be connection_init, ping, pong, subscribe, complete; got "next"'],
    ['no type', '{"id":"a"}', 4400, 'Invalid message: "type" must be connection_init, ping, pong, subscribe, complete; got nothing'],
    ['a subscribe with a numeric id', '{"type":"subscribe","id":5,"payload":{"query":"{ __typename }"}}', 4400, 'Invalid subscribe message: "id" must be a non-empty string; got 5'],
    ['a subscribe without a query', '{"type":"subscribe","id":"a","payload":{"query":42}}', 4400, 'Invalid subscribe message: "payload.query" must be a string; got 42'],
    ['a subscribe with list variables', '{"type":"subscribe","id":"a","payload":{"query":"{ __typename }","variables":[]}}', 4400, 'Invalid subscribe message: "payload.variables" must be an object or absent; got []'],
    ['a complete without an id', '{"type":"complete"}', 4400, 'Invalid complete message: "id" must be a non-empty string; got nothing'],
    ['a ping with a text payload', '{"type":"ping","payload":"x"}', 4400, 'Invalid ping message: "payload" must be an object or absent; got "x"'],
    ['a second connection_init', '{"type":"connection_init"}', 4429, 'Too many initialisation requests: connection_init is sent once per connection'],
  ];
  test.each(cases)('%s', async (_name, text, code, reason) => {
    const errorsBefore = live.log.entries.filter((e) => e.level === 'error').length;
    const client = await acknowledged();
    client.sendText(text);
    expect(await client.closedWith()).toEqual({ code, reason });
    expect(client.messages).toEqual([{ type: 'connection_ack' }]);
    expect(live.log.entries.filter((e) => e.level === 'error')).toHaveLength(errorsBefore);
  });

  test('subscribe before connection_ack: 4401', async () => {
    const client = await RawClient.open(live.url);
    clients.push(client);
    client.subscribe('s1', DPD_SUBSCRIPTION);
    expect(await client.closedWith()).toEqual({ code: 4401, reason: 'Unauthorized: subscribe arrived before connection_ack; send connection_init and wait for connection_ack' });
  });

  test.each([
    [['graphql-ws'], 'Subprotocol not acceptable: expected "graphql-transport-ws"; got "graphql-ws"'],
    [[], 'Subprotocol not acceptable: expected "graphql-transport-ws"; got none'],
  ])('subprotocol %j: 4406', async (protocols, reason) => {
    const client = await RawClient.open(live.url, protocols);
    clients.push(client);
    expect(await client.closedWith()).toEqual({ code: 4406, reason });
  });

  test('no connection_init within 3 s: 4408', async () => {
    const client = await RawClient.open(live.url);
    clients.push(client);
    expect(await client.closedWith()).toEqual({ code: 4408, reason: 'Connection initialisation timeout: no connection_init within 3000 ms of connecting' });
  });

  test('a message over 1 MiB is refused by ws (1009) and logged as a warning', async () => {
    const client = await acknowledged();
    client.subscribe('big', `{ __typename }${' '.repeat(1024 * 1024)}`);
    expect(await client.closedWith()).toEqual({ code: 1009, reason: '' });
    expect(live.log.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'a WebSocket client sent a frame it may not; closed', fields: { err: { message: 'Max payload size exceeded' } } }));
  });
});

test('a connection holding the most operations it may gets an `error` for one more, and stays open', async () => {
  const bounded = await startLiveInstance(dbs, { maxOperationsPerConnection: 2 });
  try {
    const client = await RawClient.connect(bounded.url);
    const feeds = () => bounded.pubSub.subscriberCount(TOPICS.DPD_TRANSITION);
    client.subscribe('s1', DPD_SUBSCRIPTION);
    client.subscribe('s2', DPD_SUBSCRIPTION);
    await waitUntil(() => feeds() === 2, 'two live subscriptions');
    client.subscribe('s3', DPD_SUBSCRIPTION);
    await client.waitFor((m) => m.id === 's3', 'the refusal');
    expect(client.of('s3')).toEqual([
      {
        id: 's3',
        type: 'error',
        payload: [
          {
            message: 'A connection may hold at most 2 operations at once; this one already holds 2. Complete one before starting another',
            extensions: { code: 'TOO_MANY_OPERATIONS', maxOperationsPerConnection: 2 },
          },
        ],
      },
    ]);
    // Completing one makes room; the connection was never closed.
    client.send({ id: 's1', type: 'complete' });
    await waitUntil(() => feeds() === 1, 'the completed subscription to end');
    client.subscribe('s4', DPD_SUBSCRIPTION);
    await waitUntil(() => feeds() === 2, 'the new subscription to be live');
    expect(client.of('s4')).toEqual([]);
    expect(client.closed).toBeUndefined();
    await client.close();
  } finally {
    await bounded.stop();
  }
});

test('dispose closes every client with 1001 and releases their subscriptions', async () => {
  const own = await startLiveInstance(dbs);
  const client = await RawClient.connect(own.url);
  clients.push(client);
  client.subscribe('s', DPD_SUBSCRIPTION);
  await waitUntil(() => own.pubSub.subscriberCount(TOPICS.DPD_TRANSITION) === 1, 'the subscription to be live');
  await own.stop();
  await waitUntil(() => client.closed !== undefined, 'the close frame');
  expect(client.closed).toEqual({ code: 1001, reason: 'Going away' });
  expect(own.pubSub.subscriberCount(TOPICS.DPD_TRANSITION)).toBe(0);
});
