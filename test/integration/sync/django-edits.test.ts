/**
 * What Django's writers change after a row was copied — an officer reassigned, a customer merged into another, a
 * repayment moved to another loan, a contract edited — and whether the copy, the computed fields, the officer totals
 * and PAR of every scope follow, through the edit scan (updated_at bumped) or the reconciliation (QuerySet.update).
 */
import { engineRecompute } from '../../../src/sync/recompute';
import { validate } from '../../../src/sync/validate';
import { syncHarness, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.user(8, { user_branch: 'Abuja Central' });
  await h.django.customer(11);
  await h.django.customer(12, { first_name: 'Bola' });
  // DOMAIN.md §3.9 loan A (R = 132,000, 30 instalments, D1 2025-11-04): 20,000 paid is 4.55 → 5 days of 27 due, DPD 22.
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
  // The same contract, 80,000 paid: 18.18 → 18 days, DPD 9.
  await h.django.loan(101, 7, 12);
  await h.django.repayment(1001, 101, 40000, '2025-11-04T10:00:00+01:00');
  await h.django.repayment(1002, 101, 40000, '2025-11-20T10:00:00+01:00');
});
afterEach(async () => {
  await h.close();
});

const pools = () => ({ djangoPool: h.dbs.django.pool, metricsPool: h.dbs.metrics.pool });
const loans = () =>
  h.rows(`SELECT loan_id, officer_id, officer_name, branch, region, customer_id, customer_name, total_repayments, principal_outstanding, current_dpd
          FROM loans ORDER BY loan_id`);

/** par_current for the keys that have loans, and the same sums taken afresh from loans: equal when PAR followed. */
async function parAgainstLoans(): Promise<{ stored: unknown[]; fresh: unknown[] }> {
  const fresh = await h.rows(
    `SELECT k.scope, k.scope_key, sum(l.principal_outstanding)::numeric(15,2)::text AS portfolio,
            COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0)::numeric(15,2)::text AS par15
       FROM loans l, LATERAL (VALUES ('OFFICER', l.officer_id), ('BRANCH', l.branch), ('REGION', l.region), ('PORTFOLIO', 'ALL')) AS k(scope, scope_key)
      GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const stored = await h.rows(
    `SELECT scope, scope_key, portfolio::text, par15::text FROM par_current pc
      WHERE pc.scope = 'PORTFOLIO' OR EXISTS (SELECT 1 FROM loans l WHERE CASE pc.scope WHEN 'OFFICER' THEN l.officer_id WHEN 'BRANCH' THEN l.branch ELSE l.region END = pc.scope_key)
      ORDER BY 1, 2`,
  );
  return { stored, fresh };
}

async function expectConsistent(): Promise<void> {
  const { stored, fresh } = await parAgainstLoans();
  expect(stored).toEqual(fresh);
  expect(await validate(pools())).toEqual([]);
}

it('a loan reassigned to another officer moves with its DPD to that officer, branch and region: officer totals and PAR follow', async () => {
  const worker = h.worker({ recompute: engineRecompute });
  await worker.runOnce();
  await expectConsistent();
  await h.django.query(`UPDATE loans_ajoloan SET agent_id = 8, updated_at = now() WHERE id = 100`);

  await worker.runOnce();

  expect(await loans()).toEqual([
    expect.objectContaining({ loan_id: '100', officer_id: '8', officer_name: 'officer8', branch: 'Abuja Central', region: 'FCT', total_repayments: '20000.00', current_dpd: 22 }),
    expect.objectContaining({ loan_id: '101', officer_id: '7', officer_name: 'officer7', branch: 'Lagos Island', region: 'Lagos', current_dpd: 9 }),
  ]);
  expect(await h.rows(`SELECT scope, scope_key, par15::text FROM par_current WHERE scope = 'OFFICER' ORDER BY scope_key`)).toEqual([
    { scope: 'OFFICER', scope_key: '7', par15: '0.00' },
    { scope: 'OFFICER', scope_key: '8', par15: expect.not.stringMatching(/^0\.00$/) },
  ]);
  await expectConsistent();
});

it('a customer merged into another (loan moved, customer deleted) takes the surviving name; nothing else moves', async () => {
  const worker = h.worker({ recompute: engineRecompute });
  await worker.runOnce();
  await h.django.query(`UPDATE loans_ajoloan SET borrower_id = 11, updated_at = now() WHERE id = 101`);
  await h.django.query(`DELETE FROM ajo_ajouser WHERE id = 12`);

  await worker.runOnce();
  await worker.reconcileNow();

  expect(await loans()).toEqual([
    expect.objectContaining({ loan_id: '100', customer_id: '11', customer_name: 'Ada Customer11' }),
    expect.objectContaining({ loan_id: '101', customer_id: '11', customer_name: 'Ada Customer11', total_repayments: '80000.00', current_dpd: 9 }),
  ]);
  await expectConsistent();
});

describe('a repayment moved to another loan (booked on the wrong one)', () => {
  const expectMoved = async (): Promise<void> => {
    expect(await h.rows(`SELECT repayment_id, loan_id FROM repayments ORDER BY repayment_id`)).toEqual([
      { repayment_id: '1000', loan_id: '100' },
      { repayment_id: '1001', loan_id: '101' },
      { repayment_id: '1002', loan_id: '100' },
    ]);
    // 100: 60,000 paid, 13.64 → 14 days, DPD 13; 101: 40,000, 9.09 → 9 days, DPD 18.
    expect((await loans()).map((l) => [l.loan_id, l.total_repayments, l.current_dpd])).toEqual([
      ['100', '60000.00', 13],
      ['101', '40000.00', 18],
    ]);
    await expectConsistent();
  };

  it('with updated_at bumped: both loans are recomputed in the cycle that copies it', async () => {
    const worker = h.worker({ recompute: engineRecompute });
    await worker.runOnce();
    await h.django.query(`UPDATE loans_ajoloanrepayment SET ajo_loan_id = 100, updated_at = now() WHERE id = 1002`);
    await worker.runOnce();
    await expectMoved();
  });

  it('with QuerySet.update() (updated_at left alone): both loans are repaired at reconciliation', async () => {
    const worker = h.worker({ recompute: engineRecompute });
    await worker.runOnce();
    await h.django.query(`UPDATE loans_ajoloanrepayment SET ajo_loan_id = 100 WHERE id = 1002`);
    await worker.runOnce();
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: ['100', '101'] });
    await expectMoved();
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0, repaymentsDeleted: 0 });
  });
});

it("a contract edited (amount, then status) is recomputed from the new terms; PAR follows", async () => {
  const worker = h.worker({ recompute: engineRecompute });
  await worker.runOnce();
  // 50,000 at 30 % + 2,000 = 67,000: 20,000 paid is 8.96 → 9 days, DPD 18.
  await h.django.query(`UPDATE loans_ajoloan SET amount = 50000, repayment_amount = 67000, updated_at = now() WHERE id = 100`);
  await worker.runOnce();
  expect((await loans())[0]).toMatchObject({ loan_id: '100', total_repayments: '20000.00', current_dpd: 18 });
  await expectConsistent();
  await h.django.query(`UPDATE loans_ajoloan SET status = 'COMPLETED', updated_at = now() WHERE id = 100`);
  await worker.runOnce();
  expect(await h.rows(`SELECT status, django_status FROM loans WHERE loan_id = '100'`)).toEqual([{ status: 'Closed', django_status: 'COMPLETED' }]);
  await expectConsistent();
});
