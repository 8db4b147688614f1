/**
 * `syncReports` on Loan, Officer, Customer and Repayment: what the sync reported about the Django row (sync_rejects),
 * so an analyst sees why a loan is not synced or why a number is not Django's, batched to one statement per type
 * whatever the list's size. The sync's writing of the reports is tested in test/integration/sync.
 */
import { countStatements } from '../../support/databases';
import { createApiHarness, loanIdOf, seedPortfolio, type ApiHarness } from './harness';

const UNSYNCED = String(loanIdOf(1, 1));
const ODD_DATES = String(loanIdOf(1, 2));
const SET_ASIDE = String(loanIdOf(2, 3));
const RECOMPUTE_FAILED = 'recomputing this loan failed: numeric field overflow (SQLSTATE 22003): kept, its computed fields are those of its last recompute';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 3, loansPerOfficer: 12, customers: 10, unsyncedLoanIds: [loanIdOf(1, 1)] });
  await api.dbs.metrics.pool.query(
    `INSERT INTO repayments (repayment_id, loan_id, payment_date, payment_amount, is_reversed) VALUES ('700', $1, NULL, 4400.00, false), ('701', $1, '2025-12-01', 4400.00, false)`,
    [ODD_DATES],
  );
  await api.dbs.metrics.pool.query(
    `INSERT INTO sync_rejects (entity, django_id, reason, first_seen_at, last_seen_at, seen_count) VALUES
       ('loans', $1, 'agent_id is NULL (a loan needs an officer)', '2025-12-01T08:00:00Z', '2025-12-03T09:30:00.25Z', 2),
       ('loans', $2, 'end_date 2025-11-01 is before date_disbursed 2025-11-03: kept, computed as given', '2025-12-02T10:00:00Z', '2025-12-02T10:00:00Z', 1),
       ('loan_recompute', $2, $4, '2025-12-04T00:00:00Z', '2025-12-04T00:00:00Z', 1),
       ('loan_recompute', $3, $4, '2025-12-04T00:00:00Z', '2025-12-04T00:00:00Z', 1),
       ('officers', '2', 'user_phone has 37 characters: kept, truncated to 20 (officer_phone varchar(20))', '2025-12-01T08:00:00Z', '2025-12-01T08:00:00Z', 1),
       ('customers', '2', 'phone_number has 32 characters: kept, truncated to 20 (customer_phone varchar(20))', '2025-12-01T08:00:00Z', '2025-12-01T08:00:00Z', 1),
       ('repayments', '700', 'paid_date is NULL: kept, never counted', '2025-12-01T08:00:00Z', '2025-12-01T08:00:00Z', 1),
       -- Reports under other entities with the same ids are not these rows' reports.
       ('repayments', $1, 'not the loan''s report', '2025-12-01T08:00:00Z', '2025-12-01T08:00:00Z', 1),
       ('holiday', '2', 'not the officer''s report', '2025-12-01T08:00:00Z', '2025-12-01T08:00:00Z', 1)`,
    [UNSYNCED, ODD_DATES, SET_ASIDE, RECOMPUTE_FAILED],
  );
  // The repayments' reports name their loan: one copied (700), two the sync did not copy, one of another loan.
  await api.dbs.metrics.pool.query(
    `UPDATE sync_rejects SET loan_id = $1 WHERE entity = 'repayments' AND django_id = '700';
     INSERT INTO sync_rejects (entity, django_id, reason, first_seen_at, last_seen_at, seen_count, loan_id) VALUES
       ('repayments', '1000', 'repayment_amount must be a number between -1e10 and 1e10; got NaN: not copied', '2025-12-02T08:00:00Z', '2025-12-02T08:00:00Z', 1, '${ODD_DATES}'),
       ('repayments', '99', 'updated_at is NULL: kept', '2025-12-02T08:00:00Z', '2025-12-02T08:00:00Z', 1, '${ODD_DATES}'),
       ('repayments', '702', 'another loan''s repayment', '2025-12-02T08:00:00Z', '2025-12-02T08:00:00Z', 1, '${SET_ASIDE}')`.replace('$1', `'${ODD_DATES}'`),
  );
});
afterAll(async () => {
  await api.dbs.drop();
});

it('a loan the sync rejected shows why, beside synced: false; a loan without reports shows none', async () => {
  const data = await api.data(
    `query ($a: ID!, $b: ID!) {
       a: loan(id: $a) { synced currentDpd syncReports { kind reason firstSeenAt lastSeenAt seenCount } }
       b: loan(id: $b) { synced syncReports { kind } }
     }`,
    { a: UNSYNCED, b: String(loanIdOf(1, 5)) },
  );
  expect(data).toEqual({
    a: {
      synced: false,
      currentDpd: null,
      syncReports: [
        { kind: 'ROW', reason: 'agent_id is NULL (a loan needs an officer)', firstSeenAt: '2025-12-01T08:00:00.000Z', lastSeenAt: '2025-12-03T09:30:00.250Z', seenCount: 2 },
      ],
    },
    b: { synced: true, syncReports: [] },
  });
});

it("a loan's own row's report comes before its recompute's", async () => {
  const data = await api.data(`query ($id: ID!) { loan(id: $id) { synced syncReports { kind reason } } }`, { id: ODD_DATES });
  expect(data.loan).toEqual({
    synced: true,
    syncReports: [
      { kind: 'ROW', reason: 'end_date 2025-11-01 is before date_disbursed 2025-11-03: kept, computed as given' },
      { kind: 'RECOMPUTE', reason: RECOMPUTE_FAILED },
    ],
  });
});

it('officers, customers and repayments show their own reports, not those of other entities with the same id', async () => {
  const data = await api.data(
    `query ($loan: ID!) {
       officer(id: "2") { syncReports { reason } }
       other: officer(id: "3") { syncReports { reason } }
       customer(id: "2") { syncReports { reason } }
       loan(id: $loan) { repayments { id counted syncReports { kind reason } } }
     }`,
    { loan: ODD_DATES },
  );
  expect(data).toEqual({
    officer: { syncReports: [{ reason: 'user_phone has 37 characters: kept, truncated to 20 (officer_phone varchar(20))' }] },
    other: { syncReports: [] },
    customer: { syncReports: [{ reason: 'phone_number has 32 characters: kept, truncated to 20 (customer_phone varchar(20))' }] },
    loan: {
      repayments: [
        { id: '701', counted: true, syncReports: [] },
        { id: '700', counted: false, syncReports: [{ kind: 'ROW', reason: 'paid_date is NULL: kept, never counted' }] },
      ],
    },
  });
});

it("a loan shows the reports on its Django repayments, copied or not, in repayment id order, each naming its repayment", async () => {
  const data = await api.data(
    `query ($a: ID!, $b: ID!) { a: loan(id: $a) { repaymentSyncReports { djangoId kind reason } } b: loan(id: $b) { repaymentSyncReports { djangoId } } }`,
    { a: ODD_DATES, b: String(loanIdOf(1, 5)) },
  );
  expect(data).toEqual({
    a: {
      repaymentSyncReports: [
        { djangoId: '99', kind: 'ROW', reason: 'updated_at is NULL: kept' },
        { djangoId: '700', kind: 'ROW', reason: 'paid_date is NULL: kept, never counted' },
        { djangoId: '1000', kind: 'ROW', reason: 'repayment_amount must be a number between -1e10 and 1e10; got NaN: not copied' },
      ],
    },
    b: { repaymentSyncReports: [] },
  });
});

describe('a page of loans asking the reports of each loan, its officer and its customer', () => {
  const PAGE = `query ($first: Int!) {
    loans(first: $first, filter: { regions: ["Ruby", "Sapphire"] }) {
      nodes { id syncReports { kind } officer { id syncReports { kind } } customer { id syncReports { kind } } }
    }
  }`;
  const expected: Record<string, string[]> = { [ODD_DATES]: ['ROW', 'RECOMPUTE'], [SET_ASIDE]: ['RECOMPUTE'] };

  it.each([2, 35])('costs one sync_rejects statement per type, for %i loans', async (first) => {
    const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
    const { result, statements } = await countStatements(pools, () =>
      api.data<{ loans: { nodes: { id: string; syncReports: { kind: string }[] }[] } }>(PAGE, { first }),
    );
    expect(result.loans.nodes).toHaveLength(first);
    expect(statements.metrics!.filter((sql) => sql.includes('FROM sync_rejects'))).toHaveLength(3);
    const shown = result.loans.nodes.map((loan) => [loan.id, loan.syncReports.map((r) => r.kind)]);
    expect(shown).toEqual(result.loans.nodes.map((loan) => [loan.id, expected[loan.id] ?? []]));
    // The whole synced portfolio (35 loans) includes both loans with reports.
    if (first === 35) expect(shown.filter(([, kinds]) => kinds.length > 0)).toHaveLength(2);
  });
});
