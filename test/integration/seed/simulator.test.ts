import { silentLogger } from '../../../src/logger';
import { businessDaysBetween, formatDay, nextBusinessDay, nthBusinessDay, parseIsoDay } from '../../../src/seed/calendar';
import { djangoChecksum } from '../../../src/seed/checksum';
import { generateDemoData } from '../../../src/seed/generate';
import { writeDemoData } from '../../../src/seed/write';
import { startSimulator, type Simulator, type TickResult } from '../../../src/simulator';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { freePort } from '../../support/free-port';
import { memoryLogger } from '../../support/memory-logger';
import { loanFacts } from './loan-facts';

const AS_OF = '2025-11-20';
// 10:15 in Lagos on the as-of day (a Thursday).
const NOW = new Date('2025-11-20T09:15:00Z');

async function seeded(): Promise<TestDatabases> {
  const dbs = await createTestDatabases();
  const client = await dbs.djangoWriter.connect();
  try {
    await writeDemoData(client, generateDemoData({ scale: 0.01, seed: 42, asOf: AS_OF }));
  } finally {
    client.release();
  }
  return dbs;
}

async function maxIds(dbs: TestDatabases): Promise<{ loan: number; repayment: number }> {
  const { rows } = await dbs.djangoWriter.query<{ loan: string; repayment: string }>('SELECT (SELECT max(id) FROM loans_ajoloan) AS loan, (SELECT max(id) FROM loans_ajoloanrepayment) AS repayment');
  return { loan: Number(rows[0].loan), repayment: Number(rows[0].repayment) };
}

/** Waits until `condition` holds, failing after `timeoutMs` (a deadline, not a duration being asserted). */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

let dbs: TestDatabases;
let twin: TestDatabases;
beforeAll(async () => {
  [dbs, twin] = await Promise.all([seeded(), seeded()]);
});
afterAll(async () => {
  await Promise.all([dbs.drop(), twin.drop()]);
});

describe('the live simulator', () => {
  let simulator: Simulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  it('writes repayments, a reversal and a new loan in one tick, with ids from the identity sequences', async () => {
    const before = await maxIds(dbs);
    simulator = startSimulator({ djangoWriterPool: dbs.djangoWriter, intervalMs: 3_600_000, seed: 5, log: silentLogger(), now: () => NOW, rates: { reversalChance: 1, newLoanChance: 1 } });
    const result = await simulator.tick();
    expect(result.repayments.length).toBe(3);
    expect(result.reversals.length).toBe(1);
    expect(result.loans).toEqual([before.loan + 1]);
    expect(result.repayments).toEqual([before.repayment + 1, before.repayment + 2, before.repayment + 3]);

    const paid = await dbs.djangoWriter.query<{ paid_date: Date; applied_to_loan: boolean; marked_as: string | null; multiple: string; agent_ok: boolean }>(
      `SELECT r.paid_date, r.applied_to_loan, r.marked_as, (r.repayment_amount::numeric / l.daily_repayment_amount::numeric)::numeric(10,2)::text AS multiple,
              r.agent_id = l.agent_id AND r.borrower_id = l.borrower_id AS agent_ok
         FROM loans_ajoloanrepayment r JOIN loans_ajoloan l ON l.id = r.ajo_loan_id WHERE r.id = ANY($1) ORDER BY r.id`,
      [result.repayments],
    );
    for (const row of paid.rows) {
      expect(row).toMatchObject({ paid_date: NOW, applied_to_loan: true, marked_as: null, agent_ok: true });
      expect(['1.00', '2.00', '3.00', '5.00', '10.00', '20.00']).toContain(row.multiple);
    }

    const reversed = await dbs.djangoWriter.query('SELECT marked_as, applied_to_loan, updated_at FROM loans_ajoloanrepayment WHERE id = $1', [result.reversals[0]]);
    expect(reversed.rows[0]).toEqual({ marked_as: 'REVERSAL', applied_to_loan: false, updated_at: NOW });
    expect(result.reversals[0]).toBeLessThanOrEqual(before.repayment);

    const loan = await dbs.djangoWriter.query<{ start_date: string; end_date: string; tenor_in_days: number; is_disbursed: boolean; status: string; date_disbursed: Date; r_ok: boolean; has_officer: boolean }>(
      `SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date, tenor_in_days, is_disbursed, status, date_disbursed,
              repayment_amount::numeric = amount::numeric * (1 + interest_rate::numeric / 100) + processing_fee::numeric AS r_ok,
              agent_id IN (SELECT id FROM accounts_customuser) AS has_officer
         FROM loans_ajoloan WHERE id = $1`,
      [result.loans[0]],
    );
    const start = nextBusinessDay(parseIsoDay(AS_OF));
    expect(loan.rows[0]).toMatchObject({ is_disbursed: true, status: 'ACTIVE', date_disbursed: NOW, r_ok: true, has_officer: true, start_date: formatDay(start) });
    expect(loan.rows[0].end_date).toBe(formatDay(nthBusinessDay(start, loan.rows[0].tenor_in_days)));
    expect(businessDaysBetween(start, parseIsoDay(loan.rows[0].end_date))).toBe(loan.rows[0].tenor_in_days);
  });

  it('keeps Django running totals in step with the counted repayments', async () => {
    const { rows } = await dbs.djangoWriter.query<{ mismatched: number }>(`
      SELECT count(*)::int AS mismatched FROM loans_ajoloan l
        JOIN (SELECT ajo_loan_id, sum(repayment_amount::numeric) AS paid FROM loans_ajoloanrepayment
               WHERE paid_date IS NOT NULL AND repayment_amount > 0 AND marked_as IS DISTINCT FROM 'REVERSAL' AND applied_to_loan IS NOT FALSE GROUP BY 1) p ON p.ajo_loan_id = l.id
       WHERE l.total_paid_amount::numeric <> p.paid`);
    expect(rows[0].mismatched).toBe(0);
  });

  it('is deterministic: the same seed, clock and database give the same writes', async () => {
    const run = async (target: TestDatabases): Promise<TickResult[]> => {
      const sim = startSimulator({ djangoWriterPool: target.djangoWriter, intervalMs: 3_600_000, seed: 9, log: silentLogger(), now: () => NOW });
      try {
        const results: TickResult[] = [];
        for (let i = 0; i < 6; i += 1) results.push(await sim.tick());
        return results;
      } finally {
        await sim.stop();
      }
    };
    // dbs already had one tick above: bring the twin to the same state first.
    const catchUp = startSimulator({ djangoWriterPool: twin.djangoWriter, intervalMs: 3_600_000, seed: 5, log: silentLogger(), now: () => NOW, rates: { reversalChance: 1, newLoanChance: 1 } });
    await catchUp.tick();
    await catchUp.stop();
    expect(await djangoChecksum(twin.djangoWriter)).toBe(await djangoChecksum(dbs.djangoWriter));
    const [a, b] = [await run(dbs), await run(twin)];
    expect(b).toEqual(a);
    expect(a.flatMap((r) => r.repayments).length).toBe(18);
    expect(await djangoChecksum(twin.djangoWriter)).toBe(await djangoChecksum(dbs.djangoWriter));
  });

  it('ticks on its own timer until stopped, then closes the connection it opened', async () => {
    const before = await maxIds(dbs);
    simulator = startSimulator({ djangoWriterUrl: dbs.djangoUrl, intervalMs: 20, seed: 3, log: silentLogger() });
    const deadline = Date.now() + 20_000;
    let after = before;
    while (after.repayment < before.repayment + 6 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await maxIds(dbs);
    }
    expect(after.repayment).toBeGreaterThanOrEqual(before.repayment + 6);
    await simulator.stop();
    simulator = undefined;
    // The server notices the closed socket a moment after pool.end() resolves: wait for it, with a limit.
    const sessions = async (): Promise<number> =>
      Number((await dbs.djangoWriter.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'seedsmetrics-gateway/simulator' AND datname = current_database()")).rows[0].n);
    let open = await sessions();
    for (const until = Date.now() + 10_000; open > 0 && Date.now() < until; open = await sessions()) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(open).toBe(0);
  });

  it('while its database refuses every tick, says so once a minute, not once a tick', async () => {
    const { log, lines } = memoryLogger();
    const failedLines = () => lines.filter((l) => l.msg === 'simulator tick failed; trying again next tick');
    // Each tick asks for its moment once, before it connects: counting the calls counts the attempts.
    let attempts = 0;
    const now = () => {
      attempts += 1;
      return new Date();
    };
    // A port nothing listens on: each tick's connection is refused, as while Django is down.
    simulator = startSimulator({ djangoWriterUrl: `postgres://postgres@127.0.0.1:${await freePort()}/django`, intervalMs: 10, seed: 3, log, now });
    await waitFor(() => failedLines().length > 0, 'the first failure to be logged');
    const atFirstLine = attempts;
    await waitFor(() => attempts >= atFirstLine + 30, '30 more ticks, all refused');
    await simulator.stop();
    simulator = undefined;
    expect(attempts).toBeGreaterThanOrEqual(atFirstLine + 30);
    const failed = failedLines();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, failuresSinceLastLine: 0, err: expect.objectContaining({ code: 'ECONNREFUSED' }) });
  });

  it('moves loans between DPD buckets: catch-up payments pull delinquent loans back', async () => {
    const bucket = (dpd: number): number => (dpd === 0 ? 0 : dpd <= 6 ? 1 : dpd <= 30 ? 2 : dpd <= 60 ? 3 : dpd <= 90 ? 4 : 5);
    const before = await loanFacts(dbs.djangoWriter, AS_OF);
    const sim = startSimulator({ djangoWriterPool: dbs.djangoWriter, intervalMs: 3_600_000, seed: 11, log: silentLogger(), now: () => NOW, rates: { repaymentsPerTick: 5 } });
    try {
      for (let i = 0; i < 30; i += 1) await sim.tick();
    } finally {
      await sim.stop();
    }
    const after = await loanFacts(dbs.djangoWriter, AS_OF);
    const moved = [...before].filter(([id, f]) => after.has(id) && bucket(after.get(id)!.dpd) !== bucket(f.dpd));
    const improved = moved.filter(([id, f]) => bucket(after.get(id)!.dpd) < bucket(f.dpd));
    expect(improved.length).toBeGreaterThan(0);
  });

  it('explains a missing connection', () => {
    expect(() => startSimulator({ intervalMs: 10, seed: 1, log: silentLogger() })).toThrow('startSimulator needs djangoWriterPool or djangoWriterUrl (a connection allowed to write Django); got neither');
    expect(() => startSimulator({ djangoWriterUrl: dbs.djangoUrl, intervalMs: 0, seed: 1, log: silentLogger() })).toThrow('intervalMs must be a positive number of milliseconds; got 0');
  });
});
