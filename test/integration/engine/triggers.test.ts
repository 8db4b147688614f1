/**
 * The statement-level repayments trigger (D9) and the NOTIFY triggers on dpd_transitions / par_changes.
 * Loans pay 1,000 a business day (L = R = RA = 30,000, r NULL, T = 30, D1 Monday 2025-12-01); today is pinned to
 * Wednesday 2025-12-10, so days_due = 8 and DPD = 8 − ROUND(P/1,000).
 */
import pg from 'pg';
import { pinBusinessDate } from '../../../src/engine/clock';
import { recomputeLoans, skipRepaymentTriggerInTransaction } from '../../../src/engine/recompute';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertLoans, insertRepayments, loanRow } from './fixtures';

let dbs: TestDatabases;
const loan = (id: string, officer = 'o1') => ({ id, officer, amount: '30000', rate: null, fee: null, term: 30, ra: '30000', d0: '2025-11-28', d1: '2025-12-01', maturity: '2026-01-09' });

beforeAll(async () => {
  dbs = await createTestDatabases();
  await pinBusinessDate(dbs.metrics.pool, '2025-12-10');
  await insertLoans(dbs.metrics.pool, [loan('T1'), loan('T2'), loan('T3'), loan('N1', 'o9')]);
  // give every loan a first evaluation, so later bucket moves are transitions
  await recomputeLoans(dbs.metrics.pool, ['T1', 'T2', 'T3', 'N1'], '2025-12-10');
});
afterAll(async () => {
  await dbs.drop();
});

const pool = () => dbs.metrics.pool;
const state = async (id: string) => {
  const row = await loanRow(pool(), id);
  return { total: row.total_repayments, dpd: row.current_dpd, n: row.counted_repayments_count, asOf: row.computed_as_of };
};

describe('the repayments trigger recomputes the loans a statement touched, as of business_today()', () => {
  it('on INSERT', async () => {
    expect(await state('T1')).toEqual({ total: '0.00', dpd: 8, n: 0, asOf: '2025-12-10' });
    await insertRepayments(pool(), [{ id: 'r1', loan: 'T1', date: '2025-12-02', amount: '3000' }]);
    expect(await state('T1')).toEqual({ total: '3000.00', dpd: 5, n: 1, asOf: '2025-12-10' });
  });

  it('on UPDATE of the amount', async () => {
    await pool().query(`UPDATE repayments SET payment_amount = 8000 WHERE repayment_id = 'r1'`);
    expect(await state('T1')).toEqual({ total: '8000.00', dpd: 0, n: 1, asOf: '2025-12-10' });
  });

  it('on UPDATE that marks a reversal', async () => {
    await pool().query(`UPDATE repayments SET marked_as = 'REVERSAL' WHERE repayment_id = 'r1'`);
    expect(await state('T1')).toEqual({ total: '0.00', dpd: 8, n: 0, asOf: '2025-12-10' });
    await pool().query(`UPDATE repayments SET marked_as = NULL WHERE repayment_id = 'r1'`);
    expect(await state('T1')).toEqual({ total: '8000.00', dpd: 0, n: 1, asOf: '2025-12-10' });
  });

  it('on UPDATE that moves a repayment to another loan: both loans', async () => {
    await pool().query(`UPDATE repayments SET loan_id = 'T2' WHERE repayment_id = 'r1'`);
    expect(await state('T1')).toEqual({ total: '0.00', dpd: 8, n: 0, asOf: '2025-12-10' });
    expect(await state('T2')).toEqual({ total: '8000.00', dpd: 0, n: 1, asOf: '2025-12-10' });
  });

  it('on DELETE', async () => {
    await pool().query(`DELETE FROM repayments WHERE repayment_id = 'r1'`);
    expect(await state('T2')).toEqual({ total: '0.00', dpd: 8, n: 0, asOf: '2025-12-10' });
  });

  it('once per statement for several loans', async () => {
    await insertRepayments(pool(), [
      { id: 'r2', loan: 'T1', date: '2025-12-03', amount: '2000' },
      { id: 'r3', loan: 'T2', date: '2025-12-03', amount: '4000' },
      { id: 'r4', loan: 'T2', date: '2025-12-04', amount: '1000' },
    ]);
    expect(await state('T1')).toMatchObject({ total: '2000.00', dpd: 6 });
    expect(await state('T2')).toMatchObject({ total: '5000.00', dpd: 3, n: 2 });
  });

  it('uses the business clock: a new pinned date is the next as-of date', async () => {
    await pinBusinessDate(pool(), '2025-12-11');
    try {
      await insertRepayments(pool(), [{ id: 'r5', loan: 'T3', date: '2025-12-11', amount: '1000' }]);
      // BD(12-01, 12-11) = 9, paid 1 day: DPD 8
      expect(await state('T3')).toEqual({ total: '1000.00', dpd: 8, n: 1, asOf: '2025-12-11' });
    } finally {
      await pinBusinessDate(pool(), '2025-12-10');
    }
  });
});

describe('seedsmetrics.skip_repayment_trigger', () => {
  it("= 'on' (SET LOCAL) leaves the loan alone until the caller recomputes, and lapses at commit", async () => {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await skipRepaymentTriggerInTransaction(client);
      await insertRepayments(client, [{ id: 's1', loan: 'T1', date: '2025-12-04', amount: '1000' }]);
      expect(await state('T1')).toMatchObject({ total: '2000.00' }); // another connection: nothing committed yet
      const inside = await client.query(`SELECT total_repayments FROM loans WHERE loan_id = 'T1'`);
      expect(inside.rows[0].total_repayments).toBe('2000.00'); // the trigger stood aside
      expect(await recomputeLoans(client, ['T1'], '2025-12-10')).toBe(1);
      await client.query('COMMIT');
      expect(await state('T1')).toMatchObject({ total: '3000.00', dpd: 5 });
      // the setting was LOCAL: the next statement on the same connection fires the trigger again
      await insertRepayments(client, [{ id: 's2', loan: 'T1', date: '2025-12-05', amount: '1000' }]);
      expect(await state('T1')).toMatchObject({ total: '4000.00', dpd: 4 });
    } finally {
      client.release();
    }
  });

  it('any other value keeps the trigger on', async () => {
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL seedsmetrics.skip_repayment_trigger = 'off'`);
      await insertRepayments(client, [{ id: 's3', loan: 'T1', date: '2025-12-05', amount: '1000' }]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await state('T1')).toMatchObject({ total: '5000.00', dpd: 3 });
  });
});

describe('NOTIFY on dpd_transition and par_change', () => {
  let listener: pg.Client;
  const received: Array<{ channel: string; payload: string | undefined }> = [];

  beforeAll(async () => {
    listener = new pg.Client({ connectionString: dbs.metricsUrl });
    listener.on('error', () => undefined);
    listener.on('notification', (message) => received.push({ channel: message.channel, payload: message.payload }));
    await listener.connect();
    await listener.query('LISTEN dpd_transition');
    await listener.query('LISTEN par_change');
  });
  afterAll(async () => {
    await listener.end();
  });

  async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(received)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const maxId = async (sql: string) => String((await pool().query(sql)).rows[0].id);

  it('sends nothing for a rolled-back transaction and the highest new ids once a transaction commits', async () => {
    received.length = 0;
    // N1 (officer o9, DPD 8, bucket 7-30). Rolled back: a payment of 8,000 would move it to bucket 0.
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await insertRepayments(client, [{ id: 'n0', loan: 'N1', date: '2025-12-02', amount: '8000' }]);
      const pending = await client.query(`SELECT count(*)::int AS n FROM dpd_transitions WHERE loan_id = 'N1'`);
      expect(pending.rows[0].n).toBe(1); // the row exists inside the transaction…
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    // …and the same payment committed: N1 moves from 7-30 to 0
    await insertRepayments(pool(), [{ id: 'n1', loan: 'N1', date: '2025-12-02', amount: '8000' }]);
    const transitionId = await maxId(`SELECT max(transition_id) AS id FROM dpd_transitions`);
    const dpdEvent = await waitFor(() => received.find((m) => m.channel === 'dpd_transition'), 'a dpd_transition notification');
    // the first (and only) dpd_transition notification is the committed row's id: the rolled-back one never came
    expect(dpdEvent).toEqual({ channel: 'dpd_transition', payload: transitionId });
    expect(received.filter((m) => m.channel === 'dpd_transition')).toHaveLength(1);
    const { rows } = await pool().query(`SELECT loan_id, from_dpd_bucket, to_dpd_bucket FROM dpd_transitions WHERE transition_id = $1`, [transitionId]);
    expect(rows).toEqual([{ loan_id: 'N1', from_dpd_bucket: '7-30', to_dpd_bucket: '0' }]);
  });

  it('par_change carries the highest par_changes id of the statement', async () => {
    received.length = 0;
    // T3 (DPD 8) jumps past PAR15 when "today" moves to 2025-12-31: BD(12-01, 12-31) = 23, paid 1 → DPD 22
    await pinBusinessDate(pool(), '2025-12-31');
    try {
      await insertRepayments(pool(), [{ id: 'n2', loan: 'T3', date: '2025-12-30', amount: '0.01' }]);
    } finally {
      await pinBusinessDate(pool(), '2025-12-10');
    }
    const changeId = await maxId(`SELECT max(change_id) AS id FROM par_changes`);
    const event = await waitFor(() => received.find((m) => m.channel === 'par_change'), 'a par_change notification');
    expect(event).toEqual({ channel: 'par_change', payload: changeId });
    // one statement appended the officer, branch, region and portfolio rows, and one notification names the last
    const { rows } = await pool().query(`SELECT scope, scope_key FROM par_changes WHERE business_date = '2025-12-31' ORDER BY change_id`);
    expect(rows).toEqual([
      { scope: 'OFFICER', scope_key: 'o1' },
      { scope: 'BRANCH', scope_key: 'YABA' },
      { scope: 'REGION', scope_key: 'Ruby' },
      { scope: 'PORTFOLIO', scope_key: 'ALL' },
    ]);
    expect(received.filter((m) => m.channel === 'par_change')).toHaveLength(1);
  });
});
