/** The All Loans table's derived display fields (DOMAIN.md §3.8), worked by hand, on lists and on loan(id). */
import { createApiHarness, seedOfficerAndBorrower, type ApiHarness } from './harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await createApiHarness();
  await seedOfficerAndBorrower(api.dbs);
  await api.dbs.djangoWriter.query(`
    INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                               is_disbursed, date_disbursed, start_date, end_date, status)
    VALUES (701, 31, 1, 100000, 132000, 30, 2000, 30, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (702, 31, 1, 50000, 0, 0, 0, 44, true, '2025-11-03 09:00:00+00', '2025-11-04', '2025-12-15', 'OPEN'),
           (703, 31, 1, 20000, 26000, 30, 0, 75, true, '2025-12-09 09:00:00+00', '2025-12-10', '2026-01-21', 'OPEN'),
           (704, 31, 1, 10000, 13000, 30, 0, 30, true, '2025-12-09 09:00:00+00', '2025-12-10', '2026-01-21', 'OPEN'),
           -- Disbursed at 00:30 in Lagos on 9 December, which is still 8 December in UTC.
           (705, 31, 1, 10000, 13000, 30, 0, 30, true, '2025-12-08 23:30:00+00', '2025-12-10', '2026-01-21', 'OPEN'),
           (706, 31, 1, 10000, 13000, 30, 0, 30, false, NULL, NULL, NULL, 'OPEN'),
           (707, 31, 1, 10000, 13000, 30, 0, 0, true, '2025-12-09 09:00:00+00', '2025-12-10', '2026-01-21', 'OPEN')`);
  await api.dbs.metrics.pool.query(`
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
                       disbursement_date, maturity_date, loan_term_days, channel, status, total_repayments, repayment_days_paid,
                       repayment_days_due_today)
    VALUES ('701', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 100000, 132000, '2025-11-03', '2025-12-15', 30, 'AJO', 'Active', 60000, 13.64, 27),
           ('702', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 50000, 0, '2025-11-03', '2025-12-15', 44, 'AJO', 'Active', 80000, 44, 27),
           ('703', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 20000, 26000, '2025-12-09', '2026-01-21', 75, 'AJO', 'Active', 0, 0, 0),
           ('705', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 10000, 13000, '2025-12-09', '2026-01-21', 30, 'AJO', 'Active', 0, 0, 0),
           ('707', '1', 'Bola Ade', '31', 'Amaka', 'Ruby', 'YABA', 10000, 13000, '2025-12-09', '2026-01-21', 0, 'AJO', 'Active', 0, 0, 0)`);
});
afterAll(async () => {
  await api.dbs.drop();
});

it('paymentPercent, contractOutstanding and tenureMonths', async () => {
  const data = await api.data<{ loans: { nodes: unknown[] }; one: unknown; unsynced: unknown }>(`{
    loans(filter: { ids: ["701", "702", "703"] }, orderBy: { field: LOAN_AMOUNT, direction: DESC }) { nodes { id paymentPercent contractOutstanding tenureMonths } }
    one: loan(id: "701") { paymentPercent contractOutstanding tenureMonths }
    unsynced: loan(id: "704") { paymentPercent contractOutstanding tenureMonths } }`);
  expect(data.loans.nodes).toEqual([
    // 13.64 / 27 × 100 = 50.518… → 50.52; 132,000 − 60,000.
    { id: '701', paymentPercent: '50.52', contractOutstanding: '72000.00', tenureMonths: 1 },
    // No repayment amount (0): the loan amount, 50,000 − 80,000 → 0; 44 days → 1.47 → 1 month; 44 / 27 days paid → 162.96.
    { id: '702', paymentPercent: '162.96', contractOutstanding: '0.00', tenureMonths: 1 },
    // Nothing due yet: 0 %; 75 days → 2.5 → 3 months.
    { id: '703', paymentPercent: '0.00', contractOutstanding: '26000.00', tenureMonths: 3 },
  ]);
  expect(data.one).toEqual({ paymentPercent: '50.52', contractOutstanding: '72000.00', tenureMonths: 1 });
  // Not synced yet: the computed ones are null, the one from Django is there.
  expect(data.unsynced).toEqual({ paymentPercent: null, contractOutstanding: null, tenureMonths: 1 });
});

it('disbursementDate is the business date (Africa/Lagos) of disbursedAt: the date the disbursedFrom filter uses', async () => {
  const data = await api.data<{ loans: { nodes: unknown[] }; unsynced: unknown; undated: unknown }>(`{
    loans(filter: { ids: ["703", "705"], disbursedFrom: "2025-12-09", disbursedTo: "2025-12-09" }, orderBy: { field: ID, direction: ASC }) {
      nodes { id disbursedAt disbursementDate } }
    unsynced: loan(id: "704") { disbursedAt disbursementDate }
    undated: loan(id: "706") { disbursedAt disbursementDate } }`);
  expect(data.loans.nodes).toEqual([
    { id: '703', disbursedAt: '2025-12-09T09:00:00.000Z', disbursementDate: '2025-12-09' },
    // A client formatting the instant in UTC would show 2025-12-08, outside the range the loan was filtered by.
    { id: '705', disbursedAt: '2025-12-08T23:30:00.000Z', disbursementDate: '2025-12-09' },
  ]);
  // Read from Django, so a loan not synced yet has it too.
  expect(data.unsynced).toEqual({ disbursedAt: '2025-12-09T09:00:00.000Z', disbursementDate: '2025-12-09' });
  expect(data.undated).toEqual({ disbursedAt: null, disbursementDate: null });
});

it('firstInstalmentPrincipal is amount / tenorDays to the cent, principal only (§6 row 3), null without a tenor or a copy', async () => {
  const data = await api.data<{ loans: { nodes: unknown[] }; one: unknown; unsynced: unknown }>(`{
    loans(filter: { ids: ["701", "702", "703", "707"] }, orderBy: { field: ID, direction: ASC }) { nodes { id firstInstalmentPrincipal } }
    one: loan(id: "703") { firstInstalmentPrincipal }
    unsynced: loan(id: "704") { firstInstalmentPrincipal } }`);
  expect(data.loans.nodes).toEqual([
    // 100,000 / 30 = 3,333.333… (the whole instalment, 132,000 / 30, is dailyRepaymentAmount).
    { id: '701', firstInstalmentPrincipal: '3333.33' },
    // 50,000 / 44 = 1,136.3636…
    { id: '702', firstInstalmentPrincipal: '1136.36' },
    // 20,000 / 75 = 266.666… rounds up.
    { id: '703', firstInstalmentPrincipal: '266.67' },
    // No tenor: no instalments to divide by.
    { id: '707', firstInstalmentPrincipal: null },
  ]);
  expect(data.one).toEqual({ firstInstalmentPrincipal: '266.67' });
  expect(data.unsynced).toEqual({ firstInstalmentPrincipal: null });
});
