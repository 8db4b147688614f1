/**
 * The Collections Control Centre (§4.6, §6 rows 14-19), worked by hand on a small portfolio with business today
 * pinned to Wednesday 2025-12-10: the seven-day window is Thu 12-04 … Wed 12-10 (weekend 12-06/12-07 inside).
 */
import { countStatements } from '../../support/databases';
import { createApiHarness, type ApiHarness } from './harness';

let api: ApiHarness;

const pools = () => ({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool });

beforeAll(async () => {
  api = await createApiHarness();
  await api.dbs.djangoWriter.query(`
    INSERT INTO accounts_customuser (id, email, username, user_type) VALUES
      (11, 'a@seeds.test', 'Amaka', 'STAFF_AGENT'), (12, 'b@seeds.test', 'Bayo', 'AGENT'), (13, 'c@seeds.test', 'Chidi', 'LOTTO_AGENT'),
      (14, 'd@seeds.test', 'Dayo', 'AGENT'), (15, 'e@seeds.test', 'Efe', 'STAFF_AGENT')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO business_clock (id, pinned_date) VALUES (1, '2025-12-10') ON CONFLICT (id) DO UPDATE SET pinned_date = EXCLUDED.pinned_date;
    INSERT INTO officers (officer_id, officer_name, region, branch, user_type) VALUES
      ('11', 'Amaka', 'Ruby', 'YABA', 'STAFF_AGENT'), ('12', 'Bayo', 'Ruby', 'EPE', 'AGENT'), ('13', 'Chidi', 'Sapphire', 'EPE', 'LOTTO_AGENT'),
      ('14', 'Dayo', 'Emerald', 'IKEJA', 'AGENT'), ('15', 'Efe', 'Ruby', 'YABA', 'STAFF_AGENT');
    INSERT INTO customers (customer_id, customer_name) VALUES ('1', 'Customer');
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                       disbursement_date, maturity_date, loan_term_days, channel, status, django_status, wave, current_dpd,
                       principal_outstanding, actual_outstanding, daily_repayment_amount)
    VALUES
      ('101', '1', 'Customer', '11', 'Amaka', 'Ruby',     'YABA',  10000, 13000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2', 20, 10000, 2000, 500),
      ('102', '1', 'Customer', '11', 'Amaka', 'Ruby',     'YABA',   5000,  6600, '2025-10-01', '2025-11-12', 30, 'AJO', 'Active', 'PAST_MATURITY', 'Wave 2',  0,  5000,    0, 300),
      ('103', '1', 'Customer', '11', 'Amaka', 'Sapphire', 'YABA',   3000,  4000, '2025-09-01', '2025-10-12', 30, 'AJO', 'Closed', 'COMPLETED',     'Wave 1', 15,  3000,  100, 200),
      ('201', '1', 'Customer', '12', 'Bayo',  'Ruby',     'EPE',    8000, 10000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2',  3,  8000,  400, 400),
      ('202', '1', 'Customer', '12', 'Bayo',  'Emerald',  'EPE',    4000,  5000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 1', 40,  4000,  250, 250),
      ('301', '1', 'Customer', '13', 'Chidi', 'Sapphire', 'EPE',    7000,  7000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2', 16,  7000,  350, 350),
      ('401', '1', 'Customer', '14', 'Dayo',  'Emerald',  'IKEJA',  6000,  8000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2',  0,  6000,  400, 400),
      ('402', '1', 'Customer', '14', 'Dayo',  'Emerald',  'IKEJA',  1500,  2000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2', 30,  1500,    0, 100),
      ('501', '1', 'Customer', '15', 'Efe',   'Ruby',     'YABA',   7000,  9000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 'OPEN',          'Wave 2',  0,  7000,  450, 450)`);
  // Written as the sync would, without the per-payment recompute (these loans' computed values are chosen above).
  const client = await api.dbs.metrics.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    await client.query(`
      INSERT INTO repayments (repayment_id, loan_id, payment_date, payment_amount, payment_method, marked_as, applied_to_loan, is_reversed) VALUES
        ('1', '101', '2025-12-10', 100, 'AGENT_DEBIT', NULL, NULL, false),
        ('2', '101', '2025-12-10', 1000, 'TRANSFER', 'REVERSAL', false, true),
        ('3', '101', '2025-12-05', 500, 'TRANSFER', NULL, NULL, false),
        ('4', '101', '2025-12-04', 500, 'TRANSFER', NULL, NULL, false),
        ('5', '102', '2025-12-10', 200, 'TRANSFER', NULL, NULL, false),
        ('6', '103', '2025-12-06', 200, 'TRANSFER', NULL, NULL, false),
        ('7', '201', '2025-12-04', 400, 'TRANSFER', NULL, NULL, false),
        ('8', '201', '2025-12-05', 400, 'TRANSFER', NULL, NULL, false),
        ('9', '201', '2025-12-07', 400, 'TRANSFER', NULL, NULL, false),
        ('10', '202', '2025-12-02', 250, 'TRANSFER', NULL, NULL, false),
        ('11', '202', '2025-12-10', 250, 'TRANSFER', NULL, false, false),
        ('12', '301', '2025-12-10', 350, 'TRANSFER', NULL, NULL, false),
        ('13', '501', '2025-12-04', 300, 'TRANSFER', NULL, NULL, false),
        ('14', '501', '2025-12-09', 450, 'TRANSFER', NULL, NULL, false),
        ('15', '501', '2025-12-10', 450, 'TRANSFER', NULL, NULL, false)`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
});
afterAll(async () => {
  await api.dbs.drop();
});

const STANDING = 'branch region officerId loans portfolioTotal dueToday overdue15d collectedToday todayRate missedToday nplRatio status';
const SUMMARY = 'groups totalPortfolio totalDueToday totalCollectedToday totalMissedToday collectionRateToday';

describe('collections leaderboards (§6 rows 14 and 15)', () => {
  it('by branch: visible officers only, today against due, NPL status, highest NPL first, in one statement', async () => {
    // YABA (101, 102, 103, 501): RA 13000 + 6600 + 4000 + 9000; due 500 + 200 + 450 (102 owes nothing); DPD ≥ 15: 101, 103;
    //   today 100 + 200 + 450 (the reversal and 202's unapplied row never count); region Ruby 3 to 1.
    // EPE (201, 202; 301 is a LOTTO_AGENT's): region tie Ruby/Emerald → Emerald. IKEJA (401, 402): NPL 1500 / 10000 → WATCH.
    const { result, counts } = await countStatements(pools(), () =>
      api.data<{ collectionsByBranch: { standings: unknown[]; summary: unknown } }>(`{ collectionsByBranch { standings { ${STANDING} } summary { ${SUMMARY} } } }`),
    );
    expect(result.collectionsByBranch.standings).toEqual([
      { branch: 'YABA', region: 'Ruby', officerId: null, loans: 4, portfolioTotal: '32600.00', dueToday: '1150.00', overdue15d: '13000.00',
        collectedToday: '750.00', todayRate: '0.65217391', missedToday: '400.00', nplRatio: '0.39877301', status: 'CRITICAL' },
      { branch: 'EPE', region: 'Emerald', officerId: null, loans: 2, portfolioTotal: '15000.00', dueToday: '650.00', overdue15d: '4000.00',
        collectedToday: '0.00', todayRate: '0.00000000', missedToday: '650.00', nplRatio: '0.26666667', status: 'CRITICAL' },
      { branch: 'IKEJA', region: 'Emerald', officerId: null, loans: 2, portfolioTotal: '10000.00', dueToday: '400.00', overdue15d: '1500.00',
        collectedToday: '0.00', todayRate: '0.00000000', missedToday: '400.00', nplRatio: '0.15000000', status: 'WATCH' },
    ]);
    // Missed is summed per branch: YABA's 750 against 1150 does not offset EPE's or IKEJA's shortfall.
    expect(result.collectionsByBranch.summary).toEqual({
      groups: 3, totalPortfolio: '57600.00', totalDueToday: '2200.00', totalCollectedToday: '750.00', totalMissedToday: '1450.00', collectionRateToday: '0.34090909',
    });
    expect(counts).toEqual({ django: 0, metrics: 1 });
  });

  it('by officer: most frequent branch and region, live officer names from Django, every sort key whitelisted', async () => {
    const { result, counts } = await countStatements(pools(), () =>
      api.data<{ collectionsByOfficer: { standings: Record<string, unknown>[]; summary: unknown } }>(
        `{ collectionsByOfficer(orderBy: { field: NAME, direction: ASC }) { standings { ${STANDING} officer { name } } summary { ${SUMMARY} } } }`,
      ),
    );
    expect(result.collectionsByOfficer.standings).toEqual([
      { branch: 'YABA', region: 'Ruby', officerId: '11', officer: { name: 'Amaka' }, loans: 3, portfolioTotal: '23600.00', dueToday: '700.00',
        overdue15d: '13000.00', collectedToday: '300.00', todayRate: '0.42857143', missedToday: '400.00', nplRatio: '0.55084746', status: 'CRITICAL' },
      { branch: 'EPE', region: 'Emerald', officerId: '12', officer: { name: 'Bayo' }, loans: 2, portfolioTotal: '15000.00', dueToday: '650.00',
        overdue15d: '4000.00', collectedToday: '0.00', todayRate: '0.00000000', missedToday: '650.00', nplRatio: '0.26666667', status: 'CRITICAL' },
      { branch: 'IKEJA', region: 'Emerald', officerId: '14', officer: { name: 'Dayo' }, loans: 2, portfolioTotal: '10000.00', dueToday: '400.00',
        overdue15d: '1500.00', collectedToday: '0.00', todayRate: '0.00000000', missedToday: '400.00', nplRatio: '0.15000000', status: 'WATCH' },
      { branch: 'YABA', region: 'Ruby', officerId: '15', officer: { name: 'Efe' }, loans: 1, portfolioTotal: '9000.00', dueToday: '450.00',
        overdue15d: '0.00', collectedToday: '450.00', todayRate: '1.00000000', missedToday: '0.00', nplRatio: '0.00000000', status: 'OK' },
    ]);
    expect(result.collectionsByOfficer.summary).toEqual({
      groups: 4, totalPortfolio: '57600.00', totalDueToday: '2200.00', totalCollectedToday: '750.00', totalMissedToday: '1450.00', collectionRateToday: '0.34090909',
    });
    expect(counts).toEqual({ django: 1, metrics: 1 });

    const sorted = await api.data<Record<string, { standings: { officerId: string }[] }>>(`{
      rate: collectionsByOfficer(orderBy: { field: TODAY_RATE }) { standings { officerId } }
      missed: collectionsByOfficer(orderBy: { field: MISSED_TODAY, direction: ASC }) { standings { officerId } }
      portfolio: collectionsByOfficer(orderBy: { field: PORTFOLIO_TOTAL }) { standings { officerId } } }`);
    const ids = (key: string) => sorted[key]!.standings.map((s) => s.officerId);
    // Ties fall back to the key in the same direction: 12 and 14 both collected nothing.
    expect(ids('rate')).toEqual(['15', '11', '14', '12']);
    expect(ids('missed')).toEqual(['15', '11', '14', '12']);
    expect(ids('portfolio')).toEqual(['11', '12', '14', '15']);
  });

  it('takes the §4.7 filter: the branch, the Django status, and the officers outside the visible set when asked', async () => {
    const data = await api.data<Record<string, { standings: { branch: string; loans: number; collectedToday: string }[]; summary: { groups: number } }>>(`{
      yaba: collectionsByBranch(filter: { branches: ["YABA"] }) { standings { branch loans collectedToday } summary { groups } }
      open: collectionsByBranch(filter: { djangoStatuses: { values: ["OPEN"] } }, orderBy: { field: NAME, direction: ASC }) { standings { branch loans collectedToday } summary { groups } }
      all: collectionsByBranch(filter: { visibleOfficersOnly: false, branches: ["EPE"] }) { standings { branch loans collectedToday } summary { groups } } }`);
    expect(data.yaba).toEqual({ standings: [{ branch: 'YABA', loans: 4, collectedToday: '750.00' }], summary: { groups: 1 } });
    expect(data.open!.standings).toEqual([
      { branch: 'EPE', loans: 2, collectedToday: '0.00' },
      { branch: 'IKEJA', loans: 2, collectedToday: '0.00' },
      { branch: 'YABA', loans: 2, collectedToday: '550.00' },
    ]);
    expect(data.all).toEqual({ standings: [{ branch: 'EPE', loans: 3, collectedToday: '350.00' }], summary: { groups: 1 } });
  });

  it('an empty board has zero totals with their usual scale', async () => {
    const data = await api.data<{ collectionsByBranch: unknown }>(`{ collectionsByBranch(filter: { branches: ["NOWHERE"] }) { standings { branch } summary { ${SUMMARY} } } }`);
    expect(data.collectionsByBranch).toEqual({
      standings: [],
      summary: { groups: 0, totalPortfolio: '0.00', totalDueToday: '0.00', totalCollectedToday: '0.00', totalMissedToday: '0.00', collectionRateToday: '0.00000000' },
    });
  });
});

const ACTIVITY = 'officerId officer { name } daily { date amount } totalCollected firstFourDays lastThreeDays collectedToday weekdaysWithCollection repaymentRate categories';
const days = (amounts: string[]) => amounts.map((amount, i) => ({ date: `2025-12-${String(4 + i).padStart(2, '0')}`, amount }));

describe('agent activity (§6 rows 17 and 18)', () => {
  it('tiles and details come from one seedsmetrics statement; categories overlap', async () => {
    // 11: 500, 500, 200 (Sat) in the first four days, 300 today: 300 < 0.3 × 1200 → severe decline; started today.
    // 12: 1200 in the first four days (Sunday's 400 included), nothing since → stopped, and not yet started today.
    // 14: nothing → critical. 15: 300 then 900 > 1.5 × 300 → strong growth; started today. 13 is not visible.
    const { result, counts } = await countStatements(pools(), () =>
      api.data<{ agentActivityTiles: unknown; agentActivity: unknown[] }>(`{
        agentActivityTiles { officers criticalNoCollection stoppedCollecting severeDecline notYetStartedToday strongGrowth startedToday }
        agentActivity { ${ACTIVITY} } }`),
    );
    expect(result.agentActivityTiles).toEqual({
      officers: 4, criticalNoCollection: 1, stoppedCollecting: 1, severeDecline: 1, notYetStartedToday: 1, strongGrowth: 1, startedToday: 2,
    });
    // Most collected first; 12 and 15 tie on 1200 and go by name (Bayo, Efe).
    expect(result.agentActivity).toEqual([
      { officerId: '11', officer: { name: 'Amaka' }, daily: days(['500.00', '500.00', '200.00', '0.00', '0.00', '0.00', '300.00']), totalCollected: '1500.00',
        firstFourDays: '1200.00', lastThreeDays: '300.00', collectedToday: '300.00', weekdaysWithCollection: 3, repaymentRate: '60.00',
        categories: ['SEVERE_DECLINE', 'STARTED_TODAY'] },
      { officerId: '12', officer: { name: 'Bayo' }, daily: days(['400.00', '400.00', '0.00', '400.00', '0.00', '0.00', '0.00']), totalCollected: '1200.00',
        firstFourDays: '1200.00', lastThreeDays: '0.00', collectedToday: '0.00', weekdaysWithCollection: 2, repaymentRate: '40.00',
        categories: ['STOPPED_COLLECTING', 'NOT_YET_STARTED_TODAY'] },
      { officerId: '15', officer: { name: 'Efe' }, daily: days(['300.00', '0.00', '0.00', '0.00', '0.00', '450.00', '450.00']), totalCollected: '1200.00',
        firstFourDays: '300.00', lastThreeDays: '900.00', collectedToday: '450.00', weekdaysWithCollection: 3, repaymentRate: '60.00',
        categories: ['STRONG_GROWTH', 'STARTED_TODAY'] },
      { officerId: '14', officer: { name: 'Dayo' }, daily: days(['0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00']), totalCollected: '0.00',
        firstFourDays: '0.00', lastThreeDays: '0.00', collectedToday: '0.00', weekdaysWithCollection: 0, repaymentRate: '0.00',
        categories: ['CRITICAL_NO_COLLECTION'] },
    ]);
    expect(counts).toEqual({ django: 1, metrics: 1 });
  });

  it('a category lists its tile\'s officers; an unknown category is rejected naming the enum', async () => {
    const data = await api.data<Record<string, { officerId: string }[]>>(`{
      started: agentActivity(category: STARTED_TODAY) { officerId }
      critical: agentActivity(category: CRITICAL_NO_COLLECTION) { officerId }
      wave1: agentActivity(filter: { waves: [WAVE_1] }) { officerId categories } }`);
    expect(data.started!.map((r) => r.officerId)).toEqual(['11', '15']);
    expect(data.critical!.map((r) => r.officerId)).toEqual(['14']);
    // Wave 1 loans: 103 (11, Saturday's 200) and 202 (12, nothing counted in the window).
    expect(data.wave1).toEqual([
      { officerId: '11', categories: ['STOPPED_COLLECTING'] },
      { officerId: '12', categories: ['CRITICAL_NO_COLLECTION'] },
    ]);
    const bad = await api.run(`{ agentActivity(category: QUIET) { officerId } }`);
    expect(bad.errors?.map((e) => e.message)).toEqual(['Value "QUIET" does not exist in "AgentActivityCategory" enum.']);
  });

  it('the seven dates run across a month, a leap day and a year', async () => {
    const windowOn = async (today: string): Promise<string[]> => {
      await api.dbs.metrics.pool.query(`UPDATE business_clock SET pinned_date = $1 WHERE id = 1`, [today]);
      const data = await api.data<{ agentActivity: { daily: { date: string }[] }[] }>(`{ agentActivity(filter: { officerIds: ["14"] }) { daily { date } } }`);
      return data.agentActivity[0]!.daily.map((d) => d.date);
    };
    try {
      expect(await windowOn('2024-03-02')).toEqual(['2024-02-25', '2024-02-26', '2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
      expect(await windowOn('2026-01-02')).toEqual(['2025-12-27', '2025-12-28', '2025-12-29', '2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    } finally {
      await api.dbs.metrics.pool.query(`UPDATE business_clock SET pinned_date = '2025-12-10' WHERE id = 1`);
    }
  });
});

describe("rows about an officer (officer board, agent activity, repayment watch): the officers' fields", () => {
  const OFFICER = 'officerId officer { id name email region branch }';
  const lists: Record<string, { query: string; officers: (data: any) => unknown[] }> = {
    collectionsByOfficer: {
      query: `{ collectionsByOfficer(orderBy: { field: NAME, direction: ASC }) { standings { ${OFFICER} } } }`,
      officers: (data) => data.collectionsByOfficer.standings.map((r: { officer: unknown }) => r.officer),
    },
    agentActivity: { query: `{ agentActivity { ${OFFICER} } }`, officers: (data) => data.agentActivity.map((r: { officer: unknown }) => r.officer) },
    repaymentWatch: { query: `{ repaymentWatch { ${OFFICER} } }`, officers: (data) => data.repaymentWatch.map((r: { officer: unknown }) => r.officer) },
  };
  const amaka = { id: '11', name: 'Amaka', email: 'a@seeds.test', region: 'Ruby', branch: 'YABA' };
  const bayo = { id: '12', name: 'Bayo', email: 'b@seeds.test', region: 'Ruby', branch: 'EPE' };
  const dayo = { id: '14', name: 'Dayo', email: 'd@seeds.test', region: 'Emerald', branch: 'IKEJA' };
  const efe = { id: '15', name: 'Efe', email: 'e@seeds.test', region: 'Ruby', branch: 'YABA' };

  it.each(Object.keys(lists))('%s: Django and curated fields, read in one statement on each database', async (name) => {
    const { result, counts } = await countStatements(pools(), () => api.data(lists[name]!.query));
    const expected: Record<string, unknown[]> = { collectionsByOfficer: [amaka, bayo, dayo, efe], agentActivity: [amaka, bayo, efe, dayo], repaymentWatch: [amaka, dayo, bayo, efe] };
    expect(lists[name]!.officers(result)).toEqual(expected[name]);
    expect(counts).toEqual({ django: 1, metrics: 2 });
  });

  it.each(Object.keys(lists))('%s: an officer Django no longer has is null, the others show', async (name) => {
    await api.dbs.djangoWriter.query(`DELETE FROM accounts_customuser WHERE id = 15`);
    try {
      const officers = lists[name]!.officers(await api.data(lists[name]!.query));
      expect(officers).toHaveLength(4);
      expect(officers.filter((o) => o === null)).toHaveLength(1);
      expect(officers).toContainEqual(amaka);
    } finally {
      await api.dbs.djangoWriter.query(`INSERT INTO accounts_customuser (id, email, username, user_type) VALUES (15, 'e@seeds.test', 'Efe', 'STAFF_AGENT')`);
    }
  });

  it.each(Object.keys(lists))('%s: when Django fails, each row keeps its figures and reports the error on its officer', async (name) => {
    await api.dbs.djangoWriter.query(`ALTER TABLE accounts_customuser RENAME TO accounts_customuser_gone`);
    try {
      const result = await api.run(lists[name]!.query);
      expect(lists[name]!.officers(result.data)).toEqual([null, null, null, null]);
      const rowsPath = name === 'collectionsByOfficer' ? ['collectionsByOfficer', 'standings'] : [name];
      const rows = rowsPath.reduce((value: any, key) => value[key], result.data) as { officerId: string }[];
      expect(rows.map((r) => r.officerId).sort()).toEqual(['11', '12', '14', '15']);
      expect(result.errors?.map((e) => [e.message, e.path])).toEqual([0, 1, 2, 3].map((i) => ['relation "accounts_customuser" does not exist', [...rowsPath, i, 'officer']]));
    } finally {
      await api.dbs.djangoWriter.query(`ALTER TABLE accounts_customuser_gone RENAME TO accounts_customuser`);
    }
  });
});

describe('repayment watch (§6 row 19)', () => {
  it('open Wave 2 loans of visible officers by default, most open loans first, then by name', async () => {
    const { result, counts } = await countStatements(pools(), () =>
      api.data<{ repaymentWatch: unknown[] }>(`{ repaymentWatch { officerId officer { name } openLoans loansRepaidToday amountCollectedToday repaymentRate } }`),
    );
    // 103 is COMPLETED and 202 is Wave 1: neither is watched by default.
    expect(result.repaymentWatch).toEqual([
      { officerId: '11', officer: { name: 'Amaka' }, openLoans: 2, loansRepaidToday: 2, amountCollectedToday: '300.00', repaymentRate: '100.00' },
      { officerId: '14', officer: { name: 'Dayo' }, openLoans: 2, loansRepaidToday: 0, amountCollectedToday: '0.00', repaymentRate: '0.00' },
      { officerId: '12', officer: { name: 'Bayo' }, openLoans: 1, loansRepaidToday: 0, amountCollectedToday: '0.00', repaymentRate: '0.00' },
      { officerId: '15', officer: { name: 'Efe' }, openLoans: 1, loansRepaidToday: 1, amountCollectedToday: '450.00', repaymentRate: '100.00' },
    ]);
    expect(counts).toEqual({ django: 1, metrics: 1 });
  });

  it('filter.waves replaces the Wave 2 default; the Django statuses it watches stay built in', async () => {
    const data = await api.data<Record<string, unknown[]>>(`{
      wave1: repaymentWatch(filter: { waves: [WAVE_1] }) { officerId openLoans loansRepaidToday }
      closed: repaymentWatch(filter: { djangoStatuses: { values: ["COMPLETED"] }, waves: [WAVE_1, WAVE_2] }) { officerId } }`);
    expect(data.wave1).toEqual([{ officerId: '12', openLoans: 1, loansRepaidToday: 0 }]);
    expect(data.closed).toEqual([]);
  });

  it('a bad filter is a BAD_USER_INPUT naming the argument', async () => {
    const bad = await api.run(`{ repaymentWatch(filter: { dpdMin: 5, dpdMax: 2 }) { officerId } }`);
    expect(bad.errors?.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
      { message: 'filter.dpdMin must be at most filter.dpdMax (2); got 5', extensions: { code: 'BAD_USER_INPUT', argument: 'filter.dpdMin' } },
    ]);
  });
});

it('serves sums past numeric(15,2) exactly (1,100 payments at the sync\'s per-row bound in one day), not as an internal error', async () => {
  const DAILY = `{ dailyCollections { date collectedAmount transferAmount } }`;
  type Day = { date: string; collectedAmount: string; transferAmount: string };
  const dayOf = async (): Promise<Day> => (await api.data<{ dailyCollections: Day[] }>(DAILY)).dailyCollections.find((day) => day.date === '2025-12-09')!;
  const cents = (amount: string): bigint => BigInt(amount.replace('.', ''));
  const client = await api.dbs.metrics.pool.connect();
  const write = async (sql: string): Promise<void> => {
    await client.query('BEGIN');
    await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'on'`);
    await client.query(sql);
    await client.query('COMMIT');
  };
  const before = await dayOf();
  try {
    // A bad bulk import: each row passes the sync's bound (below 1e10); their day's sum, 1.1e13, does not fit numeric(15,2).
    await write(`INSERT INTO repayments (repayment_id, loan_id, payment_date, payment_amount, payment_method, is_reversed)
                 SELECT 'bulk-' || n, '501', '2025-12-09', 9999999999.99, 'TRANSFER', false FROM generate_series(1, 1100) AS n`);
    const after = await dayOf();
    const bulk = 1100n * 999999999999n; // cents
    expect([cents(after.collectedAmount) - cents(before.collectedAmount), cents(after.transferAmount) - cents(before.transferAmount)]).toEqual([bulk, bulk]);
    expect(after.collectedAmount).toMatch(/^\d{14}\.\d{2}$/);
  } finally {
    await write(`DELETE FROM repayments WHERE repayment_id LIKE 'bulk-%'`);
    client.release();
  }
});
