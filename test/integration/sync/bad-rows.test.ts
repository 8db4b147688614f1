/**
 * Django rows the sync cannot take as they are (the bad-input audit): implausible amounts and rates are rejected with
 * their value and the bound, impossible dates and cut text are copied and reported once, and none of them stops the
 * sync. The engine runs for real here: an overflow in the recompute is what used to stop every cycle.
 */
import { NO_UPDATED_AT } from '../../../src/sync/batch-writers';
import { AMOUNT_LIMIT } from '../../../src/sync/django-source-rows';
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

const rejects = (entity: string) =>
  h.rows<{ django_id: string; reason: string; seen_count: number }>(
    `SELECT django_id, reason, seen_count FROM sync_rejects WHERE entity = $1 ORDER BY django_id::bigint`,
    [entity],
  );

describe('loans whose amounts no sum of money could hold', () => {
  it('are rejected up front, naming the value and the bound; the rest of the batch, its repayments and later cycles are copied and computed', async () => {
    await h.django.loan(100, 7, 11);
    // 9e12 at 50 %: R = 1.35e13 does not fit numeric(15,2); the engine's overflow used to stop every cycle.
    await h.django.loan(101, 7, 11, { amount: 9e12, interest_rate: 50, processing_fee: 0, repayment_amount: 0 });
    // Each part below the bound, the contract total above it.
    await h.django.loan(102, 7, 11, { amount: 9e9, interest_rate: 50, processing_fee: 0, repayment_amount: 0 });
    // The audit's pair: each fitted numeric(15,2), their sum overflowed the PAR of their officer, branch and portfolio.
    await h.django.loan(103, 7, 11, { amount: 9.9e12, interest_rate: 0, processing_fee: 0, repayment_amount: 9.99e12 });
    await h.django.loan(104, 7, 11, { amount: 9.9e12, interest_rate: 0, processing_fee: 0, repayment_amount: 9.99e12 });
    await h.django.loan(105, 7, 11, { interest_rate: 'NaN' });
    await h.django.loan(106, 7, 11, { interest_rate: 'Infinity' });
    await h.django.loan(107, 7, 11, { processing_fee: 'NaN', repayment_amount: 1e10 });
    await h.django.repayment(1000, 100, 4400, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1001, 101, 4400, '2025-11-04T10:00:00+01:00');
    const worker = h.worker();

    const first = await worker.runOnce();

    expect(first.entities.loans).toMatchObject({ rowsRead: 8, rowsWritten: 1, rejects: 7 });
    expect(await rejects('loans')).toEqual([
      { django_id: '101', reason: 'amount must be a number from 0 to below 1e10; got 9000000000000', seen_count: 1 },
      {
        django_id: '102',
        reason: 'the contract total amount × (1 + interest_rate/100) + processing_fee must be below 1e10; got 13500000000.00 (9000000000 × (1 + 50/100) + 0)',
        seen_count: 1,
      },
      { django_id: '103', reason: 'amount must be a number from 0 to below 1e10; got 9900000000000; repayment_amount must be a number from 0 to below 1e10; got 9990000000000', seen_count: 1 },
      { django_id: '104', reason: 'amount must be a number from 0 to below 1e10; got 9900000000000; repayment_amount must be a number from 0 to below 1e10; got 9990000000000', seen_count: 1 },
      { django_id: '105', reason: 'interest_rate must be a percent from 0 to 999.99; got NaN', seen_count: 1 },
      { django_id: '106', reason: 'interest_rate must be a percent from 0 to 999.99; got Infinity', seen_count: 1 },
      { django_id: '107', reason: 'repayment_amount must be a number from 0 to below 1e10; got 10000000000; processing_fee must be a number from 0 to below 1e10; got NaN', seen_count: 1 },
    ]);
    expect(await rejects('repayments')).toEqual([
      { django_id: '1001', reason: 'loan 101 is not synced (amount must be a number from 0 to below 1e10; got 9000000000000): repayment not copied', seen_count: 1 },
    ]);
    expect(await h.rows(`SELECT loan_id, total_repayments, computed_as_of::text FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', total_repayments: '4400.00', computed_as_of: TODAY },
    ]);

    // The next cycles go on: a new loan and its repayment are copied, and no reject is reported twice.
    await h.django.loan(108, 7, 11);
    await h.django.repayment(1002, 108, 4400, '2025-11-04T10:00:00+01:00');
    const second = await worker.runOnce();
    expect(second.rejects).toBe(0);
    expect(await h.rows(`SELECT loan_id, total_repayments FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', total_repayments: '4400.00' },
      { loan_id: '108', total_repayments: '4400.00' },
    ]);
    expect(await h.rows(`SELECT sum(seen_count)::int AS seen FROM sync_rejects`)).toEqual([{ seen: 8 }]);
    expect(worker.health()).toMatchObject({ status: 'ok', lastError: null });
  });

  it('a synced loan edited to an implausible amount keeps its copy, and the edit is rejected with its value', async () => {
    await h.django.loan(100, 7, 11);
    await h.django.loan(101, 7, 11);
    // The initial load computes its loans once their repayments are copied (copyEntity): give it one.
    await h.django.repayment(1000, 100, 4400, '2025-11-04T10:00:00+01:00');
    const worker = h.worker();
    await worker.runOnce();
    await h.django.query(`UPDATE loans_ajoloan SET amount = 9.9e12, repayment_amount = 0, interest_rate = 0, updated_at = now() WHERE id IN (100, 101)`);
    await h.django.query(`UPDATE loans_ajoloan SET interest_rate = 'NaN', updated_at = now() WHERE id = 101`);

    const report = await worker.runOnce();

    expect(report.entities.loans).toMatchObject({ rowsWritten: 0, rejects: 2 });
    expect(await rejects('loans')).toEqual([
      { django_id: '100', reason: 'amount must be a number from 0 to below 1e10; got 9900000000000', seen_count: 1 },
      { django_id: '101', reason: 'amount must be a number from 0 to below 1e10; got 9900000000000; interest_rate must be a percent from 0 to 999.99; got NaN', seen_count: 1 },
    ]);
    expect(await h.rows(`SELECT loan_id, loan_amount, interest_rate, total_outstanding FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', loan_amount: '100000.00', interest_rate: '0.3000', total_outstanding: '127600.00' },
      { loan_id: '101', loan_amount: '100000.00', interest_rate: '0.3000', total_outstanding: '132000.00' },
    ]);
  });
});

it('a repayment above the bound is rejected with its value; the reconciliation leaves it out as the copy does', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 9.99e12, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1001, 100, 4400, '2025-11-05T10:00:00+01:00');
  const worker = h.worker();
  await worker.runOnce();
  expect(await rejects('repayments')).toEqual([
    { django_id: '1000', reason: 'repayment_amount must be a number between -1e10 and 1e10; got 9990000000000: not copied', seen_count: 1 },
  ]);
  // Its loan is named, so the loan shows it (Loan.repaymentSyncReports) though the repayment has no copy.
  expect(await h.rows(`SELECT entity, django_id, loan_id FROM sync_rejects`)).toEqual([{ entity: 'repayments', django_id: '1000', loan_id: '100' }]);
  const reconciled = await worker.reconcileNow();
  expect(reconciled.reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0 });
  expect(await h.rows(`SELECT repayment_id FROM repayments`)).toEqual([{ repayment_id: '1001' }]);
});

it('rows without updated_at are copied and reported once as such, and their edits (which the edit scan cannot see) are copied at reconciliation', async () => {
  // Django's auto_now always fills the columns; a row written around Django (a bulk import) may not, where the column allows it.
  for (const table of ['loans_ajoloan', 'loans_ajoloanrepayment']) await h.django.query(`ALTER TABLE ${table} ALTER COLUMN updated_at DROP NOT NULL`);
  await h.django.loan(100, 7, 11, { updated_at: null });
  await h.django.repayment(1000, 100, 4400, '2025-11-04T10:00:00+01:00', { updated_at: null });
  const worker = h.worker();
  await worker.runOnce();
  expect(await h.rows(`SELECT loan_id, loan_amount::text, total_repayments::text FROM loans`)).toEqual([{ loan_id: '100', loan_amount: '100000.00', total_repayments: '4400.00' }]);
  const reported = [{ django_id: '100', reason: NO_UPDATED_AT, seen_count: 1 }];
  expect([await rejects('loans'), await rejects('repayments')]).toEqual([reported, [{ ...reported[0], django_id: '1000' }]]);
  await worker.runOnce();
  expect(await rejects('loans')).toEqual(reported);

  await h.django.query(`UPDATE loans_ajoloan SET amount = 120000, repayment_amount = 158000 WHERE id = 100`);
  await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 5000 WHERE id = 1000`);
  await worker.runOnce();
  expect(await h.rows(`SELECT loan_amount::text, total_repayments::text FROM loans`)).toEqual([{ loan_amount: '100000.00', total_repayments: '4400.00' }]);
  const reconciled = await worker.reconcileNow();
  expect(reconciled.reconciliation).toMatchObject({ loansRefreshed: ['100'], loansRepaired: ['100'] });
  expect(await h.rows(`SELECT loan_amount::text, total_repayments::text FROM loans`)).toEqual([{ loan_amount: '120000.00', total_repayments: '5000.00' }]);
  // Copied again by the reconciliation, the rows still have no updated_at: their reports stay (they used to be cleared).
  expect([await rejects('loans'), await rejects('repayments')]).toEqual([reported, [{ ...reported[0], django_id: '1000' }]]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRefreshed: [], loansRepaired: [] });
});

it('a row without updated_at that is not copied says so without "kept"', async () => {
  await h.django.query(`ALTER TABLE loans_ajoloanrepayment ALTER COLUMN updated_at DROP NOT NULL`);
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, Number.NaN, '2025-11-04T10:00:00+01:00', { updated_at: null });
  const worker = h.worker();
  await worker.runOnce();
  expect(await rejects('repayments')).toEqual([
    {
      django_id: '1000',
      reason: `repayment_amount must be a number between -${AMOUNT_LIMIT} and ${AMOUNT_LIMIT}; got NaN: not copied; updated_at is NULL: its edits are seen by the reconciliation only (SYNC_RECONCILE_INTERVAL_MS)`,
      seen_count: 1,
    },
  ]);
});

it('schedule and holiday rows without updated_at (or dated in the future) are copied and reported once as such, and the report goes once Django dates them', async () => {
  await h.django.query(`ALTER TABLE loans_ajoloanschedule ALTER COLUMN date_modified DROP NOT NULL`);
  await h.django.query(`ALTER TABLE loans_holiday ALTER COLUMN updated_at DROP NOT NULL`);
  await h.django.loan(100, 7, 11);
  await h.django.schedule(5000, 100, { due_date: '2025-11-04', date_modified: null });
  await h.django.schedule(5001, 100, { due_date: '2025-11-05', date_modified: 'infinity' });
  await h.django.holiday(1, { updated_at: null });
  await h.django.holiday(2, { date: '2025-12-26', updated_at: '2099-01-01T00:00:00Z' });
  const worker = h.worker({ editScanIntervalMs: 0 });
  await worker.runOnce();
  await worker.runOnce();
  expect(await h.rows(`SELECT django_schedule_id AS id FROM loan_schedule ORDER BY 1`)).toEqual([{ id: '5000' }, { id: '5001' }]);
  expect(await h.rows(`SELECT id::text FROM holiday ORDER BY 1`)).toEqual([{ id: '1' }, { id: '2' }]);
  expect(await rejects('loan_schedule')).toEqual([
    { django_id: '5000', reason: NO_UPDATED_AT, seen_count: 1 },
    { django_id: '5001', reason: NO_UPDATED_AT.replace('is NULL', 'must be a point in time; got infinity'), seen_count: 1 },
  ]);
  expect(await rejects('holiday')).toEqual([
    { django_id: '1', reason: NO_UPDATED_AT, seen_count: 1 },
    { django_id: '2', reason: expect.stringMatching(/^updated_at 2099-01-01T00:00:00.000000Z is later than Django's clock \(\d{4}-\d\d-\d\dT[\d:.]{15}Z\)$/), seen_count: 1 },
  ]);

  // Django dates them now: the next look for edits copies them again, and their reports go (as a loan's do).
  await h.django.query(`UPDATE loans_ajoloanschedule SET date_modified = now()`);
  await h.django.query(`UPDATE loans_holiday SET updated_at = now()`);
  await worker.runOnce();
  expect([await rejects('loan_schedule'), await rejects('holiday')]).toEqual([[], []]);
});

describe('rows copied as they are and reported once ("kept, …")', () => {
  it('impossible contract dates: the loan is copied and computed as given, and the note goes when Django fixes the row', async () => {
    await h.django.loan(200, 7, 11, { end_date: '2025-10-01' });
    await h.django.loan(201, 7, 11, { start_date: '2025-12-20' });
    await h.django.loan(202, 7, 11, { tenor_in_days: 100000, tenor: 'FOREVER' });
    await h.django.loan(203, 7, 11, { date_disbursed: '1900-01-01T09:00:00+01:00', start_date: '1900-01-02', end_date: '1900-03-01' });
    await h.django.loan(204, 7, 11, { date_disbursed: '2999-01-01T09:00:00+01:00', start_date: '2999-01-02', end_date: '2999-03-01' });
    await h.django.loan(205, 7, 11);
    await h.django.repayment(1000, 205, 4400, '2025-11-04T10:00:00+01:00');
    const worker = h.worker();

    const first = await worker.runOnce();

    expect(first.entities.loans).toMatchObject({ rowsWritten: 6, rejects: 5 });
    expect(await rejects('loans')).toEqual([
      {
        django_id: '200',
        reason: 'end_date 2025-10-01 is before date_disbursed 2025-11-03; start_date 2025-11-04 (the first instalment) is after end_date 2025-10-01: kept, computed as given',
        seen_count: 1,
      },
      { django_id: '201', reason: 'start_date 2025-12-20 (the first instalment) is after end_date 2025-12-15: kept, computed as given', seen_count: 1 },
      {
        django_id: '202',
        reason: 'tenor_in_days 100000 is more daily instalments than the 42 days from start_date 2025-11-04 to end_date 2025-12-15: kept, computed as given',
        seen_count: 1,
      },
      { django_id: '203', reason: 'date_disbursed 1900-01-01 is before 2000-01-01: kept, computed as given', seen_count: 1 },
      { django_id: '204', reason: expect.stringMatching(/^date_disbursed 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\): kept, computed as given$/), seen_count: 1 },
    ]);
    expect(await h.rows(`SELECT loan_id, current_dpd, loan_age FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '200', current_dpd: 0, loan_age: 37 },
      { loan_id: '201', current_dpd: 0, loan_age: 37 },
      { loan_id: '202', current_dpd: 27, loan_age: 37 },
      { loan_id: '203', current_dpd: 43, loan_age: 45999 },
      { loan_id: '204', current_dpd: 0, loan_age: -355403 },
      { loan_id: '205', current_dpd: 26, loan_age: 37 },
    ]);

    // Re-read in the overlap window: nothing reported again. Django fixes loan 201: its note goes.
    const second = await worker.runOnce();
    expect(second.rejects).toBe(0);
    await h.django.query(`UPDATE loans_ajoloan SET start_date = '2025-11-04', updated_at = now() + interval '1 second' WHERE id = 201`);
    await worker.runOnce();
    expect((await rejects('loans')).map((r) => [r.django_id, r.seen_count])).toEqual([['200', 1], ['202', 1], ['203', 1], ['204', 1]]);
  });

  it('payments dated before their loan or in the future: copied, the early one counted, the future one not until its date', async () => {
    await h.django.loan(100, 7, 11);
    await h.django.repayment(1000, 100, 1000, '1900-01-01T10:00:00+01:00');
    await h.django.repayment(1001, 100, 5000, '2999-01-01T10:00:00+01:00');
    await h.django.repayment(1002, 100, 2000, '2025-11-05T10:00:00+01:00');
    const worker = h.worker();

    await worker.runOnce();

    expect(await rejects('repayments')).toEqual([
      { django_id: '1000', reason: "paid_date 1900-01-01 is before its loan's date_disbursed 2025-11-03: kept, counted", seen_count: 1 },
      {
        django_id: '1001',
        reason: expect.stringMatching(/^paid_date 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\): kept, not counted until then$/),
        seen_count: 1,
      },
    ]);
    expect(await h.rows(`SELECT repayment_id, payment_date::text, is_counted FROM repayments ORDER BY repayment_id`)).toEqual([
      { repayment_id: '1000', payment_date: '1900-01-01', is_counted: true },
      { repayment_id: '1001', payment_date: '2999-01-01', is_counted: true },
      { repayment_id: '1002', payment_date: '2025-11-05', is_counted: true },
    ]);
    expect(await h.rows(`SELECT total_repayments, last_payment_date::text FROM loans`)).toEqual([{ total_repayments: '3000.00', last_payment_date: '2025-11-05' }]);
  });

  it('Django text longer than its seedsmetrics column: copied cut to the column, and the cut is reported', async () => {
    const twoPhones = '+234 803 123 4567 / +234 805 987 6543';
    const longBranch = 'Lagos Branch '.repeat(11);
    const longPhone = '+2348031234567 ext 9999 (office)';
    const longChannel = 'X'.repeat(80);
    await h.django.user(8, { user_phone: twoPhones, user_branch: longBranch });
    await h.django.customer(12, { phone_number: longPhone });
    await h.django.loan(100, 8, 12);
    await h.django.repayment(1000, 100, 4400, '2025-11-04T10:00:00+01:00', { repayment_type: longChannel });
    await h.django.repayment(1001, 100, 4400, null, { repayment_type: longChannel });

    await h.worker({ recompute: recordingRecompute() }).runOnce();

    expect(await rejects('officers')).toEqual([
      {
        django_id: '8',
        reason: `user_phone has ${twoPhones.length} characters: kept, truncated to 20 (officer_phone varchar(20)); user_branch has ${longBranch.length} characters: kept, truncated to 100 (branch varchar(100))`,
        seen_count: 1,
      },
    ]);
    expect(await rejects('customers')).toEqual([
      { django_id: '12', reason: `phone_number has ${longPhone.length} characters: kept, truncated to 20 (customer_phone varchar(20))`, seen_count: 1 },
    ]);
    expect(await rejects('repayments')).toEqual([
      { django_id: '1000', reason: 'repayment_type has 80 characters: kept, truncated to 50 (payment_method varchar(50))', seen_count: 1 },
      { django_id: '1001', reason: 'paid_date is NULL: kept, never counted; repayment_type has 80 characters: kept, truncated to 50 (payment_method varchar(50))', seen_count: 1 },
    ]);
    expect(await h.rows(`SELECT officer_phone, branch FROM officers WHERE officer_id = '8'`)).toEqual([
      { officer_phone: twoPhones.slice(0, 20), branch: longBranch.slice(0, 100) },
    ]);
    expect(await h.rows(`SELECT customer_phone, officer_phone, branch FROM loans`)).toEqual([
      { customer_phone: longPhone.slice(0, 20), officer_phone: twoPhones.slice(0, 20), branch: longBranch.slice(0, 100) },
    ]);
  });
});

describe("NULL where Django's column allows none (a row written around Django)", () => {
  beforeEach(async () => {
    await h.django.query(`ALTER TABLE accounts_customuser ALTER email DROP NOT NULL;
                          ALTER TABLE ajo_ajouser ALTER phone_number DROP NOT NULL;
                          ALTER TABLE loans_ajoloan ALTER amount DROP NOT NULL, ALTER borrower_id DROP NOT NULL`);
  });

  it('an officer without e-mail or a customer without phone is copied and reported, named after its id when it has no name either; the cycle goes on', async () => {
    await h.django.user(8, { email: null, username: null });
    await h.django.user(9, { email: null });
    await h.django.customer(12, { phone_number: null, last_name: null });
    await h.django.customer(13, { phone_number: null });
    await h.django.loan(100, 8, 12);
    await h.django.loan(101, 9, 13);
    await h.django.loan(102, 7, 11);
    const worker = h.worker({ recompute: recordingRecompute() });
    await worker.runOnce();
    expect(worker.health()).toMatchObject({ status: 'ok', lastError: null });
    expect(await h.rows(`SELECT officer_id, officer_name, officer_email FROM officers ORDER BY officer_id`)).toEqual([
      { officer_id: '7', officer_name: 'officer7', officer_email: 'officer7@example.com' },
      { officer_id: '8', officer_name: 'Officer 8', officer_email: null },
      { officer_id: '9', officer_name: 'officer9', officer_email: null },
    ]);
    expect(await h.rows(`SELECT customer_id, customer_name, customer_phone FROM customers ORDER BY customer_id`)).toEqual([
      { customer_id: '11', customer_name: 'Ada Customer11', customer_phone: '07000011' },
      { customer_id: '12', customer_name: 'Customer 12', customer_phone: null },
      { customer_id: '13', customer_name: 'Ada Customer13', customer_phone: null },
    ]);
    expect(await h.rows(`SELECT loan_id, officer_name, customer_name FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', officer_name: 'Officer 8', customer_name: 'Customer 12' },
      { loan_id: '101', officer_name: 'officer9', customer_name: 'Ada Customer13' },
      { loan_id: '102', officer_name: 'officer7', customer_name: 'Ada Customer11' },
    ]);
    expect(await rejects('officers')).toEqual([
      { django_id: '8', reason: "email is NULL: kept, named 'Officer 8' (no username either)", seen_count: 1 },
      { django_id: '9', reason: 'email is NULL: kept', seen_count: 1 },
    ]);
    expect(await rejects('customers')).toEqual([
      { django_id: '12', reason: "phone_number is NULL: kept, named 'Customer 12' (no first and last name either)", seen_count: 1 },
      { django_id: '13', reason: 'phone_number is NULL: kept', seen_count: 1 },
    ]);
  });

  it('a loan without borrower or amount is rejected naming the Django column; the rest of its batch is copied', async () => {
    await h.django.loan(100, 7, 11);
    await h.django.loan(101, 7, 11, { borrower_id: null });
    await h.django.loan(102, 7, 11, { amount: null });
    await h.worker({ recompute: recordingRecompute() }).runOnce();
    expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '100' }]);
    expect(await rejects('loans')).toEqual([
      { django_id: '101', reason: 'borrower_id is NULL (a loan needs a borrower)', seen_count: 1 },
      { django_id: '102', reason: 'amount must be a number from 0 to below 1e10; got NULL', seen_count: 1 },
    ]);
  });
});

it("infinite dates (PostgreSQL's, which no Python date can be) are rejected naming the value; the rest of the batch is copied and the cycle goes on", async () => {
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11, { end_date: 'infinity' });
  await h.django.loan(102, 7, 11, { start_date: '-infinity' });
  await h.django.loan(103, 7, 11, { date_disbursed: 'infinity' });
  const worker = h.worker({ recompute: recordingRecompute() });
  const report = await worker.runOnce();
  expect(report.entities.loans).toMatchObject({ rowsRead: 4, rowsWritten: 1, rejects: 3 });
  expect(worker.health()).toMatchObject({ lastError: null });
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '100' }]);
  expect(await rejects('loans')).toEqual([
    { django_id: '101', reason: 'end_date must be a calendar date from 0001-01-01 to 9999-12-31; got infinity', seen_count: 1 },
    { django_id: '102', reason: 'start_date must be a calendar date from 0001-01-01 to 9999-12-31 or NULL; got -infinity', seen_count: 1 },
    { django_id: '103', reason: 'date_disbursed must be a point in time on a business date from 0001-01-01 to 9999-12-31; got infinity', seen_count: 1 },
  ]);
});

it('a repayment dated infinity is kept, never counted, reported naming the value, and not taken for drift by the reconciliation', async () => {
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 500, '2025-12-09T10:00:00+01:00');
  await h.django.repayment(1001, 100, 700, 'infinity');
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  expect(await h.rows(`SELECT repayment_id, payment_date::text, is_counted FROM repayments ORDER BY repayment_id`)).toEqual([
    { repayment_id: '1000', payment_date: '2025-12-09', is_counted: true },
    { repayment_id: '1001', payment_date: null, is_counted: false },
  ]);
  expect(await rejects('repayments')).toEqual([{ django_id: '1001', reason: 'paid_date must be a point in time; got infinity: kept, never counted', seen_count: 1 }]);
  // Django's side of the comparison leaves it out too (D3 counts dated payments only): nothing to repair.
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0 });
});

it("an officer or customer seedsmetrics refuses (Django's column wider than the copy's) is rejected with the database's reason, its loans too; the others are copied", async () => {
  // DOMAIN.md gives no width for these Django columns: a real Django may hold more than seedsmetrics' varchar(100).
  await h.django.query(`ALTER TABLE accounts_customuser ALTER user_type TYPE varchar(200); ALTER TABLE ajo_ajouser ALTER state TYPE varchar(200)`);
  await h.django.user(8, { user_type: 'X'.repeat(150) });
  await h.django.customer(12, { state: 'Y'.repeat(150) });
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 8, 11);
  await h.django.loan(102, 7, 12);
  const worker = h.worker({ recompute: recordingRecompute() });
  await worker.runOnce();
  expect(worker.health()).toMatchObject({ lastError: null });
  expect(await h.rows(`SELECT officer_id FROM officers ORDER BY officer_id`)).toEqual([{ officer_id: '7' }]);
  expect(await h.rows(`SELECT customer_id FROM customers ORDER BY customer_id`)).toEqual([{ customer_id: '11' }]);
  expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '100' }]);
  const tooLong = 'rejected by seedsmetrics: value too long for type character varying(100) (SQLSTATE 22001)';
  expect(await rejects('officers')).toEqual([{ django_id: '8', reason: tooLong, seen_count: 1 }]);
  expect(await rejects('customers')).toEqual([{ django_id: '12', reason: tooLong, seen_count: 1 }]);
  expect(await rejects('loans')).toEqual([
    { django_id: '101', reason: `officer 8 could not be copied (${tooLong}): not copied`, seen_count: 1 },
    { django_id: '102', reason: `borrower 12 could not be copied (${tooLong}): not copied`, seen_count: 1 },
  ]);
});

it('a repayment of a loan that is not synced says why the loan was rejected', async () => {
  await h.django.query(`SET session_replication_role = replica`);
  await h.django.loan(300, 7, 999);
  await h.django.query(`SET session_replication_role = origin`);
  await h.django.repayment(1000, 300, 4400, '2025-11-04T10:00:00+01:00');
  await h.worker({ recompute: recordingRecompute() }).runOnce();
  expect(await rejects('loans')).toEqual([{ django_id: '300', reason: 'borrower 999 does not exist in Django', seen_count: 1 }]);
  expect(await rejects('repayments')).toEqual([
    { django_id: '1000', reason: 'loan 300 is not synced (borrower 999 does not exist in Django): repayment not copied', seen_count: 1 },
  ]);
});

it('reports of rows Django has since deleted end at the next reconciliation; reports of rows it still has stay', async () => {
  const { log, lines } = memoryLogger();
  await h.django.user(8, { user_phone: '+234 803 123 4567 / +234 805 987 6543' }); // kept, cut to 20 characters
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 4400, null); // kept, never counted
  await h.django.repayment(1001, 100, -5, '2025-11-05T10:00:00+01:00'); // kept, never counted
  await h.django.loan(101, null, 11); // rejected: no officer
  await h.django.repayment(1002, 101, 4400, '2025-11-04T10:00:00+01:00'); // not copied: its loan is not synced
  const worker = h.worker({ log });
  await worker.runOnce();
  expect(worker.health().rejectedRows).toMatchObject({ officers: 1, loans: 1, repayments: 3 });

  await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id IN (1000, 1002)`);
  await h.django.query(`DELETE FROM loans_ajoloan WHERE id = 101`);
  const reconciled = await worker.reconcileNow();

  expect(reconciled.reconciliation).toMatchObject({ reportsEnded: 3, repaymentsDeleted: 1, loansRepaired: ['100'] });
  expect(await h.rows(`SELECT entity, django_id FROM sync_rejects ORDER BY entity, django_id`)).toEqual([
    { entity: 'officers', django_id: '8' },
    { entity: 'repayments', django_id: '1001' },
  ]);
  expect(worker.health().rejectedRows).toMatchObject({ officers: 1, loans: 0, repayments: 1 });
  expect(lines.filter((l) => String(l.msg).startsWith('3 sync_rejects reports ended')).map((l) => [l.level, l.ended])).toEqual([[30, 3]]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ reportsEnded: 0 });
  await worker.stop();
});

it('a failed cycle names the step it failed in and the database error with its SQLSTATE and detail', async () => {
  await h.django.loan(100, 7, 11);
  const first = h.worker({ recompute: recordingRecompute() });
  await first.runOnce();
  await first.stop();
  await h.django.loan(101, 7, 11);
  const overflowing = h.worker({
    recompute: {
      ...recordingRecompute(),
      loans: async (client) => {
        await client.query(`SELECT 1e13::numeric(15,2)`);
        return 0;
      },
    },
  });
  const message = 'copying loans: numeric field overflow (SQLSTATE 22003: A field with precision 15, scale 2 must round to an absolute value less than 10^13.)';
  await expect(overflowing.runOnce()).rejects.toThrow(message);
  expect(overflowing.health()).toMatchObject({ errorsLastCycle: 1, lastError: message });
  expect(await h.rows(`SELECT error_message FROM sync_runs WHERE error_message IS NOT NULL`)).toEqual([{ error_message: message }]);
});
