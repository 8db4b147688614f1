/**
 * Hand-computed business numbers: a few Django loans chosen for their edge cases (the Lagos midnight on the first due
 * date and at the end of the business day, a contract one cent short after maturity, a loan Django closed while in
 * arrears, a zero-interest contract whose repayment_amount exceeds principal plus fee), followed through the sync,
 * the engine and the loaders, and compared with values worked out by hand from DOMAIN.md (each expectation's comment
 * shows the arithmetic). Unlike test/e2e/domain-oracle.test.ts, which recomputes every field with a second SQL reading
 * of DOMAIN.md, nothing here is computed: a reading both SQL texts share shows here.
 *
 * Business date 2025-12-10 (Wednesday, Africa/Lagos). One officer (7) holds exactly these loans.
 */
import { graphql, type GraphQLSchema } from 'graphql';
import { createContextFactory } from '../../src/context';
import { fixedBusinessClock, pinBusinessDate } from '../../src/engine/clock';
import { createAppPubSub } from '../../src/events/pubsub';
import { buildAppSchema } from '../../src/schema';
import { syncHarness, TODAY, type SyncHarness } from '../integration/sync/harness';

let h: SyncHarness;
let schema: GraphQLSchema;
let factory: ReturnType<typeof createContextFactory>;

async function q<T = any>(source: string): Promise<T> {
  const r = await graphql({ schema, source, contextValue: factory(null) });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as T;
}

beforeAll(async () => {
  h = await syncHarness();
  await pinBusinessDate(h.dbs.metrics.pool, TODAY);
  const d = h.django;
  await d.user(7);
  await d.customer(11);
  // 201: 20,000 at 0 % with repayment_amount 20,000 over 20 instalments (R = RA = 20,000, D2; daily 1,000),
  // disbursed Fri 11-28, first due Mon 12-01.
  await d.loan(201, 7, 11, { amount: 20000, repayment_amount: 20000, interest_rate: 0, processing_fee: 0, tenor_in_days: 20,
    date_disbursed: '2025-11-28T10:00:00+01:00', start_date: '2025-12-01', end_date: '2025-12-26' });
  await d.repayment(20101, 201, 1000, '2025-12-01T23:00:00Z'); // 00:00:00 Lagos on 12-02: the day after D1
  await d.repayment(20102, 201, 1000, '2025-12-10T22:59:59Z'); // 23:59:59 Lagos on 12-10: today
  await d.repayment(20103, 201, 1000, '2025-12-10T23:00:00Z'); // 00:00:00 Lagos on 12-11: tomorrow, not yet counted
  // 202: 10,000 at 20 %, no fee, 10 instalments (R = 12,000, daily 1,200), D1 Tue 11-11, maturity Mon 11-24;
  // paid 11,999.99 on D1: one cent short.
  await d.loan(202, 7, 11, { amount: 10000, repayment_amount: 12000, interest_rate: 20, processing_fee: 0, tenor_in_days: 10,
    date_disbursed: '2025-11-10T10:00:00+01:00', start_date: '2025-11-11', end_date: '2025-11-24' });
  await d.repayment(20201, 202, 11999.99, '2025-11-11T12:00:00+01:00');
  // 203: 30,000 at 10 % over 30 instalments (R = 33,000, daily 1,100), D1 Thu 10-02, maturity Wed 11-12, 11,000
  // paid on 10-15; Django marked it COMPLETED although a third of it was paid (closed in arrears).
  await d.loan(203, 7, 11, { amount: 30000, repayment_amount: 33000, interest_rate: 10, processing_fee: 0, tenor_in_days: 30,
    date_disbursed: '2025-10-01T10:00:00+01:00', start_date: '2025-10-02', end_date: '2025-11-12', status: 'COMPLETED' });
  await d.repayment(20301, 203, 11000, '2025-10-15T12:00:00+01:00');
  // 204: 40,000 at 0 % with a 1,000 fee and repayment_amount 42,000 over 20 instalments (R = RA = 42,000, daily
  // 2,100), disbursed Mon 11-24, D1 Tue 11-25; 21,000 paid on 12-05.
  await d.loan(204, 7, 11, { amount: 40000, repayment_amount: 42000, interest_rate: 0, processing_fee: 1000, tenor_in_days: 20,
    date_disbursed: '2025-11-24T10:00:00+01:00', start_date: '2025-11-25', end_date: '2025-12-22' });
  await d.repayment(20401, 204, 21000, '2025-12-05T12:00:00+01:00');
  // 205 (officer 8): as 201, paid 2,495 on D1: 2.495 instalments, which round to 2 but show as 2.50 at 2 places.
  await d.user(8);
  await d.loan(205, 8, 11, { amount: 20000, repayment_amount: 20000, interest_rate: 0, processing_fee: 0, tenor_in_days: 20,
    date_disbursed: '2025-11-28T10:00:00+01:00', start_date: '2025-12-01', end_date: '2025-12-26' });
  await d.repayment(20501, 205, 2495, '2025-12-01T12:00:00+01:00');
  // 206 (officer 8): as 202 (R = 10,000 × 1.2 = 12,000) but Django's repayment_amount says 11,000; 6,000 paid on D1.
  await d.loan(206, 8, 11, { amount: 10000, repayment_amount: 11000, interest_rate: 20, processing_fee: 0, tenor_in_days: 10,
    date_disbursed: '2025-11-10T10:00:00+01:00', start_date: '2025-11-11', end_date: '2025-11-24' });
  await d.repayment(20601, 206, 6000, '2025-11-11T12:00:00+01:00');
  const first = h.worker();
  await first.runOnce();
  await first.stop();
  schema = await buildAppSchema({ pubSub: createAppPubSub() });
  factory = createContextFactory({ django: h.dbs.django, metrics: h.dbs.metrics, maxPageSize: 500 });
}, 300_000);

afterAll(async () => {
  await h?.close();
});

const LOAN_FIELDS = `id status currentDpd dpdBucket earlyIndicatorTagged repaymentDaysDueToday repaymentDaysPaid dailyRepaymentAmount
  totalRepayments repaymentsToday actualOutstanding totalOutstanding contractOutstanding principalOutstanding interestOutstanding
  feesOutstanding totalPrincipalPaid totalInterestPaid totalFeesPaid fimrTagged firstPaymentMissed firstPaymentReceivedDate
  lastPaymentDate daysSinceLastRepayment daysSinceDue loanAge businessDaysSinceDisbursement realLoanTenureDays repaymentDelayRate
  timelinessScore repaymentHealth`;

async function loan(id: string): Promise<Record<string, unknown>> {
  const { loans } = await q(`{ loans(filter: { ids: ["${id}"] }) { nodes { ${LOAN_FIELDS} } } }`);
  expect(loans.nodes).toHaveLength(1);
  return loans.nodes[0];
}

it('counts payments by their Lagos date at both midnights: the one at 00:00 on the day after D1 misses it, the one at 00:00 tomorrow waits (D1, D3)', async () => {
  const { loans } = await q(`{ loans(filter: { ids: ["201"] }) { nodes { dpdChange firstInstalmentPrincipal paymentPercent tenureMonths } } }`);
  // §3.4/§3.8/§6: no earlier snapshot, so 6 − 0; 20,000 / 20; 2.00 / 8 × 100; round(20 / 30) months.
  expect(loans.nodes).toEqual([{ dpdChange: 6, firstInstalmentPrincipal: '1000.00', paymentPercent: '25.00', tenureMonths: 1 }]);
  expect(await loan('201')).toEqual({
    id: '201',
    status: 'ACTIVE',
    // BD(Mon 12-01, Wed 12-10) = 5 + 3 = 8 due; P = 2,000 (12-02 and 12-10), days paid 2,000 × 20 / 20,000 = 2: DPD 6.
    currentDpd: 6, dpdBucket: 'DPD_1_6', earlyIndicatorTagged: true, repaymentDaysDueToday: 8, repaymentDaysPaid: '2.00',
    dailyRepaymentAmount: '1000.00', totalRepayments: '2000.00', repaymentsToday: '1000.00',
    // min(20,000 × 8 / 20 − 2,000, 20,000 − 2,000) = 6,000.
    actualOutstanding: '6000.00', totalOutstanding: '18000.00', contractOutstanding: '18000.00',
    principalOutstanding: '18000.00', interestOutstanding: '0.00', feesOutstanding: '0.00',
    totalPrincipalPaid: '2000.00', totalInterestPaid: '0.00', totalFeesPaid: '0.00',
    // First counted payment is on 12-02 (Lagos), after D1 12-01.
    fimrTagged: true, firstPaymentMissed: true, firstPaymentReceivedDate: '2025-12-02',
    lastPaymentDate: '2025-12-10', daysSinceLastRepayment: 0, daysSinceDue: 9, loanAge: 12,
    // BD(Fri 11-28, Wed 12-10) = 1 + 5 + 3; BD(11-28, Fri 12-26) = 1 + 4 × 5.
    businessDaysSinceDisbursement: 9, realLoanTenureDays: 21,
    // (1 − ((0 + 6) / 2 / 12) / 0.25) × 100 = 0.
    repaymentDelayRate: '0.00',
    // q = 0 / 12 < 0.15 → 95; health 100 − 10 (DPD 1–7) − 30 (Pp/L = 0.1) − 0 (q < 0.20) = 60.
    timelinessScore: '95.00', repaymentHealth: '60.00',
  });
});

it('a contract one cent short after maturity: DPD 0 by ROUND, one cent in arrears and of principal (§3.2, D4)', async () => {
  expect(await loan('202')).toEqual({
    id: '202',
    status: 'ACTIVE',
    // BD(Tue 11-11, Mon 11-24) = 4 + 5 + 1 = 10; days paid 11,999.99 × 10 / 12,000 = 9.9999917 → 10: DPD 0.
    currentDpd: 0, dpdBucket: 'CURRENT', earlyIndicatorTagged: false, repaymentDaysDueToday: 10, repaymentDaysPaid: '10.00',
    dailyRepaymentAmount: '1200.00', totalRepayments: '11999.99', repaymentsToday: '0.00',
    // min(12,000 × 10 / 10 − 11,999.99, 12,000 − 11,999.99) = 0.01.
    actualOutstanding: '0.01', totalOutstanding: '0.01', contractOutstanding: '0.01',
    // Pp = 11,999.99 × 10,000 / 12,000 = 9,999.9917 → 9,999.99; Pi = 1,999.9983 → 2,000.00, 0.0017 left → 0.00.
    principalOutstanding: '0.01', interestOutstanding: '0.00', feesOutstanding: '0.00',
    totalPrincipalPaid: '9999.99', totalInterestPaid: '2000.00', totalFeesPaid: '0.00',
    fimrTagged: false, firstPaymentMissed: false, firstPaymentReceivedDate: '2025-11-11',
    lastPaymentDate: '2025-11-11', daysSinceLastRepayment: 29, daysSinceDue: 29, loanAge: 30,
    // BD(Mon 11-10, Wed 12-10) = 5 × 4 + 3; BD(11-10, Mon 11-24) = 5 + 5 + 1.
    businessDaysSinceDisbursement: 23, realLoanTenureDays: 11,
    // (1 − ((29 + 0) / 2 / 30) / 0.25) × 100 = (1 − 1.9333…) × 100.
    repaymentDelayRate: '-93.33',
    // q = 29 / 30 → 15; health 100 − 0 − 0 (Pp/L > 0.75) − 30 (q ≥ 0.50) = 70.
    timelinessScore: '15.00', repaymentHealth: '70.00',
  });
});

it('a loan Django closed in arrears keeps its DPD and counts in PAR (§3.2 has no status condition, §4.3 every status)', async () => {
  expect(await loan('203')).toEqual({
    id: '203',
    status: 'CLOSED',
    // BD(Thu 10-02, Wed 11-12) = 2 + 4 × 5 + 5 + 3 = 30 (frozen at maturity); days paid 11,000 × 30 / 33,000 = 10: DPD 20.
    currentDpd: 20, dpdBucket: 'DPD_7_30', earlyIndicatorTagged: false, repaymentDaysDueToday: 30, repaymentDaysPaid: '10.00',
    dailyRepaymentAmount: '1100.00', totalRepayments: '11000.00', repaymentsToday: '0.00',
    actualOutstanding: '22000.00', totalOutstanding: '22000.00', contractOutstanding: '22000.00',
    // Pp = 11,000 × 30,000 / 33,000 = 10,000; Pi = 11,000 × 3,000 / 33,000 = 1,000.
    principalOutstanding: '20000.00', interestOutstanding: '2000.00', feesOutstanding: '0.00',
    totalPrincipalPaid: '10000.00', totalInterestPaid: '1000.00', totalFeesPaid: '0.00',
    fimrTagged: true, firstPaymentMissed: true, firstPaymentReceivedDate: '2025-10-15',
    lastPaymentDate: '2025-10-15', daysSinceLastRepayment: 56, daysSinceDue: 69, loanAge: 70,
    // BD(Wed 10-01, Wed 12-10) = 3 + 9 × 5 + 3; BD(10-01, Wed 11-12) = 3 + 5 × 5 + 3.
    businessDaysSinceDisbursement: 51, realLoanTenureDays: 31,
    // (1 − ((56 + 20) / 2 / 70) / 0.25) × 100 = (1 − 2.171428…) × 100.
    repaymentDelayRate: '-117.14',
    // q = 0.8 → 15; health 100 − 30 (DPD 16–30) − 20 (Pp/L = 0.33) − 30 (q ≥ 0.50) = 20.
    timelinessScore: '15.00', repaymentHealth: '20.00',
  });
});

it('a zero-interest contract above principal plus fee splits pro rata to R = RA and leaves the rest unallocated (D2, D4)', async () => {
  expect(await loan('204')).toEqual({
    id: '204',
    status: 'ACTIVE',
    // BD(Tue 11-25, Wed 12-10) = 4 + 5 + 3 = 12; days paid 21,000 × 20 / 42,000 = 10: DPD 2.
    currentDpd: 2, dpdBucket: 'DPD_1_6', earlyIndicatorTagged: true, repaymentDaysDueToday: 12, repaymentDaysPaid: '10.00',
    dailyRepaymentAmount: '2100.00', totalRepayments: '21000.00', repaymentsToday: '0.00',
    // min(42,000 × 12 / 20 − 21,000, 42,000 − 21,000) = 4,200.
    actualOutstanding: '4200.00', totalOutstanding: '21000.00', contractOutstanding: '21000.00',
    // Pp = 21,000 × 40,000 / 42,000 = 20,000; Pf = 21,000 × 1,000 / 42,000 = 500; the other 500 of the 1,000 of RA
    // above L + F is no component's.
    principalOutstanding: '20000.00', interestOutstanding: '0.00', feesOutstanding: '500.00',
    totalPrincipalPaid: '20000.00', totalInterestPaid: '0.00', totalFeesPaid: '500.00',
    fimrTagged: true, firstPaymentMissed: true, firstPaymentReceivedDate: '2025-12-05',
    lastPaymentDate: '2025-12-05', daysSinceLastRepayment: 5, daysSinceDue: 15, loanAge: 16,
    // BD(Mon 11-24, Wed 12-10) = 5 + 5 + 3; BD(11-24, Mon 12-22) = 4 × 5 + 1.
    businessDaysSinceDisbursement: 13, realLoanTenureDays: 21,
    // (1 − ((5 + 2) / 2 / 16) / 0.25) × 100 = (1 − 0.875) × 100.
    repaymentDelayRate: '12.50',
    // q = 5 / 16 = 0.3125 → 70; health 100 − 10 (DPD 1–7) − 20 (Pp/L = 0.5, not above 0.50) − 10 (q < 0.35) = 60.
    timelinessScore: '70.00', repaymentHealth: '60.00',
  });
});

it('officer 7 metrics over the four loans (§4.4, D8: every status, PAR on principal outstanding)', async () => {
  const { officer } = await q(`{ officer(id: "7") { portfolio { disbursed firstMiss fimr totalPortfolio feesDue activeLoansCount
    porr par15 par30Amount par30 roll slippage } } }`);
  expect(officer.portfolio).toEqual({
    // FIMR: 201, 203 and 204 (3 of 4).
    disbursed: 4, firstMiss: 3, fimr: '0.75000000',
    // 18,000 + 0.01 + 20,000 + 20,000; fees due: 204's 1,000.
    totalPortfolio: '58000.01', feesDue: '1000.00',
    // out3 > 2,000: 201 (18,000), 203 (22,000), 204 (20,500); 202's 0.01 is not.
    activeLoansCount: 3,
    // PAR15: 203 (DPD 20, closed) 20,000 / 58,000.01; nothing at DPD ≥ 30.
    porr: '0.34482753', par15: '0.34482753', par30Amount: '0.00', par30: '0.00000000',
    // roll: DPD 7–30 (20,000) / DPD 1–6 (201 18,000 + 204 20,000); slippage: 38,000 / Σ out3 60,500.01.
    roll: '0.52631579', slippage: '0.62809907',
  });
});

it('the collections board of officer 7 (§4.6: Σ RA, due where in arrears, collected by Lagos date)', async () => {
  const { collectionsByOfficer } = await q(`{ collectionsByOfficer(filter: { officerIds: ["7"] }) {
    standings { officerId loans portfolioTotal dueToday collectedToday missedToday todayRate nplRatio status }
    summary { groups totalPortfolio totalDueToday totalCollectedToday totalMissedToday collectionRateToday } } }`);
  expect(collectionsByOfficer).toEqual({
    standings: [{
      officerId: '7', loans: 4,
      // RA: 20,000 + 12,000 + 33,000 + 42,000.
      portfolioTotal: '107000.00',
      // Every loan has arrears (202's 0.01 too): 1,000 + 1,200 + 1,100 + 2,100. Collected today: 201's 23:59:59 payment.
      dueToday: '5400.00', collectedToday: '1000.00', missedToday: '4400.00', todayRate: '0.18518519',
      // 20,000 / 107,000 = 0.1869… ≥ 0.18.
      nplRatio: '0.18691589', status: 'CRITICAL',
    }],
    summary: { groups: 1, totalPortfolio: '107000.00', totalDueToday: '5400.00', totalCollectedToday: '1000.00', totalMissedToday: '4400.00', collectionRateToday: '0.18518519' },
  });
});

it('DPD rounds the exact instalments paid, not the 2-place figure shown (§3.2: 2.495 → 2, though shown 2.50)', async () => {
  const { loans } = await q(`{ loans(filter: { ids: ["205"] }) { nodes { currentDpd repaymentDaysDueToday repaymentDaysPaid actualOutstanding fimrTagged } } }`);
  // 8 due − ROUND(2,495 × 20 / 20,000 = 2.495) = 8 − 2; arrears 20,000 × 8 / 20 − 2,495.
  expect(loans.nodes).toEqual([{ currentDpd: 6, repaymentDaysDueToday: 8, repaymentDaysPaid: '2.50', actualOutstanding: '5505.00', fimrTagged: false }]);
});

it('with a rate, the contract is L(1+r)+F even where Django repayment_amount disagrees (D2); only contractOutstanding reads RA (§3.8)', async () => {
  const { loans } = await q(`{ loans(filter: { ids: ["206"] }) { nodes { currentDpd actualOutstanding totalOutstanding contractOutstanding principalOutstanding interestOutstanding } } }`);
  // 10 due − 6,000 × 10 / 12,000 = 5; arrears min(12,000 − 6,000, 12,000 − 6,000); upstream's Go step would have read
  // 11,000 − 6,000 = 5,000 for both. Pp = 6,000 × 10,000 / 12,000 = 5,000, Pi = 1,000.
  expect(loans.nodes).toEqual([{ currentDpd: 5, actualOutstanding: '6000.00', totalOutstanding: '6000.00', contractOutstanding: '5000.00', principalOutstanding: '5000.00', interestOutstanding: '1000.00' }]);
});

const SUMMARY_FIELDS = `totalLoans totalPortfolioAmount atRiskCount atRiskAmount atRiskActualOutstanding atRiskPercentage totalAmountInDpd
  criticalCount criticalPercentage delayExcellentCount delayOkayCount delayCriticalCount totalDueForToday pastMaturityOutstanding
  performingLoansCount performingActualOutstanding totalRepaymentsInPeriod totalRepaymentsYesterday percentageOfDueCollected
  missedRepaymentsToday missedRepaymentsTodayCount repaymentsByDjangoStatus { djangoStatus amount } periodStart periodEnd`;

it('the loans summary of officer 7 for today (§4.6)', async () => {
  const { loans } = await q(`{ loans(filter: { officerIds: ["7"] }) { summary { ${SUMMARY_FIELDS} } } }`);
  expect(loans.summary).toEqual({
    totalLoans: 4, totalPortfolioAmount: '100000.00',
    // DPD ≥ 15: 203 only (L 30,000, arrears 22,000), 1 of 4.
    atRiskCount: 1, atRiskAmount: '30000.00', atRiskActualOutstanding: '22000.00', atRiskPercentage: '25.00',
    // Arrears of loans with DPD > 0: 6,000 + 22,000 + 4,200; nothing above DPD 21.
    totalAmountInDpd: '32200.00', criticalCount: 0, criticalPercentage: '0.00',
    // Delay rates 0.00, −93.33, −117.14, 12.50: all below 40.
    delayExcellentCount: 0, delayOkayCount: 0, delayCriticalCount: 4,
    totalDueForToday: '5400.00',
    // Matured before today with arrears: 202 (0.01) and 203 (22,000).
    pastMaturityOutstanding: '22000.01',
    performingLoansCount: 4, performingActualOutstanding: '32200.01',
    // Today: 201's 23:59:59 Lagos payment only; yesterday nothing. 1,000 / 5,400 × 100.
    totalRepaymentsInPeriod: '1000.00', totalRepaymentsYesterday: '0.00', percentageOfDueCollected: '18.52',
    // In arrears without a payment today: 202, 203, 204 (1,200 + 1,100 + 2,100).
    missedRepaymentsToday: '4400.00', missedRepaymentsTodayCount: 3,
    repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '1000.00' }],
    periodStart: '2025-12-10', periodEnd: '2025-12-10',
  });
});

it('the summary periods: ISO week from Monday, the month to date, last month, the last seven calendar days (§4.6, D1)', async () => {
  const period = async (p: string) => (await q(`{ loans(filter: { officerIds: ["7"], period: ${p} }) { summary { totalRepaymentsInPeriod periodStart periodEnd
    repaymentsByDjangoStatus { djangoStatus amount } } } }`)).loans.summary;
  // Mon 12-08 … Wed 12-10: 201's 1,000 of today (204's 12-05 is the week before).
  expect(await period('THIS_WEEK')).toEqual({ totalRepaymentsInPeriod: '1000.00', periodStart: '2025-12-08', periodEnd: '2025-12-10', repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '1000.00' }] });
  // 12-01 … 12-10: 201's 12-02 and 12-10 (1,000 each) and 204's 21,000.
  expect(await period('THIS_MONTH')).toEqual({ totalRepaymentsInPeriod: '23000.00', periodStart: '2025-12-01', periodEnd: '2025-12-10', repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '23000.00' }] });
  // November: 202's 11,999.99.
  expect(await period('LAST_MONTH')).toEqual({ totalRepaymentsInPeriod: '11999.99', periodStart: '2025-11-01', periodEnd: '2025-11-30', repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '11999.99' }] });
  // 12-04 … 12-10: 21,000 + 1,000.
  expect(await period('LAST_7_DAYS')).toEqual({ totalRepaymentsInPeriod: '22000.00', periodStart: '2025-12-04', periodEnd: '2025-12-10', repaymentsByDjangoStatus: [{ djangoStatus: 'OPEN', amount: '22000.00' }] });
});

it('agent activity of officer 7 over 12-04 … 12-10 (§4.6)', async () => {
  const { agentActivity } = await q(`{ agentActivity(filter: { officerIds: ["7"] }) { officerId totalCollected firstFourDays lastThreeDays collectedToday
    weekdaysWithCollection repaymentRate categories daily { date amount } } }`);
  expect(agentActivity).toEqual([{
    officerId: '7', totalCollected: '22000.00',
    // today−6 … today−3 = 12-04 … 12-07 (204's 21,000 on Fri 12-05); today−2 … today = 12-08 … 12-10 (1,000 today).
    firstFourDays: '21000.00', lastThreeDays: '1000.00', collectedToday: '1000.00',
    // Fri 12-05 and Wed 12-10: 2 of 5 weekdays.
    weekdaysWithCollection: 2, repaymentRate: '40.00',
    // 0 < 1,000 < 0.3 × 21,000: severe decline; something came in today.
    categories: ['SEVERE_DECLINE', 'STARTED_TODAY'],
    daily: [
      { date: '2025-12-04', amount: '0.00' }, { date: '2025-12-05', amount: '21000.00' }, { date: '2025-12-06', amount: '0.00' },
      { date: '2025-12-07', amount: '0.00' }, { date: '2025-12-08', amount: '0.00' }, { date: '2025-12-09', amount: '0.00' },
      { date: '2025-12-10', amount: '1000.00' },
    ],
  }]);
});

/** Moves the business date (loaders and engine) and runs one sync cycle for it. */
async function syncOn(date: string): Promise<void> {
  await pinBusinessDate(h.dbs.metrics.pool, date);
  const worker = h.worker({ clock: fixedBusinessClock(date) });
  await worker.runOnce();
  await worker.stop();
}

const HISTORY_FIELDS = `id currentDpd previousDpd maxDpdEver dpdBucket actualOutstanding loanAge
  transitions { transitionDate fromBucket toBucket dpdBefore dpdAfter outstandingBalance }`;

// Runs after the tests above: it moves the business date on.
it('Saturday 12-13, then a reversal on Monday 12-15: previous and running-maximum DPD, one transition per bucket move, PAR15 at exactly 15 (D3, D5-D8, D14)', async () => {
  await syncOn('2025-12-13');
  const at13 = (await q(`{ loans(filter: { ids: ["201", "203", "204"] }, orderBy: { field: ID, direction: ASC }) { nodes { ${HISTORY_FIELDS} } } }`)).loans.nodes;
  expect(at13).toEqual([
    // 201: 12-11's 1,000 now counts (P 3,000); BD(12-01, Sat 12-13) = 10 due, 3 paid: DPD 7, out of 1-6.
    { id: '201', currentDpd: 7, previousDpd: 6, maxDpdEver: 7, dpdBucket: 'DPD_7_30', actualOutstanding: '7000.00', loanAge: 15,
      transitions: [{ transitionDate: '2025-12-13', fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', dpdBefore: 6, dpdAfter: 7, outstandingBalance: '7000.00' }] },
    // 203 is closed: the daily recompute of open loans leaves it as computed on 12-10 (migration 0002, "Open loans").
    { id: '203', currentDpd: 20, previousDpd: null, maxDpdEver: 20, dpdBucket: 'DPD_7_30', actualOutstanding: '22000.00', loanAge: 70, transitions: [] },
    // 204: BD(11-25, 12-13) = 14 due, 10 paid: DPD 4, same bucket.
    { id: '204', currentDpd: 4, previousDpd: 2, maxDpdEver: 4, dpdBucket: 'DPD_1_6', actualOutstanding: '8400.00', loanAge: 19, transitions: [] },
  ]);

  await h.django.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL', updated_at = now() WHERE id = 20401`);
  await syncOn('2025-12-15');
  const at15 = (await q(`{ loans(filter: { ids: ["201", "204"] }, orderBy: { field: ID, direction: ASC }) { nodes { ${HISTORY_FIELDS}
    totalRepayments principalOutstanding feesOutstanding totalOutstanding fimrTagged firstPaymentReceivedDate daysSinceLastRepayment
    repaymentDelayRate timelinessScore repaymentHealth dpdChange } } }`)).loans.nodes;
  expect(at15).toEqual([
    // BD(12-01, Mon 12-15) = 11, 3 paid: DPD 8; previous = the 12-13 snapshot's 7 (none on Sunday 12-14); same bucket.
    { id: '201', currentDpd: 8, previousDpd: 7, maxDpdEver: 8, dpdBucket: 'DPD_7_30', actualOutstanding: '8000.00', loanAge: 17,
      transitions: [{ transitionDate: '2025-12-13', fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', dpdBefore: 6, dpdAfter: 7, outstandingBalance: '7000.00' }],
      totalRepayments: '3000.00', principalOutstanding: '17000.00', feesOutstanding: '0.00', totalOutstanding: '17000.00', fimrTagged: true,
      firstPaymentReceivedDate: '2025-12-02', daysSinceLastRepayment: 4,
      // (1 − ((4 + 8) / 2 / 17) / 0.25) × 100 = (1 − 1.41176…) × 100; q = 4 / 17 = 0.235 → 85;
      // health 100 − 20 (DPD 8–15) − 30 (Pp/L = 0.15) − 10 (q < 0.35) = 40.
      repaymentDelayRate: '-41.18', timelinessScore: '85.00', repaymentHealth: '40.00', dpdChange: 1 },
    // The reversed 21,000 no longer counts: nothing paid, BD(11-25, 12-15) = 15 due: DPD 15. The cycle first
    // recomputed every open loan for 12-15 (15 due, 10 paid: DPD 5, still 1-6), then the batch with the reversal:
    // the move is from that recompute's 5 (D7), while previous_dpd is the 12-13 snapshot's 4 (D6).
    { id: '204', currentDpd: 15, previousDpd: 4, maxDpdEver: 15, dpdBucket: 'DPD_7_30', actualOutstanding: '31500.00', loanAge: 21,
      transitions: [{ transitionDate: '2025-12-15', fromBucket: 'DPD_1_6', toBucket: 'DPD_7_30', dpdBefore: 5, dpdAfter: 15, outstandingBalance: '31500.00' }],
      totalRepayments: '0.00', principalOutstanding: '40000.00', feesOutstanding: '1000.00', totalOutstanding: '42000.00', fimrTagged: true,
      firstPaymentReceivedDate: null, daysSinceLastRepayment: null,
      // Never paid: (1 − (15 / 21) / 0.25) × 100 = (1 − 2.857…) × 100; no counted repayment, 21 days old: 50 and 50.
      repaymentDelayRate: '-185.71', timelinessScore: '50.00', repaymentHealth: '50.00', dpdChange: 11 },
  ]);
  // PAR15 now holds 204 at DPD exactly 15 (≥ 15, D14) beside 203: (20,000 + 40,000) / (17,000 + 0.01 + 20,000 + 40,000).
  const { officer } = await q(`{ officer(id: "7") { portfolio { totalPortfolio par15 porr } } }`);
  expect(officer.portfolio).toEqual({ totalPortfolio: '77000.01', par15: '0.77922068', porr: '0.77922068' });
  // One par_changes row per recompute that moved officer 7's PAR15 amount or ratio (D8): its first on 12-10 (from
  // zeros), 12-13 (201 paid 1,000 more of principal: 20,000 / 57,000.01), 12-15's batch with the reversal. The
  // daily recompute of 12-15 moved DPDs only (201 to 8, 204 to 5), no PAR amount or ratio: no row.
  const { parChanges } = await q(`{ parChanges(scope: OFFICER, keys: ["7"], first: 10) { nodes { businessDate par15Before par15After ratioBefore ratioAfter portfolioBefore portfolioAfter } } }`);
  expect(parChanges.nodes).toEqual([
    { businessDate: '2025-12-10', par15Before: '0.00', par15After: '20000.00', ratioBefore: '0.00000000', ratioAfter: '0.34482753', portfolioBefore: '0.00', portfolioAfter: '58000.01' },
    { businessDate: '2025-12-13', par15Before: '20000.00', par15After: '20000.00', ratioBefore: '0.34482753', ratioAfter: '0.35087713', portfolioBefore: '58000.01', portfolioAfter: '57000.01' },
    { businessDate: '2025-12-15', par15Before: '20000.00', par15After: '60000.00', ratioBefore: '0.35087713', ratioAfter: '0.77922068', portfolioBefore: '57000.01', portfolioAfter: '77000.01' },
  ]);
});
