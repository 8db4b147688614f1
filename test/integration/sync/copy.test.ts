import { copyEntity, type CopyContext } from '../../../src/sync/copy';
import { DjangoReader, type PageRequest } from '../../../src/sync/django-reader';
import { NO_WATERMARK } from '../../../src/sync/watermarks';
import { recordingRecompute, syncHarness, TODAY, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
});
afterEach(async () => {
  await h.close();
});

describe('a new loan and its repayments', () => {
  it('arrive in the same cycle, mapped field by field, and the loan is recomputed once', async () => {
    await h.django.user(7);
    await h.django.customer(11, { first_name: 'Ada', last_name: 'Obi', gender: 'F', state: 'Lagos' });
    await h.django.loan(100, 7, 11);
    await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1001, 100, 20000, '2025-11-20T10:00:00+01:00', { repayment_type: null });
    const recompute = recordingRecompute();
    const report = await h.worker({ recompute }).runOnce();

    // Initial load: the loans' scan leaves computing to the repayments' scan, which computes every loan once,
    // with its repayments in place (so no bucket "move" is logged for a loan seen for the first time); the start-up
    // recompute of open loans waits for the next cycle.
    expect(recompute.openCalls).toEqual([]);
    expect(recompute.calls).toEqual([{ loanIds: ['100'], asOf: TODAY }]);
    expect(report.entities.loans).toMatchObject({ rowsRead: 1, rowsWritten: 1, maxId: '100' });
    expect(report.entities.repayments).toMatchObject({ rowsRead: 2, rowsWritten: 2, maxId: '1001', heldAt: null });

    expect(await h.rows(`SELECT officer_id, officer_name, officer_phone, officer_email, region, branch, employment_status, hire_date::text,
        user_type, is_active_in_django, hierarchy_curated FROM officers`)).toEqual([
      { officer_id: '7', officer_name: 'officer7', officer_phone: '0800007', officer_email: 'officer7@example.com', region: 'Lagos',
        branch: 'Lagos Island', employment_status: 'Active', hire_date: '2025-01-15', user_type: 'STAFF_AGENT', is_active_in_django: true,
        hierarchy_curated: false },
    ]);
    expect(await h.rows(`SELECT customer_id, customer_name, customer_phone, gender, state, kyc_status FROM customers`)).toEqual([
      { customer_id: '11', customer_name: 'Ada Obi', customer_phone: '07000011', gender: 'F', state: 'Lagos', kyc_status: 'Verified' },
    ]);
    expect(await h.rows(`SELECT loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, repayment_amount,
        interest_rate, fee_amount, loan_term_days, disbursement_date::text, first_payment_due_date::text, maturity_date::text, channel,
        status, django_status, performance_status, loan_type, verification_status, wave FROM loans`)).toEqual([
      { loan_id: '100', customer_id: '11', customer_name: 'Ada Obi', officer_id: '7', officer_name: 'officer7', region: 'Lagos',
        branch: 'Lagos Island', loan_amount: '100000.00', repayment_amount: '132000.00', interest_rate: '0.3000', fee_amount: '2000.00',
        loan_term_days: 30, disbursement_date: '2025-11-03', first_payment_due_date: '2025-11-04', maturity_date: '2025-12-15',
        channel: 'AJO', status: 'Active', django_status: 'OPEN', performance_status: 'PERFORMING', loan_type: 'AJO',
        verification_status: 'APPROVED', wave: 'Wave 2' },
    ]);
    expect(await h.rows(`SELECT repayment_id, loan_id, payment_date::text, payment_amount, principal_paid, payment_method, is_reversed,
        marked_as, applied_to_loan, is_counted FROM repayments ORDER BY repayment_id`)).toEqual([
      { repayment_id: '1000', loan_id: '100', payment_date: '2025-11-04', payment_amount: '20000.00', principal_paid: '20000.00',
        payment_method: 'AGENT_DEBIT', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: true },
      { repayment_id: '1001', loan_id: '100', payment_date: '2025-11-20', payment_amount: '20000.00', principal_paid: '20000.00',
        payment_method: 'TRANSFER', is_reversed: false, marked_as: null, applied_to_loan: null, is_counted: true },
    ]);
  });
});

describe('a look that finds its watermark ahead of Django\'s clock', () => {
  it('re-reads every version up to the id watermark, and fetches only the rows whose copy holds another version', async () => {
    await h.django.user(7);
    await h.django.customer(11);
    for (const id of [9, 10, 11]) await h.django.loan(id, 7, 11);
    await h.worker({ recompute: recordingRecompute() }).runOnce();
    await h.django.query(`UPDATE loans_ajoloan SET amount = 90000, updated_at = now() - interval '2 hours' WHERE id = 10`);

    const reader = new DjangoReader(h.dbs.django.pool, 'Africa/Lagos');
    const fetched: string[][] = [];
    const counting = Object.assign(Object.create(reader) as DjangoReader, {
      page: (entity: 'loans', request: PageRequest) => {
        if ('ids' in request) fetched.push([...request.ids]);
        return reader.page(entity, request);
      },
    });
    const client = await h.dbs.metrics.pool.connect();
    try {
      const scanStartedAt = await reader.clock();
      const stats = await copyEntity(
        { reader: counting, client, recompute: recordingRecompute(), asOf: TODAY, scanStartedAt, overlapMs: 60_000, missingLoanWaitMs: 300_000, batchSize: 2, onReject: () => undefined, seen: new Map() },
        'loans',
        { maxId: '11', maxUpdatedAt: '2099-01-01T00:00:00.000000Z' },
      );
      expect(stats).toMatchObject({ rowsRead: 3, rowsWritten: 1, watermarkAheadOfClock: '2099-01-01T00:00:00.000000Z', watermark: { maxId: '11', maxUpdatedAt: scanStartedAt } });
      expect(fetched).toEqual([['10']]);
      expect(await h.rows(`SELECT loan_id, loan_amount FROM loans ORDER BY loan_id::int`)).toEqual([
        { loan_id: '9', loan_amount: '100000.00' }, { loan_id: '10', loan_amount: '90000.00' }, { loan_id: '11', loan_amount: '100000.00' },
      ]);
    } finally {
      client.release();
    }
  });
});

describe('an initial load', () => {
  it('computes the loans even when Django has no repayment yet', async () => {
    await h.django.user(7);
    await h.django.customer(11);
    await h.django.loan(100, 7, 11);
    const recompute = recordingRecompute();
    await h.worker({ recompute }).runOnce();
    expect(recompute.calls).toEqual([{ loanIds: ['100'], asOf: TODAY }]);
  });
});

describe('the versions the worker remembers', () => {
  /** A Map that records the most entries it ever held. */
  class PeakMap<K, V> extends Map<K, V> {
    peak = 0;
    override set(key: K, value: V): this {
      super.set(key, value);
      this.peak = Math.max(this.peak, this.size);
      return this;
    }
  }

  it('are only those an overlap window can re-read, even while an initial scan copies older rows', async () => {
    await h.django.user(7);
    await h.django.customer(11);
    await h.django.loan(100, 7, 11);
    await h.worker({ recompute: recordingRecompute() }).runOnce();
    for (const id of [1000, 1001, 1002, 1003, 1004]) {
      await h.django.repayment(id, 100, 4400, '2025-11-04T10:00:00+01:00', { updated_at: '2025-11-04T10:00:00Z' });
    }
    await h.django.repayment(1005, 100, 4400, '2025-11-05T10:00:00+01:00'); // updated_at: now
    await h.django.repayment(1006, 100, 4400, '2025-11-06T10:00:00+01:00');

    const reader = new DjangoReader(h.dbs.django.pool, 'Africa/Lagos');
    const client = await h.dbs.metrics.pool.connect();
    try {
      const context = async (seen: Map<string, string>): Promise<CopyContext> => ({
        reader, client, recompute: recordingRecompute(), asOf: TODAY, scanStartedAt: await reader.clock(), overlapMs: 60_000, missingLoanWaitMs: 300_000,
        batchSize: 2, onReject: () => undefined, seen,
      });
      const seen = new PeakMap<string, string>();
      const initial = await copyEntity(await context(seen), 'repayments', NO_WATERMARK);
      expect(initial.rowsWritten).toBe(7);
      // Before: all seven were held until the scan ended (every repayment of the table, on a first start).
      expect(seen.peak).toBe(2);
      expect([...seen.keys()]).toEqual(['1005', '1006']);

      // What they are for: the next scan's window re-reads the two recent rows and skips them as copied.
      const next = await copyEntity(await context(seen), 'repayments', initial.watermark);
      expect(next).toMatchObject({ rowsRead: 2, rowsWritten: 0 });
    } finally {
      client.release();
    }
  });
});

describe("a reconciliation's per-loan totals from Django", () => {
  it('fingerprint only the loans of the slice asked for (the others are not hashed), and the same rows alike whatever the slice', async () => {
    await h.django.user(7);
    await h.django.customer(11);
    // 101 % 12 = 5, 103 % 12 = 7.
    for (const loan of [101, 103]) await h.django.loan(loan, 7, 11);
    await h.django.repayment(1000, 101, 500, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1001, 103, 700, '2025-11-05T10:00:00+01:00');
    const reader = new DjangoReader(h.dbs.django.pool, 'Africa/Lagos');
    const fingerprints = async (slice: { index: number; of: number }) =>
      Object.fromEntries((await reader.repaymentTotalsPerLoan('1001', slice)).map((t) => [t.loan_id, t.fingerprint]));
    const every = await fingerprints({ index: 0, of: 1 });
    expect(every).toEqual({ '101': expect.stringMatching(/^[0-9]+$/), '103': expect.stringMatching(/^[0-9]+$/) });
    expect(await fingerprints({ index: 5, of: 12 })).toEqual({ '101': every['101'], '103': null });
    expect(await fingerprints({ index: 7, of: 12 })).toEqual({ '101': null, '103': every['103'] });
  });
});
