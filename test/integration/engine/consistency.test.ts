/**
 * One implementation for every path (D5, D9): the set-based recompute of many loans at once gives exactly the
 * values a recompute of each loan alone gives, whatever the mix of contracts and repayments; and a recompute
 * costs the caller one statement.
 */
import { recomputeLoans, recomputeOpenLoans } from '../../../src/engine/recompute';
import { createTestDatabases, countStatements, type TestDatabases } from '../../support/databases';
import { seededRandom } from '../../support/random';
import { insertLoans, insertRepayments, loanRows, withoutRepaymentTrigger, type LoanSpec, type RepaymentSpec } from './fixtures';

let dbs: TestDatabases;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const LOANS = 150;
const AS_OF = '2025-12-10';
const ids: string[] = [];

beforeAll(async () => {
  dbs = await createTestDatabases();
  const next = seededRandom(20251210);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const loans: LoanSpec[] = [];
  const repayments: RepaymentSpec[] = [];
  for (let i = 0; i < LOANS; i += 1) {
    const id = `K${i}`;
    ids.push(id);
    const amount = 10_000 + Math.floor(next() * 90) * 1_000;
    const rate = pick([null, '0', '0.15', '0.30', '0.2750']);
    const term = pick([10, 20, 30, 60]);
    const d0 = addDays('2025-08-01', Math.floor(next() * 140));
    loans.push({
      id,
      officer: `o${i % 7}`,
      branch: `B${i % 5}`,
      region: `R${i % 3}`,
      amount: String(amount),
      rate,
      fee: pick([null, '0', '500', '1250.50']),
      term,
      ra: pick([null, String(Math.round(amount * 1.2)), String(amount)]),
      d0,
      d1: next() < 0.05 ? null : addDays(d0, 1 + Math.floor(next() * 3)),
      maturity: addDays(d0, Math.round(term * 1.4)),
      status: pick(['Active', 'Active', 'Active', 'Defaulted', 'Closed']),
    });
    const count = Math.floor(next() * 30);
    for (let j = 0; j < count; j += 1) {
      repayments.push({
        id: `${id}-${j}`,
        loan: id,
        date: next() < 0.03 ? null : addDays(d0, Math.floor(next() * 150)),
        amount: (Math.floor(next() * 400_000) / 100 - (next() < 0.02 ? 5_000 : 0)).toFixed(2),
        markedAs: next() < 0.05 ? 'REVERSAL' : null,
        appliedToLoan: next() < 0.05 ? false : null,
      });
    }
  }
  await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
    await insertLoans(client, loans);
    for (let k = 0; k < repayments.length; k += 500) await insertRepayments(client, repayments.slice(k, k + 500));
  });
});
afterAll(async () => {
  await dbs.drop();
});

describe('set-based recompute', () => {
  it('gives every loan the values it gets when recomputed alone', async () => {
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      expect(await recomputeOpenLoans(client, AS_OF)).toBe(LOANS); // none computed before: all of them
    });
    const together = await loanRows(dbs.metrics.pool);
    const counts = async () => (await dbs.metrics.pool.query(`SELECT (SELECT count(*) FROM dpd_transitions)::int AS t, (SELECT count(*) FROM par_changes)::int AS p`)).rows[0];
    const before = await counts();

    for (const id of ids) {
      await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
        expect(await recomputeLoans(client, [id], AS_OF)).toBe(1);
      });
    }
    const alone = await loanRows(dbs.metrics.pool);
    expect(alone).toEqual(together);
    // same state: no bucket moved, no PAR moved
    expect(await counts()).toEqual(before);
    // the data exercises the interesting paths
    const dpds = Object.values(together).map((r) => r.current_dpd as number);
    expect(dpds.filter((d) => d === 0).length).toBeGreaterThan(10);
    expect(dpds.filter((d) => d >= 15).length).toBeGreaterThan(10);
  });

  it('is one statement for the caller, whatever the number of loans', async () => {
    const { result, counts } = await countStatements({ metrics: dbs.metrics.pool }, () => recomputeLoans(dbs.metrics.pool, ids, '2025-12-11'));
    expect(result).toBe(LOANS);
    expect(counts).toEqual({ metrics: 1 });
  });

  it('ignores unknown and repeated ids', async () => {
    expect(await recomputeLoans(dbs.metrics.pool, ['K1', 'K1', 'nope'], '2025-12-11')).toBe(1);
    expect(await recomputeLoans(dbs.metrics.pool, [], '2025-12-11')).toBe(0);
  });

  it('rejects a malformed date before reaching the database', async () => {
    await expect(recomputeLoans(dbs.metrics.pool, ['K1'], '2025-13-01')).rejects.toThrow('recomputeLoans(asOf) must be a date written YYYY-MM-DD; got "2025-13-01"');
    await expect(recomputeOpenLoans(dbs.metrics.pool, '')).rejects.toThrow('recomputeOpenLoans(asOf) must be a date written YYYY-MM-DD; got ""');
  });

  it('SQL refuses a NULL as-of date with a message', async () => {
    await expect(dbs.metrics.pool.query(`SELECT recompute_loans(ARRAY['K1'], NULL)`)).rejects.toMatchObject({
      code: '22004',
      message: 'recompute_loans: expected a business date as p_as_of, got NULL',
    });
  });
});

describe("each loan's share of collected fees and interest (§4.4)", () => {
  // Officer metrics sum these stored shares instead of dividing per loan on every read (migration 0018).
  const CONTRACT = 'loan_amount * (1 + interest_rate) + fee_amount';

  it('is the proportional allocation of the recomputed total_repayments, NULL without fee or rate', async () => {
    // For the date the tests above left them at: an earlier one is refused (migration 0030).
    await recomputeLoans(dbs.metrics.pool, ids, '2025-12-11');
    const { rows } = await dbs.metrics.pool.query(
      `SELECT count(*) FILTER (WHERE fees_collected > 0 AND interest_collected > 0)::int AS allocated,
              count(*) FILTER (WHERE fee_amount IS NULL OR interest_rate IS NULL)::int AS without_terms,
              count(*) FILTER (WHERE (fee_amount IS NULL OR interest_rate IS NULL) AND (fees_collected IS NOT NULL OR interest_collected IS NOT NULL))::int AS set_without_terms,
              count(*) FILTER (WHERE fee_amount IS NOT NULL AND interest_rate IS NOT NULL
                                 AND (fees_collected IS DISTINCT FROM total_repayments * fee_amount / (${CONTRACT})
                                      OR interest_collected IS DISTINCT FROM total_repayments * loan_amount * interest_rate / (${CONTRACT})))::int AS mismatched
         FROM loans`,
    );
    expect(rows[0]).toEqual({ allocated: expect.any(Number), without_terms: expect.any(Number), set_without_terms: 0, mismatched: 0 });
    // the data exercises both paths
    expect(rows[0].allocated).toBeGreaterThan(10);
    expect(rows[0].without_terms).toBeGreaterThan(10);
  });

  it('follows a new repayment when the loan is recomputed', async () => {
    const share = async () =>
      (await dbs.metrics.pool.query<{ fees: string; interest: string; repaid: string }>(
        `SELECT fees_collected::text AS fees, interest_collected::text AS interest, total_repayments::text AS repaid FROM loans WHERE loan_id = 'R1'`,
      )).rows[0]!;
    // L 10,000, r 0.25, F 500: the contract total is 13,000, so 1,300 repaid is 50 of fees and 250 of interest.
    await insertLoans(dbs.metrics.pool, [{ id: 'R1', amount: '10000', rate: '0.25', fee: '500', term: 30, ra: '13000', d0: '2025-11-01', d1: '2025-11-03', maturity: '2025-12-12' }]);
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      await insertRepayments(client, [{ id: 'R1-1', loan: 'R1', date: '2025-11-05', amount: '1300.00' }]);
      await recomputeLoans(client, ['R1'], AS_OF);
    });
    expect(await share()).toEqual({ fees: '50.0000000000000000', interest: '250.0000000000000000', repaid: '1300.00' });
    await withoutRepaymentTrigger(dbs.metrics.pool, async (client) => {
      await insertRepayments(client, [{ id: 'R1-2', loan: 'R1', date: '2025-11-06', amount: '2600.00' }]);
      await recomputeLoans(client, ['R1'], AS_OF);
    });
    expect(await share()).toEqual({ fees: '150.0000000000000000', interest: '750.0000000000000000', repaid: '3900.00' });
  });
});
