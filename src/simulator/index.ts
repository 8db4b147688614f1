/**
 * The live demo: every tick writes a little new activity into the Django database, the way Django itself would —
 * repayments on open loans (some catching up several instalments, so DPD buckets move both ways), now and then a
 * reversal of a recent repayment, now and then a new disbursed loan for an existing customer. Ids come from the
 * tables' identity sequences; each tick is one transaction. Choices come from a seeded generator.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { causeKey, RepeatedFailures } from '../repeated-failures';
import { lagosDayOf, nextBusinessDay, nthBusinessDay, formatDay } from '../seed/calendar';
import { divRound, koboToNaira } from '../seed/money';
import { Prng } from '../seed/prng';
import { inTransaction } from '../pg-transaction';

export interface SimulatorRates {
  /** Repayments written per tick. @default 3 */
  repaymentsPerTick: number;
  /** Probability that a tick also reverses one recent repayment. @default 0.25 */
  reversalChance: number;
  /** Probability that a tick also disburses a new loan. @default 0.15 */
  newLoanChance: number;
}

export const DEFAULT_SIMULATOR_RATES: SimulatorRates = { repaymentsPerTick: 3, reversalChance: 0.25, newLoanChance: 0.15 };

export interface TickResult {
  /** Ids of the repayments inserted. */
  repayments: number[];
  /** Ids of the repayments marked REVERSAL / not applied. */
  reversals: number[];
  /** Ids of the loans disbursed. */
  loans: number[];
}

export interface SimulatorOptions {
  /** A pool allowed to write Django (the gateway's own Django pool is read-only). Either this or djangoWriterUrl. */
  djangoWriterPool?: pg.Pool;
  /** Used when no pool is given: the simulator then opens (and closes on stop) a one-connection pool of its own. */
  djangoWriterUrl?: string;
  /** Milliseconds between the end of one tick and the start of the next. */
  intervalMs: number;
  seed: number;
  log: Logger;
  rates?: Partial<SimulatorRates>;
  /** The moment a tick writes as "now". @default the wall clock */
  now?: () => Date;
}

export interface Simulator {
  /** Runs one tick at once (also used by tests); ticks never overlap. */
  tick(): Promise<TickResult>;
  /** Stops the timer, waits for a running tick and closes the pool the simulator opened itself. */
  stop(): Promise<void>;
}

const LOAN_AMOUNTS_NAIRA = [30000, 50000, 50000, 75000, 100000, 100000, 150000, 200000, 300000];
const TENORS = [30, 60, 60, 90, 90, 120] as const;
const RATE_FOR_TENOR: Record<number, number> = { 30: 12, 60: 20, 90: 27, 120: 36 };
const TENOR_LABEL: Record<number, string> = { 30: 'ONE_MONTH', 60: 'TWO_MONTHS', 90: 'THREE_MONTHS', 120: 'FOUR_MONTHS' };
const CHANNELS = ['AGENT_DEBIT', 'AGENT_DEBIT', 'AGENT_DEBIT', 'TRANSFER', 'TRANSFER', 'ESCROW_DEBIT'];
/** Instalments per payment: mostly one, sometimes a catch-up that pulls a loan back into a better bucket. */
const INSTALMENTS: ReadonlyArray<readonly [number, number]> = [[1, 60], [2, 15], [3, 8], [5, 8], [10, 6], [20, 3]];
const OPEN_STATUSES = ['ACTIVE', 'OPEN', 'PAST_MATURITY', 'DEFAULTED'];

export async function runSimulatorTick(pool: pg.Pool, prng: Prng, now: Date, rates: SimulatorRates): Promise<TickResult> {
  const client = await pool.connect();
  const result: TickResult = { repayments: [], reversals: [], loans: [] };
  try {
    return await inTransaction(client, async () => {
      const bounds = (
        await client.query<{ max_loan: string | null; max_customer: string | null; max_repayment: string | null }>(
          'SELECT (SELECT max(id) FROM loans_ajoloan) AS max_loan, (SELECT max(id) FROM ajo_ajouser) AS max_customer, (SELECT max(id) FROM loans_ajoloanrepayment) AS max_repayment',
        )
      ).rows[0];
      const maxLoan = Number(bounds.max_loan ?? 0);
      const maxCustomer = Number(bounds.max_customer ?? 0);
      const maxRepayment = Number(bounds.max_repayment ?? 0);

      if (maxLoan > 0 && rates.repaymentsPerTick > 0) {
        // Sample ids at random, keep the open loans among them, pay the first few.
        const sample = Array.from({ length: Math.min(maxLoan, rates.repaymentsPerTick * 8) }, () => prng.int(1, maxLoan));
        const open = await client.query<{ id: string }>(
          'SELECT id FROM loans_ajoloan WHERE id = ANY($1) AND is_disbursed AND agent_id IS NOT NULL AND daily_repayment_amount > 0 AND status = ANY($2) AND date_disbursed <= $3 ORDER BY id',
          [sample, OPEN_STATUSES, now],
        );
        const chosen = prng.shuffled(open.rows.map((r) => r.id)).slice(0, rates.repaymentsPerTick);
        if (chosen.length > 0) {
          const instalments = chosen.map(() => prng.weighted(INSTALMENTS));
          const channels = chosen.map(() => prng.pick(CHANNELS));
          const refs = chosen.map(() => prng.uuid());
          const inserted = await client.query<{ id: string }>(
            `INSERT INTO loans_ajoloanrepayment (ajo_loan_id, agent_id, borrower_id, paid_date, repayment_amount, repayment_type, health_insurance, applied_to_loan, loan_amount, repayment_ref, settlement_status, created_at, updated_at)
             SELECT l.id, l.agent_id, l.borrower_id, $5, round(l.daily_repayment_amount::numeric * t.n, 2)::float8, t.channel, 0, true, l.amount, t.ref::uuid, 'SETTLED', $5, $5
               FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) WITH ORDINALITY AS t(id, n, channel, ref, ord)
               JOIN loans_ajoloan l ON l.id = t.id
              ORDER BY t.ord
             RETURNING id`,
            [chosen, instalments, channels, refs, now],
          );
          result.repayments = inserted.rows.map((r) => Number(r.id));
        }
      }

      if (maxRepayment > 0 && prng.chance(rates.reversalChance)) {
        // A recent payment bounced: Django marks the row and stops applying it.
        const recent = await client.query<{ id: string }>(
          `SELECT id FROM loans_ajoloanrepayment
            WHERE id > $1 AND marked_as IS NULL AND applied_to_loan IS NOT FALSE AND paid_date IS NOT NULL AND repayment_amount > 0 AND NOT (id = ANY($2))
            ORDER BY id DESC LIMIT 50`,
          [Math.max(0, maxRepayment - 5000), result.repayments],
        );
        if (recent.rows.length > 0) {
          const id = prng.pick(recent.rows).id;
          await client.query("UPDATE loans_ajoloanrepayment SET marked_as = 'REVERSAL', applied_to_loan = false, updated_at = $2 WHERE id = $1", [id, now]);
          result.reversals.push(Number(id));
        }
      }

      if (maxCustomer > 0 && prng.chance(rates.newLoanChance)) {
        const loanId = await disburseLoan(client, prng, now, maxCustomer);
        if (loanId !== null) result.loans.push(loanId);
      }

      // Django keeps running totals on the loan; refresh them for every loan this tick touched.
      await client.query(
        `WITH touched AS (
           SELECT DISTINCT ajo_loan_id AS id FROM loans_ajoloanrepayment WHERE id = ANY($1)
         ), totals AS (
           SELECT r.ajo_loan_id AS id, COALESCE(sum(r.repayment_amount::numeric), 0) AS paid, count(*) AS n
             FROM loans_ajoloanrepayment r JOIN touched t ON t.id = r.ajo_loan_id
            WHERE r.paid_date IS NOT NULL AND r.repayment_amount > 0 AND r.marked_as IS DISTINCT FROM 'REVERSAL' AND r.applied_to_loan IS NOT FALSE
            GROUP BY r.ajo_loan_id
         )
         UPDATE loans_ajoloan l
            SET total_paid_amount = t.paid::float8,
                total_outstanding_balance = GREATEST(0, l.repayment_amount::numeric - t.paid)::float8,
                count_of_recorded_repayments = t.n,
                status = CASE WHEN t.paid >= l.repayment_amount::numeric THEN 'COMPLETED' ELSE l.status END,
                date_completed = CASE WHEN t.paid >= l.repayment_amount::numeric THEN COALESCE(l.date_completed, $2) ELSE l.date_completed END,
                updated_at = $2
           FROM totals t
          WHERE t.id = l.id`,
        [[...result.repayments, ...result.reversals], now],
      );
      return result;
    });
  } finally {
    client.release();
  }
}

/** A new loan for an existing customer, under the officer of their last loan (or any active STAFF_AGENT). */
async function disburseLoan(client: pg.PoolClient, prng: Prng, now: Date, maxCustomer: number): Promise<number | null> {
  const customer = (
    await client.query<{ id: string; first_name: string | null; last_name: string | null; phone_number: string; agent_id: string | null }>(
      `SELECT c.id, c.first_name, c.last_name, c.phone_number,
              COALESCE((SELECT l.agent_id FROM loans_ajoloan l WHERE l.borrower_id = c.id AND l.agent_id IS NOT NULL ORDER BY l.id DESC LIMIT 1), c.user_id) AS agent_id
         FROM ajo_ajouser c WHERE c.id >= $1 ORDER BY c.id LIMIT 1`,
      [prng.int(1, maxCustomer)],
    )
  ).rows[0];
  if (customer === undefined) return null;
  let agentId = customer.agent_id;
  if (agentId === null) {
    const staff = await client.query<{ id: string }>("SELECT id FROM accounts_customuser WHERE user_type = 'STAFF_AGENT' AND is_active ORDER BY id LIMIT 200");
    if (staff.rows.length === 0) return null;
    agentId = prng.pick(staff.rows).id;
  }
  const amountNaira = prng.pick(LOAN_AMOUNTS_NAIRA);
  const tenor = prng.pick(TENORS);
  const rate = RATE_FOR_TENOR[tenor];
  const feeKobo = amountNaira; // 1 % processing fee
  const totalKobo = amountNaira * (100 + rate) + feeKobo;
  const today = lagosDayOf(Math.floor(now.getTime() / 1000));
  const start = nextBusinessDay(today);
  const end = nthBusinessDay(start, tenor);
  const name = customer.first_name !== null && customer.last_name !== null ? `${customer.first_name} ${customer.last_name}` : null;
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO loans_ajoloan (agent_id, borrower_id, borrower_full_name, borrower_phone_number, amount, amount_disbursed, repayment_amount, daily_repayment_amount,
                                interest_rate, interest_amount, processing_fee, tenor, tenor_in_days, repayment_type, is_disbursed, date_disbursed, start_date, end_date,
                                expected_end_date, status, performance_status, loan_type, verification_stage, total_outstanding_balance, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'DAILY', true, $14, $15, $16, $16, 'ACTIVE', 'PERFORMING', 'AJO', 'DISBURSED', $7, $14, $14)
     RETURNING id`,
    [
      agentId, customer.id, name, customer.phone_number,
      koboToNaira(amountNaira * 100), koboToNaira(amountNaira * 100 - feeKobo), koboToNaira(totalKobo), koboToNaira(divRound(totalKobo, tenor)),
      rate, koboToNaira(amountNaira * rate), koboToNaira(feeKobo), TENOR_LABEL[tenor], tenor,
      now, formatDay(start), formatDay(end),
    ],
  );
  return Number(inserted.rows[0].id);
}

export function startSimulator(options: SimulatorOptions): Simulator {
  if (!(options.intervalMs > 0)) throw new Error(`intervalMs must be a positive number of milliseconds; got ${JSON.stringify(options.intervalMs)}`);
  let pool = options.djangoWriterPool;
  let ownsPool = false;
  if (pool === undefined) {
    if (options.djangoWriterUrl === undefined) throw new Error('startSimulator needs djangoWriterPool or djangoWriterUrl (a connection allowed to write Django); got neither');
    pool = new pg.Pool({ connectionString: options.djangoWriterUrl, max: 1, application_name: 'seedsmetrics-gateway/simulator' });
    pool.on('error', (error) => options.log.warn({ err: error }, 'simulator connection error'));
    ownsPool = true;
  }
  const writer = pool;
  const rates: SimulatorRates = { ...DEFAULT_SIMULATOR_RATES, ...options.rates };
  const prng = new Prng(options.seed, 0x51);
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickResult> | undefined;

  const tick = (): Promise<TickResult> => {
    // Serialise ticks: a manual tick waits for a scheduled one and the other way round.
    const previous = running ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => runSimulatorTick(writer, prng, now(), rates));
    running = next;
    return next;
  };
  // While Django is down every tick fails the same way: one line per cause and minute, and one when ticks work again.
  const failures = new RepeatedFailures();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick().then(
        (result) => {
          const run = failures.succeeded();
          if (run !== undefined) options.log.info({ ...run }, 'simulator ticks work again');
          options.log.debug({ ...result }, 'simulator tick');
        },
        (error: unknown) => {
          const line = failures.failed(causeKey(error));
          if (line !== undefined) options.log.warn({ err: error, ...line }, 'simulator tick failed; trying again next tick');
        },
      ).finally(schedule);
    }, options.intervalMs);
    timer.unref?.();
  };
  schedule();
  options.log.info({ intervalMs: options.intervalMs, rates }, 'simulator started');

  return {
    tick,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      if (ownsPool) await writer.end();
    },
  };
}
