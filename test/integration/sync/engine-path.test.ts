/** The full path: Django rows → worker → the engine's recompute in the same transaction; reconciliation and validation. */
import pg from 'pg';
import { pinBusinessDate, sqlBusinessClock } from '../../../src/engine/clock';
import { recomputeLoans } from '../../../src/engine/recompute';
import { engineRecompute } from '../../../src/sync/recompute';
import { SYNC_LOCK_KEY } from '../../../src/sync/lock';
import { formatMismatch, validate, validateSettled } from '../../../src/sync/validate';
import { memoryLogger } from '../../support/memory-logger';
import { seedLoanA, syncHarness, TODAY, waitFor, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await seedLoanA(h);
});
afterEach(async () => {
  await h.close();
});

/** The options validate() takes over this test's database pair. */
const pools = () => ({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool });

const loanA = () =>
  h.rows(`SELECT total_repayments, counted_repayments_count, repayment_days_due_today, current_dpd, actual_outstanding, dpd_bucket, computed_as_of::text
          FROM loans WHERE loan_id = '100'`);

it('computes loan A of §3.9 in the batch that copied it', async () => {
  const report = await h.worker().runOnce();
  expect(report.asOf).toBe(TODAY);
  // days due BD(11-04, 12-10) = 27; days paid 60,000 × 30 / 132,000 = 13.64 → 14; DPD 27 − 14 = 13;
  // arrears 132,000 / 30 × 27 − 60,000 = 58,800.
  expect(await loanA()).toEqual([
    { total_repayments: '60000.00', counted_repayments_count: 3, repayment_days_due_today: 27, current_dpd: 13, actual_outstanding: '58800.00', dpd_bucket: '7-30', computed_as_of: TODAY },
  ]);
  expect(await validate(pools())).toEqual([]);
});

it('a repayment deleted in Django disappears at reconciliation and its loan is recomputed (D3)', async () => {
  const worker = h.worker();
  await worker.runOnce();
  await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id = 1002`);
  const report = await worker.reconcileNow();
  expect(report.reconciliation).toEqual({ loansAdded: [], loansRefreshed: [], officersAdded: [], officersRefreshed: [], customersRefreshed: [], loansRemoved: [], loansGoneKept: [], loansChecked: 1, fingerprintSlice: { index: 0, of: 1 }, loansRepaired: ['100'], repaymentsWritten: 0, repaymentsDeleted: 1, holidaysRefreshed: 0, holidaysDeleted: 0, schedulesDeleted: 0, loansRecomputed: 1, rejects: 0, reportsEnded: 0 });
  expect(await h.rows(`SELECT repayment_id FROM repayments ORDER BY repayment_id`)).toEqual([{ repayment_id: '1000' }, { repayment_id: '1001' }]);
  // days paid 40,000 × 30 / 132,000 = 9.09 → 9; DPD 27 − 9 = 18; arrears 4,400 × 27 − 40,000 = 78,800.
  expect(await loanA()).toEqual([
    { total_repayments: '40000.00', counted_repayments_count: 2, repayment_days_due_today: 27, current_dpd: 18, actual_outstanding: '78800.00', dpd_bucket: '7-30', computed_as_of: TODAY },
  ]);
  // A second reconciliation finds nothing to repair.
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansChecked: 1, loansRepaired: [], repaymentsDeleted: 0 });
});

it('a reversal written without touching updated_at (Django QuerySet.update) is repaired at reconciliation', async () => {
  const worker = h.worker();
  await worker.runOnce();
  // Count, sum and newest updated_at of the loan's repayments stay the same: only what counts changes.
  await h.django.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL' WHERE id = 1002`);
  await worker.runOnce();
  expect(await h.rows(`SELECT is_counted FROM repayments WHERE repayment_id = '1002'`)).toEqual([{ is_counted: true }]);
  const report = await worker.reconcileNow();
  expect(report.reconciliation).toMatchObject({ loansRepaired: ['100'], repaymentsWritten: 1, repaymentsDeleted: 0, loansRecomputed: 1 });
  expect(await h.rows(`SELECT is_counted, marked_as FROM repayments WHERE repayment_id = '1002'`)).toEqual([{ is_counted: false, marked_as: 'REVERSAL' }]);
  expect(await loanA()).toEqual([
    { total_repayments: '40000.00', counted_repayments_count: 2, repayment_days_due_today: 27, current_dpd: 18, actual_outstanding: '78800.00', dpd_bucket: '7-30', computed_as_of: TODAY },
  ]);
  expect(await validate(pools())).toEqual([]);
});

it('a reversal arriving later lowers the totals in the same cycle', async () => {
  const worker = h.worker();
  await worker.runOnce();
  await h.django.query(`UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL', applied_to_loan = false, updated_at = now() WHERE id = 1002`);
  await worker.runOnce();
  expect(await loanA()).toEqual([
    { total_repayments: '40000.00', counted_repayments_count: 2, repayment_days_due_today: 27, current_dpd: 18, actual_outstanding: '78800.00', dpd_bucket: '7-30', computed_as_of: TODAY },
  ]);
});

describe('a loan that arrives with repayments Django already has is first computed with them', () => {
  // Loan B: loan A's terms with 100,000 repaid: days paid 100,000 × 30 / 132,000 = 22.7 → 23, DPD 27 − 23 = 4 (1-6).
  // Computed without them it would read DPD 27 (7-30, over PAR15's 15) until they followed.
  const loanB = () =>
    h.rows(`SELECT total_repayments::text, current_dpd, max_dpd_ever, dpd_bucket FROM loans WHERE loan_id = '200'`);
  /** B's transitions, and the moves of its officer's PAR15 recorded after par_changes id `after`. */
  const eventsOfB = async (after = 0) => ({
    transitions: await h.rows(`SELECT from_dpd_bucket, to_dpd_bucket FROM dpd_transitions WHERE loan_id = '200'`),
    officerPar15: await h.rows(
      `SELECT par15_before::text, par15_after::text FROM par_changes WHERE scope = 'OFFICER' AND scope_key = '7' AND par15_after <> par15_before AND change_id > $1`,
      [after],
    ),
  });
  const withRepayments = async (loanUpdatedAt?: Date): Promise<void> => {
    await h.django.loan(200, 7, 11, loanUpdatedAt === undefined ? {} : { updated_at: loanUpdatedAt });
    await h.django.repayment(2000, 200, 60000, '2025-11-04T10:00:00+01:00', loanUpdatedAt === undefined ? {} : { updated_at: loanUpdatedAt });
    await h.django.repayment(2001, 200, 40000, '2025-11-20T10:00:00+01:00', loanUpdatedAt === undefined ? {} : { updated_at: loanUpdatedAt });
  };

  it('committed together (the loans look and the repayments look of one cycle)', async () => {
    const worker = h.worker();
    await worker.runOnce();
    await withRepayments();
    await worker.runOnce();
    expect(await loanB()).toEqual([{ total_repayments: '100000.00', current_dpd: 4, max_dpd_ever: 4, dpd_bucket: '1-6' }]);
    expect(await eventsOfB()).toEqual({ transitions: [], officerPar15: [] });
    expect(await validate(pools())).toEqual([]);
  });

  it('committed too late for the window (added by the reconciliation, its repayments with it)', async () => {
    const worker = h.worker();
    await worker.runOnce();
    // Ids above the watermarks would be found as new rows: these sit below them, committed an hour late.
    await h.django.loan(300, 7, 11);
    await h.django.repayment(3000, 100, 1, '2025-11-05T10:00:00+01:00');
    await worker.runOnce();
    await withRepayments(new Date(Date.now() - 3_600_000));
    await worker.runOnce();
    expect(await loanB()).toEqual([]);
    const [{ last }] = await h.rows<{ last: number }>(`SELECT COALESCE(max(change_id), 0)::int AS last FROM par_changes`);
    const report = await worker.reconcileNow();
    expect(report.reconciliation).toMatchObject({ loansAdded: ['200'], loansRepaired: [] });
    expect(await loanB()).toEqual([{ total_repayments: '100000.00', current_dpd: 4, max_dpd_ever: 4, dpd_bucket: '1-6' }]);
    expect(await eventsOfB(last)).toEqual({ transitions: [], officerPar15: [] });
    expect(await validate(pools())).toEqual([]);
  });
});

it("an uncurated officer moved to another branch in Django takes its loans and their PAR share along; a curated one stays (D12)", async () => {
  const worker = h.worker();
  await worker.runOnce();
  const branchPar = () => h.rows(`SELECT scope, scope_key, portfolio::text FROM par_current WHERE scope IN ('BRANCH', 'REGION') AND portfolio <> 0 ORDER BY scope, scope_key`);
  const [{ principal }] = await h.rows<{ principal: string }>(`SELECT principal_outstanding::text AS principal FROM loans WHERE loan_id = '100'`);
  expect(await branchPar()).toEqual([
    { scope: 'BRANCH', scope_key: 'Lagos Island', portfolio: principal },
    { scope: 'REGION', scope_key: 'Lagos', portfolio: principal },
  ]);

  await h.django.query(`UPDATE accounts_customuser SET user_branch = 'Ibadan Oyo', updated_at = now() WHERE id = 7`);
  await worker.runOnce();
  expect(await h.rows(`SELECT branch, region FROM officers WHERE officer_id = '7'`)).toEqual([{ branch: 'Ibadan Oyo', region: 'Oyo' }]);
  expect(await h.rows(`SELECT branch, region FROM loans WHERE loan_id = '100'`)).toEqual([{ branch: 'Ibadan Oyo', region: 'Oyo' }]);
  expect(await branchPar()).toEqual([
    { scope: 'BRANCH', scope_key: 'Ibadan Oyo', portfolio: principal },
    { scope: 'REGION', scope_key: 'Oyo', portfolio: principal },
  ]);

  // Edited behind the edit scan's back (QuerySet.update leaves updated_at alone): the reconciliation moves it.
  await h.django.query(`UPDATE accounts_customuser SET user_branch = 'Abuja Central' WHERE id = 7`);
  expect((await worker.reconcileNow()).reconciliation).toMatchObject({ officersRefreshed: ['7'] });
  expect(await h.rows(`SELECT branch, region FROM loans WHERE loan_id = '100'`)).toEqual([{ branch: 'Abuja Central', region: 'FCT' }]);
  expect(await branchPar()).toEqual([
    { scope: 'BRANCH', scope_key: 'Abuja Central', portfolio: principal },
    { scope: 'REGION', scope_key: 'FCT', portfolio: principal },
  ]);

  // Once curated, Django's branch no longer moves it.
  await h.dbs.metrics.pool.query(`UPDATE officers SET hierarchy_curated = true WHERE officer_id = '7'`);
  await h.django.query(`UPDATE accounts_customuser SET user_branch = 'Ikeja Lagos', updated_at = now() WHERE id = 7`);
  await worker.runOnce();
  expect(await h.rows(`SELECT branch, region FROM officers WHERE officer_id = '7'`)).toEqual([{ branch: 'Abuja Central', region: 'FCT' }]);
  expect(await validate(pools())).toEqual([]);
});

describe('loans Django deletes', () => {
  const portfolioPar = () => h.rows<{ portfolio: string }>(`SELECT portfolio::text FROM par_current WHERE scope = 'PORTFOLIO' AND scope_key = 'ALL'`);

  it('leave the copy at reconciliation, with their repayments, officer totals and PAR share; their events stay', async () => {
    await h.django.loan(101, 7, 11);
    const worker = h.worker();
    await worker.runOnce();
    const [{ principal_outstanding: kept }] = await h.rows<{ principal_outstanding: string }>(`SELECT principal_outstanding::text FROM loans WHERE loan_id = '101'`);
    const [{ n: transitionsBefore }] = await h.rows<{ n: number }>(`SELECT count(*)::int AS n FROM dpd_transitions WHERE loan_id = '100'`);
    const [{ n: parChangesBefore }] = await h.rows<{ n: number }>(`SELECT count(*)::int AS n FROM par_changes WHERE scope = 'PORTFOLIO'`);

    // Django's delete of a loan takes its repayments with it (on_delete=CASCADE).
    await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE ajo_loan_id = 100`);
    await h.django.query(`DELETE FROM loans_ajoloan WHERE id = 100`);
    expect(await validate(pools())).toEqual([
      { check: 'counted_repayments', key: '100', field: 'count', expected: '0', actual: '3' },
      { check: 'counted_repayments', key: '100', field: 'sum', expected: '0', actual: '60000.00' },
      { check: 'gone_loan', key: '100', field: 'loan_id', expected: null, actual: '100' },
    ]);
    const report = await worker.reconcileNow();
    expect(report.reconciliation).toMatchObject({ loansRemoved: ['100'], loansGoneKept: [], loansRepaired: [], repaymentsDeleted: 0, loansChecked: 1 });

    expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '101' }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM repayments`)).toEqual([{ n: 0 }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM loan_dpd_daily WHERE loan_id = '100'`)).toEqual([{ n: 0 }]);
    expect(await h.rows(`SELECT sum(loans_count)::int AS n, sum(principal_outstanding)::text AS principal FROM officer_portfolio_totals WHERE officer_id = '7'`)).toEqual([
      { n: 1, principal: kept },
    ]);
    expect(await portfolioPar()).toEqual([{ portfolio: kept }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM par_loan_shares WHERE loan_id = '100'`)).toEqual([{ n: 0 }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM par_changes WHERE scope = 'PORTFOLIO'`)).toEqual([{ n: parChangesBefore + 1 }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM dpd_transitions WHERE loan_id = '100'`)).toEqual([{ n: transitionsBefore }]);
    expect(await validate(pools())).toEqual([]);
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRemoved: [], loansGoneKept: [], loansRepaired: [] });
  });

  it('a loan whose disbursement Django undid leaves the copy the same way (only disbursed loans are synced, §1.8)', async () => {
    await h.django.loan(101, 7, 11);
    const worker = h.worker();
    await worker.runOnce();
    await h.django.query(`UPDATE loans_ajoloan SET is_disbursed = false, status = 'NOT_TAKEN', updated_at = now() WHERE id = 100`);
    await worker.runOnce();
    expect(await validate(pools())).toEqual([{ check: 'gone_loan', key: '100', field: 'loan_id', expected: null, actual: '100' }]);
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRemoved: ['100'], loansGoneKept: [] });
    expect(await h.rows(`SELECT loan_id FROM loans ORDER BY loan_id`)).toEqual([{ loan_id: '101' }]);
    expect(await h.rows(`SELECT count(*)::int AS n FROM par_loan_shares WHERE loan_id = '100'`)).toEqual([{ n: 0 }]);
    expect(await validate(pools())).toEqual([]);
    // Disbursed again: copied again, with its repayments.
    await h.django.query(`UPDATE loans_ajoloan SET is_disbursed = true, status = 'OPEN', updated_at = now() WHERE id = 100`);
    await worker.runOnce();
    expect(await loanA()).toEqual([
      { total_repayments: '60000.00', counted_repayments_count: 3, repayment_days_due_today: 27, current_dpd: 13, actual_outstanding: '58800.00', dpd_bucket: '7-30', computed_as_of: TODAY },
    ]);
    expect(await validate(pools())).toEqual([]);
  });

  it('more of them at once than the bound are kept as they were, repayments included, and logged as an error', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => 200 + i);
    for (const id of ids) await h.django.loan(id, 7, 11);
    const { log, lines } = memoryLogger();
    const worker = h.worker({ log });
    await worker.runOnce();
    const before = await h.rows(`SELECT loan_id, total_repayments::text, current_dpd FROM loans ORDER BY loan_id`);

    // As if the worker were pointed at a Django database without these loans (a restore in progress, say).
    await h.django.query(`DELETE FROM loans_ajoloanrepayment`);
    await h.django.query(`DELETE FROM loans_ajoloan`);
    const report = await worker.reconcileNow();
    expect(report.reconciliation).toMatchObject({ loansRemoved: [], loansGoneKept: ['100', ...ids.map(String)], loansRepaired: [], repaymentsDeleted: 0 });
    expect(await h.rows(`SELECT loan_id, total_repayments::text, current_dpd FROM loans ORDER BY loan_id`)).toEqual(before);
    expect(await h.rows(`SELECT count(*)::int AS n FROM repayments`)).toEqual([{ n: 3 }]);
    const errors = lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ gone: 12, bound: { atLeast: 10, shareOfCopied: 0.01 } });
    expect(errors[0]!.msg).toMatch(/^12 copied loans are gone from Django \(deleted, or no longer disbursed\), more than one reconciliation removes; kept as they are/);
  });
});

describe('validate()', () => {
  it('lists an injected computed-field difference, a missing copy and an unsynced row, and nothing once repaired', async () => {
    const worker = h.worker();
    await worker.runOnce();
    const options = pools();
    expect(await validate(options)).toEqual([]);

    await h.dbs.metrics.pool.query(`UPDATE loans SET current_dpd = 99 WHERE loan_id = '100'`);
    await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id = 1001`);
    await h.django.repayment(1003, 100, 1234.5, '2025-12-09T10:00:00+01:00');
    expect(await validate(options)).toEqual([
      // Django now counts 1000, 1002, 1003 = 3 rows and 41,234.50; the copy still has 1000, 1001, 1002 = 60,000.
      { check: 'counted_repayments', key: '100', field: 'sum', expected: '41234.50', actual: '60000.00' },
      { check: 'watermark', key: 'repayments', field: 'max_id', expected: '1003', actual: '1002' },
      { check: 'computed_field', key: '100', field: 'current_dpd', expected: '13', actual: '99' },
    ]);
    // validate() wrote nothing: the injected value is still there and no recompute left a trace.
    expect(await h.rows(`SELECT current_dpd FROM loans`)).toEqual([{ current_dpd: 99 }]);

    await recomputeLoans(h.dbs.metrics.pool, ['100'], TODAY);
    await worker.reconcileNow();
    expect(await validate(options)).toEqual([]);
  });

  it('lists officer totals that drifted from the loans (a write made with the triggers off), and nothing once rebuilt', async () => {
    const worker = h.worker();
    await worker.runOnce();
    const options = pools();
    expect(await validate(options)).toEqual([]);
    const [{ officer_id: officer, wave, principal_outstanding: principal }] = await h.rows<{ officer_id: string; wave: string; principal_outstanding: string }>(
      `SELECT officer_id, wave, principal_outstanding::text FROM loans WHERE loan_id = '100'`,
    );
    const client = await h.dbs.metrics.pool.connect();
    try {
      // What a restore with session_replication_role = replica does: rows change, no trigger fires.
      await client.query(`SET session_replication_role = replica`);
      await client.query(`UPDATE loans SET wave = CASE WHEN wave = 'Wave 1' THEN 'Wave 2' ELSE 'Wave 1' END WHERE loan_id = '100'`);
    } finally {
      await client.query(`RESET session_replication_role`);
      client.release();
    }
    const otherWave = wave === 'Wave 1' ? 'Wave 2' : 'Wave 1';
    const drift = (await validate(options)).filter((m) => m.check === 'officer_totals');
    expect(drift).toContainEqual({ check: 'officer_totals', key: `${officer}/${wave}`, field: 'loans_count', expected: '0', actual: '1' });
    expect(drift).toContainEqual({ check: 'officer_totals', key: `${officer}/${otherWave}`, field: 'principal_outstanding', expected: principal, actual: '0' });
    expect(drift.every((m) => m.key === `${officer}/${wave}` || m.key === `${officer}/${otherWave}`)).toBe(true);

    await h.dbs.metrics.pool.query(`SELECT rebuild_officer_totals()`);
    expect(await validate(options)).toEqual([]);
  });

  it('lists open loans computed for a date behind the business date (the daily recompute did not run), and nothing once the worker adopts the date', async () => {
    await h.django.loan(101, 7, 11);
    await h.django.loan(102, 7, 11, { status: 'COMPLETED' });
    const worker = h.worker();
    await worker.runOnce();
    await worker.stop(); // down over two midnights
    const options = pools();
    expect(await validate(options)).toEqual([]);
    // Loan 101 computed a day later (its repayments' trigger, say) while the worker is down.
    await pinBusinessDate(h.dbs.metrics.pool, '2025-12-11');
    await recomputeLoans(h.dbs.metrics.pool, ['101'], '2025-12-11');
    await pinBusinessDate(h.dbs.metrics.pool, '2025-12-12');
    const stale = await validate(options);
    // Two open loans (100, 101); the closed one (102) keeps the values of its last recompute (src/engine/README.md).
    expect(stale).toEqual([
      { check: 'stale_computation', key: 'open_loans', field: 'computed_as_of', expected: '2025-12-12', actual: '2 open loan(s) computed for earlier dates, the oldest 2025-12-10' },
    ]);
    expect(stale.map(formatMismatch)).toEqual([
      'stale_computation open_loans computed_as_of: expected 2025-12-12 (business_today()), seedsmetrics has 2 open loan(s) computed for earlier dates, the oldest 2025-12-10',
    ]);
    // The worker, back, adopts the business date: every open loan is computed for it.
    await h.worker({ clock: sqlBusinessClock(h.dbs.metrics.pool) }).runOnce();
    expect(await validate(options)).toEqual([]);
  });

  it('recomputes a chunk of loans per rolled-back transaction, each locked first and released when it ends', async () => {
    await h.django.loan(101, 7, 11);
    await h.django.loan(102, 7, 11);
    await h.worker().runOnce();
    const locks: Array<{ chunk: string[]; locked: string[] }> = [];
    const probe = await h.dbs.metrics.pool.connect();
    try {
      // From another connection, which loans can be locked right now (NOWAIT: a held lock fails at once).
      const lockedNow = async (): Promise<string[]> => {
        const locked: string[] = [];
        for (const id of ['100', '101', '102']) {
          await probe.query('BEGIN');
          await probe.query(`SELECT 1 FROM loans WHERE loan_id = $1 FOR UPDATE NOWAIT`, [id]).catch((error: { code?: string }) => {
            if (error.code !== '55P03') throw error;
            locked.push(id);
          });
          await probe.query('ROLLBACK');
        }
        return locked;
      };
      const recompute = {
        loans: async (client: pg.ClientBase, loanIds: readonly string[], asOf: string) => {
          locks.push({ chunk: [...loanIds], locked: await lockedNow() });
          return engineRecompute.loans(client, loanIds, asOf);
        },
      };
      const options = { ...pools(), recompute, recomputeChunkSize: 2 };
      expect(await validate(options)).toEqual([]);
      expect(locks).toEqual([
        { chunk: ['100', '101'], locked: ['100', '101'] },
        { chunk: ['102'], locked: ['102'] },
      ]);
      expect(await lockedNow()).toEqual([]);
    } finally {
      probe.release();
    }
  });

  it('runs beside the worker recomputing open loans for a new business date, or copying a batch: neither deadlocks, both finish', async () => {
    let today = TODAY;
    const worker = h.worker({ clock: { today: async () => today } });
    await worker.runOnce();
    await worker.runOnce(); // the start-up recompute, after the first sync
    const cycles: Array<Promise<unknown>> = [];
    const waiting = async (): Promise<boolean> =>
      (await h.rows(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).length > 0;
    const recompute = {
      loans: async (client: pg.ClientBase, loanIds: readonly string[], asOf: string) => {
        // With the chunk's loans locked, the worker starts a cycle: the next business date's recompute of every open
        // loan, then a new repayment's batch (which writes the loan and its officer's totals); it waits for the chunk.
        if (cycles.length === 0) {
          today = '2025-12-11';
          await h.django.repayment(1003, 100, 500, '2025-12-09T10:00:00+01:00');
          cycles.push(worker.runOnce());
          await waitFor('the worker to wait for the chunk', waiting);
        }
        return engineRecompute.loans(client, loanIds, asOf);
      },
    };

    const mismatches = await validate({ ...pools(), recompute });

    expect(mismatches.filter((m) => m.check === 'computed_field' || m.check === 'recompute_failed')).toEqual([]);
    expect(await cycles[0]).toMatchObject({ asOf: '2025-12-11', openLoansRecomputed: 1, entities: { repayments: { rowsWritten: 1 } } });
    expect(await loanA()).toEqual([expect.objectContaining({ total_repayments: '60500.00', computed_as_of: '2025-12-11' })]);
    expect(await validate(pools())).toEqual([]);
  });

  it('reads the officer totals without locking them: a writer holding them does not stop the check', async () => {
    await h.worker().runOnce();
    const holder = await h.dbs.metrics.pool.connect();
    // validate() on connections that give up on a lock after 5 s instead of waiting for the holder forever.
    const impatient = new pg.Pool({ connectionString: h.dbs.metricsUrl, max: 2, options: '-c lock_timeout=5s' });
    try {
      await holder.query('BEGIN');
      expect((await holder.query(`SELECT 1 FROM officer_portfolio_totals FOR UPDATE`)).rowCount).toBeGreaterThan(0);
      expect(await validate({ djangoPool: h.dbs.django.pool, metricsPool: impatient })).toEqual([]);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await impatient.end();
    }
  });

  it('refuses a recompute chunk size that is not a positive integer', async () => {
    await expect(validate({ ...pools(), recomputeChunkSize: 0 })).rejects.toThrow(
      new RangeError('validate(recomputeChunkSize) must be a positive integer; got 0'),
    );
  });

  it('reports Django loans that were never copied nor rejected', async () => {
    const worker = h.worker();
    await worker.runOnce();
    await h.django.loan(50, 7, 11, { updated_at: new Date(Date.now() - 3_600_000) });
    await h.django.repayment(1003, 50, 500, '2025-12-09T10:00:00+01:00', { updated_at: new Date(Date.now() - 3_600_000) });
    await h.dbs.metrics.pool.query(`UPDATE sync_watermarks SET max_id = 1003 WHERE entity = 'repayments'`); // as if seen past
    const options = pools();
    expect(await validate(options)).toEqual([{ check: 'missing_loan', key: '50', field: 'loan_id', expected: '50', actual: null }]);
    // Reconciliation copies the loan with its repayments and computes it once (no per-loan repair follows).
    const report = await worker.reconcileNow();
    expect(report.reconciliation).toMatchObject({ loansAdded: ['50'], loansChecked: 2, loansRepaired: [], repaymentsWritten: 1 });
    expect(await h.rows(`SELECT loan_id, total_repayments, computed_as_of::text FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', total_repayments: '60000.00', computed_as_of: TODAY },
      { loan_id: '50', total_repayments: '500.00', computed_as_of: TODAY },
    ]);
    expect(await validate(options)).toEqual([]);
  });

  it('reports copies made from another version of their Django row (an edit without a newer updated_at), until a reconciliation repairs them', async () => {
    await h.django.loan(101, 7, 11);
    const worker = h.worker();
    await worker.runOnce();
    const fingerprint = async (table: string, id: number): Promise<string> =>
      ((await h.django.query(`SELECT md5(t::text) AS f FROM ${table} t WHERE id = $1`, [id])).rows[0] as { f: string }).f;
    const before = { officer: await fingerprint('accounts_customuser', 7), loan: await fingerprint('loans_ajoloan', 101) };
    // QuerySet.update() leaves auto_now fields alone: the edit scan cannot see these.
    await h.django.query(`UPDATE accounts_customuser SET username = 'renamed quietly' WHERE id = 7`);
    await h.django.query(`UPDATE loans_ajoloan SET amount = amount + 1000 WHERE id = 101`);
    await worker.runOnce();
    // An edit with a new updated_at since the sync's last look is the next scan's (in flight), not a mismatch.
    await h.django.query(`UPDATE ajo_ajouser SET first_name = 'Edited', updated_at = now() WHERE id = 11`);
    expect(await validate(pools())).toEqual([
      { check: 'edited_row', key: 'loans/101', field: 'fingerprint', expected: await fingerprint('loans_ajoloan', 101), actual: before.loan },
      { check: 'edited_row', key: 'officers/7', field: 'fingerprint', expected: await fingerprint('accounts_customuser', 7), actual: before.officer },
    ]);
    await worker.reconcileNow();
    expect(await validate(pools())).toEqual([]);
    // A copied loan Django then made unacceptable keeps its last good copy, and its sync report says why: by design.
    await h.django.query(`UPDATE loans_ajoloan SET end_date = NULL, updated_at = now() WHERE id = 100`);
    await worker.runOnce();
    await worker.runOnce();
    expect(await h.rows(`SELECT django_id FROM sync_rejects WHERE entity = 'loans'`)).toEqual([{ django_id: '100' }]);
    expect(await validate(pools())).toEqual([]);
  });

  describe('validateSettled() on a live system', () => {
    const pending = [
      { check: 'counted_repayments', key: '100', field: 'count', expected: '4', actual: '3' },
      { check: 'counted_repayments', key: '100', field: 'sum', expected: '60500.00', actual: '60000.00' },
      { check: 'watermark', key: 'repayments', field: 'max_id', expected: '1003', actual: '1002' },
    ];

    it('has nothing to wait for when the first pass agrees with Django', async () => {
      await h.worker().runOnce();
      expect(await validateSettled(pools(), { timeoutMs: 60_000 })).toEqual({ mismatches: [], inFlight: [], sync: 'not needed' });
    });

    it('reports the first pass whole when no worker runs, or when the one holding the lock does not look for edits in time', async () => {
      const worker = h.worker();
      await worker.runOnce();
      await worker.stop();
      await h.django.repayment(1003, 100, 500, '2025-12-09T10:00:00+01:00');
      expect(await validateSettled(pools(), { timeoutMs: 60_000 })).toEqual({ mismatches: pending, inFlight: [], sync: 'not running' });

      const stuck = await h.dbs.metrics.pool.connect();
      try {
        await stuck.query('SELECT pg_advisory_lock($1)', [SYNC_LOCK_KEY]);
        expect(await validateSettled(pools(), { timeoutMs: 300, pollMs: 50 })).toEqual({ mismatches: pending, inFlight: [], sync: 'timed out' });
      } finally {
        await stuck.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]);
        stuck.release();
      }
    });

    it('keeps what the running sync leaves and sets apart what it copies once it has looked for edits', async () => {
      // Repayment 1000 is old enough to fall outside the edit scan's overlap, so a change to its copy stays.
      await h.django.query(`UPDATE loans_ajoloanrepayment SET updated_at = now() - interval '1 hour' WHERE id = 1000`);
      await h.django.loan(101, 7, 11);
      const worker = h.worker();
      await worker.runOnce(); // from here the worker holds the sync lock, between cycles
      await h.dbs.metrics.pool.query(`UPDATE repayments SET payment_amount = 20001 WHERE repayment_id = '1000'`);
      // A watermark ahead of Django (its newest rows deleted) is no mismatch at all.
      await h.dbs.metrics.pool.query(`UPDATE sync_watermarks SET max_id = 12 WHERE entity = 'officers'`);
      await h.django.repayment(1003, 100, 500, '2025-12-09T10:00:00+01:00');

      // The worker's next cycle runs once the first pass has compared with Django (its recompute check has begun).
      let firstPassCompared!: () => void;
      const compared = new Promise<void>((resolve) => (firstPassCompared = resolve));
      const recompute = {
        loans: (client: pg.ClientBase, loanIds: readonly string[], asOf: string) => {
          firstPassCompared();
          return engineRecompute.loans(client, loanIds, asOf);
        },
      };
      const settled = validateSettled({ ...pools(), recompute }, { timeoutMs: 60_000, pollMs: 50 });
      await compared;
      await worker.runOnce();
      // A row that arrives after the worker caught up leaves the watermark behind again, but past the first pass's.
      await h.django.repayment(1004, 101, 700, '2025-12-09T11:00:00+01:00');
      expect(await settled).toEqual({
        mismatches: [{ check: 'counted_repayments', key: '100', field: 'sum', expected: '60500.00', actual: '60501.00' }],
        inFlight: [
          { check: 'counted_repayments', key: '100', field: 'count', expected: '4', actual: '3' },
          { check: 'watermark', key: 'repayments', field: 'max_id', expected: '1003', actual: '1002' },
        ],
        sync: 'caught up',
      });
    });
  });
});
