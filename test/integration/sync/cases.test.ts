/** The sync's cases (edits, reversals, bad rows, late commits, placeholder officers, the curated hierarchy…), one small Django scenario each, copy logic only (recompute recorded, not run). */
import { validate } from '../../../src/sync/validate';
import { memoryLogger } from '../../support/memory-logger';
import { recordingRecompute, syncHarness, TODAY, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
});
afterEach(async () => {
  await h.close();
});

const repaymentRows = () =>
  h.rows(`SELECT repayment_id, loan_id, payment_date::text, payment_amount, is_reversed, marked_as, applied_to_loan, is_counted
          FROM repayments ORDER BY repayment_id::bigint`);

it('an edited repayment (amount changed, updated_at bumped) is rewritten and its loan recomputed', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute });
  await worker.runOnce();
  await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 15000.5, updated_at = now() WHERE id = 1000`);
  recompute.calls.length = 0;
  const report = await worker.runOnce();
  expect(report.entities.repayments).toMatchObject({ rowsRead: 1, rowsWritten: 1 });
  expect(recompute.calls).toEqual([{ loanIds: ['100'], asOf: TODAY }]);
  expect(await repaymentRows()).toEqual([
    { repayment_id: '1000', loan_id: '100', payment_date: '2025-11-04', payment_amount: '15000.50', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: true },
  ]);
});

it('a reversal (marked_as REVERSAL) and a payment not applied to the loan are kept but not counted', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 100, 20000, '2025-11-05T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  await h.django.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL', applied_to_loan = false, updated_at = now() WHERE id = 1001`);
  await h.django.repayment(1002, 100, 5000, '2025-11-06T10:00:00+01:00', { applied_to_loan: false });
  await worker.runOnce();
  expect(await repaymentRows()).toEqual([
    { repayment_id: '1000', loan_id: '100', payment_date: '2025-11-04', payment_amount: '20000.00', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: true },
    { repayment_id: '1001', loan_id: '100', payment_date: '2025-11-05', payment_amount: '20000.00', is_reversed: true, marked_as: 'REVERSAL', applied_to_loan: false, is_counted: false },
    { repayment_id: '1002', loan_id: '100', payment_date: '2025-11-06', payment_amount: '5000.00', is_reversed: false, marked_as: null, applied_to_loan: false, is_counted: false },
  ]);
});

it('NULL dates and amounts ≤ 0 are kept, never counted, and reported once', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, null);
  await h.django.repayment(1001, 100, -500, '2025-11-05T10:00:00+01:00');
  await h.django.repayment(1002, 100, 0, '2025-11-05T10:00:00+01:00');
  await h.django.repayment(1003, 100, 0.001, '2025-11-05T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute(), log });
  const first = await worker.runOnce();
  const second = await worker.runOnce();
  expect(first.rejects).toBe(4);
  expect(second.rejects).toBe(0);
  expect(await repaymentRows()).toEqual([
    { repayment_id: '1000', loan_id: '100', payment_date: null, payment_amount: '20000.00', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: false },
    { repayment_id: '1001', loan_id: '100', payment_date: '2025-11-05', payment_amount: '-500.00', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: false },
    { repayment_id: '1002', loan_id: '100', payment_date: '2025-11-05', payment_amount: '0.00', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: false },
    { repayment_id: '1003', loan_id: '100', payment_date: '2025-11-05', payment_amount: '0.00', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: false },
  ]);
  expect(await h.rows(`SELECT entity, django_id, reason, seen_count FROM sync_rejects ORDER BY django_id`)).toEqual([
    { entity: 'repayments', django_id: '1000', reason: 'paid_date is NULL: kept, never counted', seen_count: 1 },
    { entity: 'repayments', django_id: '1001', reason: 'repayment_amount must be > 0; got -500: kept, never counted', seen_count: 1 },
    { entity: 'repayments', django_id: '1002', reason: 'repayment_amount must be > 0; got 0: kept, never counted', seen_count: 1 },
    { entity: 'repayments', django_id: '1003', reason: 'repayment_amount must be > 0; got 0.001: kept, never counted', seen_count: 1 },
  ]);
  const reported = lines.filter((l) => l.msg === 'Django row rejected by the sync').map((l) => l.djangoId);
  expect(reported).toEqual(['1000', '1001', '1002', '1003']);

  // Django edits the row and it is still bad: one more sighting. Then it is fixed: the reject goes away.
  await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = -600, updated_at = now() + interval '1 second' WHERE id = 1001`);
  await h.django.query(`UPDATE loans_ajoloanrepayment SET paid_date = '2025-11-07T10:00:00+01:00', updated_at = now() + interval '1 second' WHERE id = 1000`);
  await worker.runOnce();
  expect(await h.rows(`SELECT django_id, reason, seen_count FROM sync_rejects ORDER BY django_id`)).toEqual([
    { django_id: '1001', reason: 'repayment_amount must be > 0; got -600: kept, never counted', seen_count: 2 },
    { django_id: '1002', reason: 'repayment_amount must be > 0; got 0: kept, never counted', seen_count: 1 },
    { django_id: '1003', reason: 'repayment_amount must be > 0; got 0.001: kept, never counted', seen_count: 1 },
  ]);

  // A restarted worker reads the unchanged rows again and does not count them; an edit still counts. 1002 and 1003
  // stand for rejects recorded before they carried their version (migration 0019).
  await h.rows(`UPDATE sync_rejects SET django_version = NULL WHERE django_id IN ('1002', '1003')`);
  await worker.stop();
  await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = -700, updated_at = now() + interval '2 seconds' WHERE id = 1003`);
  const restarted = h.worker({ recompute: recordingRecompute(), log });
  expect((await restarted.runOnce()).entities.repayments.rowsRead).toBeGreaterThanOrEqual(3);
  expect(await h.rows(`SELECT django_id, seen_count, django_version IS NOT NULL AS versioned FROM sync_rejects ORDER BY django_id`)).toEqual([
    { django_id: '1001', seen_count: 2, versioned: true },
    { django_id: '1002', seen_count: 1, versioned: false },
    { django_id: '1003', seen_count: 2, versioned: true },
  ]);
  await restarted.stop();
});

it('a cycle with more bad rows than it logs one by one logs the first 20 and counts the rest; sync_rejects has all', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  for (let id = 1000; id < 1025; id += 1) await h.django.repayment(id, 100, 0, '2025-11-05T10:00:00+01:00');
  await h.django.loan(101, 7, 11, { agent_id: null });
  const worker = h.worker({ recompute: recordingRecompute(), log });
  expect((await worker.runOnce()).rejects).toBe(26);
  expect(await h.rows(`SELECT entity, count(*)::int AS n FROM sync_rejects GROUP BY entity ORDER BY entity`)).toEqual([
    { entity: 'loans', n: 1 },
    { entity: 'repayments', n: 25 },
  ]);
  const warnings = lines.filter((l) => l.level === 40);
  // Loans are copied before repayments: the loan's reject is among the first 20.
  expect(warnings.slice(0, 20).map((l) => [l.msg, l.entity])).toEqual([
    ['Django row rejected by the sync', 'loans'],
    ...Array.from({ length: 19 }, () => ['Django row rejected by the sync', 'repayments']),
  ]);
  expect(warnings.slice(20)).toEqual([
    expect.objectContaining({
      msg: '6 more Django rows rejected by the sync this cycle than are logged one by one; each is in sync_rejects with its reason',
      notLogged: 6,
      byEntity: { repayments: 6 },
      loggedOneByOne: 20,
    }),
  ]);
  // The next cycle has nothing new to say.
  await worker.runOnce();
  expect(lines.filter((l) => l.level === 40)).toHaveLength(21);
});

it('a loan whose officer is inactive or missing is still synced, with a placeholder officer', async () => {
  await h.django.user(8, { is_active: false, username: 'gone', user_branch: 'Abuja Central' });
  await h.django.loan(100, 8, 11);
  // A loan whose agent does not exist in Django (the FK is deferred; Django's data has such rows).
  await h.django.query(`SET session_replication_role = replica`);
  await h.django.query(`INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, is_disbursed, date_disbursed, start_date, end_date)
                        VALUES (101, 999, 11, 50000, 57500, 15, true, '2025-10-01T09:00:00+01:00', '2025-10-02', '2025-11-12')`);
  await h.django.query(`SET session_replication_role = origin`);
  await h.worker({ recompute: recordingRecompute() }).runOnce();
  expect(await h.rows(`SELECT officer_id, officer_name, region, branch, employment_status, is_active_in_django FROM officers ORDER BY officer_id`)).toEqual([
    { officer_id: '7', officer_name: 'officer7', region: 'Lagos', branch: 'Lagos Island', employment_status: 'Active', is_active_in_django: true },
    { officer_id: '8', officer_name: 'gone', region: 'FCT', branch: 'Abuja Central', employment_status: 'Active', is_active_in_django: false },
    { officer_id: '999', officer_name: 'Unknown officer 999', region: 'Unassigned', branch: 'Unassigned', employment_status: 'Inactive', is_active_in_django: false },
  ]);
  expect(await h.rows(`SELECT loan_id, officer_id, officer_name, region, branch, wave FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', officer_id: '8', officer_name: 'gone', region: 'FCT', branch: 'Abuja Central', wave: 'Wave 2' },
    { loan_id: '101', officer_id: '999', officer_name: 'Unknown officer 999', region: 'Unassigned', branch: 'Unassigned', wave: 'Wave 1' },
  ]);
});

it("an officer Django names no branch for (NULL or blank) is 'Unassigned' in branch and region (D12); any other branch names its region", async () => {
  await h.django.user(8, { user_branch: null });
  await h.django.user(9, { user_branch: ' \t ' });
  await h.django.user(10, { user_branch: 'Kano Central' });
  await h.django.user(12, { user_branch: 'Ikeja (Lagos) 100%_' });
  await h.worker({ recompute: recordingRecompute() }).runOnce();
  expect(await h.rows(`SELECT officer_id, region, branch FROM officers ORDER BY officer_id::int`)).toEqual([
    { officer_id: '7', region: 'Lagos', branch: 'Lagos Island' },
    { officer_id: '8', region: 'Unassigned', branch: 'Unassigned' },
    { officer_id: '9', region: 'Unassigned', branch: 'Unassigned' },
    { officer_id: '10', region: 'Nigeria', branch: 'Kano Central' },
    { officer_id: '12', region: 'Lagos', branch: 'Ikeja (Lagos) 100%_' },
  ]);
});

it('bad loans do not abort their batch: each is rejected once with its reason, the others are copied', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, null, 11);
  await h.django.loan(102, 7, 11, { amount: -5, end_date: null });
  await h.django.loan(103, 7, 11, { tenor_in_days: 0, tenor: 'SOMETIME' });
  await h.django.loan(104, 7, 11, { interest_rate: 100000 }); // fits Django, not numeric(5,4): refused by the reader, naming the bound
  await h.django.loan(105, 7, 11, { is_disbursed: false }); // outside the population: skipped silently
  await h.django.loan(106, 7, 11);
  // A rule seedsmetrics has and the reader does not check (here one added for the test): caught by the row-by-row retry.
  await h.dbs.metrics.pool.query(`ALTER TABLE loans ADD CONSTRAINT test_no_12345 CHECK (loan_amount <> 12345)`);
  await h.django.loan(107, 7, 11, { amount: 12345 });
  const worker = h.worker({ recompute: recordingRecompute(), batchSize: 10 });
  const report = await worker.runOnce();
  expect(report.entities.loans).toMatchObject({ rowsRead: 8, rowsWritten: 2, rejects: 5, maxId: '107' });
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '100' }, { loan_id: '106' }]);
  expect(await h.rows(`SELECT django_id, reason, seen_count FROM sync_rejects WHERE entity = 'loans' ORDER BY django_id`)).toEqual([
    { django_id: '101', reason: 'agent_id is NULL (a loan needs an officer)', seen_count: 1 },
    { django_id: '102', reason: 'end_date is NULL (a loan needs its maturity date); amount must be a number from 0 to below 1e10; got -5', seen_count: 1 },
    { django_id: '103', reason: 'tenor_in_days must be a positive number of instalments; got 0 (tenor SOMETIME)', seen_count: 1 },
    { django_id: '104', reason: 'interest_rate must be a percent from 0 to 999.99; got 100000', seen_count: 1 },
    { django_id: '107', reason: 'rejected by seedsmetrics: new row for relation "loans" violates check constraint "test_no_12345" (SQLSTATE 23514)', seen_count: 1 },
  ]);
  await worker.runOnce();
  expect(await h.rows(`SELECT count(*)::int AS n, sum(seen_count)::int AS seen FROM sync_rejects`)).toEqual([{ n: 5, seen: 5 }]);
});

it("a payment at 00:30 in Lagos is dated that Lagos day (D1), not the UTC day before", async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 4400, '2025-12-09T23:30:00Z'); // 00:30 on 10 December in Lagos (UTC+1)
  await h.django.repayment(1001, 100, 4400, '2025-12-09T22:59:59Z'); // 23:59:59 on 9 December in Lagos
  await h.worker({ recompute: recordingRecompute() }).runOnce();
  expect(await h.rows(`SELECT repayment_id, payment_date::text, paid_at FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', payment_date: '2025-12-10', paid_at: new Date('2025-12-09T23:30:00Z') },
    { repayment_id: '1001', payment_date: '2025-12-09', paid_at: new Date('2025-12-09T22:59:59Z') },
  ]);
});

it('curated hierarchy is taken on insert and never overwritten by a re-sync (D12)', async () => {
  await h.dbs.metrics.pool.query(
    `INSERT INTO officer_hierarchy (officer_email, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name)
     VALUES ('OFFICER9@example.com', 'Emerald', 'YABA', 'sup@example.com', 'Sup', 'vl@example.com', 'Vee Ell')`,
  );
  await h.django.user(9, { user_branch: 'Ogun Main' });
  await h.django.loan(100, 9, 11);
  await h.django.loan(101, 7, 11);
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  // An operator curates officer 7 by hand after its first sync.
  await h.dbs.metrics.pool.query(`UPDATE officers SET region = 'Jade', branch = 'EPE', hierarchy_curated = true WHERE officer_id = '7'`);
  await h.dbs.metrics.pool.query(`UPDATE loans SET region = 'Jade', branch = 'EPE' WHERE officer_id = '7'`);
  await h.django.query(`UPDATE accounts_customuser SET user_branch = 'Oyo North', username = 'renamed', updated_at = now() WHERE id IN (7, 9)`);
  await h.django.query(`UPDATE loans_ajoloan SET amount = 90000, updated_at = now() WHERE id IN (100, 101)`);
  await worker.runOnce();
  expect(await h.rows(`SELECT officer_id, officer_name, region, branch, supervisor_name, vertical_lead_name, hierarchy_curated FROM officers ORDER BY officer_id`)).toEqual([
    { officer_id: '7', officer_name: 'renamed', region: 'Jade', branch: 'EPE', supervisor_name: null, vertical_lead_name: null, hierarchy_curated: true },
    { officer_id: '9', officer_name: 'renamed', region: 'Emerald', branch: 'YABA', supervisor_name: 'Sup', vertical_lead_name: 'Vee Ell', hierarchy_curated: true },
  ]);
  expect(await h.rows(`SELECT loan_id, officer_name, region, branch, vertical_lead_name, loan_amount FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', officer_name: 'renamed', region: 'Emerald', branch: 'YABA', vertical_lead_name: 'Vee Ell', loan_amount: '90000.00' },
    { loan_id: '101', officer_name: 'renamed', region: 'Jade', branch: 'EPE', vertical_lead_name: null, loan_amount: '90000.00' },
  ]);
});

it('the overlap window picks up a row committed late with an older updated_at and a lower id', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1005, 100, 1000, '2025-11-04T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute(), overlapMs: 60_000 });
  await worker.runOnce();
  // A transaction that started 20 s ago took id 1004 and commits only now: below the id watermark, older than the updated_at one.
  await h.django.repayment(1004, 100, 2000, '2025-11-04T11:00:00+01:00', { updated_at: new Date(Date.now() - 20_000) });
  // Too old for the window: not seen by the incremental scan (reconciliation is what catches it).
  await h.django.repayment(1003, 100, 3000, '2025-11-04T12:00:00+01:00', { updated_at: new Date(Date.now() - 3_600_000) });
  const report = await worker.runOnce();
  expect(report.entities.repayments).toMatchObject({ rowsWritten: 1, maxId: '1005' });
  expect(await h.rows(`SELECT repayment_id FROM repayments ORDER BY repayment_id`)).toEqual([{ repayment_id: '1004' }, { repayment_id: '1005' }]);
  const repaired = await worker.reconcileNow();
  expect(repaired.reconciliation).toMatchObject({ loansAdded: [], loansChecked: 1, loansRepaired: ['100'], repaymentsWritten: 1, repaymentsDeleted: 0 });
  expect(await h.rows(`SELECT repayment_id FROM repayments ORDER BY repayment_id`)).toEqual([{ repayment_id: '1003' }, { repayment_id: '1004' }, { repayment_id: '1005' }]);
});

it("a loan created while a reconciling cycle runs, after its copy looked, is the next cycle's new row, not drift the reconciliation repairs", async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  const recompute = recordingRecompute();
  let armed = false;
  let createdDuringCycle = false;
  const worker = h.worker({
    log,
    recompute: {
      ...recompute,
      loans: async (client, loanIds, asOf) => {
        // The repayments' copy, after the loans' copy looked: Django commits a new loan now.
        if (armed && !createdDuringCycle && loanIds.includes('100')) {
          createdDuringCycle = true;
          await h.django.loan(101, 7, 11);
        }
        return recompute.loans(client, loanIds, asOf);
      },
    },
  });
  await worker.runOnce();
  await h.django.repayment(1000, 100, 500, '2025-12-09T10:00:00+01:00');
  armed = true;

  const report = await worker.reconcileNow();

  expect(createdDuringCycle).toBe(true);
  expect(report.entities.loans).toMatchObject({ maxId: '100' });
  expect(report.reconciliation).toMatchObject({ loansAdded: [], loansRepaired: [], rejects: 0 });
  expect(lines.filter((l) => l.msg === 'reconciliation repaired drift')).toEqual([]);
  expect((await worker.runOnce()).entities.loans).toMatchObject({ maxId: '101', rowsWritten: 1 });
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id::int`)).toEqual([{ loan_id: '100' }, { loan_id: '101' }]);
});

it('loans committed too late for the window are added at reconciliation: a bad one is reported once, an undisbursed one left out', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  const worker = h.worker({ recompute: recordingRecompute(), log });
  await worker.runOnce();
  const late = { updated_at: new Date(Date.now() - 3_600_000) };
  await h.django.loan(50, 7, 11, late);
  await h.django.loan(51, 7, 11, { ...late, is_disbursed: false });
  await h.django.loan(52, null, 11, late);
  expect((await worker.runOnce()).entities.loans).toMatchObject({ maxId: '100', rejects: 0 });
  expect(await h.rows(`SELECT loan_id FROM loans`)).toEqual([{ loan_id: '100' }]);

  const repaired = await worker.reconcileNow();

  expect(repaired.reconciliation).toMatchObject({ loansAdded: ['50'], rejects: 1 });
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id::int`)).toEqual([{ loan_id: '50' }, { loan_id: '100' }]);
  expect(await h.rows(`SELECT entity, django_id, reason FROM sync_rejects`)).toEqual([
    { entity: 'loans', django_id: '52', reason: 'agent_id is NULL (a loan needs an officer)' },
  ]);
  expect(lines.filter((l) => l.msg === 'Django row rejected by the sync').map((l) => l.djangoId)).toEqual(['52']);
  // The operator hears of the loan added, as of every other repair.
  expect(lines.filter((l) => l.msg === 'reconciliation repaired drift').map((l) => [l.addedLoans, l.added])).toEqual([[['50'], 1]]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansAdded: [], rejects: 0 });
});

it('a loan edited with QuerySet.update() (updated_at left alone) is copied again and recomputed at reconciliation; the others are left alone', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11);
  const { log, lines } = memoryLogger();
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute, log });
  await worker.runOnce();
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRefreshed: [], loansRecomputed: 0 });
  const loan = async (id: string) =>
    (await h.rows(`SELECT status, django_status, loan_amount, django_updated_at FROM loans WHERE loan_id = $1`, [id]))[0];
  const before = await loan('100');
  // What Django's QuerySet.update() sends: the columns it sets, and updated_at (auto_now) left as it was.
  await h.django.query(`UPDATE loans_ajoloan SET status = 'PAST_MATURITY', amount = 120000 WHERE id = 100`);
  await worker.runOnce();
  expect(await loan('100')).toEqual(before);
  recompute.calls.length = 0;

  const repaired = await worker.reconcileNow();
  expect(repaired.reconciliation).toMatchObject({ loansRefreshed: ['100'], loansRepaired: [], loansAdded: [], rejects: 0 });
  expect(await loan('100')).toEqual({ ...before, status: 'Defaulted', django_status: 'PAST_MATURITY', loan_amount: '120000.00' });
  expect(recompute.calls.map((c) => c.loanIds)).toEqual([['100']]);
  expect(lines.filter((line) => line.msg === 'reconciliation repaired drift')).toEqual([expect.objectContaining({ refreshed: 1, refreshedLoans: ['100'] })]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRefreshed: [] });
});

it('a repayment edited with QuerySet.update() (paid_date corrected, updated_at left alone) is copied again at reconciliation', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 500, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 100, 700, '2025-11-05T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  // Count, sums, counted rows and newest updated_at all stay as they were: only the fingerprint tells.
  await h.django.query(`UPDATE loans_ajoloanrepayment SET paid_date = '2025-11-06T10:00:00+01:00' WHERE id = 1000`);
  await worker.runOnce();
  expect(await h.rows(`SELECT payment_date::text FROM repayments WHERE repayment_id = '1000'`)).toEqual([{ payment_date: '2025-11-04' }]);
  const repaired = await worker.reconcileNow();
  expect(repaired.reconciliation).toMatchObject({ loansRepaired: ['100'], loansRefreshed: [], repaymentsWritten: 1, repaymentsDeleted: 0, loansRecomputed: 1 });
  expect(await h.rows(`SELECT repayment_id, payment_date::text FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', payment_date: '2025-11-06' },
    { repayment_id: '1001', payment_date: '2025-11-05' },
  ]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], loansRefreshed: [] });
});

it("scheduled reconciliations fingerprint one slice of the loans in turn (loan id % 12), while every loan's counts and sums are compared every time", async () => {
  // 101 % 12 = 5, 103 % 12 = 7.
  await h.django.loan(101, 7, 11);
  await h.django.loan(103, 7, 11);
  await h.django.repayment(1000, 101, 500, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 101, 700, '2025-11-05T10:00:00+01:00');
  await h.django.repayment(1002, 103, 300, '2025-11-05T10:00:00+01:00');
  await h.django.repayment(1003, 103, 400, '2025-11-06T10:00:00+01:00');
  // A 1-ms interval: every cycle reconciles as scheduled, in 12 slices.
  const worker = h.worker({ recompute: recordingRecompute(), reconcileIntervalMs: 1 });
  expect((await worker.runOnce()).reconciliation).toMatchObject({ fingerprintSlice: { index: 0, of: 1 }, loansRepaired: [] });
  // Only 101's fingerprint tells this edit; deleting 1003 changes 103's count.
  await h.django.query(`UPDATE loans_ajoloanrepayment SET paid_date = '2025-11-06T10:00:00+01:00' WHERE id = 1000`);
  await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id = 1003`);
  const slices: Array<{ slice: unknown; repaired: string[] }> = [];
  for (let i = 0; i < 7; i++) {
    const { reconciliation } = await worker.runOnce();
    slices.push({ slice: reconciliation!.fingerprintSlice, repaired: reconciliation!.loansRepaired });
  }
  expect(slices).toEqual([
    { slice: { index: 0, of: 12 }, repaired: ['103'] },
    ...[1, 2, 3, 4].map((index) => ({ slice: { index, of: 12 }, repaired: [] })),
    { slice: { index: 5, of: 12 }, repaired: ['101'] },
    { slice: { index: 6, of: 12 }, repaired: [] },
  ]);
  expect(await h.rows(`SELECT repayment_id, payment_date::text FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', payment_date: '2025-11-06' },
    { repayment_id: '1001', payment_date: '2025-11-05' },
    { repayment_id: '1002', payment_date: '2025-11-05' },
  ]);
});

it('a forced reconciliation (reconcileNow) fingerprints every loan, whatever the turn', async () => {
  await h.django.loan(101, 7, 11);
  await h.django.repayment(1000, 101, 500, '2025-11-04T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute(), reconcileIntervalMs: 1 });
  await worker.runOnce();
  await h.django.query(`UPDATE loans_ajoloanrepayment SET paid_date = '2025-11-06T10:00:00+01:00' WHERE id = 1000`);
  expect((await worker.runOnce()).reconciliation).toMatchObject({ fingerprintSlice: { index: 0, of: 12 }, loansRepaired: [] });
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ fingerprintSlice: { index: 0, of: 1 }, loansRepaired: ['101'] });
  // The turn goes on where it was.
  expect((await worker.runOnce()).reconciliation).toMatchObject({ fingerprintSlice: { index: 1, of: 12 }, loansRepaired: [] });
});

it('officers and customers edited with QuerySet.update() (the admin bulk actions) are copied again at reconciliation, and the copies on their loans', async () => {
  await h.django.user(9);
  await h.django.customer(12);
  await h.django.customer(100);
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 9, 12);
  await h.django.loan(102, 9, 100);
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  const officer = `SELECT officer_id, officer_phone, is_active_in_django FROM officers WHERE officer_id = '7'`;
  const customer = `SELECT customer_id, customer_phone, kyc_status FROM customers WHERE customer_id = '11'`;
  const before = { officer: await h.rows(officer), customer: await h.rows(customer) };
  // A bulk deactivation and a bulk phone correction: updated_at (auto_now) left as it was.
  await h.django.query(`UPDATE accounts_customuser SET is_active = false, user_phone = '08000000007' WHERE id = 7`);
  await h.django.query(`UPDATE ajo_ajouser SET phone_number = '08000000011' WHERE id = 11`);
  await h.django.query(`UPDATE ajo_ajouser SET phone_number = '08000000100' WHERE id = 100`);
  await worker.runOnce();
  expect({ officer: await h.rows(officer), customer: await h.rows(customer) }).toEqual(before);

  const repaired = await worker.reconcileNow();
  // In Django's id order (11 before 100).
  expect(repaired.reconciliation).toMatchObject({ officersRefreshed: ['7'], customersRefreshed: ['11', '100'], loansRefreshed: [], loansRepaired: [] });
  expect(await h.rows(officer)).toEqual([{ officer_id: '7', officer_phone: '08000000007', is_active_in_django: false }]);
  expect(await h.rows(customer)).toEqual([{ ...before.customer[0], customer_phone: '08000000011' }]);
  expect(await h.rows(`SELECT loan_id, officer_phone, customer_phone FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', officer_phone: '08000000007', customer_phone: '08000000011' },
    { loan_id: '101', officer_phone: expect.not.stringMatching(/^08000000007$/), customer_phone: expect.not.stringMatching(/^08000000011$/) },
    { loan_id: '102', officer_phone: expect.not.stringMatching(/^08000000007$/), customer_phone: '08000000100' },
  ]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ officersRefreshed: [], customersRefreshed: [] });
});

it('an active officer without loans committed too late for the window is added at reconciliation; an inactive one is left out', async () => {
  await h.django.user(9);
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  const late = { updated_at: new Date(Date.now() - 3_600_000) };
  await h.django.user(8, late);
  await h.django.user(6, { ...late, is_active: false });
  expect((await worker.runOnce()).entities.officers).toMatchObject({ maxId: '9', rowsWritten: 0 });

  const repaired = await worker.reconcileNow();

  expect(repaired.reconciliation).toMatchObject({ officersAdded: ['8'], officersRefreshed: [] });
  expect(await h.rows(`SELECT officer_id, branch, is_active_in_django FROM officers ORDER BY officer_id`)).toEqual([
    { officer_id: '7', branch: 'Lagos Island', is_active_in_django: true },
    { officer_id: '8', branch: 'Lagos Island', is_active_in_django: true },
    { officer_id: '9', branch: 'Lagos Island', is_active_in_django: true },
  ]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ officersAdded: [], officersRefreshed: [] });
});

it('an officer or customer edited behind updated_at to a value seedsmetrics refuses is rejected at reconciliation with the reason, the others copied again', async () => {
  // DOMAIN.md gives no width for these Django columns: a real Django may hold more than seedsmetrics' varchar(100).
  await h.django.query(`ALTER TABLE accounts_customuser ALTER user_type TYPE varchar(200); ALTER TABLE ajo_ajouser ALTER state TYPE varchar(200)`);
  await h.django.user(9);
  await h.django.customer(12);
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 9, 12);
  const { log, lines } = memoryLogger();
  const worker = h.worker({ recompute: recordingRecompute(), log });
  await worker.runOnce();
  // Bulk edits (updated_at left as it was): one fine, one too wide for the copy, for each of officers and customers.
  await h.django.query(`UPDATE accounts_customuser SET user_phone = '08000000007' WHERE id = 7`);
  await h.django.query(`UPDATE accounts_customuser SET user_type = repeat('X', 150) WHERE id = 9`);
  await h.django.query(`UPDATE ajo_ajouser SET phone_number = '08000000011' WHERE id = 11`);
  await h.django.query(`UPDATE ajo_ajouser SET state = repeat('Y', 150) WHERE id = 12`);

  const repaired = await worker.reconcileNow();

  expect(worker.health()).toMatchObject({ lastError: null });
  expect(repaired.reconciliation).toMatchObject({ officersRefreshed: ['7'], customersRefreshed: ['11'] });
  expect(await h.rows(`SELECT officer_id, officer_phone FROM officers ORDER BY officer_id`)).toEqual([
    { officer_id: '7', officer_phone: '08000000007' },
    { officer_id: '9', officer_phone: expect.not.stringMatching(/^08000000007$/) },
  ]);
  const tooLong = 'rejected by seedsmetrics: value too long for type character varying(100) (SQLSTATE 22001)';
  expect(await h.rows(`SELECT entity, django_id, reason FROM sync_rejects ORDER BY entity, django_id`)).toEqual([
    { entity: 'customers', django_id: '12', reason: tooLong },
    { entity: 'officers', django_id: '9', reason: tooLong },
  ]);
  expect(lines.filter((l) => l.msg === 'Django row rejected by the sync').map((l) => [l.entity, l.djangoId])).toEqual([
    ['officers', '9'],
    ['customers', '12'],
  ]);
});

it('rows copied before they were fingerprinted (migrations 0016, 0017) are copied once more at the first reconciliation, unchanged', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11);
  await h.django.repayment(1000, 100, 500, '2025-11-04T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  const loans = `SELECT loan_id, loan_amount, status, django_updated_at FROM loans ORDER BY loan_id`;
  const repayments = `SELECT repayment_id, loan_id, payment_date::text, payment_amount, django_updated_at FROM repayments ORDER BY repayment_id`;
  const copied = { loans: await h.rows(loans), repayments: await h.rows(repayments) };
  for (const table of ['loans', 'repayments', 'officers', 'customers']) await h.rows(`UPDATE ${table} SET django_fingerprint = NULL`);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({
    loansRefreshed: ['100', '101'],
    loansRepaired: ['100'],
    repaymentsWritten: 1,
    // Copying a loan again writes its officer and customer too, fingerprints included: nothing left for them.
    officersRefreshed: [],
    customersRefreshed: [],
  });
  expect({ loans: await h.rows(loans), repayments: await h.rows(repayments) }).toEqual(copied);
  const fingerprinted = (table: string) => h.rows(`SELECT count(*)::int AS n FROM ${table} WHERE django_fingerprint ~ '^[0-9a-f]{32}$'`);
  expect(await fingerprinted('loans')).toEqual([{ n: 2 }]);
  expect(await fingerprinted('repayments')).toEqual([{ n: 1 }]);
  expect(await fingerprinted('officers')).toEqual([{ n: 1 }]);
  expect(await fingerprinted('customers')).toEqual([{ n: 1 }]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRefreshed: [], loansRepaired: [], officersRefreshed: [], customersRefreshed: [] });
});

it('schedule instalments deleted in Django leave the copy at reconciliation; the rest of their loans are renumbered', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11);
  await h.django.schedule(1, 100, { due_date: '2025-11-04', due_amount: 4400, paid_amount: 4400, fully_paid: true });
  await h.django.schedule(2, 100, { due_date: '2025-11-05', due_amount: 4400 });
  await h.django.schedule(3, 100, { due_date: '2025-11-06', due_amount: 4400 });
  await h.django.schedule(4, 101, { due_date: '2025-11-04', due_amount: 4400 });
  const { log, lines } = memoryLogger();
  const worker = h.worker({ recompute: recordingRecompute(), log });
  await worker.runOnce();
  expect(await h.rows(`SELECT count(*)::int AS n FROM loan_schedule`)).toEqual([{ n: 4 }]);
  // Deletions leave no updated_at behind: the incremental scan cannot see them, the reconciliation can.
  await h.django.query(`DELETE FROM loans_ajoloanschedule WHERE id IN (1, 4)`);
  const repaired = await worker.reconcileNow();
  expect(repaired.reconciliation).toMatchObject({ schedulesDeleted: 2, holidaysDeleted: 0, loansRepaired: [] });
  expect(await h.rows(`SELECT loan_id, installment_number, due_date::text, django_schedule_id FROM loan_schedule ORDER BY loan_id, installment_number`)).toEqual([
    { loan_id: '100', installment_number: 1, due_date: '2025-11-05', django_schedule_id: '2' },
    { loan_id: '100', installment_number: 2, due_date: '2025-11-06', django_schedule_id: '3' },
  ]);
  expect(lines.filter((l) => l.msg === 'reconciliation repaired drift').map((l) => l.schedulesDeleted)).toEqual([2]);
});

it('a quiet reconciliation finds no drift when repayment ids differ in length (999 and 1000 compare as numbers)', async () => {
  await h.django.loan(100, 7, 11);
  for (const id of [98, 99, 998, 999, 1000, 1001]) await h.django.repayment(id, 100, 500, '2025-11-04T10:00:00+01:00');
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansChecked: 1, loansRepaired: [], repaymentsWritten: 0, repaymentsDeleted: 0 });
});

it('holidays edited behind the edit scan (QuerySet.update) or deleted in Django are mirrored at reconciliation', async () => {
  await h.django.holiday(1, { updated_at: '2025-01-01T00:00:00Z' });
  await h.django.holiday(2, { date: '2025-12-26', name: 'Boxing Day', updated_at: '2025-01-01T00:00:00Z' });
  const { log, lines } = memoryLogger();
  const worker = h.worker({ recompute: recordingRecompute(), log });
  await worker.runOnce();
  const mirror = () => h.rows(`SELECT id::text, date::text, name FROM holiday ORDER BY id`);
  expect(await mirror()).toEqual([{ id: '1', date: '2025-12-25', name: 'Christmas' }, { id: '2', date: '2025-12-26', name: 'Boxing Day' }]);
  // Moved without a newer updated_at (an admin bulk action): the edit scan cannot see it.
  await h.django.query(`UPDATE loans_holiday SET date = '2025-12-24', name = 'Christmas Eve' WHERE id = 1`);
  await h.django.query(`DELETE FROM loans_holiday WHERE id = 2`);
  await worker.runOnce();
  expect(await mirror()).toEqual([{ id: '1', date: '2025-12-25', name: 'Christmas' }, { id: '2', date: '2025-12-26', name: 'Boxing Day' }]);

  const repaired = await worker.reconcileNow();

  expect(repaired.reconciliation).toMatchObject({ holidaysRefreshed: 1, holidaysDeleted: 1 });
  expect(await mirror()).toEqual([{ id: '1', date: '2025-12-24', name: 'Christmas Eve' }]);
  expect(lines.filter((l) => l.msg === 'reconciliation repaired drift').map((l) => [l.holidaysRefreshed, l.holidaysDeleted])).toEqual([[1, 1]]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ holidaysRefreshed: 0, holidaysDeleted: 0 });
});

it('is idempotent: a second cycle writes nothing, recomputes nothing and duplicates nothing', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
  await h.django.schedule(1, 100, { due_date: '2025-11-04', due_amount: 4400, paid_amount: 4400, fully_paid: true });
  await h.django.schedule(2, 100, { due_date: '2025-11-05', due_amount: 4400 });
  await h.django.holiday(1);
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute });
  const first = await worker.runOnce();
  expect(first.rowsWritten).toBe(1 + 1 + 1 + 1 + 2 + 1);
  recompute.calls.length = 0;
  const second = await worker.runOnce();
  expect(second.rowsWritten).toBe(0);
  expect(second.rowsRead).toBe(7); // the overlap window re-reads the last minute's rows; the upserts see nothing changed
  expect(recompute.calls).toEqual([]);
  expect(await h.rows(`SELECT (SELECT count(*) FROM officers)::int AS officers, (SELECT count(*) FROM customers)::int AS customers,
      (SELECT count(*) FROM loans)::int AS loans, (SELECT count(*) FROM repayments)::int AS repayments,
      (SELECT count(*) FROM loan_schedule)::int AS schedules, (SELECT count(*) FROM holiday)::int AS holidays,
      (SELECT count(*) FROM sync_runs)::int AS runs`)).toEqual([{ officers: 1, customers: 1, loans: 1, repayments: 1, schedules: 2, holidays: 1, runs: 2 }]);
  expect(await h.rows(`SELECT installment_number, due_date::text, total_due, amount_paid, payment_status, django_schedule_id FROM loan_schedule ORDER BY installment_number`)).toEqual([
    { installment_number: 1, due_date: '2025-11-04', total_due: '4400.00', amount_paid: '4400.00', payment_status: 'Paid', django_schedule_id: '1' },
    { installment_number: 2, due_date: '2025-11-05', total_due: '4400.00', amount_paid: '0.00', payment_status: 'Overdue', django_schedule_id: '2' },
  ]);
});

it('a repayment whose loan was committed late (below both loan watermarks) pulls the loan into the same batch', async () => {
  await h.django.loan(100, 7, 11);
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  await h.django.loan(50, 7, 11, { updated_at: new Date(Date.now() - 3_600_000) });
  await h.django.repayment(1000, 50, 1000, '2025-11-04T10:00:00+01:00');
  const report = await worker.runOnce();
  expect(report.entities.loans.rowsWritten).toBe(0);
  expect(report.entities.repayments).toMatchObject({ rowsWritten: 1, heldAt: null, maxId: '1000' });
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '100' }, { loan_id: '50' }]);
});

it('a repayment whose loan Django does not have holds the id watermark below it until the loan appears', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  await h.django.query(`SET session_replication_role = replica`);
  await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 555, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1002, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.query(`SET session_replication_role = origin`);
  const worker = h.worker({ recompute: recordingRecompute(), log });
  const first = await worker.runOnce();
  expect(first.entities.repayments).toMatchObject({ heldAt: '1001', maxId: '1000' });
  expect(await h.rows(`SELECT repayment_id FROM repayments ORDER BY repayment_id`)).toEqual([{ repayment_id: '1000' }, { repayment_id: '1002' }]);
  await worker.runOnce();
  await worker.runOnce();
  // Said once, not every cycle.
  expect(lines.filter((l) => String(l.msg).startsWith('repayment waits for its loan')).map((l) => l.repaymentId)).toEqual(['1001']);
  await h.django.loan(555, 7, 11, { updated_at: new Date(Date.now() - 3_600_000) });
  const second = await worker.runOnce();
  expect(second.entities.repayments).toMatchObject({ heldAt: null, maxId: '1002' });
  expect(await h.rows(`SELECT repayment_id, loan_id FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', loan_id: '100' }, { repayment_id: '1001', loan_id: '555' }, { repayment_id: '1002', loan_id: '100' },
  ]);
});

it('a repayment whose loan never appears is rejected once after the wait (the reconciliation interval, at least the overlap), and the id watermark moves on', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11);
  await h.django.query(`SET session_replication_role = replica`);
  await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 555, 1000, '2025-11-04T10:00:00+01:00', { updated_at: new Date(Date.now() - 30 * 60_000) });
  await h.django.repayment(1002, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.query(`SET session_replication_role = origin`);
  // Committed 30 minutes ago: within an hour's reconciliation interval, or a two-hour overlap, it still waits.
  for (const schedule of [{ reconcileIntervalMs: 3_600_000, overlapMs: 60_000 }, { reconcileIntervalMs: 600_000, overlapMs: 7_200_000 }]) {
    const waiting = h.worker({ recompute: recordingRecompute(), log, ...schedule });
    expect((await waiting.runOnce()).entities.repayments).toMatchObject({ heldAt: '1001', maxId: '1000', rejects: 0 });
    await waiting.stop();
  }
  // Past a ten-minute interval: reported once, the watermark moves on, and nothing more is said.
  const worker = h.worker({ recompute: recordingRecompute(), log, reconcileIntervalMs: 600_000 });
  expect((await worker.runOnce()).entities.repayments).toMatchObject({ heldAt: null, maxId: '1002', rejects: 1 });
  expect((await worker.runOnce()).entities.repayments).toMatchObject({ heldAt: null, maxId: '1002', rejects: 0 });
  expect(await h.rows(`SELECT entity, django_id, reason, seen_count FROM sync_rejects`)).toEqual([
    { entity: 'repayments', django_id: '1001', reason: 'loan 555 does not exist in Django: repayment not copied (it is copied with the loan if the loan appears)', seen_count: 1 },
  ]);
  expect(lines.filter((l) => l.level === 40).map((l) => [l.msg, l.djangoId])).toEqual([['Django row rejected by the sync', '1001']]);

  // The loan turns up after all: its copy brings the repayment along, and the report goes; nothing is left to repair.
  await h.django.loan(555, 7, 11);
  await worker.runOnce();
  expect(await h.rows(`SELECT repayment_id, loan_id FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', loan_id: '100' }, { repayment_id: '1001', loan_id: '555' }, { repayment_id: '1002', loan_id: '100' },
  ]);
  expect(await h.rows(`SELECT django_id FROM sync_rejects`)).toEqual([]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0 });
});

it('recomputes open loans at start-up and again when the business date changes', async () => {
  let today = '2025-12-10';
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute, clock: { today: async () => today } });
  await worker.runOnce();
  await worker.runOnce();
  today = '2025-12-11';
  await worker.runOnce();
  expect(recompute.openCalls).toEqual(['2025-12-10', '2025-12-11']);
});

it('the reconciliation leaves alone what Django writes while the cycle runs: a new repayment, and edits of a repayment, a loan and a customer (the next cycle and the next look copy them)', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11);
  await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 101, 1000, '2025-11-04T10:00:00+01:00');
  const recompute = recordingRecompute();
  const worker = h.worker({ recompute });
  await worker.runOnce();
  await h.django.repayment(1002, 100, 500, '2025-11-05T10:00:00+01:00');
  // Django is busy during the next cycle: once it has copied the new repayment (its recompute is the hook),
  // another one lands on loan 100 and an existing one of loan 101 is edited, both before the reconciliation.
  let written = false;
  const busyDjango: typeof recompute = {
    ...recompute,
    loans: async (client, ids, asOf) => {
      if (!written) {
        written = true;
        await h.django.repayment(1003, 100, 700, '2025-11-06T10:00:00+01:00');
        await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 1500, updated_at = now() WHERE id = 1001`);
        await h.django.query(`UPDATE loans_ajoloan SET amount = 120000, updated_at = now() WHERE id = 101`);
        await h.django.query(`UPDATE ajo_ajouser SET first_name = 'Later', updated_at = now() WHERE id = 11`);
      }
      return recompute.loans(client, ids, asOf);
    },
  };
  await worker.stop();
  const busy = h.worker({ recompute: busyDjango });
  const report = await busy.reconcileNow();
  expect(written).toBe(true);
  expect(report.reconciliation).toMatchObject({ loansChecked: 2, loansRepaired: [], repaymentsWritten: 0, loansRefreshed: [], customersRefreshed: [] });
  const next = await busy.runOnce();
  expect(next.reconciliation).toBeNull();
  expect(await h.rows(`SELECT loan_id, loan_amount, customer_name FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', loan_amount: expect.any(String), customer_name: expect.stringMatching(/^Later /) },
    { loan_id: '101', loan_amount: '120000.00', customer_name: expect.stringMatching(/^Later /) },
  ]);
  expect(await h.rows(`SELECT repayment_id, payment_amount FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', payment_amount: '1000.00' },
    { repayment_id: '1001', payment_amount: '1500.00' },
    { repayment_id: '1002', payment_amount: '500.00' },
    { repayment_id: '1003', payment_amount: '700.00' },
  ]);
});

/** Django's clock now, as timestamptz text. */
const djangoNow = async (): Promise<string> => (await h.django.query(`SELECT statement_timestamp()::text AS now`)).rows[0].now as string;
/** Entities whose updated_at watermark is later than `clock`. */
const watermarksAfter = (clock: string) =>
  h.rows<{ entity: string }>(`SELECT entity FROM sync_watermarks WHERE max_updated_at > $1::timestamptz ORDER BY entity`, [clock]);

it('a row dated in the future does not carry the updated_at watermark past Django\'s clock: a later edit of another row is still copied', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11, { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00', { updated_at: '2099-01-01T00:00:00Z' });
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  expect(await watermarksAfter(await djangoNow())).toEqual([]);
  await h.django.query(`UPDATE loans_ajoloan SET status = 'CLOSED', updated_at = now() WHERE id = 100`);
  const next = await worker.runOnce();
  expect(next.entities.loans).toMatchObject({ rowsWritten: 1 });
  expect(await h.rows(`SELECT loan_id, django_status, status FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', django_status: 'CLOSED', status: 'Closed' },
    { loan_id: '101', django_status: 'OPEN', status: 'Active' },
  ]);
  expect(await watermarksAfter(await djangoNow())).toEqual([]);
});

it('a watermark saved ahead of Django\'s clock (before it stopped at the clock) is set back once, and every row is re-read for the edits it hid', async () => {
  const { log, lines } = memoryLogger();
  // Ids whose text order differs from their numeric order: the re-read pages by number.
  await h.django.loan(9, 7, 11);
  await h.django.loan(10, 7, 11);
  const worker = h.worker({ recompute: recordingRecompute(), log, batchSize: 1 }); // the re-read pages through the ids
  await worker.runOnce();
  // As an earlier version left it after reading a row dated 2099; meanwhile Django edited loan 9, two hours ago.
  await h.dbs.metrics.pool.query(`UPDATE sync_watermarks SET max_updated_at = '2099-01-01T00:00:00Z' WHERE entity = 'loans'`);
  await h.django.query(`UPDATE loans_ajoloan SET status = 'CLOSED', updated_at = now() - interval '2 hours' WHERE id = 9`);
  const report = await worker.runOnce();
  expect(report.entities.loans).toMatchObject({ rowsRead: 2, rowsWritten: 1 });
  expect(await h.rows(`SELECT loan_id, django_status FROM loans ORDER BY loan_id::int`)).toEqual([
    { loan_id: '9', django_status: 'CLOSED' },
    { loan_id: '10', django_status: 'OPEN' },
  ]);
  expect(await watermarksAfter(await djangoNow())).toEqual([]);
  const warnings = () => lines.filter((l) => String(l.msg).startsWith("the updated_at watermark was ahead of Django's clock"));
  expect(warnings()).toEqual([
    expect.objectContaining({ level: 40, entity: 'loans', watermark: '2099-01-01T00:00:00.000000Z', djangoClock: report.entities.loans.maxUpdatedAt, rowsRead: 2, rowsWritten: 1 }),
  ]);
  // Once: the next look reads its normal window and says nothing more.
  await worker.runOnce();
  expect(warnings()).toHaveLength(1);
});

it('a row dated in the future is copied as it is and reported once in sync_rejects (added to any other reason); a few seconds ahead is no report', async () => {
  const { log, lines } = memoryLogger();
  await h.django.loan(100, 7, 11, { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1000, 100, 500, null, { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1001, 100, 500, '2025-11-04T10:00:00+01:00', { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1002, 100, 500, '2025-11-05T10:00:00+01:00', { updated_at: new Date(Date.now() + 5_000) }); // a server clock a little ahead
  const worker = h.worker({ recompute: recordingRecompute(), log });
  await worker.runOnce();
  await worker.runOnce();
  expect(await h.rows(`SELECT loan_id FROM loans`)).toEqual([{ loan_id: '100' }]);
  expect(await h.rows(`SELECT repayment_id, is_counted FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', is_counted: false },
    { repayment_id: '1001', is_counted: true },
    { repayment_id: '1002', is_counted: true },
  ]);
  const clock = String.raw`\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\)`;
  const future = `updated_at 2099-01-01T00:00:00.000000Z is later than Django's clock ${clock}`;
  expect(await h.rows(`SELECT entity, django_id, reason, seen_count FROM sync_rejects ORDER BY entity, django_id`)).toEqual([
    { entity: 'loans', django_id: '100', reason: expect.stringMatching(new RegExp(`^${future}$`)), seen_count: 1 },
    { entity: 'repayments', django_id: '1000', reason: expect.stringMatching(new RegExp(`^paid_date is NULL: kept, never counted; ${future}$`)), seen_count: 1 },
    { entity: 'repayments', django_id: '1001', reason: expect.stringMatching(new RegExp(`^${future}$`)), seen_count: 1 },
  ]);
  const reported = () => lines.filter((l) => l.msg === 'Django row rejected by the sync').map((l) => `${String(l.entity)} ${String(l.djangoId)}`);
  expect(reported()).toEqual(['loans 100', 'repayments 1000', 'repayments 1001']);
  // A restarted worker re-reads them (they stay in the window until 2099) without reporting them again, and
  // without counting them as seen again: Django did not change them.
  await worker.stop();
  for (let restart = 0; restart < 2; restart += 1) {
    const restarted = h.worker({ recompute: recordingRecompute(), log });
    await restarted.runOnce();
    await restarted.stop();
  }
  expect(reported()).toEqual(['loans 100', 'repayments 1000', 'repayments 1001']);
  expect(await h.rows(`SELECT entity, django_id, seen_count FROM sync_rejects ORDER BY entity, django_id`)).toEqual([
    { entity: 'loans', django_id: '100', seen_count: 1 },
    { entity: 'repayments', django_id: '1000', seen_count: 1 },
    { entity: 'repayments', django_id: '1001', seen_count: 1 },
  ]);
});

it('a row dated in the future does not keep the reconciliation from its loan: a repayment deleted, a loan or a repayment edited behind updated_at are repaired', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11, { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 100, 2000, '2025-11-05T10:00:00+01:00', { updated_at: '2099-01-01T00:00:00Z' });
  await h.django.repayment(1002, 101, 3000, '2025-11-05T10:00:00+01:00', { updated_at: '2099-01-01T00:00:00Z' });
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], loansRefreshed: [] });
  // Deleted, and edited with QuerySet.update() (updated_at left at 2099): only the reconciliation can see these.
  await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id = 1000`);
  await h.django.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL' WHERE id = 1002`);
  await h.django.query(`UPDATE loans_ajoloan SET amount = 90000 WHERE id = 101`);
  const edited = async () => (await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool })).filter((m) => m.check === 'edited_row').map((m) => m.key);
  expect(await edited()).toEqual(['loans/101']);

  const report = await worker.reconcileNow();

  expect(report.reconciliation).toMatchObject({ loansRepaired: ['100', '101'], repaymentsDeleted: 1, repaymentsWritten: 1, loansRefreshed: ['101'] });
  expect(await h.rows(`SELECT repayment_id, loan_id, is_counted FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1001', loan_id: '100', is_counted: true },
    { repayment_id: '1002', loan_id: '101', is_counted: false },
  ]);
  expect(await h.rows(`SELECT loan_id, loan_amount FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', loan_amount: '100000.00' },
    { loan_id: '101', loan_amount: '90000.00' },
  ]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], loansRefreshed: [], repaymentsWritten: 0, repaymentsDeleted: 0 });
  expect(await edited()).toEqual([]);
});

it("validate calls a row dated in the future where the worker does, past Django's clock plus the worker's overlap (SYNC_OVERLAP_MS), not the default 60 s", async () => {
  const overlapMs = 600_000;
  // A Django server clock five minutes ahead: within a 10-minute overlap, so the worker takes the row as an edit of now.
  await h.django.loan(100, 7, 11, { updated_at: new Date(Date.now() + 300_000) });
  const worker = h.worker({ recompute: recordingRecompute(), overlapMs });
  await worker.runOnce();
  expect(await h.rows(`SELECT entity, django_id FROM sync_rejects`)).toEqual([]);
  // QuerySet.update(): updated_at left alone, still within the window the worker's next look for edits re-reads.
  await h.django.query(`UPDATE loans_ajoloan SET amount = 90000 WHERE id = 100`);
  const edited = async () =>
    (await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool, overlapMs })).filter((m) => m.check === 'edited_row').map((m) => m.key);
  // The worker's reconciliation leaves it to its looks for edits until Django's clock passes its date (in flight), and
  // validate says the same; with the default overlap it reported an edit behind updated_at that the worker let be.
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRefreshed: [] });
  expect(await edited()).toEqual([]);
  // The line moves with the overlap passed: past a 60 s one, the row is dated in the future and its edit reported.
  const withOverlap = async (ms: number) =>
    (await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool, overlapMs: ms })).filter((m) => m.check === 'edited_row').map((m) => m.key);
  expect(await withOverlap(60_000)).toEqual(['loans/100']);
});

it('validate refuses an overlap that is no number of milliseconds, naming it', async () => {
  await expect(validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool, overlapMs: -1 })).rejects.toThrow(
    'validate(overlapMs) must be a non-negative integer of milliseconds; got -1',
  );
});
