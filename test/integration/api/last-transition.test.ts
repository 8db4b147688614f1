/**
 * The early-indicators drilldown's previous status, days in status and roll direction (DOMAIN.md §6 row 4, which
 * upstream showed as constants) come from each loan's latest recorded bucket move (D7): Loan.lastTransition and
 * the direction of a move.
 */
import { countStatements } from '../../support/databases';
import { createApiHarness, seedOfficerAndBorrower, type ApiHarness } from './harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await createApiHarness();
  await seedOfficerAndBorrower(api.dbs);
  await api.dbs.djangoWriter.query(`
    INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                               is_disbursed, date_disbursed, start_date, end_date, status)
    SELECT id, 31, 1, 100000, 132000, 30, 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'
      FROM unnest(ARRAY[801, 802, 803]) AS id`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                       disbursement_date, maturity_date, loan_term_days, channel, status, current_dpd)
    VALUES ('801', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 5),
           ('802', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 3),
           ('803', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 0);
    -- 801 went 0 → 1-6 → 7-30 and back to 1-6 (inserted out of date order: the latest is the highest id, not the first row);
    -- 802 moved once; 803 never did.
    INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
    VALUES ('801', '31', 'YABA', 'Ruby', '2025-12-01', '0', '1-6', 0, 1, 4400.00),
           ('802', '31', 'YABA', 'Ruby', '2025-12-04', '0', '1-6', 0, 1, 4400.00),
           ('801', '31', 'YABA', 'Ruby', '2025-12-05', '1-6', '7-30', 6, 7, 30800.00),
           ('801', '31', 'YABA', 'Ruby', '2025-12-08', '7-30', '1-6', 7, 5, 22000.00)`);
});
afterAll(async () => {
  await api.dbs.drop();
});

it("a page's loans show their latest move and its direction, from the one batched read their transitions use", async () => {
  const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
  const { result, statements } = await countStatements(pools, () =>
    api.data<{ loans: { nodes: unknown[] } }>(`{
      loans(filter: { ids: ["801", "802", "803"] }, orderBy: { field: ID, direction: ASC }) {
        nodes { id lastTransition { fromBucket toBucket direction transitionDate dpdAfter } transitions { toBucket direction } } } }`),
  );
  expect(result.loans.nodes).toEqual([
    {
      id: '801',
      lastTransition: { fromBucket: 'DPD_7_30', toBucket: 'DPD_1_6', direction: 'IMPROVING', transitionDate: '2025-12-08', dpdAfter: 5 },
      transitions: [
        { toBucket: 'DPD_1_6', direction: 'IMPROVING' },
        { toBucket: 'DPD_7_30', direction: 'WORSENING' },
        { toBucket: 'DPD_1_6', direction: 'WORSENING' },
      ],
    },
    {
      id: '802',
      lastTransition: { fromBucket: 'CURRENT', toBucket: 'DPD_1_6', direction: 'WORSENING', transitionDate: '2025-12-04', dpdAfter: 1 },
      transitions: [{ toBucket: 'DPD_1_6', direction: 'WORSENING' }],
    },
    { id: '803', lastTransition: null, transitions: [] },
  ]);
  expect(statements.metrics!.filter((sql) => sql.includes('FROM dpd_transitions'))).toHaveLength(1);
});

it('loan(id) and the transitions history show the same direction', async () => {
  const data = await api.data<{ loan: unknown; dpdTransitions: { nodes: unknown[] } }>(`{
    loan(id: "801") { lastTransition { fromBucket toBucket direction } }
    dpdTransitions(filter: { officerIds: ["31"] }, first: 10) { nodes { loan { id } fromBucket toBucket direction } } }`);
  expect(data.loan).toEqual({ lastTransition: { fromBucket: 'DPD_7_30', toBucket: 'DPD_1_6', direction: 'IMPROVING' } });
  expect(data.dpdTransitions.nodes).toEqual([
    { loan: { id: '801' }, fromBucket: 'CURRENT', toBucket: 'DPD_1_6', direction: 'WORSENING' },
    { loan: { id: '802' }, fromBucket: 'CURRENT', toBucket: 'DPD_1_6', direction: 'WORSENING' },
    { loan: { id: '801' }, fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', direction: 'WORSENING' },
    { loan: { id: '801' }, fromBucket: 'DPD_7_30', toBucket: 'DPD_1_6', direction: 'IMPROVING' },
  ]);
});
