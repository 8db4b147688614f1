/**
 * The loop's scheduled reconciliations compare every loan's repayments beside its cycles (src/sync/repayment-survey.ts):
 * what a survey names, and how the loop starts, waits for and takes one.
 */
import type pg from 'pg';
import { EVERY_LOAN } from '../../../src/sync/django-reader';
import { surveyRepayments } from '../../../src/sync/repayment-survey';
import { memoryLogger } from '../../support/memory-logger';
import { recordingRecompute, syncHarness, waitFor, type SyncHarness } from './harness';

let h: SyncHarness;
/** Releases of the survey gates a test made (surveyGate). */
const gates: Array<() => void> = [];
beforeEach(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
});
afterEach(async () => {
  // A test that failed with its survey held would otherwise keep stop() waiting.
  for (const release of gates.splice(0)) release();
  await h.close();
});

const survey = (slice = EVERY_LOAN) =>
  surveyRepayments({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool, businessTz: 'Africa/Lagos', statementTimeoutMs: 60_000, overlapMs: 60_000 }, slice);

const paymentAmount = async (repaymentId: string): Promise<string | undefined> =>
  (await h.rows<{ payment_amount: string }>(`SELECT payment_amount FROM repayments WHERE repayment_id = $1`, [repaymentId]))[0]?.payment_amount;

interface GateOptions {
  /** Statements of that kind let through first: a worker's first reconciliation sums every loan's in its cycle. */
  skip?: number;
  /** Thrown instead of an answer once released. */
  fail?: Error;
  /** Run once the answer has arrived, before the survey sees it. */
  afterRead?: () => Promise<unknown>;
  /** Thrown instead of the first comparison of the loans the survey named (in the cycle that takes it). */
  failNamedCheck?: Error;
  /** Held in PostgreSQL instead (a pg_sleep on the survey's connection, which a cancel ends), until cancelled. */
  holdInDatabase?: boolean;
}

/**
 * Once armed, holds (or fails) a Django statement that sums every loan's repayments, the survey's (a cycle's
 * comparison of named loans passes their ids as a fourth parameter), until released. `sums` lists those statements
 * in order from the held one on: 'survey', 'named' (a cycle's comparison), 'named, failed'.
 */
function surveyGate(pool: pg.Pool) {
  let armed: GateOptions | null = null;
  let failNamedCheck: Error | undefined;
  const sums: string[] = [];
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reachedOnce = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  gates.push(() => release());
  let reachedAlready = false;
  const patched = new WeakSet<pg.PoolClient>();
  // Every connection handed out from now on, however it is asked for (pool.query takes a callback).
  pool.on('acquire', (client) => {
    if (!patched.has(client)) {
      patched.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      const gated = async (text: unknown, values?: unknown[]): Promise<unknown> => {
        const sum = typeof text === 'string' && text.includes('AS counted_n');
        if (sum && values?.length === 4 && reachedAlready) {
          const fail = failNamedCheck;
          failNamedCheck = undefined;
          sums.push(fail ? 'named, failed' : 'named');
          if (fail) throw fail;
        }
        if (sum && values?.length === 3 && reachedAlready) sums.push('survey');
        if (armed === null || !sum || values?.length !== 3) return query(text, values);
        if ((armed.skip ?? 0) > 0) {
          armed.skip! -= 1;
          return query(text, values);
        }
        const { fail, afterRead, holdInDatabase } = armed;
        failNamedCheck = armed.failNamedCheck;
        armed = null;
        reachedAlready = true;
        sums.push('survey');
        const held = holdInDatabase ? query(`SELECT pg_sleep(600) /* held survey */`) : released;
        reached();
        await held;
        if (fail) throw fail;
        const answer = await query(text, values);
        await afterRead?.();
        return answer;
      };
      // A query with a callback (pool.query's) passes untouched.
      client.query = ((...args: unknown[]) => (args.some((arg) => typeof arg === 'function') ? query(...args) : gated(args[0], args[1] as unknown[] | undefined))) as never;
    }
  });
  return {
    arm: (options: GateOptions = {}) => (armed = { ...options }),
    reached: reachedOnce,
    release,
    sums,
  };
}

describe('surveyRepayments', () => {
  it("names the loans whose Django repayments differ from the copy's, leaving out what the copy could not have yet", async () => {
    for (const loan of [100, 101, 102, 103, 104]) await h.django.loan(loan, 7, 11);
    await h.django.repayment(1000, 100, 500, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1001, 101, 500, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1002, 102, 500, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1003, 103, 500, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1004, 104, 500, '2025-11-04T10:00:00+01:00');
    await h.worker({ recompute: recordingRecompute() }).runOnce();
    expect(await survey()).toEqual({ slice: EVERY_LOAN, checked: 5, candidates: [], durationMs: expect.any(Number) });

    // Behind the edit scan's back (QuerySet.update() leaves updated_at alone): 100's amount, 103's row deleted, and
    // 104's paid_date, which only the fingerprint tells.
    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 900 WHERE id = 1000`);
    await h.django.query(`DELETE FROM loans_ajoloanrepayment WHERE id = 1003`);
    await h.django.query(`UPDATE loans_ajoloanrepayment SET paid_date = '2025-11-05T10:00:00+01:00' WHERE id = 1004`);
    // On their way: a new repayment past the id watermark (101), an edit after the last look for edits began (102).
    await h.django.repayment(1005, 101, 700, '2025-11-05T10:00:00+01:00');
    await h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 800, updated_at = now() WHERE id = 1002`);

    expect(await survey()).toMatchObject({ checked: 5, candidates: ['100', '103', '104'] });
    // 104 % 12 = 8: outside slice 0 of 12 only its fingerprint differs, so it is not named.
    expect(await survey({ index: 0, of: 12 })).toMatchObject({ slice: { index: 0, of: 12 }, candidates: ['100', '103'] });
    expect(await survey({ index: 8, of: 12 })).toMatchObject({ candidates: ['100', '103', '104'] });
  });

  it('names nothing before the first complete look for edits, and hands both connections back', async () => {
    await h.django.loan(100, 7, 11);
    expect(await survey()).toEqual({ slice: EVERY_LOAN, checked: 0, candidates: [], durationMs: expect.any(Number) });
    const pools = [h.dbs.django.pool, h.dbs.metrics.pool];
    expect(pools.map((pool) => pool.totalCount - pool.idleCount)).toEqual([0, 0]);
  });
});

describe("the loop's scheduled reconciliation", () => {
  /**
   * Starts a worker whose loop looks for edits every cycle and reconciles whenever it may, and waits until its first
   * survey's Django aggregate is held (the first reconciliation's, in its cycle, is let through).
   */
  async function loopWithHeldSurvey(gateOptions: Omit<GateOptions, 'skip'> = {}) {
    const gate = surveyGate(h.dbs.django.pool);
    gate.arm({ skip: 1, ...gateOptions });
    const { log, lines } = memoryLogger();
    const worker = h.worker({ recompute: recordingRecompute(), intervalMs: 20, editScanIntervalMs: 0, reconcileIntervalMs: 1, log });
    worker.start();
    await gate.reached;
    return { gate, worker, lines };
  }

  /** Loan 100's repayment edited behind the edit scan's back (QuerySet.update() leaves updated_at alone). */
  const editBehindTheScan = (amount: number) => h.django.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = $1 WHERE id = 1000`, [amount]);

  /** Edits loan 100 behind the scan's back while the first survey is held, lets it go, and stops the loop once the copy is repaired. */
  async function repairAfterHeldSurvey(gateOptions: Omit<GateOptions, 'skip'>) {
    const { gate, worker, lines } = await loopWithHeldSurvey(gateOptions);
    await editBehindTheScan(900);
    gate.release();
    // The repairing cycle's end, not its write: a stop cancels a cycle under way (its log line would be cut).
    await waitFor('the repair', async () => lines.some((line) => line.msg === 'reconciliation repaired drift'));
    expect(await paymentAmount('1000')).toBe('900.00');
    await worker.stop();
    return { gate, lines };
  }

  beforeEach(async () => {
    await h.django.loan(100, 7, 11);
    await h.django.loan(101, 7, 11);
    await h.django.repayment(1000, 100, 1000, '2025-11-04T10:00:00+01:00');
    await h.django.repayment(1001, 101, 1000, '2025-11-04T10:00:00+01:00');
  });

  it('surveys the repayments beside its cycles, which go on copying, and repairs the loans the survey named in the cycle after it', async () => {
    const { gate, worker, lines } = await loopWithHeldSurvey();
    // The survey's Django aggregate reads it once let go.
    await editBehindTheScan(900);

    // While the survey's Django aggregate is held, cycles copy what Django writes.
    await h.django.repayment(1002, 101, 300, '2025-11-05T10:00:00+01:00');
    await waitFor('the new repayment', async () => (await paymentAmount('1002')) === '300.00');
    expect(worker.health().lastSurveyMs).toBeNull();
    expect(await paymentAmount('1000')).toBe('1000.00');

    gate.release();
    // The repairing cycle's end, not its write: a stop cancels a cycle under way (its log line would be cut).
    await waitFor('the repair', async () => lines.some((line) => line.msg === 'reconciliation repaired drift'));
    expect(await paymentAmount('1000')).toBe('900.00');
    await worker.stop();
    expect(lines.filter((line) => line.msg === 'reconciliation repaired drift')).toEqual([
      expect.objectContaining({ level: 40, loans: ['100'], repaired: 1, fingerprintSlice: { index: 0, of: 12 } }),
    ]);
    expect(worker.health()).toMatchObject({ lastSurveyMs: expect.any(Number), lastReconciliationMs: expect.any(Number) });
    expect(await h.rows(`SELECT count(*)::int AS failed FROM sync_runs WHERE error_message IS NOT NULL`)).toEqual([{ failed: 0 }]);
  });

  it('compares the named loans again when it takes the survey: a loan Django put back meanwhile is not repaired', async () => {
    // Django's amount is put back once the survey has read it, before a cycle takes the survey.
    const { gate, worker, lines } = await loopWithHeldSurvey({ afterRead: () => editBehindTheScan(1000) });
    await editBehindTheScan(900);
    gate.release();
    const reconciled = async () => (await h.rows<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs WHERE kind = 'reconcile'`))[0]!.n;
    await waitFor('the cycle that takes the survey', async () => (await reconciled()) >= 2);
    await worker.stop();
    expect(lines.filter((line) => line.msg === 'reconciliation repaired drift')).toEqual([]);
    expect(await paymentAmount('1000')).toBe('1000.00');
  });

  it('a survey that fails is logged and the cycle that would take it compares every loan itself', async () => {
    const { lines } = await repairAfterHeldSurvey({ fail: new Error('canceling statement due to statement timeout') });
    expect(lines.filter((line) => String(line.msg).startsWith('the survey of repayments'))).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'the survey of repayments beside the sync loop failed; this cycle compares them itself',
        err: expect.objectContaining({ message: 'canceling statement due to statement timeout' }),
      }),
    ]);
    expect(lines.filter((line) => line.msg === 'reconciliation repaired drift')).toEqual([expect.objectContaining({ loans: ['100'] })]);
    // The survey's seedsmetrics connection went back to the pool without its snapshot's transaction.
    expect(await h.rows(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).toEqual([{ n: 0 }]);
  });

  it('a cycle that fails while taking the survey leaves it to the next cycle, which repairs what it named', async () => {
    const { gate, lines } = await repairAfterHeldSurvey({ failNamedCheck: new Error('Connection terminated unexpectedly') });
    // The same survey is taken again: no second survey before the repair.
    expect(gate.sums.slice(0, 3)).toEqual(['survey', 'named, failed', 'named']);
    expect(lines.filter((line) => line.msg === 'sync cycle failed; retrying next interval')).toEqual([
      expect.objectContaining({
        err: expect.objectContaining({
          step: 'reconciling',
          message: 'reconciling: Connection terminated unexpectedly',
          cause: expect.objectContaining({ message: 'Connection terminated unexpectedly' }),
        }),
      }),
    ]);
    expect(lines.filter((line) => line.msg === 'reconciliation repaired drift')).toEqual([expect.objectContaining({ loans: ['100'] })]);
  });

  it('stop() cancels a survey under way (it only reads), which lets both connections go', async () => {
    const { worker } = await loopWithHeldSurvey({ holdInDatabase: true });
    const sleeping = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600) /* held survey */%' AND state = 'active'`;
    await waitFor('the held survey in PostgreSQL', async () => (await h.dbs.djangoWriter.query<{ n: number }>(sleeping)).rows[0]!.n === 1);
    // Were it waited for, stop() would not return for ten minutes.
    await worker.stop();
    expect(worker.health().lastSurveyMs).toBeNull();
    expect((await h.dbs.djangoWriter.query(sleeping)).rows).toEqual([{ n: 0 }]);
    const pools = [h.dbs.django.pool, h.dbs.metrics.pool];
    expect(pools.map((pool) => pool.totalCount - pool.idleCount)).toEqual([0, 0]);
  });
});
