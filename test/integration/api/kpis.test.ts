/** Portfolio KPIs (§4.5) and credit health by branch (§4.6), worked by hand on a small portfolio. */
import { countStatements } from '../../support/databases';
import { createApiHarness, type ApiHarness } from './harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await createApiHarness();
  await api.dbs.djangoWriter.query(`
    INSERT INTO accounts_customuser (id, email, username, user_type) VALUES (11, 'a@seeds.test', 'Amaka', 'STAFF_AGENT'), (12, 'b@seeds.test', 'Bayo', 'AGENT'), (13, 'c@seeds.test', 'Chidi', 'LOTTO_AGENT')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO officers (officer_id, officer_name, region, branch, user_type) VALUES
      ('11', 'Amaka', 'Ruby', 'YABA', 'STAFF_AGENT'), ('12', 'Bayo', 'Ruby', 'EPE', 'AGENT'), ('13', 'Chidi', 'Sapphire', 'EPE', 'LOTTO_AGENT');
    INSERT INTO customers (customer_id, customer_name) VALUES ('1', 'Customer');
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date, maturity_date,
                       loan_term_days, interest_rate, fee_amount, channel, status, wave, current_dpd, fimr_tagged, principal_outstanding,
                       interest_outstanding, fees_outstanding, total_outstanding, actual_outstanding, total_repayments, days_since_last_repayment,
                       loan_age, timeliness_score, repayment_delay_rate)
    VALUES
      ('101', '1', 'Customer', '11', 'Amaka', 'Ruby', 'YABA', 10000, '2025-11-01', '2025-12-12', 30, 0.3, 500, 'AJO', 'Active', 'Wave 1', 20, true, 10000, 3000, 500, 13500, 2000, 0, 12, 30, 50, 40),
      ('102', '1', 'Customer', '11', 'Amaka', 'Ruby', 'YABA', 6000, '2025-12-05', '2026-01-15', 30, 0.2, 200, 'AJO', 'Active', 'Wave 2', 0, false, 5000, 0, 0, 1500, 0, 2000, 1, 5, 100, 90),
      ('201', '1', 'Customer', '12', 'Bayo', 'Ruby', 'EPE', 8000, '2025-10-10', '2025-11-20', 30, 0.25, NULL, 'AJO', 'Defaulted', 'Wave 1', 35, false, 8000, 1000, 0, 9000, 9000, 1000, 20, 60, 30, 10),
      ('202', '1', 'Customer', '12', 'Bayo', 'Ruby', 'EPE', 4000, '2025-12-07', '2026-01-17', 30, 0.25, 100, 'AJO', 'Active', 'Wave 2', 5, false, 4000, 500, 100, 4600, 800, 800, 2, 3, 90, 70),
      ('301', '1', 'Customer', '13', 'Chidi', 'Sapphire', 'EPE', 7000, '2025-11-01', '2025-12-12', 30, 0.3, 0, 'AJO', 'Active', 'Wave 1', 16, false, 7000, 0, 0, 7000, 7000, 0, 9, 40, 20, 5)`);
});
afterAll(async () => {
  await api.dbs.drop();
});

describe('portfolioKpis', () => {
  it('aggregates the visible officers\' §4.4 metrics and their Active loans in one statement', async () => {
    // Officer 11 (loans 101, 102): totalPortfolio 15000, overdue15d 10000, AYR = (324.32… + 54.05…)/15000 = 0.02522523,
    //   RDR = (1 − (6.5/17.5)/0.25)·100 = −48.57 → riskScore 24, DQI 54.
    // Officer 12 (loans 201, 202): totalPortfolio 12000, overdue15d 8000, AYR = (156.86… + 15.69…)/12000 = 0.01437908,
    //   RDR = (1 − (11/31.5)/0.25)·100 = −39.68 → riskScore 31, DQI 55. Officer 13 is a LOTTO_AGENT: not visible.
    // Loan tiles over Active loans of 11 and 12 (101, 102, 202): active = 202 (4600 > 2000, paid 2 days ago);
    //   inactive = 101 (no payment for 12 days) + 102 (1500 ≤ 2000); early ROT = 202 (age 3, DPD 5); late ROT = 101;
    //   avg DPD of live loans (101, 202) = 12.5; actualOverdue15d = 101: 13500 × min(1, 30/30).
    // DPD tile (Active or Defaulted, DPD > 0): 101, 201, 202 → 2000 + 9000 + 800.
    const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ portfolioKpis: Record<string, unknown> }>(`{ portfolioKpis {
        totalOfficers totalLoans totalPortfolio totalOverdue15d avgDqi avgAyr avgRiskScore topOfficer { id name } topOfficerAyr
        watchlistCount watchlistPortfolio avgRepaymentDelayRate atRiskOfficersCount atRiskOfficersPercentage
        activeLoansCount activeLoansVolume inactiveLoansCount inactiveLoansVolume earlyRotCount earlyRotVolume lateRotCount lateRotVolume
        avgDaysPastDue avgTimelinessScore actualOverdue15d totalDpdLoansCount totalDpdActualOutstanding } }`),
    );
    expect(result.portfolioKpis).toEqual({
      totalOfficers: 2, totalLoans: 4, totalPortfolio: '27000.00', totalOverdue15d: '18000.00', avgDqi: 54, avgAyr: '0.01980216',
      avgRiskScore: 27, topOfficer: { id: '11', name: 'Amaka' }, topOfficerAyr: '0.02522523', watchlistCount: 2, watchlistPortfolio: '27000.00',
      avgRepaymentDelayRate: '-44.13', atRiskOfficersCount: 1, atRiskOfficersPercentage: '50.00',
      activeLoansCount: 1, activeLoansVolume: '4600.00', inactiveLoansCount: 2, inactiveLoansVolume: '15000.00',
      earlyRotCount: 1, earlyRotVolume: '4600.00', lateRotCount: 1, lateRotVolume: '13500.00',
      avgDaysPastDue: '12.50', avgTimelinessScore: '70.00', actualOverdue15d: '13500.00', totalDpdLoansCount: 3, totalDpdActualOutstanding: '11800.00',
    });
    expect(counts).toEqual({ django: 1, metrics: 1 });
  });

  it('wave restricts every loan; regions only the DPD tile', async () => {
    // Wave 1 has no AYR above 0: loan 101 is unpaid, and loan 201's NULL fee leaves its repayments unallocated.
    const data = await api.data<Record<string, Record<string, unknown>>>(`{
      w1: portfolioKpis(wave: WAVE_1) { totalLoans avgAyr topOfficer { id } topOfficerAyr }
      w2: portfolioKpis(wave: WAVE_2) { totalLoans totalPortfolio totalDpdLoansCount }
      sapphire: portfolioKpis(regions: ["Sapphire"]) { totalLoans totalDpdLoansCount totalDpdActualOutstanding } }`);
    expect(data.w1).toEqual({ totalLoans: 2, avgAyr: '0.00000000', topOfficer: null, topOfficerAyr: null });
    expect(data.w2).toEqual({ totalLoans: 2, totalPortfolio: '9000.00', totalDpdLoansCount: 1 });
    expect(data.sapphire).toEqual({ totalLoans: 4, totalDpdLoansCount: 0, totalDpdActualOutstanding: '0.00' });
  });
});

describe('branches', () => {
  it('groups every loan by branch and region with PAR (D8), FIMR and a summary', async () => {
    const data = await api.data<{ branches: { branches: unknown[]; summary: unknown } }>(`{ branches { branches {
        branch region portfolioTotal overdue15d par15Ratio par30Ratio par60Ratio fimr activeLoans totalOfficers avgRepaymentDelayRate }
        summary { totalBranches totalPortfolio totalOverdue15d avgPar15Ratio } } }`);
    expect(data.branches.branches).toEqual([
      { branch: 'EPE', region: 'Ruby', portfolioTotal: '12000.00', overdue15d: '8000.00', par15Ratio: '0.66666667', par30Ratio: '0.66666667', par60Ratio: '0.00000000', fimr: '0.00000000', activeLoans: 2, totalOfficers: 1, avgRepaymentDelayRate: '40.00' },
      { branch: 'EPE', region: 'Sapphire', portfolioTotal: '7000.00', overdue15d: '7000.00', par15Ratio: '1.00000000', par30Ratio: '0.00000000', par60Ratio: '0.00000000', fimr: '0.00000000', activeLoans: 1, totalOfficers: 1, avgRepaymentDelayRate: '5.00' },
      { branch: 'YABA', region: 'Ruby', portfolioTotal: '15000.00', overdue15d: '10000.00', par15Ratio: '0.66666667', par30Ratio: '0.00000000', par60Ratio: '0.00000000', fimr: '0.50000000', activeLoans: 2, totalOfficers: 1, avgRepaymentDelayRate: '65.00' },
    ]);
    expect(data.branches.summary).toEqual({ totalBranches: 3, totalPortfolio: '34000.00', totalOverdue15d: '25000.00', avgPar15Ratio: '0.73529412' });
  });

  it('filters and orders by a whitelisted key', async () => {
    const data = await api.data<{ branches: { branches: { branch: string; region: string }[]; summary: { totalBranches: number } } }>(
      `{ branches(filter: { regions: ["Ruby"] }, orderBy: { field: PORTFOLIO_TOTAL, direction: DESC }) { branches { branch region } summary { totalBranches } } }`,
    );
    expect(data.branches.branches).toEqual([{ branch: 'YABA', region: 'Ruby' }, { branch: 'EPE', region: 'Ruby' }]);
    expect(data.branches.summary.totalBranches).toBe(2);
    const empty = await api.data<{ branches: { branches: unknown[]; summary: unknown } }>(`{ branches(filter: { branches: ["NOWHERE"] }) { branches { branch } summary { totalBranches totalPortfolio avgPar15Ratio } } }`);
    expect(empty.branches).toEqual({ branches: [], summary: { totalBranches: 0, totalPortfolio: '0.00', avgPar15Ratio: '0.00000000' } });
  });
});

describe('verticalLeads', () => {
  it('groups every loan by vertical lead, unassigned ones together, with D14 bands and quiet loans', async () => {
    await api.dbs.metrics.pool.query(`
      UPDATE loans SET vertical_lead_name = 'Lead B', vertical_lead_email = 'lb@seeds.test' WHERE loan_id IN ('201', '202');
      UPDATE loans SET vertical_lead_name = '', vertical_lead_email = '' WHERE loan_id = '301';
      UPDATE loans SET django_status = 'PAST_MATURITY', daily_repayment_amount = 300, max_dpd_ever = 40 WHERE loan_id = '201';
      UPDATE loans SET django_status = 'OPEN', daily_repayment_amount = 150 WHERE loan_id = '202';`);
    const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ verticalLeads: unknown[] }>(`{ verticalLeads { name email branches activeOfficers loans outstanding dailyTarget avgDpd maxDpd
        dpd0 dpd1To6 dpd7To14 dpd15To21 dpdOver21 quietLoans quietValue } }`),
    );
    expect(counts).toEqual({ django: 0, metrics: 1 });
    expect(result.verticalLeads).toEqual([
      // 201 (DPD 35, quiet: 20 days) and 202 (DPD 5, paid 2 days ago).
      { name: 'Lead B', email: 'lb@seeds.test', branches: 1, activeOfficers: 1, loans: 2, outstanding: '13600.00', dailyTarget: '450.00', avgDpd: '20.00',
        maxDpd: 40, dpd0: 0, dpd1To6: 1, dpd7To14: 0, dpd15To21: 0, dpdOver21: 1, quietLoans: 1, quietValue: '9000.00' },
      // 101 (DPD 20, quiet), 102 (DPD 0) and 301 (DPD 16, quiet; empty lead counts as none).
      { name: 'Unassigned Vertical Lead', email: 'N/A', branches: 2, activeOfficers: 2, loans: 3, outstanding: '22000.00', dailyTarget: '0.00', avgDpd: '12.00',
        maxDpd: 0, dpd0: 1, dpd1To6: 0, dpd7To14: 0, dpd15To21: 2, dpdOver21: 0, quietLoans: 2, quietValue: '20500.00' },
    ]);
  });
});

describe('groups with several officers and missing values', () => {
  it('branches and vertical leads count each officer and branch once, and average over the values present', async () => {
    // Two more YABA/Ruby loans by two other officers: 103 without a repayment delay rate, 104 without a DPD.
    await api.dbs.metrics.pool.query(`
      INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date, maturity_date,
                         loan_term_days, channel, status, wave, current_dpd, fimr_tagged, principal_outstanding, repayment_delay_rate)
      VALUES ('103', '1', 'Customer', '12', 'Bayo', 'Ruby', 'YABA', 1000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'Wave 1', 0, false, 1000, NULL),
             ('104', '1', 'Customer', '13', 'Chidi', 'Ruby', 'YABA', 2000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'Wave 1', NULL, true, 2000, 20)`);
    try {
      const data = await api.data<{ branches: { branches: { branch: string; region: string }[] }; verticalLeads: { name: string }[] }>(`{
        branches(filter: { branches: ["YABA"] }) { branches { branch region portfolioTotal overdue15d par15Ratio fimr activeLoans totalOfficers avgRepaymentDelayRate } }
        verticalLeads(filter: { branches: ["YABA", "EPE"] }) { name branches activeOfficers loans avgDpd maxDpd dpd0 } }`);
      // YABA/Ruby: 101 (officer 11, DPD 20, RDR 40, FIMR), 102 (11, DPD 0, RDR 90), 103 (12, RDR none), 104 (13, RDR 20, FIMR).
      expect(data.branches.branches).toEqual([
        { branch: 'YABA', region: 'Ruby', portfolioTotal: '18000.00', overdue15d: '10000.00', par15Ratio: '0.55555556', fimr: '0.50000000', activeLoans: 4, totalOfficers: 3, avgRepaymentDelayRate: '50.00' },
      ]);
      // Unassigned (the earlier test gave 201 and 202 a lead): 101, 102, 103, 104 in YABA and 301 in EPE, by officers 11, 12 and 13;
      // DPD 20, 0, 0, none and 16 average to 36 / 4.
      expect(data.verticalLeads.find((lead) => lead.name === 'Unassigned Vertical Lead')).toEqual({
        name: 'Unassigned Vertical Lead', branches: 2, activeOfficers: 3, loans: 5, avgDpd: '9.00', maxDpd: 0, dpd0: 2,
      });
    } finally {
      await api.dbs.metrics.pool.query(`DELETE FROM loans WHERE loan_id IN ('103', '104')`);
    }
  });
});
