/** The dashboard's dropdown values (§6 row 20), worked on a small portfolio with blanks and a hidden officer. */
import { countStatements } from '../../support/databases';
import { createApiHarness, type ApiHarness } from './harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await createApiHarness();
  await api.dbs.djangoWriter.query(`
    INSERT INTO accounts_customuser (id, email, username, user_type) VALUES
      (21, 'z@seeds.test', 'Zainab', 'STAFF_AGENT'), (22, 'b@seeds.test', 'Bayo', NULL), (23, 'l@seeds.test', 'Lotto', 'LOTTO_AGENT'),
      (24, 'n@seeds.test', 'Newbie', 'AGENT')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO officers (officer_id, officer_name, region, branch, user_type) VALUES
      ('21', 'Zainab', 'Ruby', 'YABA', 'STAFF_AGENT'), ('22', 'Bayo', 'Sapphire', 'EPE', NULL), ('23', 'Lotto', 'Opal', 'AGEGE', 'LOTTO_AGENT'),
      ('24', 'Newbie', 'Jade', 'IKEJA', 'AGENT');
    INSERT INTO customers (customer_id, customer_name) VALUES ('1', 'Customer');
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date,
                       maturity_date, loan_term_days, channel, status, django_status, wave, loan_type, verification_status, vertical_lead_email)
    VALUES
      ('1', '1', 'Customer', '21', 'Zainab', 'Ruby',     'YABA',  1000, '2025-11-01', '2025-12-01', 30, 'AJO',     'Active',    'OPEN',          'Wave 2', 'AJO',  'VERIFIED', 'lead@seeds.test'),
      ('2', '1', 'Customer', '21', 'Zainab', 'Ruby',     'SURU',  1000, '2025-11-01', '2025-12-01', 30, 'AJO',     'Defaulted', 'PAST_MATURITY', 'Wave 1', 'BNPL', '',         ''),
      ('3', '1', 'Customer', '22', 'Bayo',   'Sapphire', 'EPE',   1000, '2025-11-01', '2025-12-01', 30, 'PARTNER', 'Closed',    NULL,            'Wave 2', NULL,   'PENDING',  NULL),
      ('4', '1', 'Customer', '23', 'Lotto',  'Opal',     'AGEGE', 1000, '2025-11-01', '2025-12-01', 30, 'LOTTO',   'Active',    'OPEN',          'Wave 1', 'LOTTO', 'HIDDEN',  'hidden-lead@seeds.test')`);
});
afterAll(async () => {
  await api.dbs.drop();
});

describe('filterOptions (§6 row 20)', () => {
  it('lists the distinct non-blank values of the visible officers\' loans, sorted, in one statement', async () => {
    const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ filterOptions: Record<string, unknown> }>(`{ filterOptions {
        branches regions waves channels userTypes statuses djangoStatuses loanTypes verificationStatuses verticalLeadEmails officers { id name } } }`),
    );
    // Officer 23 (LOTTO_AGENT) is not visible: AGEGE, Opal, LOTTO... are not offered, except its loan's vertical lead
    // (that list reads every loan). Officer 24 has no loans: its region is offered, its user type too, not itself.
    expect(result.filterOptions).toEqual({
      branches: ['EPE', 'SURU', 'YABA'],
      regions: ['Jade', 'Ruby', 'Sapphire'],
      waves: ['WAVE_1', 'WAVE_2'],
      channels: ['AJO', 'PARTNER'],
      userTypes: ['AGENT', 'STAFF_AGENT'],
      statuses: ['ACTIVE', 'CLOSED', 'DEFAULTED'],
      djangoStatuses: ['OPEN', 'PAST_MATURITY'],
      loanTypes: ['AJO', 'BNPL'],
      verificationStatuses: ['PENDING', 'VERIFIED'],
      verticalLeadEmails: ['hidden-lead@seeds.test', 'lead@seeds.test'],
      officers: [{ id: '22', name: 'Bayo' }, { id: '21', name: 'Zainab' }],
    });
    expect(counts).toEqual({ django: 1, metrics: 1 });
  });

  it('offers statuses and waves as the loans filter takes them: each one offered picks loans', async () => {
    const { filterOptions } = await api.data<{ filterOptions: { statuses: string[]; waves: string[] } }>(`{ filterOptions { statuses waves } }`);
    for (const status of filterOptions.statuses) {
      const data = await api.data<{ loans: { totalCount: number } }>(`query ($s: [LoanStatus!]) { loans(filter: { statuses: $s }) { totalCount } }`, { s: [status] });
      expect([status, data.loans.totalCount > 0]).toEqual([status, true]);
    }
    for (const wave of filterOptions.waves) {
      const data = await api.data<{ loans: { totalCount: number } }>(`query ($w: [Wave!]) { loans(filter: { waves: $w }) { totalCount } }`, { w: [wave] });
      expect([wave, data.loans.totalCount > 0]).toEqual([wave, true]);
    }
  });

  it('reads only the lists selected; regions narrow branches and officers, branches narrow officers', async () => {
    const { result, statements } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ filterOptions: Record<string, unknown> }>(`{ filterOptions(regions: ["Ruby"], branches: ["SURU"]) { branches channels officers { id } } }`),
    );
    expect(result.filterOptions).toEqual({ branches: ['SURU', 'YABA'], channels: ['AJO', 'PARTNER'], officers: [{ id: '21' }] });
    expect(statements.metrics).toHaveLength(1);
    expect(statements.metrics[0]).not.toMatch(/"userTypes"|"regions"|"verticalLeadEmails"/);
    const none = await api.data<{ filterOptions: { officers: unknown[] } }>(`{ filterOptions(branches: ["NOWHERE"]) { officers { id } } }`);
    expect(none.filterOptions.officers).toEqual([]);
  });
});
