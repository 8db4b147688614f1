/**
 * Values the API returns match direct SQL over both databases: base fields from Django, computed fields from
 * seedsmetrics, a loan not yet synced (computed fields null), officer metrics worked by hand (§4.4), the loans
 * summary (§4.6), repayments with their counted/reversed flags, DPD history and transitions.
 */
import { DpdBucket } from '../../../resolvers/enums';
import { countStatements } from '../../support/databases';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;

const LOAN_FIELDS = `id amount repaymentAmount interestRate fee tenorDays disbursedAt firstDueDate maturityDate status djangoStatus
  performanceStatus loanType verificationStatus isDisbursed synced computedAsOf region branch verticalLeadName verticalLeadEmail
  channel wave currentDpd previousDpd dpdChange maxDpdEver dpdBucket firstPaymentMissed firstPaymentReceivedDate lastPaymentDate
  principalOutstanding interestOutstanding feesOutstanding totalOutstanding actualOutstanding totalPrincipalPaid totalInterestPaid
  totalFeesPaid totalRepayments repaymentsToday fimrTagged earlyIndicatorTagged daysSinceLastRepayment daysSinceDue loanAge dailyRepaymentAmount
  repaymentDaysPaid repaymentDaysDueToday realLoanTenureDays businessDaysSinceDisbursement repaymentDelayRate timelinessScore
  repaymentHealth officer { id } customer { id }`;

const STATUS: Record<string, string> = {
  OPEN: 'ACTIVE',
  OPEN_TO_SUPERVISOR: 'ACTIVE',
  PAST_MATURITY: 'DEFAULTED',
  COMPLETED: 'CLOSED',
  NOT_TAKEN: 'CANCELLED',
  REJECTED: 'REJECTED',
};

/** The API's name of a bucket seedsmetrics stores as text ('1-6' is DPD_1_6). */
const bucketName = (stored: string): string => Object.entries(DpdBucket).find(([, text]) => text === stored)![0];

beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 4, loansPerOfficer: 6, customers: 10, unsyncedLoanIds: [2006] });
  // Officer 900 with three loans worked by hand below, and a user Django has but seedsmetrics does not curate.
  await api.dbs.djangoWriter.query(`
    INSERT INTO accounts_customuser (id, email, username, user_phone, user_branch, user_type, performance_status, date_joined)
    VALUES (900, 'ada@seeds.test', NULL, '08099990000', 'Yaba Office', 'STAFF_AGENT', 'Active', '2025-09-30 23:30:00+00'),
           (901, 'new@seeds.test', 'newbie', NULL, 'Epe Office', 'AGENT', NULL, '2025-10-02 10:00:00+00');
    INSERT INTO ajo_ajouser (id, first_name, last_name, phone_number, bvn_verified, onboarding_verified)
    VALUES (90, 'Bola', 'Ade', '07000000090', true, true);
    INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                               is_disbursed, date_disbursed, start_date, end_date, status, performance_status, loan_type)
    VALUES (9001, 900, 90, 100000, 132000, 30, 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN', 'PERFORMING', 'AJO'),
           (9002, 900, 90, 50000, 57500, 15, 0, 30, true, '2025-10-01 09:00:00+00', '2025-10-02', '2025-11-12', 'PAST_MATURITY', NULL, 'AJO'),
           (9003, 900, 90, 10000, 12500, 20, 500, 30, true, '2025-11-20 09:00:00+00', '2025-11-21', '2026-01-01', 'OPEN', 'PERFORMING', 'BNPL'),
           (9004, 900, 90, 20000.5, 26000.65, 30, 0, 30, true, '2025-12-09 09:00:00+00', '2025-12-10', '2026-01-21', 'OPEN', NULL, 'AJO')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO officers (officer_id, officer_name, officer_email, region, branch, user_type, supervisor_name, vertical_lead_name, vertical_lead_email)
    VALUES ('900', 'ada@seeds.test', 'ada@seeds.test', 'Emerald', 'YABA', 'STAFF_AGENT', 'Sade Supervisor', 'Tunde Lead', 'tunde@seeds.test');
    INSERT INTO customers (customer_id, customer_name) VALUES ('90', 'Bola Ade');
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                       disbursement_date, first_payment_due_date, maturity_date, loan_term_days, interest_rate, fee_amount, channel, status,
                       django_status, performance_status, wave, current_dpd, previous_dpd, max_dpd_ever, dpd_bucket, fimr_tagged,
                       early_indicator_tagged, principal_outstanding, interest_outstanding, fees_outstanding, total_outstanding,
                       actual_outstanding, total_repayments, days_since_last_repayment, loan_age, timeliness_score, repayment_health,
                       daily_repayment_amount, repayment_delay_rate, computed_as_of)
    VALUES ('9001', '90', 'Bola Ade', '900', 'ada', 'Emerald', 'YABA', 100000, 132000, '2025-11-03', '2025-11-04', '2025-12-15', 30, 0.3, 2000,
            'AJO', 'Active', 'OPEN', 'PERFORMING', 'Wave 1', 4, 2, 9, '1-6', false, true, 54545.45, 16363.64, 1090.91, 72000, 58800, 60000,
            2, 37, 85, 70, 4400, 18.92, '2025-12-10'),
           ('9002', '90', 'Bola Ade', '900', 'ada', 'Emerald', 'YABA', 50000, 57500, '2025-10-01', '2025-10-02', '2025-11-12', 30, 0.15, NULL,
            'AJO', 'Defaulted', 'PAST_MATURITY', NULL, 'Wave 1', 20, 19, 20, '7-30', true, false, 18083.33, 7500, 0, 25583.33, 25583.33,
            31916.67, 10, 70, 55, 40, 1916.67, 34.29, '2025-12-10'),
           ('9003', '90', 'Bola Ade', '900', 'ada', 'Emerald', 'YABA', 10000, 12500, '2025-11-20', '2025-11-21', '2026-01-01', 30, 0.2, 500,
            'AJO', 'Active', 'OPEN', 'PERFORMING', 'Wave 2', 0, 0, 0, '0', false, false, 4000, 500, 200, 5000, 0, 7500,
            1, 20, 95, 90, 416.67, 97.5, '2025-12-10')`);
  // Repayments of loan 9001: two counted today, one reversal and one unapplied row (never counted, D3).
  const client = await api.dbs.metrics.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    await client.query(`
      INSERT INTO repayments (repayment_id, loan_id, payment_date, payment_amount, payment_method, marked_as, applied_to_loan, is_reversed)
      VALUES ('501', '9001', business_today(), 4400.00, 'AGENT_DEBIT', NULL, NULL, false),
             ('502', '9001', business_today() - 1, 2000.00, 'TRANSFER', NULL, true, false),
             ('503', '9001', business_today(), 1000.00, 'TRANSFER', 'REVERSAL', false, true),
             ('504', '9003', business_today(), 300.00, NULL, NULL, false, false),
             ('1000', '9003', business_today() - 2, 100.00, 'CASH', NULL, NULL, false),
             ('1001', '9003', business_today() - 40, 50.00, 'CASH', 'reversal', NULL, false)`);
    await client.query(`
      INSERT INTO loan_dpd_daily (loan_id, snapshot_date, current_dpd, dpd_bucket, principal_outstanding, actual_outstanding)
      VALUES ('9001', '2025-12-08', 2, '1-6', 60000, 50000), ('9001', '2025-12-09', 3, '1-6', 58000, 54400), ('9001', '2025-12-10', 4, '1-6', 54545.45, 58800)`);
    await client.query(`
      INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
      VALUES ('9001', '900', 'YABA', 'Emerald', '2025-12-05', '0', '1-6', 0, 1, 4400.00)`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
});
afterAll(async () => {
  await api.dbs.drop();
});

describe('a loan', () => {
  it('shows Django base fields and seedsmetrics computed fields exactly as direct SQL reads them', async () => {
    const sample = ['1001', '1004', '2003', '3006', '4002', '9001', '9002'];
    const { rows: django } = await api.dbs.djangoWriter.query(
      `SELECT id::text, round(amount::numeric, 2)::text AS amount, round(repayment_amount::numeric, 2)::text AS repayment_amount,
              round(interest_rate::numeric / 100, 4)::text AS rate, round(processing_fee::numeric, 2)::text AS fee, tenor_in_days,
              to_char(date_disbursed AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS disbursed_at,
              start_date::text, end_date::text, status, performance_status, loan_type, verification_stage, agent_id::text, borrower_id::text
         FROM loans_ajoloan WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [sample],
    );
    const { rows: metrics } = await api.dbs.metrics.pool.query(
      `SELECT loan_id, current_dpd, previous_dpd, max_dpd_ever, dpd_bucket, principal_outstanding::text, actual_outstanding::text,
              total_outstanding::text, total_repayments::text, fimr_tagged, early_indicator_tagged, days_since_last_repayment,
              repayment_delay_rate::text, wave, region, branch, daily_repayment_amount::text, timeliness_score::text
         FROM loans WHERE loan_id = ANY($1::text[])`,
      [sample],
    );
    expect(django).toHaveLength(sample.length);
    for (const d of django) {
      const { loan } = await api.data<{ loan: Record<string, any> }>(`query ($id: ID!) { loan(id: $id) { ${LOAN_FIELDS} } }`, { id: d.id });
      expect(loan).toMatchObject({
        id: d.id,
        amount: d.amount,
        repaymentAmount: d.repayment_amount,
        interestRate: d.rate,
        fee: d.fee,
        tenorDays: d.tenor_in_days,
        disbursedAt: d.disbursed_at,
        firstDueDate: d.start_date,
        maturityDate: d.end_date,
        status: STATUS[d.status],
        djangoStatus: d.status,
        performanceStatus: d.performance_status,
        loanType: d.loan_type,
        verificationStatus: d.verification_stage,
        officer: { id: d.agent_id },
        customer: { id: d.borrower_id },
        synced: true,
      });
      const m = metrics.find((r) => r.loan_id === d.id)!;
      expect(loan).toMatchObject({
        currentDpd: m.current_dpd,
        previousDpd: m.previous_dpd,
        dpdChange: m.current_dpd - (m.previous_dpd ?? 0),
        maxDpdEver: m.max_dpd_ever,
        dpdBucket: bucketName(m.dpd_bucket),
        principalOutstanding: m.principal_outstanding,
        actualOutstanding: m.actual_outstanding,
        totalOutstanding: m.total_outstanding,
        totalRepayments: m.total_repayments,
        fimrTagged: m.fimr_tagged,
        earlyIndicatorTagged: m.early_indicator_tagged,
        daysSinceLastRepayment: m.days_since_last_repayment,
        repaymentDelayRate: m.repayment_delay_rate,
        wave: m.wave === 'Wave 1' ? 'WAVE_1' : 'WAVE_2',
        region: m.region,
        branch: m.branch,
        dailyRepaymentAmount: m.daily_repayment_amount,
        timelinessScore: m.timeliness_score,
      });
    }
  });

  it('reads Django float money as exact decimals (no binary float reaches the API)', async () => {
    const { loan } = await api.data<{ loan: Record<string, unknown> }>(`{ loan(id: "9004") { amount repaymentAmount interestRate fee } }`);
    expect(loan).toEqual({ amount: '20000.50', repaymentAmount: '26000.65', interestRate: '0.3000', fee: '0.00' });
    const { loan: seeded } = await api.data<{ loan: Record<string, unknown> }>(`{ loan(id: "1003") { amount repaymentAmount } }`);
    // Django stores 53000.1 and 70900.13 as float8.
    expect(seeded).toEqual({ amount: '53000.10', repaymentAmount: '70900.13' });
  });

  it('not yet synced: base fields from Django, every computed field null, no error', async () => {
    const result = await api.run<{ loan: Record<string, unknown> }>(`{ loan(id: "9004") { ${LOAN_FIELDS} } }`);
    expect(result.errors).toBeUndefined();
    const loan = result.data!.loan;
    expect(loan).toMatchObject({ id: '9004', amount: '20000.50', status: 'ACTIVE', djangoStatus: 'OPEN', synced: false, officer: { id: '900' }, customer: { id: '90' } });
    for (const field of ['currentDpd', 'previousDpd', 'dpdChange', 'maxDpdEver', 'dpdBucket', 'principalOutstanding', 'actualOutstanding', 'totalOutstanding',
      'totalRepayments', 'repaymentsToday', 'fimrTagged', 'earlyIndicatorTagged', 'wave', 'region', 'branch', 'repaymentDelayRate', 'computedAsOf']) {
      expect(loan[field]).toBeNull();
    }
    const seeded = await api.data<{ loan: { synced: boolean; currentDpd: null; amount: string } }>(`{ loan(id: "2006") { synced currentDpd amount } }`);
    expect(seeded.loan).toEqual({ synced: false, currentDpd: null, amount: '56000.10' });
  });

  it('not yet synced loans are not in lists yet (lists are chosen in seedsmetrics)', async () => {
    const data = await api.data<{ officer: { loans: { totalCount: number; nodes: { id: string }[] } } }>(
      `{ officer(id: "900") { loans { totalCount nodes { id } } } }`,
    );
    expect(data.officer.loans.nodes.map((n) => n.id)).toEqual(['9003', '9001', '9002']);
    expect(data.officer.loans.totalCount).toBe(3);
  });

  it('unknown ids give null', async () => {
    expect(await api.data(`{ loan(id: "777777") { id } officer(id: "777777") { id } customer(id: "777777") { id } }`)).toEqual({ loan: null, officer: null, customer: null });
  });

  it('lists repayments newest first with counted and reversed flags (D3), DPD history and transitions', async () => {
    const data = await api.data<{ loan: Record<string, any> }>(
      `{ loan(id: "9001") { repayments { id amount paymentMethod markedAs appliedToLoan reversed counted }
          dpdHistory(last: 2) { date currentDpd dpdBucket principalOutstanding actualOutstanding }
          transitions { fromBucket toBucket dpdBefore dpdAfter outstandingBalance transitionDate officerId branch } } }`,
    );
    const ids = data.loan.repayments.map((r: { id: string }) => r.id);
    expect(ids.slice(2)).toEqual(['502']);
    expect(new Set(ids.slice(0, 2))).toEqual(new Set(['501', '503']));
    expect(data.loan.repayments.find((r: { id: string }) => r.id === '503')).toEqual({
      id: '503', amount: '1000.00', paymentMethod: 'TRANSFER', markedAs: 'REVERSAL', appliedToLoan: false, reversed: true, counted: false,
    });
    expect(data.loan.repayments.find((r: { id: string }) => r.id === '501')).toMatchObject({ amount: '4400.00', reversed: false, counted: true });
    // Today: 501 (4400, counted); 503 is a reversal dated today and is not counted.
    const today = await api.data<{ loan: { repaymentsToday: string } }>(`{ loan(id: "9001") { repaymentsToday } l2: loan(id: "9002") { repaymentsToday } }`);
    expect(today).toEqual({ loan: { repaymentsToday: '4400.00' }, l2: { repaymentsToday: '0.00' } });
    expect(data.loan.dpdHistory).toEqual([
      { date: '2025-12-10', currentDpd: 4, dpdBucket: 'DPD_1_6', principalOutstanding: '54545.45', actualOutstanding: '58800.00' },
      { date: '2025-12-09', currentDpd: 3, dpdBucket: 'DPD_1_6', principalOutstanding: '58000.00', actualOutstanding: '54400.00' },
    ]);
    expect(data.loan.transitions).toEqual([
      { fromBucket: 'CURRENT', toBucket: 'DPD_1_6', dpdBefore: 0, dpdAfter: 1, outstandingBalance: '4400.00', transitionDate: '2025-12-05', officerId: '900', branch: 'YABA' },
    ]);
    const other = await api.data<{ loan: { repayments: { id: string; counted: boolean }[] } }>(`{ loan(id: "9003") { repayments { id counted } } }`);
    // Same day: the larger numeric id first ('1000' after '504' in text order would be wrong).
    expect(other.loan.repayments).toEqual([{ id: '504', counted: false }, { id: '1000', counted: true }, { id: '1001', counted: true }]);
    // D3's reversal is marked_as 'REVERSAL' as Django writes it: a lower-case marking is neither counted out nor shown as one.
    const marked = await api.data<{ loan: { repayments: { id: string; markedAs: string; reversed: boolean; counted: boolean }[] } }>(
      `{ loan(id: "9003") { repayments { id markedAs reversed counted } } }`,
    );
    expect(marked.loan.repayments.find((r) => r.id === '1001')).toEqual({ id: '1001', markedAs: 'reversal', reversed: false, counted: true });
  });

  it("a list's repaymentsToday is read for the whole page in one statement, each loan's as its own lookup shows it", async () => {
    const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
    const { result, statements } = await countStatements(pools, () =>
      api.data<{ officer: { loans: { nodes: { id: string; repaymentsToday: string }[] } } }>(`{ officer(id: "900") { loans { nodes { id repaymentsToday } } } }`),
    );
    const nodes = result.officer.loans.nodes;
    expect(nodes.map((n) => n.id)).toEqual(['9003', '9001', '9002']);
    for (const node of nodes) {
      const own = await api.data<{ loan: { repaymentsToday: string } }>(`{ loan(id: "${node.id}") { repaymentsToday } }`);
      expect(node.repaymentsToday).toBe(own.loan.repaymentsToday);
    }
    expect(nodes.find((n) => n.id === '9001')!.repaymentsToday).toBe('4400.00');
    expect(statements.metrics!.filter((sql) => sql.includes('FROM repayments r'))).toHaveLength(1);
    // One loan by id showing only it reads it alone: no seedsmetrics loan row besides.
    const single = await countStatements(pools, () => api.data(`{ loan(id: "9001") { id repaymentsToday } }`));
    expect(single.result).toEqual({ loan: { id: '9001', repaymentsToday: '4400.00' } });
    expect(single.counts).toEqual({ django: 1, metrics: 1 });
  });

  it("when today's repayments cannot be read, a list's loans still show, each reporting the error on its repaymentsToday", async () => {
    await api.dbs.metrics.pool.query(`ALTER TABLE repayments RENAME TO repayments_gone`);
    try {
      const result = await api.run<{ officer: { loans: { nodes: unknown[] } } }>(`{ officer(id: "900") { loans { nodes { id repaymentsToday } } } }`);
      expect(result.data?.officer.loans.nodes).toEqual(['9003', '9001', '9002'].map((id) => ({ id, repaymentsToday: null })));
      expect(result.errors?.map((e) => [e.message, e.path])).toEqual(
        [0, 1, 2].map((i) => ['relation "repayments" does not exist', ['officer', 'loans', 'nodes', i, 'repaymentsToday']]),
      );
    } finally {
      await api.dbs.metrics.pool.query(`ALTER TABLE repayments_gone RENAME TO repayments`);
    }
  });
});

describe('an officer', () => {
  it('has live Django base fields and the curated hierarchy (D12)', async () => {
    const { officer } = await api.data<{ officer: Record<string, unknown> }>(
      `{ officer(id: "900") { id name email phone userType employmentStatus hireDate region branch supervisorName supervisorEmail verticalLeadName verticalLeadEmail } }`,
    );
    expect(officer).toEqual({
      id: '900', name: 'ada@seeds.test', email: 'ada@seeds.test', phone: '08099990000', userType: 'STAFF_AGENT', employmentStatus: 'Active',
      // 2025-09-30 23:30 UTC is 2025-10-01 in Lagos.
      hireDate: '2025-10-01', region: 'Emerald', branch: 'YABA', supervisorName: 'Sade Supervisor', supervisorEmail: null,
      verticalLeadName: 'Tunde Lead', verticalLeadEmail: 'tunde@seeds.test',
    });
  });

  it("falls back to Django's branch and the region it names, as the sync would write them, when seedsmetrics has no row for the officer", async () => {
    const { officer } = await api.data<{ officer: Record<string, unknown> }>(`{ officer(id: "901") { name employmentStatus region branch verticalLeadName } }`);
    expect(officer).toEqual({ name: 'newbie', employmentStatus: 'Inactive', region: 'Nigeria', branch: 'Epe Office', verticalLeadName: null });
    await api.dbs.djangoWriter.query(`INSERT INTO accounts_customuser (id, email, user_branch, user_type) VALUES (902, 'abuja@seeds.test', 'Abuja Wuse', 'AGENT'), (903, 'none@seeds.test', NULL, 'AGENT')`);
    try {
      const { abuja, none } = await api.data<Record<string, unknown>>(`{ abuja: officer(id: "902") { region branch } none: officer(id: "903") { region branch } }`);
      expect([abuja, none]).toEqual([{ region: 'FCT', branch: 'Abuja Wuse' }, { region: 'Unassigned', branch: 'Unassigned' }]);
      // Region alone reads Django's branch too, once it finds no row in seedsmetrics (a synced officer's needs no Django read).
      expect(await api.data(`{ officer(id: "902") { region } }`)).toEqual({ officer: { region: 'FCT' } });
    } finally {
      await api.dbs.djangoWriter.query(`DELETE FROM accounts_customuser WHERE id IN (902, 903)`);
    }
  });

  it('has the portfolio metrics of §4.4 worked by hand', async () => {
    // Loans 9001 (DPD 4), 9002 (DPD 20, FIMR, fee NULL), 9003 (DPD 0); out3 = 72000.00, 25583.33, 4700.00 (all "live").
    // feesCollected = 60000·2000/132000 + 0 (fee NULL) + 7500·500/12500 = 909.0909… + 300 = 1209.09
    // interestCollected = 60000·30000/132000 + 0 + 7500·2000/12500 = 13636.36… + 1200 = 14836.36
    // totalPortfolio = 54545.45 + 18083.33 + 4000 = 76628.78; overdue15d = 18083.33 (9002)
    // fimr = 1/3; slippage = 54545.45/102283.33; roll = 18083.33/54545.45; frr = 1209.09…/2500
    // ayr = 16045.45…/76628.78; RDR = (1 − (13/3)/(127/3)/0.25)·100 = 59.06; Pdr = (1 − 0.5906)·0.4
    // riskScoreNorm = 1 − 0.2·porr − 0.15·fimr − 0.1·roll − Pdr − 0.15·(1 − ayr) = 0.58727927 → riskScore 58, Amber
    // dqi = trunc((0.5·0.5873 + 0.35·(1 − 0.5333) + 0.15·(2/3))·100) = 55
    const { officer } = await api.data<{ officer: { portfolio: Record<string, unknown> } }>(`{ officer(id: "900") { portfolio {
      firstMiss disbursed dpd1to6Balance amountDue7d movedTo7to30 feesCollected interestCollected feesDue overdue15d totalPortfolio
      activeLoansCount avgTimelinessScore avgRepaymentHealth avgDaysSinceLastRepayment avgLoanAge
      fimr slippage roll frr ayr yield porr par15 par30 par60 par90 par30Amount onTimeRate channelPurity repaymentDelayRate riskScoreNorm riskScore riskBand dqi } } }`);
    expect(officer.portfolio).toEqual({
      firstMiss: 1, disbursed: 3, dpd1to6Balance: '54545.45', amountDue7d: '102283.33', movedTo7to30: '18083.33', feesCollected: '1209.09',
      interestCollected: '14836.36', feesDue: '2500.00', overdue15d: '18083.33', totalPortfolio: '76628.78', activeLoansCount: 3,
      avgTimelinessScore: '78.33', avgRepaymentHealth: '66.67', avgDaysSinceLastRepayment: '4.33', avgLoanAge: '42.33',
      fimr: '0.33333333', slippage: '0.53327800', roll: '0.33152774', frr: '0.48363636', ayr: '0.20939201', yield: '16045.45',
      porr: '0.23598614', par15: '0.23598614', par30: '0.00000000', par60: '0.00000000', par90: '0.00000000', par30Amount: '0.00',
      onTimeRate: '0.46672200', channelPurity: '1.00000000', repaymentDelayRate: '59.06', riskScoreNorm: '0.58727927', riskScore: 58,
      riskBand: 'Amber', dqi: 55,
    });
  });

  it('shows the same hierarchy and portfolio when both are asked (one statement) as when each is asked alone', async () => {
    const hierarchy = 'region branch supervisorName supervisorEmail verticalLeadName verticalLeadEmail';
    const portfolio = `portfolio { firstMiss disbursed totalPortfolio overdue15d activeLoansCount fimr slippage ayr par15 riskScore riskBand dqi }`;
    const shown: Record<string, Record<string, unknown>> = {};
    for (const id of ['900', '901']) {
      const both = await api.data<{ officer: Record<string, unknown> }>(`{ officer(id: "${id}") { ${hierarchy} ${portfolio} } }`);
      const alone = await api.data<{ officer: Record<string, unknown> }>(`{ officer(id: "${id}") { ${hierarchy} } }`);
      const metricsAlone = await api.data<{ officer: Record<string, unknown> }>(`{ officer(id: "${id}") { ${portfolio} } }`);
      expect(both.officer).toEqual({ ...alone.officer, ...metricsAlone.officer });
      shown[id] = both.officer;
    }
    expect(shown['900']).toMatchObject({ region: 'Emerald', verticalLeadName: 'Tunde Lead', portfolio: { disbursed: 3, fimr: '0.33333333', riskBand: 'Amber' } });
    // 901 has neither a hierarchy row nor loans: Django's branch and the region it names, and zeros.
    expect(shown['901']).toMatchObject({ region: 'Nigeria', branch: 'Epe Office', portfolio: { disbursed: 0, totalPortfolio: '0.00', fimr: '0.00000000' } });
  });

  it('restricts the portfolio to one wave', async () => {
    const { officer } = await api.data<{ officer: { portfolio: Record<string, unknown> } }>(`{ officer(id: "900") { portfolio(wave: WAVE_2) { disbursed totalPortfolio firstMiss } } }`);
    expect(officer.portfolio).toEqual({ disbursed: 1, totalPortfolio: '4000.00', firstMiss: 0 });
  });

  it('lists top-risk loans with the §4.6 score', async () => {
    // 9001: DPD 4 → 10, outstanding 72000 → 5, max DPD 9 → 0, age 37 ≤ 60 with DPD > 0 → 3: 18, Low.
    // 9003: DPD 0, outstanding 5000 → 5: 5. 9002 is Defaulted (not Active) and left out.
    const { officer } = await api.data<{ officer: { topRiskLoans: unknown[] } }>(`{ officer(id: "900") { topRiskLoans(limit: 5) { riskScore riskCategory loan { id currentDpd } } } }`);
    expect(officer.topRiskLoans).toEqual([
      { riskScore: 18, riskCategory: 'Low', loan: { id: '9001', currentDpd: 4 } },
      { riskScore: 5, riskCategory: 'Low', loan: { id: '9003', currentDpd: 0 } },
    ]);
  });
});

describe('the loans summary', () => {
  it('aggregates the filtered loans and their counted repayments (§4.6)', async () => {
    const data = await api.data<{ loans: { totalCount: number; summary: Record<string, unknown> } }>(
      `{ loans(filter: { officerIds: ["900"], period: LAST_7_DAYS }) { totalCount summary {
          totalLoans totalPortfolioAmount atRiskCount atRiskAmount atRiskActualOutstanding atRiskPercentage totalAmountInDpd criticalCount
          criticalPercentage delayExcellentCount delayOkayCount delayCriticalCount totalDueForToday performingLoansCount
          performingActualOutstanding totalRepaymentsInPeriod totalRepaymentsYesterday missedRepaymentsToday missedRepaymentsTodayCount
          repaymentsByDjangoStatus { djangoStatus amount } } } }`,
    );
    expect(data.loans.totalCount).toBe(3);
    expect(data.loans.summary).toEqual({
      totalLoans: 3,
      totalPortfolioAmount: '160000.00',
      atRiskCount: 1, // 9002, DPD 20 > 14
      atRiskAmount: '50000.00',
      atRiskActualOutstanding: '25583.33',
      atRiskPercentage: '33.33',
      totalAmountInDpd: '84383.33', // 58800 + 25583.33
      criticalCount: 0,
      criticalPercentage: '0.00',
      delayExcellentCount: 1, // 97.5
      delayOkayCount: 0,
      delayCriticalCount: 2, // 18.92, 34.29
      totalDueForToday: '6316.67', // 4400 + 1916.67 (loans in arrears)
      performingLoansCount: 2,
      performingActualOutstanding: '58800.00',
      totalRepaymentsInPeriod: '6500.00', // 4400 today + 2000 yesterday + 100 two days ago; 503 and 504 not counted
      totalRepaymentsYesterday: '2000.00',
      missedRepaymentsToday: '1916.67', // 9002 is in arrears with nothing today
      missedRepaymentsTodayCount: 1,
      repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '6500.00' }],
    });
  });
  it('reads only the loans when a query asks no repayment total, with the same loan aggregates', async () => {
    const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
    const aggregates = 'totalLoans totalPortfolioAmount atRiskCount atRiskPercentage totalAmountInDpd criticalCount totalDueForToday periodStart';
    const ask = (fields: string) => countStatements(pools, () => api.data<{ loans: { summary: Record<string, unknown> } }>(
      `{ loans(filter: { officerIds: ["900"], period: LAST_7_DAYS }) { summary { ${fields} } } }`,
    ));
    const loansOnly = await ask(aggregates);
    const withRepayments = await ask(`${aggregates} ...on LoanSummary { totalRepaymentsYesterday }`);
    // The same statements either way (the visible-officer check, then one summary statement)...
    expect(withRepayments.counts).toEqual(loansOnly.counts);
    const summaryOf = (run: typeof loansOnly) => run.statements.metrics.filter((sql) => sql.includes('total_loans'));
    expect(summaryOf(loansOnly)).toHaveLength(1);
    expect(summaryOf(withRepayments)).toHaveLength(1);
    // ...but only a repayment field makes the summary statement read the repayments.
    expect(summaryOf(loansOnly)[0]).not.toMatch(/\brepayments\b/);
    expect(summaryOf(withRepayments)[0]).toMatch(/FROM repayments r/);
    const { totalRepaymentsYesterday, ...sameAggregates } = withRepayments.result.loans.summary;
    expect(totalRepaymentsYesterday).toBe('2000.00');
    expect(loansOnly.result.loans.summary).toEqual(sameAggregates);
    expect(loansOnly.result.loans.summary).toMatchObject({ totalLoans: 3, totalPortfolioAmount: '160000.00', atRiskCount: 1, totalDueForToday: '6316.67' });
  });
});

describe('the loans summary and count', () => {
  it('cost one statement together, computing only the aggregates asked, with the count the count statement gives', async () => {
    const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
    const filter = `filter: { officerIds: ["900"], period: LAST_7_DAYS }`;
    const both = await countStatements(pools, () =>
      api.data<{ loans: { totalCount: number; summary: Record<string, unknown> } }>(`{ loans(${filter}) { totalCount summary { atRiskCount } } }`),
    );
    const countOnly = await countStatements(pools, () => api.data<{ loans: { totalCount: number } }>(`{ loans(${filter}) { totalCount } }`));
    expect(both.result.loans).toEqual({ totalCount: 3, summary: { atRiskCount: 1 } });
    expect(countOnly.result.loans.totalCount).toBe(3);
    const countStatementsOf = (run: { statements: Record<string, string[]> }) => run.statements.metrics.filter((sql) => /count\(\*\)/.test(sql));
    // With a summary: its statement answers totalCount too (no separate count), and holds just the two aggregates.
    expect(countStatementsOf(both)).toHaveLength(1);
    expect(countStatementsOf(both)[0]).toMatch(/AS total_loans/);
    expect(countStatementsOf(both)[0]).toMatch(/AS at_risk_count/);
    expect(countStatementsOf(both)[0]).not.toMatch(/performing_count|critical_count|due_today|\brepayments\b/);
    expect(both.counts.metrics).toBe(countOnly.counts.metrics);
  });
});

describe('daily collections', () => {
  it('sum counted repayments per business date of the period, by channel, every day present', async () => {
    const { rows } = await api.dbs.metrics.pool.query<{ d: string }>(`SELECT to_char(business_today() - g, 'YYYY-MM-DD') AS d FROM generate_series(6, 0, -1) g`);
    const data = await api.data<{ dailyCollections: Record<string, unknown>[] }>(
      `{ dailyCollections(filter: { officerIds: ["900"] }) { date collectedAmount repaymentsCount agentDebitAmount transferAmount escrowDebitAmount otherAmount } }`,
    );
    const zero = { collectedAmount: '0.00', repaymentsCount: 0, agentDebitAmount: '0.00', transferAmount: '0.00', escrowDebitAmount: '0.00', otherAmount: '0.00' };
    const expected = rows.map((r) => ({ date: r.d, ...zero }));
    // Today: 501 (4400 agent debit); 503 (reversal) and 504 (not applied) are not counted. Yesterday: 502. Two days ago: 1000 (cash).
    expected[6] = { ...expected[6]!, collectedAmount: '4400.00', repaymentsCount: 1, agentDebitAmount: '4400.00' };
    expected[5] = { ...expected[5]!, collectedAmount: '2000.00', repaymentsCount: 1, transferAmount: '2000.00' };
    expected[4] = { ...expected[4]!, collectedAmount: '100.00', repaymentsCount: 1, otherAmount: '100.00' };
    expect(data.dailyCollections).toEqual(expected);
    const today = await api.data<{ dailyCollections: unknown[] }>(`{ dailyCollections(filter: { officerIds: ["900"], period: TODAY }) { date collectedAmount } }`);
    expect(today.dailyCollections).toEqual([{ date: rows[6]!.d, collectedAmount: '4400.00' }]);
  });
});

describe('an empty loans summary', () => {
  it('shows zeros with their usual scale, not bare "0"', async () => {
    const data = await api.data<{ loans: { totalCount: number; summary: Record<string, unknown> } }>(
      `{ loans(filter: { regions: ["Nowhere"] }) { totalCount summary { totalLoans totalPortfolioAmount atRiskPercentage totalDueForToday
          totalRepaymentsInPeriod percentageOfDueCollected missedRepaymentsToday repaymentsByDjangoStatus { amount } } } }`,
    );
    expect(data.loans).toEqual({
      totalCount: 0,
      summary: {
        totalLoans: 0, totalPortfolioAmount: '0.00', atRiskPercentage: '0.00', totalDueForToday: '0.00', totalRepaymentsInPeriod: '0.00',
        percentageOfDueCollected: '0.00', missedRepaymentsToday: '0.00', repaymentsByDjangoStatus: [],
      },
    });
  });
});

describe('customers', () => {
  it('have base fields from Django (name rule §1.2, KYC status) and their loans', async () => {
    const data = await api.data<{ customer: Record<string, unknown>; c10: Record<string, unknown>; c5: Record<string, unknown>; c3: Record<string, unknown> }>(
      `{ customer(id: "90") { id name phone kycStatus loans { nodes { id } } }
         c10: customer(id: "10") { name kycStatus } c5: customer(id: "5") { name kycStatus } c3: customer(id: "3") { kycStatus } }`,
    );
    expect(data.customer).toEqual({ id: '90', name: 'Bola Ade', phone: '07000000090', kycStatus: 'Verified', loans: { nodes: [{ id: '9003' }, { id: '9001' }, { id: '9002' }] } });
    // Customer 10 has no last name: the phone number stands in. BVN and onboarding verified → Verified;
    // BVN only → Partial; neither → Pending.
    expect(data.c10).toEqual({ name: '09010000010', kycStatus: 'Verified' });
    expect(data.c5).toEqual({ name: 'First5 Last5', kycStatus: 'Partial' });
    expect(data.c3).toEqual({ kycStatus: 'Pending' });
  });
});
