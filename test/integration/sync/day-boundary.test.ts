/** Business dates and the sync: a payment dated after the business date it was copied at, midnight, cycles that span it. */
import { pinBusinessDate } from '../../../src/engine/clock';
import { recomputeOpenLoans } from '../../../src/engine/recompute';
import { seedLoanA, syncHarness, type SyncHarness } from './harness';

let h: SyncHarness;
beforeEach(async () => {
  h = await syncHarness();
  await seedLoanA(h);
});
afterEach(async () => {
  await h.close();
});

const loanA = () =>
  h.rows(`SELECT status, total_repayments, principal_outstanding, total_outstanding, current_dpd, computed_as_of::text FROM loans WHERE loan_id = '100'`);

it('a loan closed by a payment dated after the business date it was copied at (a cycle spanning midnight) counts that payment once the date comes', async () => {
  let today = '2025-12-10';
  const worker = h.worker({ clock: { today: async () => today } });
  await worker.runOnce();
  // 00:30 in Lagos on the 11th: the last 72,000 is paid and Django closes the loan, while the cycle still computes as of the 10th.
  await h.django.repayment(1003, 100, 72000, '2025-12-11T00:30:00+01:00');
  await h.django.query(`UPDATE loans_ajoloan SET status = 'COMPLETED', updated_at = now() WHERE id = 100`);
  await worker.runOnce();
  expect(await loanA()).toEqual([
    { status: 'Closed', total_repayments: '60000.00', principal_outstanding: expect.any(String), total_outstanding: '72000.00', current_dpd: 13, computed_as_of: '2025-12-10' },
  ]);

  today = '2025-12-11';
  const next = await worker.runOnce();

  expect(next.openLoansRecomputed).toBe(1);
  expect(await loanA()).toEqual([
    { status: 'Closed', total_repayments: '132000.00', principal_outstanding: '0.00', total_outstanding: '0.00', current_dpd: 0, computed_as_of: '2025-12-11' },
  ]);
});

it('a closed loan whose last payment Django dates days ahead counts it from that date on, as an open one does', async () => {
  let today = '2025-12-10';
  await h.django.repayment(1003, 100, 72000, '2025-12-12T09:00:00+01:00');
  await h.django.query(`UPDATE loans_ajoloan SET status = 'COMPLETED', updated_at = now() WHERE id = 100`);
  const worker = h.worker({ clock: { today: async () => today } });
  await worker.runOnce();
  expect((await loanA())[0]).toMatchObject({ total_repayments: '60000.00', computed_as_of: '2025-12-10' });

  today = '2025-12-11';
  await worker.runOnce();
  expect((await loanA())[0]).toMatchObject({ total_repayments: '60000.00', computed_as_of: '2025-12-11' });
  today = '2025-12-12';
  await worker.runOnce();
  expect((await loanA())[0]).toMatchObject({ total_repayments: '132000.00', total_outstanding: '0.00', current_dpd: 0, computed_as_of: '2025-12-12' });
  // Counted: the loan leaves the daily recompute again.
  today = '2025-12-13';
  expect((await worker.runOnce()).openLoansRecomputed).toBe(0);
  expect((await loanA())[0]).toMatchObject({ computed_as_of: '2025-12-12' });
});

it("a batch of a cycle that read the business date before midnight is refused once another writer computed its loan for the new date: no DPD transition back and forth; the next cycle copies it for the new date", async () => {
  const transitions = () =>
    h.rows(`SELECT transition_date::text AS date, from_dpd_bucket AS "from", to_dpd_bucket AS "to", dpd_before, dpd_after FROM dpd_transitions ORDER BY transition_id`);
  await pinBusinessDate(h.dbs.metrics.pool, '2025-12-10');
  let today = '2025-12-10';
  const worker = h.worker({ clock: { today: async () => today } });
  await worker.runOnce();
  expect((await worker.runOnce()).openLoansRecomputed).toBe(1); // the daily recompute for the 10th, after the first sync
  // Just after midnight the hierarchy import recomputes every open loan for the 11th (loan A: DPD 14, 7-30)...
  await pinBusinessDate(h.dbs.metrics.pool, '2025-12-11');
  await recomputeOpenLoans(h.dbs.metrics.pool, '2025-12-11');
  const afterImport = await transitions();
  // ...while a cycle that read the 10th copies a payment of the 10th evening (30,800: seven instalments). For the 10th
  // the loan reads DPD 6 (1-6), for the 11th DPD 7 (7-30): computed back for the 10th, it moved 7-30 → 1-6, and
  // forward again at the next cycle, for a bucket that never changed.
  await h.django.repayment(1003, 100, 30800, '2025-12-10T20:00:00+01:00');
  await expect(worker.runOnce()).rejects.toThrow(
    /^copying repayments: recompute_loans: 1 loan\(s\) \(100\) were last computed as of a later date \(up to 2025-12-11\) than the as-of date 2025-12-10, which is behind the business date 2025-12-11 \(SQLSTATE 55000: /,
  );
  expect(await h.rows(`SELECT repayment_id FROM repayments WHERE repayment_id = '1003'`)).toEqual([]);
  expect((await loanA())[0]).toMatchObject({ total_repayments: '60000.00', current_dpd: 14, computed_as_of: '2025-12-11' });

  today = '2025-12-11';
  await worker.runOnce();

  expect((await loanA())[0]).toMatchObject({ total_repayments: '90800.00', current_dpd: 7, computed_as_of: '2025-12-11' });
  expect(await transitions()).toEqual(afterImport);
});

it('a worker that read the business date before midnight and adopts it after another writer computed the open loans for the new date is refused: no DPD transition back and forth; the next cycle adopts the new date', async () => {
  const transitions = () =>
    h.rows(`SELECT transition_date::text AS date, from_dpd_bucket AS "from", to_dpd_bucket AS "to", dpd_before, dpd_after FROM dpd_transitions ORDER BY transition_id`);
  // A payment of the 10th (30,800: seven instalments): loan A reads DPD 6 (1-6) for the 10th, DPD 7 (7-30) for the 11th.
  await h.django.repayment(1003, 100, 30800, '2025-12-10T20:00:00+01:00');
  await pinBusinessDate(h.dbs.metrics.pool, '2025-12-10');
  const before = h.worker({ clock: { today: async () => '2025-12-10' } });
  await before.runOnce();
  await before.runOnce(); // the daily recompute for the 10th
  await before.stop();
  expect((await loanA())[0]).toMatchObject({ current_dpd: 6, computed_as_of: '2025-12-10' });
  // Just after midnight the hierarchy import recomputes every open loan for the 11th (1-6 → 7-30)...
  await pinBusinessDate(h.dbs.metrics.pool, '2025-12-11');
  await recomputeOpenLoans(h.dbs.metrics.pool, '2025-12-11');
  const afterImport = await transitions();
  expect(afterImport.at(-1)).toEqual({ date: '2025-12-11', from: '1-6', to: '7-30', dpd_before: 6, dpd_after: 7 });
  // ...while a worker starting up read the 10th just before it: adopting the 10th moved the loan back (7-30 → 1-6,
  // dated the 10th), and the next cycle forward again, for a bucket that never changed.
  let today = '2025-12-10';
  const restarted = h.worker({ clock: { today: async () => today } });
  await expect(restarted.runOnce()).rejects.toThrow(
    /^recomputing open loans as of 2025-12-10: recompute_open_loans: 1 loan\(s\) \(100\) were last computed as of a later date \(up to 2025-12-11\) than the as-of date 2025-12-10, which is behind the business date 2025-12-11 \(SQLSTATE 55000: /,
  );
  expect((await loanA())[0]).toMatchObject({ current_dpd: 7, computed_as_of: '2025-12-11' });

  today = '2025-12-11';
  expect((await restarted.runOnce()).openLoansRecomputed).toBe(1);

  expect((await loanA())[0]).toMatchObject({ current_dpd: 7, computed_as_of: '2025-12-11' });
  expect(await transitions()).toEqual(afterImport);
});
