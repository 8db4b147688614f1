/**
 * End to end with the clients users use: the whole gateway (startApp: sync worker, engine, event bridge,
 * Apollo Server + graphql-ws on one port) and @apollo/client with GraphQLWsLink. A repayment written into the
 * Django database flows through sync → recompute → NOTIFY → bridge → subscription, and the client receives the
 * DPD transition with its nested loan and officer, read fresh after the repayment, and the loan the client had
 * cached from a query shows the new DPD without a refetch (the cache normalises Loan by id).
 */
import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import typePolicies from '../../../schema/apollo-type-policies.json';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { App } from '../../../src/app';
import { pinBusinessDate } from '../../../src/engine/clock';
import { startTestApp } from '../../support/app';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { waitUntil } from '../../integration/live/harness';

let dbs: TestDatabases;
let app: App | undefined;
let wsClient: Client | undefined;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await pinBusinessDate(dbs.metrics.pool, '2025-12-10');
  // DOMAIN.md §3.9 loan A: 100,000 at 30 % + 2,000 fee over 30 instalments, D1 2025-11-04; 40,000 paid → DPD 18.
  const w = dbs.djangoWriter;
  await w.query(`INSERT INTO accounts_customuser (id, email, username, user_type, performance_status) VALUES (7, 'officer7@example.com', 'officer7', 'STAFF_AGENT', 'Active')`);
  await w.query(`INSERT INTO ajo_ajouser (id, first_name, last_name, phone_number) VALUES (11, 'Ada', 'Customer11', '07000011')`);
  await w.query(
    `INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, amount_disbursed, repayment_amount, interest_rate, processing_fee, tenor_in_days,
       is_disbursed, date_disbursed, start_date, end_date, status, performance_status, verification_stage)
     VALUES (100, 7, 11, 100000, 100000, 132000, 30, 2000, 30, true, '2025-11-03T10:00:00+01:00', '2025-11-04', '2025-12-15', 'OPEN', 'PERFORMING', 'APPROVED')`,
  );
  await w.query(
    `INSERT INTO loans_ajoloanrepayment (id, ajo_loan_id, repayment_amount, paid_date, repayment_type) VALUES
       (1000, 100, 20000, '2025-11-04T10:00:00+01:00', 'AGENT_DEBIT'), (1001, 100, 20000, '2025-11-20T10:00:00+01:00', 'AGENT_DEBIT')`,
  );
  app = await startTestApp(dbs);
});

afterAll(async () => {
  await wsClient?.dispose();
  await app?.stop();
  await dbs?.drop();
});

const DPD_TRANSITIONED = gql`
  subscription LoanMoves($filter: DpdTransitionFilterInput, $since: ID) {
    dpdTransitioned(filter: $filter, since: $since) {
      id
      fromBucket
      toBucket
      dpdBefore
      dpdAfter
      actualOutstanding
      loan {
        id
        amount
        currentDpd
        dpdBucket
      }
      officer {
        id
        name
      }
    }
  }
`;

const PAR_CHANGED = gql`
  subscription OfficerPar($keys: [String!], $since: ID) {
    parChanged(scope: OFFICER, keys: $keys, since: $since) {
      scope
      key
      portfolioBefore
      portfolioAfter
      par15Before
      par15After
      ratioBefore
      ratioAfter
    }
  }
`;

test('a repayment in Django reaches Apollo Client subscribers as a DPD transition with loan and officer, and as a PAR change', async () => {
  await waitUntil(async () => {
    const { rows } = await dbs.metrics.pool.query(`SELECT 1 FROM loans WHERE loan_id = '100' AND current_dpd = 18 AND computed_as_of IS NOT NULL`);
    return rows.length === 1;
  }, 'the first sync to compute loan 100 (DPD 18)', 30000);

  const url = `${app!.server.url.replace('http', 'ws')}/graphql`;
  wsClient = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache({ typePolicies }) });
  // The loan as a screen cached it before the repayment (graphql-ws serves queries too).
  const LOAN_ROW = gql`query LoanRow($id: ID!) { loan(id: $id) { id currentDpd dpdBucket } }`;
  const before = await client.query({ query: LOAN_ROW, variables: { id: '100' } });
  expect(before.data).toEqual({ loan: { __typename: 'Loan', id: '100', currentDpd: 18, dpdBucket: 'DPD_7_30' } });
  const received: unknown[] = [];
  const errors: unknown[] = [];
  const parReceived: unknown[] = [];
  const { rows: parBefore } = await dbs.metrics.pool.query<{ max: string }>(`SELECT coalesce(max(change_id), 0)::text AS max FROM par_changes`);
  let connected = false;
  wsClient.on('connected', () => {
    connected = true;
  });
  // since "0": whatever commits before the subscription is live is replayed, so the test need not know when it is.
  const subscription = client.subscribe({ query: DPD_TRANSITIONED, variables: { filter: { direction: 'IMPROVING' }, since: '0' } }).subscribe({
    next: (result) => received.push(result.data),
    error: (error) => errors.push(error),
  });
  const parSubscription = client
    .subscribe({ query: PAR_CHANGED, variables: { keys: ['7'], since: parBefore[0]!.max } })
    .subscribe({ next: (result) => parReceived.push(result.data), error: (error) => errors.push(error) });
  await waitUntil(() => connected, 'the WebSocket connection');
  expect(received).toEqual([]);

  // 60,000 more → 100,000 paid → days paid 22.7 → 23; DPD 27 − 23 = 4 (bucket 1-6); arrears 4,400 × 27 − 100,000 = 18,800.
  await dbs.djangoWriter.query(
    `INSERT INTO loans_ajoloanrepayment (id, ajo_loan_id, repayment_amount, paid_date, repayment_type) VALUES (1002, 100, 60000, '2025-12-09T10:00:00+01:00', 'AGENT_DEBIT')`,
  );
  await waitUntil(() => received.length === 1 || errors.length > 0, 'the transition on the Apollo Client subscription', 30000);
  expect(errors).toEqual([]);
  const { rows } = await dbs.metrics.pool.query<{ id: string }>(`SELECT transition_id::text AS id FROM dpd_transitions WHERE loan_id = '100'`);
  expect(received).toEqual([
    {
      dpdTransitioned: {
        __typename: 'DpdTransition',
        id: rows[0]!.id,
        fromBucket: 'DPD_7_30',
        toBucket: 'DPD_1_6',
        dpdBefore: 18,
        dpdAfter: 4,
        actualOutstanding: '18800.00',
        loan: { __typename: 'Loan', id: '100', amount: '100000.00', currentDpd: 4, dpdBucket: 'DPD_1_6' },
        officer: { __typename: 'Officer', id: '7', name: 'officer7' },
      },
    },
  ]);
  // The event's loan merged into the cached Loan:100, so the screen's query reads the new DPD from the cache alone.
  expect(client.readQuery({ query: LOAN_ROW, variables: { id: '100' } })).toEqual({ loan: { __typename: 'Loan', id: '100', currentDpd: 4, dpdBucket: 'DPD_1_6' } });
  subscription.unsubscribe();

  // The officer's PAR moved too. Principal paid = P × L / R: 40,000 → 30,303.03, 100,000 → 75,757.58 (D4);
  // principal outstanding 69,696.97 → 24,242.42; PAR15 was all of it (DPD 18 ≥ 15) and is now 0.
  await waitUntil(() => parReceived.length === 1 || errors.length > 0, 'the PAR change of officer 7', 30000);
  expect(errors).toEqual([]);
  expect(parReceived).toEqual([
    {
      parChanged: {
        __typename: 'ParChange',
        scope: 'OFFICER',
        key: '7',
        portfolioBefore: '69696.97',
        portfolioAfter: '24242.42',
        par15Before: '69696.97',
        par15After: '0.00',
        ratioBefore: '1.00000000',
        ratioAfter: '0.00000000',
      },
    },
  ]);
  parSubscription.unsubscribe();

  // The same event in the history, over HTTP (Apollo Server), with the nested loan read through that request's loaders.
  const response = await fetch(`${app!.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ dpdTransitions(filter: { officerIds: ["7"] }) { nodes { id toBucket loan { id currentDpd } } pageInfo { endCursor hasNextPage } } }' }),
  });
  expect(await response.json()).toEqual({
    data: {
      dpdTransitions: {
        nodes: [{ id: rows[0]!.id, toBucket: 'DPD_1_6', loan: { id: '100', currentDpd: 4 } }],
        pageInfo: { endCursor: rows[0]!.id, hasNextPage: false },
      },
    },
  });
});
