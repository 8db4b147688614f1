/**
 * Django transactions that stay open across a cycle: their rows carry ids and an updated_at (the transaction's start)
 * from before the watermarks the cycle saves, and become visible only when they commit. Whatever the overlap window
 * misses, the reconciliation copies; nothing is lost, and nothing is counted twice.
 */
import type pg from 'pg';
import { engineRecompute } from '../../../src/sync/recompute';
import { validate } from '../../../src/sync/validate';
import { LOAN_A_REPAYMENTS, seedLoanA, syncHarness, type SyncHarness } from './harness';

let h: SyncHarness;
let open: pg.PoolClient;
beforeEach(async () => {
  h = await syncHarness();
  await seedLoanA(h, LOAN_A_REPAYMENTS.slice(0, 1));
  open = await h.dbs.djangoWriter.connect();
});
afterEach(async () => {
  await open.query('ROLLBACK').catch(() => undefined);
  open.release();
  await h.close();
});

const pools = () => ({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool });
const copied = () => h.rows(`SELECT repayment_id, loan_id, payment_amount FROM repayments ORDER BY repayment_id`);
const totals = () => h.rows(`SELECT loan_id, total_repayments, counted_repayments_count FROM loans ORDER BY loan_id::int`);
const watermark = async (entity: string) => (await h.rows<{ max_id: string }>(`SELECT max_id::text FROM sync_watermarks WHERE entity = $1`, [entity]))[0]!.max_id;

/** Django inserts a repayment in the open transaction: its id and updated_at (now(), the transaction's start) are taken now. */
async function beginRepayment(id: number, loanId: number, amount: number, paidDate: string): Promise<void> {
  await open.query('BEGIN');
  await open.query(`INSERT INTO loans_ajoloanrepayment (id, ajo_loan_id, repayment_amount, paid_date, repayment_type) VALUES ($1, $2, $3, $4, 'AGENT_DEBIT')`, [
    id,
    loanId,
    amount,
    paidDate,
  ]);
}

it('a repayment committed after a cycle read past its id is copied by the next cycle, inside the overlap window', async () => {
  const worker = h.worker({ recompute: engineRecompute, overlapMs: 60_000 });
  await worker.runOnce();
  await beginRepayment(1001, 100, 20000, '2025-11-20T10:00:00+01:00');
  // Another writer commits a higher id meanwhile; the cycle copies it and moves the id watermark past 1001.
  await h.django.repayment(1002, 100, 20000, '2025-12-08T10:00:00+01:00');
  expect((await worker.runOnce()).entities.repayments).toMatchObject({ rowsWritten: 1, maxId: '1002' });
  expect(await copied()).toEqual([
    { repayment_id: '1000', loan_id: '100', payment_amount: '20000.00' },
    { repayment_id: '1002', loan_id: '100', payment_amount: '20000.00' },
  ]);
  await open.query('COMMIT');

  const next = await worker.runOnce();

  expect(next.entities.repayments).toMatchObject({ rowsWritten: 1, maxId: '1002' });
  expect(await copied()).toEqual([
    { repayment_id: '1000', loan_id: '100', payment_amount: '20000.00' },
    { repayment_id: '1001', loan_id: '100', payment_amount: '20000.00' },
    { repayment_id: '1002', loan_id: '100', payment_amount: '20000.00' },
  ]);
  expect(await totals()).toEqual([{ loan_id: '100', total_repayments: '60000.00', counted_repayments_count: 3 }]);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0 });
  expect(await validate(pools())).toEqual([]);
});

describe('a transaction open longer than the overlap window (overlap 0: the window starts where the last look began)', () => {
  it('its repayment is not seen by the edit scan; validate names the loan, and the reconciliation copies it once', async () => {
    const worker = h.worker({ recompute: engineRecompute, overlapMs: 0 });
    await worker.runOnce();
    await beginRepayment(1001, 100, 20000, '2025-11-20T10:00:00+01:00');
    await h.django.repayment(1002, 100, 20000, '2025-12-08T10:00:00+01:00');
    await worker.runOnce();
    await open.query('COMMIT');

    expect((await worker.runOnce()).entities.repayments).toMatchObject({ rowsWritten: 0, maxId: '1002' });
    expect(await totals()).toEqual([{ loan_id: '100', total_repayments: '40000.00', counted_repayments_count: 2 }]);
    expect(await validate(pools())).toEqual([
      { check: 'counted_repayments', key: '100', field: 'count', expected: '3', actual: '2' },
      { check: 'counted_repayments', key: '100', field: 'sum', expected: '60000.00', actual: '40000.00' },
    ]);

    const repaired = await worker.reconcileNow();

    expect(repaired.reconciliation).toMatchObject({ loansRepaired: ['100'], repaymentsWritten: 1, repaymentsDeleted: 0 });
    expect(await totals()).toEqual([{ loan_id: '100', total_repayments: '60000.00', counted_repayments_count: 3 }]);
    expect(await validate(pools())).toEqual([]);
    // Copied once: neither a later cycle nor a later reconciliation writes it again.
    expect((await worker.runOnce()).rowsWritten).toBe(0);
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0 });
    expect(await copied()).toHaveLength(3);
  });

  it('its edit of a copied repayment (a reversal) is repaired at reconciliation, and the loan recomputed', async () => {
    await h.django.repayment(1001, 100, 20000, '2025-11-20T10:00:00+01:00');
    const worker = h.worker({ recompute: engineRecompute, overlapMs: 0 });
    await worker.runOnce();
    await open.query('BEGIN');
    await open.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL', updated_at = now() WHERE id = 1001`);
    await h.django.repayment(1002, 100, 20000, '2025-12-08T10:00:00+01:00');
    await worker.runOnce();
    await open.query('COMMIT');
    await worker.runOnce();
    expect(await totals()).toEqual([{ loan_id: '100', total_repayments: '60000.00', counted_repayments_count: 3 }]);

    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: ['100'], repaymentsWritten: 1 });

    expect(await totals()).toEqual([{ loan_id: '100', total_repayments: '40000.00', counted_repayments_count: 2 }]);
    expect(await validate(pools())).toEqual([]);
  });

  it('a loan committed with its repayment in it is added at reconciliation with that repayment, computed once with it', async () => {
    const worker = h.worker({ recompute: engineRecompute, overlapMs: 0 });
    await worker.runOnce();
    await open.query('BEGIN');
    await open.query(
      `INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, amount_disbursed, repayment_amount, interest_rate, processing_fee, tenor_in_days,
         is_disbursed, date_disbursed, start_date, end_date, status)
       VALUES (101, 7, 11, 100000, 100000, 132000, 30, 2000, 30, true, '2025-11-03T10:00:00+01:00', '2025-11-04', '2025-12-15', 'OPEN')`,
    );
    await open.query(`INSERT INTO loans_ajoloanrepayment (id, ajo_loan_id, repayment_amount, paid_date) VALUES (1001, 101, 66000, '2025-11-20T10:00:00+01:00')`);
    await h.django.loan(102, 7, 11);
    await h.django.repayment(1002, 102, 1000, '2025-12-08T10:00:00+01:00');
    await worker.runOnce();
    await open.query('COMMIT');
    expect((await worker.runOnce()).rowsWritten).toBe(0);
    expect(await watermark('loans')).toBe('102');

    const repaired = await worker.reconcileNow();

    expect(repaired.reconciliation).toMatchObject({ loansAdded: ['101'], repaymentsWritten: 1 });
    expect(await totals()).toEqual([
      { loan_id: '100', total_repayments: '20000.00', counted_repayments_count: 1 },
      { loan_id: '101', total_repayments: '66000.00', counted_repayments_count: 1 },
      { loan_id: '102', total_repayments: '1000.00', counted_repayments_count: 1 },
    ]);
    // Computed once, with its repayment: no bucket move from a DPD it never had.
    expect(await h.rows(`SELECT loan_id FROM dpd_transitions WHERE loan_id = '101'`)).toEqual([]);
    expect(await validate(pools())).toEqual([]);
  });
});
