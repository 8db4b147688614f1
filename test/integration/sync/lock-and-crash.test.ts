/** One worker at a time (advisory lock), and a worker killed in the middle of a batch loses and duplicates nothing. */
import pg from 'pg';
import { recomputeLoans } from '../../../src/engine/recompute';
import { SyncLockBusyError, SYNC_LOCK_KEY } from '../../../src/sync/lock';
import { engineRecompute, type RecomputeSteps } from '../../../src/sync/recompute';
import { validate } from '../../../src/sync/validate';
import { freePort } from '../../support/free-port';
import { memoryLogger } from '../../support/memory-logger';
import { syncHarness, waitFor, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(100, 7, 11);
  await h.django.loan(101, 7, 11, { amount: 50000, repayment_amount: 57500, interest_rate: 15, processing_fee: 0 });
  for (let i = 0; i < 5; i += 1) {
    await h.django.repayment(1000 + i, 100, 1000 + i, `2025-11-${10 + i}T10:00:00+01:00`);
    await h.django.repayment(2000 + i, 101, 500.25, `2025-11-${10 + i}T10:00:00+01:00`);
  }
});
afterEach(async () => {
  await h.close();
});

/** The copy as it should be after any successful catch-up: exact counts and sums per loan, computed totals included. */
async function expectExactCopy(): Promise<void> {
  expect(await h.rows(`SELECT loan_id, count(*)::int AS n, sum(payment_amount)::text AS total, count(DISTINCT repayment_id)::int AS distinct_ids
                       FROM repayments GROUP BY loan_id ORDER BY loan_id`)).toEqual([
    { loan_id: '100', n: 5, total: '5010.00', distinct_ids: 5 },
    { loan_id: '101', n: 5, total: '2501.25', distinct_ids: 5 },
  ]);
  expect(await h.rows(`SELECT loan_id, total_repayments FROM loans ORDER BY loan_id`)).toEqual([
    { loan_id: '100', total_repayments: '5010.00' },
    { loan_id: '101', total_repayments: '2501.25' },
  ]);
  expect(await h.rows(`SELECT entity, max_id::text FROM sync_watermarks WHERE entity IN ('loans', 'repayments') ORDER BY entity`)).toEqual([
    { entity: 'loans', max_id: '101' },
    { entity: 'repayments', max_id: '2004' },
  ]);
  expect(await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool })).toEqual([]);
}

describe('the advisory lock', () => {
  it('makes a second worker fail with a message naming the lock, or wait until the first one stops', async () => {
    const first = h.worker();
    await first.runOnce();
    const holderPid = (await h.rows<{ pid: number }>(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [SYNC_LOCK_KEY]))[0]!.pid;

    const failing = h.worker({ onLockBusy: 'fail' });
    const error = await failing.runOnce().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncLockBusyError);
    expect((error as Error).message).toBe(
      `another sync worker holds the advisory lock "seedsmetrics.sync_worker" (pg_advisory_lock(7301003)) on database ` +
        `"${new URL(h.dbs.metricsUrl).pathname.slice(1)}" (backend pid ${holderPid}); only one worker may run at a time`,
    );

    let attempts = 0;
    const stopCounting = h.dbs.metrics.pool.onStatement((sql) => {
      if (sql.includes('pg_try_advisory_lock')) attempts += 1;
    });
    const waiting = h.worker({ intervalMs: 50 });
    let finished = false;
    const run = waiting.runOnce().then((report) => {
      finished = true;
      return report;
    });
    await waitFor('three lock attempts by the waiting worker', () => attempts >= 3);
    expect(finished).toBe(false);
    await first.stop();
    const report = await run;
    stopCounting();
    expect(report.rowsWritten).toBe(0); // the first worker had copied everything
    expect(waiting.health().status).toBe('ok');
  });

  it('holds it on a connection named seedsmetrics-gateway/sync in pg_stat_activity, apart from the requests', async () => {
    const worker = h.worker();
    await worker.runOnce();
    expect(
      await h.rows(
        `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [SYNC_LOCK_KEY],
      ),
    ).toEqual([{ application_name: 'seedsmetrics-gateway/sync' }]);
    await worker.stop();
  });
});

describe('killing the worker in the middle of a batch', () => {
  it('an error after the upsert and before commit leaves nothing half-done; a fresh worker catches up exactly', async () => {
    // A first cycle copies everything there is; the crash hits the next (incremental) cycle.
    const first = h.worker({ batchSize: 4 });
    await first.runOnce();
    await first.stop();
    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = repayment_amount + 1, updated_at = now() WHERE ajo_loan_id = 101`);
    await h.django.repayment(3000, 100, 777, '2025-11-20T10:00:00+01:00');
    await h.django.repayment(3001, 101, 888, '2025-11-20T10:00:00+01:00');
    let batches = 0;
    const failOnSecondBatch: RecomputeSteps = {
      loans: async (client, loanIds, asOf) => {
        batches += 1;
        if (batches === 2) throw new Error('injected crash after the upsert, before commit');
        return recomputeLoans(client, loanIds, asOf);
      },
      openLoans: async () => 0,
    };
    const crashing = h.worker({ recompute: failOnSecondBatch, batchSize: 4 });
    await expect(crashing.runOnce()).rejects.toThrow('injected crash after the upsert, before commit');
    // Pages of 4 in id order: 1000-1003 (unchanged, nothing to recompute), 1004 + 2000-2002 (recompute call 1,
    // committed with its watermark), 2003, 2004, 3000, 3001 (call 2 throws before commit: no trace).
    expect(await h.rows(`SELECT repayment_id, payment_amount FROM repayments WHERE repayment_id::bigint >= 2000 ORDER BY repayment_id`)).toEqual([
      { repayment_id: '2000', payment_amount: '501.25' },
      { repayment_id: '2001', payment_amount: '501.25' },
      { repayment_id: '2002', payment_amount: '501.25' },
      { repayment_id: '2003', payment_amount: '500.25' },
      { repayment_id: '2004', payment_amount: '500.25' },
    ]);
    expect(await h.rows(`SELECT loan_id, total_repayments FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', total_repayments: '5010.00' },
      { loan_id: '101', total_repayments: '2504.25' },
    ]);
    expect(await h.rows(`SELECT max_id::text FROM sync_watermarks WHERE entity = 'repayments'`)).toEqual([{ max_id: '2004' }]);
    // The failure names the step it happened in.
    expect(crashing.health()).toMatchObject({ status: 'starting', errorsLastCycle: 1, lastError: 'copying repayments: injected crash after the upsert, before commit' });
    expect(await h.rows(`SELECT kind, errors_count, error_message FROM sync_runs WHERE error_message IS NOT NULL`)).toEqual([
      { kind: 'cycle', errors_count: 1, error_message: 'copying repayments: injected crash after the upsert, before commit' },
    ]);
    await crashing.stop();

    const fresh = h.worker({ batchSize: 4 });
    await fresh.runOnce();
    expect(await h.rows(`SELECT loan_id, count(*)::int AS n, sum(payment_amount)::text AS total FROM repayments GROUP BY loan_id ORDER BY loan_id`)).toEqual([
      { loan_id: '100', n: 6, total: '5787.00' },
      { loan_id: '101', n: 6, total: '3394.25' },
    ]);
    expect(await h.rows(`SELECT loan_id, total_repayments FROM loans ORDER BY loan_id`)).toEqual([
      { loan_id: '100', total_repayments: '5787.00' },
      { loan_id: '101', total_repayments: '3394.25' },
    ]);
    expect(await validate({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool })).toEqual([]);
  });

  it('a backend terminated mid-transaction releases the lock; a fresh worker (or the same one) catches up exactly', async () => {
    let killed = false;
    const killMidBatch: RecomputeSteps = {
      loans: async (client, loanIds, asOf) => {
        const copied = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM repayments`);
        if (!killed && copied.rows[0]!.n === 10) {
          killed = true;
          // Another session kills this worker's connection while its repayments batch is uncommitted.
          const pid = (client as pg.ClientBase & { processID: number }).processID;
          await h.dbs.metrics.pool.query(`SELECT pg_terminate_backend($1)`, [pid]);
        }
        return recomputeLoans(client, loanIds, asOf);
      },
      openLoans: async () => 0,
    };
    const doomed = h.worker({ recompute: killMidBatch, batchSize: 4, onLockBusy: 'fail' });
    await expect(doomed.runOnce()).rejects.toThrow();
    expect(killed).toBe(true);
    // The initial load recomputes every loan at its last page: the kill hit that page after its upsert. The two
    // pages before it are committed (8 rows), the last one (2 rows) is not, and nothing was recomputed yet.
    expect(await h.rows(`SELECT count(*)::int AS n FROM repayments`)).toEqual([{ n: 8 }]);
    expect(await h.rows(`SELECT max_id::text FROM sync_watermarks WHERE entity = 'repayments'`)).toEqual([{ max_id: '2002' }]);

    // The lock died with the connection: another worker can take over at once and finish the job.
    const fresh = h.worker({ batchSize: 4, onLockBusy: 'fail' });
    await fresh.runOnce();
    await expectExactCopy();
    await fresh.stop();

    // The killed worker itself reconnects and re-acquires the lock on its next cycle, with nothing to do.
    const again = await doomed.runOnce();
    expect(again.rowsWritten).toBe(0);
    await expectExactCopy();
  });
});

it('a first sync killed before its repayments are all copied: the restarted worker computes each loan once, with all its repayments (no DPD it never had, no move)', async () => {
  // Loan A paid in full (R = 132,000): DPD 0. Computed without its repayment it would show DPD 27 (BD 11-04 … 12-10).
  await h.django.loan(102, 7, 11);
  await h.django.repayment(5000, 102, 132000, '2025-11-20T10:00:00+01:00');
  let killed = false;
  const killAtLastPage: RecomputeSteps = {
    ...engineRecompute,
    loans: async (client, loanIds, asOf) => {
      // The repayments' first scan ends by computing every loan, in its last page's transaction: kill it there.
      if (!killed) {
        killed = true;
        await h.dbs.metrics.pool.query(`SELECT pg_terminate_backend($1)`, [(client as pg.ClientBase & { processID: number }).processID]);
      }
      return recomputeLoans(client, loanIds, asOf);
    },
  };
  await expect(h.worker({ recompute: killAtLastPage, batchSize: 4, onLockBusy: 'fail' }).runOnce()).rejects.toThrow();
  expect(killed).toBe(true);
  // Loans copied (never computed), two pages of repayments committed; the last page, with 5000, rolled back.
  expect(await h.rows(`SELECT count(*)::int AS n, count(computed_as_of)::int AS computed FROM loans`)).toEqual([{ n: 3, computed: 0 }]);
  expect(await h.rows(`SELECT repayment_id FROM repayments WHERE loan_id = '102'`)).toEqual([]);

  await h.worker({ batchSize: 4, onLockBusy: 'fail' }).runOnce();

  expect(await h.rows(`SELECT loan_id, total_repayments, current_dpd, max_dpd_ever FROM loans WHERE loan_id = '102'`)).toEqual([
    { loan_id: '102', total_repayments: '132000.00', current_dpd: 0, max_dpd_ever: 0 },
  ]);
  expect(await h.rows(`SELECT loan_id, from_dpd_bucket, to_dpd_bucket FROM dpd_transitions`)).toEqual([]);
});

it('says it holds the lock once, not again at every cycle that takes it anew after a failure (Django down)', async () => {
  const { log, lines } = memoryLogger();
  // A Django pool whose every connection is refused: each cycle fails and the next takes the lock on a new connection.
  const down = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/django`, connectionTimeoutMillis: 2_000 });
  try {
    const worker = h.worker({ djangoPool: down, log });
    for (let cycle = 0; cycle < 3; cycle += 1) await expect(worker.runOnce()).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(lines.filter((line) => line.msg === 'sync worker holds the advisory lock')).toHaveLength(1);
  } finally {
    await down.end();
  }
});

it("stopping during a first sync cancels the statement under way instead of waiting for it; the next worker resumes and copies exactly", async () => {
  // The first sync ends by computing every loan; this one takes ten minutes, as a first sync of a large Django can.
  const slow: RecomputeSteps = {
    ...engineRecompute,
    loans: async (client) => {
      await client.query('SELECT pg_sleep(600)');
      return 0;
    },
  };
  const worker = h.worker({ recompute: slow });
  const cycle = worker.runOnce();
  const settled = cycle.then(
    () => 'completed',
    (error: Error) => error.message,
  );
  await waitFor('the ten-minute recompute to start', async () => (await h.rows(`SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)' AND state = 'active'`)).length > 0);
  await worker.stop();
  expect(await settled).toBe('copying repayments: canceling statement due to user request (SQLSTATE 57014)');
  // The cancelled cycle dropped the lock connection; stop() returned once the server had ended it, lock and all.
  expect(await h.rows(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [SYNC_LOCK_KEY])).toEqual([{ n: 0 }]);
  // Its batch rolled back: the repayments' first scan is still to be done, and nothing of it was kept.
  expect(await h.rows(`SELECT entity FROM sync_watermarks WHERE entity = 'repayments' AND max_updated_at IS NOT NULL`)).toEqual([]);
  await h.worker().runOnce();
  await expectExactCopy();
}, 60_000);

it('stopping the loop while its Django read waits on a lock someone holds cancels the read; the stop says so once', async () => {
  const locker = await h.dbs.djangoWriter.connect();
  const { log, lines } = memoryLogger();
  const worker = h.worker({ log });
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE loans_ajoloanrepayment IN ACCESS EXCLUSIVE MODE');
    worker.start();
    const waiting = `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'seedsmetrics-gateway/sync'`;
    await waitFor('the first cycle to wait on the lock', async () => (await h.dbs.djangoWriter.query(waiting)).rows.length > 0);
    // Were it waited for, stop() would return only when the lock is let go (here: never).
    await worker.stop();
    expect((await h.dbs.djangoWriter.query(waiting)).rows).toEqual([]);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
  }
  expect(lines.filter((line) => String(line.msg).startsWith('sync cycle'))).toEqual([
    expect.objectContaining({
      level: 30,
      msg: 'sync cycle cut short by the stop; the next start resumes from its last committed batch',
      err: expect.objectContaining({ message: expect.stringContaining('canceling statement due to user request') }),
    }),
  ]);
  await h.worker().runOnce();
  await expectExactCopy();
}, 60_000);
