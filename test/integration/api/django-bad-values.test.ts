/**
 * Django amounts that have no exact decimal (NaN, ±Infinity, 1e13 or more) on loans seedsmetrics already holds (an
 * edit in Django after the sync copied them): each costs only its own field, never the loan, its page or its officer.
 */
import { createApiHarness, seedOfficerAndBorrower, type ApiHarness } from './harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await createApiHarness();
  await seedOfficerAndBorrower(api.dbs);
  await api.dbs.djangoWriter.query(`
    INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                               is_disbursed, date_disbursed, start_date, end_date, status)
    VALUES (801, 31, 1, 100000, 132000, 30, 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (802, 31, 1, 100000, 132000, 'NaN', 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (803, 31, 1, 1e14, 132000, 'Infinity', 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (804, 31, 1, 100000, '-Infinity', 30, 'NaN', 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (805, 31, 1, 9999999999999.99, 132000, 30, 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                       disbursement_date, maturity_date, loan_term_days, channel, status, current_dpd)
    SELECT id, '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 4
      FROM unnest(ARRAY['801', '802', '803', '804', '805']) AS id`);
});
afterAll(async () => {
  await api.dbs.drop();
});

const AMOUNTS = 'id amount repaymentAmount interestRate fee';

it('a loan page shows null for each amount Django cannot express as a decimal, and every other field and loan as usual', async () => {
  const data = await api.data<{ loans: { totalCount: number; nodes: unknown[] } }>(`{
    loans(filter: { visibleOfficersOnly: false }, orderBy: { field: ID, direction: ASC }) { totalCount nodes { ${AMOUNTS} currentDpd } } }`);
  expect(data.loans).toEqual({
    totalCount: 5,
    nodes: [
      { id: '801', amount: '100000.00', repaymentAmount: '132000.00', interestRate: '0.3000', fee: '2000.00', currentDpd: 4 },
      { id: '802', amount: '100000.00', repaymentAmount: '132000.00', interestRate: null, fee: '2000.00', currentDpd: 4 },
      { id: '803', amount: null, repaymentAmount: '132000.00', interestRate: null, fee: '2000.00', currentDpd: 4 },
      { id: '804', amount: '100000.00', repaymentAmount: null, interestRate: '0.3000', fee: null, currentDpd: 4 },
      { id: '805', amount: '9999999999999.99', repaymentAmount: '132000.00', interestRate: '0.3000', fee: '2000.00', currentDpd: 4 },
    ],
  });
});

it("an officer's loans, and one loan by id, are answered whatever fields are asked", async () => {
  const data = await api.data<{ officer: { loans: { nodes: unknown[] } }; loan: unknown }>(`{
    officer(id: "31") { name loans(first: 10, orderBy: { field: ID, direction: ASC }) { nodes { id currentDpd } } }
    loan(id: "803") { ${AMOUNTS} status } }`);
  expect(data.officer).toEqual({ name: 'Amaka', loans: { nodes: ['801', '802', '803', '804', '805'].map((id) => ({ id, currentDpd: 4 })) } });
  expect(data.loan).toEqual({ id: '803', amount: null, repaymentAmount: '132000.00', interestRate: null, fee: '2000.00', status: 'ACTIVE' });
});

describe("NULL where Django's column allows none (a row written around Django), on rows seedsmetrics already holds", () => {
  beforeAll(async () => {
    await api.dbs.djangoWriter.query(`
      ALTER TABLE loans_ajoloan ALTER status DROP NOT NULL, ALTER loan_type DROP NOT NULL, ALTER tenor_in_days DROP NOT NULL, ALTER is_disbursed DROP NOT NULL;
      ALTER TABLE accounts_customuser ALTER email DROP NOT NULL;
      ALTER TABLE ajo_ajouser ALTER phone_number DROP NOT NULL;
      INSERT INTO accounts_customuser (id, email, username, user_type) VALUES (32, NULL, NULL, 'STAFF_AGENT');
      INSERT INTO ajo_ajouser (id, first_name, last_name, phone_number) VALUES (2, 'Chi', NULL, NULL);
      INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                                 is_disbursed, date_disbursed, start_date, end_date, status, loan_type)
      VALUES (806, 32, 2, 100000, 132000, 30, 2000, NULL, NULL, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', NULL, NULL)`);
    await api.dbs.metrics.pool.query(`
      INSERT INTO officers (officer_id, officer_name, region, branch, user_type) VALUES ('32', 'Officer 32', 'Ruby', 'YABA', 'STAFF_AGENT');
      INSERT INTO customers (customer_id, customer_name) VALUES ('2', 'Customer 2');
      INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                         disbursement_date, maturity_date, loan_term_days, channel, status, current_dpd)
      VALUES ('806', '2', 'Customer 2', '32', 'Officer 32', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 4)`);
  });

  it('a loan page shows null for each such field (a name named after the id), and the other loans as usual', async () => {
    const data = await api.data<{ loans: unknown }>(`{
      loans(filter: { ids: ["801", "806"], visibleOfficersOnly: false }, orderBy: { field: ID, direction: ASC }) {
        totalCount nodes { id status djangoStatus loanType tenorDays tenureMonths isDisbursed currentDpd officer { id name email } customer { id name phone } } } }`);
    expect(data.loans).toEqual({
      totalCount: 2,
      nodes: [
        {
          id: '801', status: 'ACTIVE', djangoStatus: 'OPEN', loanType: 'AJO', tenorDays: 30, tenureMonths: 1, isDisbursed: true, currentDpd: 4,
          officer: { id: '31', name: 'Amaka', email: 'a@seeds.test' }, customer: { id: '1', name: 'Bola Ade', phone: '07000000001' },
        },
        {
          id: '806', status: 'ACTIVE', djangoStatus: null, loanType: null, tenorDays: null, tenureMonths: null, isDisbursed: null, currentDpd: 4,
          officer: { id: '32', name: 'Officer 32', email: null }, customer: { id: '2', name: 'Customer 2', phone: null },
        },
      ],
    });
  });

  it('the officer and customer lists show them among the others', async () => {
    const data = await api.data<{ officers: unknown; customers: unknown }>(`{
      officers(filter: { ids: ["31", "32"] }, orderBy: { field: ID }) { nodes { id name email } }
      customers(filter: { ids: ["1", "2"] }) { nodes { id name phone } } }`);
    expect(data).toEqual({
      officers: { nodes: [{ id: '31', name: 'Amaka', email: 'a@seeds.test' }, { id: '32', name: 'Officer 32', email: null }] },
      customers: { nodes: [{ id: '1', name: 'Bola Ade', phone: '07000000001' }, { id: '2', name: 'Customer 2', phone: null }] },
    });
  });
});
