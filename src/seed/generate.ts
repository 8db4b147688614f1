/**
 * Pure, deterministic generation of a demo Django database (no I/O, no wall clock, no Math.random): the same
 * seed, scale and as-of day (and moment of seeding, when one is given) always give the same rows, the same
 * hierarchy CSV and the same manifest.
 *
 * Shape at scale 1 follows DOMAIN.md §7: ~6,900 users with the §7 user-type mix (plus inactive ones), ~18,000
 * customers, ~17,900 disbursed loans (54 % under STAFF_AGENT officers, ~45 % under officers without a type),
 * ~465,000 repayments, 1,015 holidays. Every loan gets a repayment behaviour (on time, stopped paying k business
 * days ago, partial payer, paid off, ...: repayment-behaviour.ts) so that business-day DPD (D5) spreads over every
 * bucket; special rows (reversals, not-applied, NULL paid_date, non-positive amounts, a 00:30 Lagos payment:
 * special-repayments.ts) are sprinkled on top and guaranteed at any scale. The manifest names example loan ids per case, classified from the generated rows.
 */
import { isBusinessDay, lagosDayOf, lagosTimestamp, nextBusinessDay, nthBusinessDay, parseIsoDay, SECONDS_PER_DAY, type Day } from './calendar';
import { buildHierarchyCsv } from './hierarchy-csv';
import { DEMO_SCALE_MAX, DEMO_SCALE_MIN, DEMO_SEED_MAX } from './limits';
import { divRound } from './money';
import { Prng, WeightedTable } from './prng';
import { BRANCHES, FIRST_NAMES, LAST_NAMES, PHONE_PREFIXES, STATES_AND_LGAS, STREETS, USER_TYPE_MIX } from './reference-data';
import { assignIds, scaled, type CustomerDraft, type LoanDraft, type RepaymentDraft, type UserDraft } from './drafts';
import { generateHolidays } from './holidays';
import { repaymentBehaviours, type Behaviour } from './repayment-behaviour';
import { addSpecialRepayments } from './special-repayments';
import { buildManifest, computeDpd, countsTowardLoan, type DemoManifest } from './manifest';
import type { CustomerRow, HolidayRow, LoanRow, RepaymentRow, UserRow } from './rows';

export { DEMO_CASES, HIDDEN_USER_TYPES, type DemoManifest } from './manifest';

export interface DemoOptions {
  /** From DEMO_SCALE_MIN to DEMO_SCALE_MAX (limits.ts); 1 ≈ the real database, 0.01 for tests, 10 for load tests. */
  scale: number;
  /** Seed of the pseudo-random generator (an integer). */
  seed: number;
  /** The business day (YYYY-MM-DD, Africa/Lagos) the data is built around; nothing happens after it. */
  asOf: string;
  /**
   * The moment of seeding, when the as-of day is today (the demo's seed passes the wall clock): nothing is then
   * dated after it, the as-of day's activity is squeezed, in order, into the part of the day already past. A
   * Django row dated later than Django's clock is a wrong clock to the sync. Omitted, or after 22:00 Lagos on the
   * as-of day: the data ends at that 22:00.
   */
  now?: Date;
}

export interface DemoDataset {
  options: DemoOptions;
  users: UserRow[];
  customers: CustomerRow[];
  loans: LoanRow[];
  repayments: RepaymentRow[];
  holidays: HolidayRow[];
  /** The curated officer hierarchy sheet (CSV text, header first). */
  hierarchyCsv: string;
  manifest: DemoManifest;
}

// Independent PRNG streams, so a change in one part does not reshuffle the others.
const STREAM = { users: 1, customers: 2, loans: 3, payments: 4, specials: 5, holidays: 6, hierarchy: 7, status: 8 } as const;

const DISBURSEMENT_WINDOW_DAYS = 400;
/** Mean age in days of the exponentially distributed part of the disbursements. */
const RECENCY_DAYS = 110;
const TENORS: ReadonlyArray<readonly [number, number]> = [[30, 10], [60, 25], [90, 30], [120, 20], [180, 15]];
const TENOR_LABEL: Record<number, string> = { 30: 'ONE_MONTH', 60: 'TWO_MONTHS', 90: 'THREE_MONTHS', 120: 'FOUR_MONTHS', 180: 'SIX_MONTHS' };
const RATES: Record<number, readonly number[]> = { 30: [10, 12, 15], 60: [18, 20, 24], 90: [25, 27, 30], 120: [32, 36], 180: [45, 48] };
const AMOUNTS_NAIRA: ReadonlyArray<readonly [number, number]> = [
  [20000, 8], [30000, 10], [50000, 18], [75000, 12], [100000, 16], [150000, 10], [200000, 9], [250000, 5], [300000, 5], [500000, 5], [1000000, 2],
];
interface ForcedLoan {
  tenor: number;
  daysAgo: number;
  behaviour: Behaviour;
  zeroInterest?: boolean;
  nullStartDate?: boolean;
}

/** One crafted loan per case that random draws could miss at small scales. */
const FORCED_LOANS: readonly ForcedLoan[] = [
  { tenor: 60, daysAgo: 30, behaviour: { kind: 'on_time' } },
  { tenor: 60, daysAgo: 40, behaviour: { kind: 'gap', missedDays: 3 } },
  { tenor: 90, daysAgo: 60, behaviour: { kind: 'gap', missedDays: 15 } },
  { tenor: 120, daysAgo: 120, behaviour: { kind: 'gap', missedDays: 45 } },
  { tenor: 180, daysAgo: 150, behaviour: { kind: 'gap', missedDays: 75 } },
  { tenor: 180, daysAgo: 220, behaviour: { kind: 'gap', missedDays: 110 } },
  { tenor: 60, daysAgo: 30, behaviour: { kind: 'late_start', lateDays: 3 } },
  { tenor: 30, daysAgo: 12, behaviour: { kind: 'none' } },
  { tenor: 30, daysAgo: 120, behaviour: { kind: 'past_maturity', fraction: 0.5, recovery: false } },
  { tenor: 60, daysAgo: 200, behaviour: { kind: 'past_maturity', fraction: 0.4, recovery: true } },
  { tenor: 30, daysAgo: 100, behaviour: { kind: 'paid_off', earlyAfterDays: null, extraKobo: 0 } },
  { tenor: 30, daysAgo: 90, behaviour: { kind: 'paid_off', earlyAfterDays: null, extraKobo: 250000 } },
  { tenor: 60, daysAgo: 20, behaviour: { kind: 'on_time' }, zeroInterest: true },
  { tenor: 60, daysAgo: 25, behaviour: { kind: 'on_time' }, nullStartDate: true },
  { tenor: 30, daysAgo: 0, behaviour: { kind: 'none' } },
];

/** A bijection on [0, 10^7): distinct indexes always give distinct 7-digit numbers. */
const permute7 = (n: number): number => (n * 7654321 + 1234567) % 10_000_000;

function phoneNumber(index: number): string {
  return PHONE_PREFIXES[index % PHONE_PREFIXES.length] + String(permute7(index)).padStart(7, '0');
}

const titleCase = (text: string): string => text.toLowerCase().replace(/(^|[\s-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

export function validateDemoOptions(options: DemoOptions): void {
  if (typeof options.scale !== 'number' || !(options.scale >= DEMO_SCALE_MIN && options.scale <= DEMO_SCALE_MAX)) {
    throw new Error(`scale must be a number from ${DEMO_SCALE_MIN} to ${DEMO_SCALE_MAX}; got ${JSON.stringify(options.scale)}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > DEMO_SEED_MAX) {
    throw new Error(`seed must be an integer from 0 to ${DEMO_SEED_MAX}; got ${JSON.stringify(options.seed)}`);
  }
  const asOf = parseIsoDay(options.asOf, 'asOf');
  if (options.now !== undefined) {
    const dayStart = lagosTimestamp(asOf, 0);
    const now = options.now.getTime();
    if (!(now >= dayStart * 1000)) {
      throw new Error(`now must be a moment of the as-of day ${options.asOf} (Lagos) or later; got ${Number.isNaN(now) ? 'an invalid date' : options.now.toISOString()}`);
    }
  }
}

/**
 * Moves every moment of the generated rows into a time line that ends at `end` (seconds, at or after the start of
 * the as-of day): moments of the as-of day are squeezed in order into its part before `end`, later ones are set
 * to `end`, earlier ones stay. With `end` at the as-of day's 22:00 only moments after it move. The Lagos day of
 * every moment of the as-of day stays the same, so business dates, DPD and the manifest's cases do too.
 */
function endTimeLineAt(dataset: Pick<DemoDataset, 'users' | 'customers' | 'loans' | 'repayments' | 'holidays'>, asOf: Day, end: number): void {
  const dayStart = lagosTimestamp(asOf, 0);
  const dayEnd = lagosTimestamp(asOf, 22 * 3600);
  const fit = (t: number): number => (t <= dayStart ? t : t >= dayEnd ? end : dayStart + Math.floor(((t - dayStart) * (end - dayStart)) / (dayEnd - dayStart)));
  const fitOrNull = (t: number | null): number | null => (t === null ? null : fit(t));
  for (const u of dataset.users) {
    u.dateJoined = fit(u.dateJoined);
    u.lastLogin = fitOrNull(u.lastLogin);
    u.updatedAt = fit(u.updatedAt);
  }
  for (const c of dataset.customers) {
    c.createdAt = fit(c.createdAt);
    c.updatedAt = fit(c.updatedAt);
  }
  for (const l of dataset.loans) {
    l.dateDisbursed = fitOrNull(l.dateDisbursed);
    l.dateCompleted = fitOrNull(l.dateCompleted);
    l.createdAt = fit(l.createdAt);
    l.updatedAt = fit(l.updatedAt);
  }
  for (const r of dataset.repayments) {
    r.paidDate = fitOrNull(r.paidDate);
    r.createdAt = fit(r.createdAt);
    r.updatedAt = fit(r.updatedAt);
  }
  for (const h of dataset.holidays) {
    h.createdAt = fit(h.createdAt);
    h.updatedAt = fit(h.updatedAt);
  }
}

export function generateDemoData(options: DemoOptions): DemoDataset {
  validateDemoOptions(options);
  const { scale, seed } = options;
  const asOf = parseIsoDay(options.asOf, 'asOf');
  /** Nothing happens after this moment (as-of day, 22:00 Lagos). */
  const asOfEnd = lagosTimestamp(asOf, 22 * 3600);

  // ---- users ---------------------------------------------------------------------------------------------
  const up = new Prng(seed, STREAM.users);
  const branchTable = new WeightedTable(BRANCHES, BRANCHES.map((b) => (b.vertical.startsWith('Key') ? 0.4 : b.vertical === 'Wealth' ? 0.6 : 1)));
  const userDrafts: UserDraft[] = [];
  let emailSeq = 0;
  let customerUserIdSeq = 0;
  const addUser = (userType: string | null, isActive: boolean): UserDraft => {
    const first = up.pick(FIRST_NAMES);
    const last = up.pick(LAST_NAMES);
    emailSeq += 1;
    const isOfficer = userType === 'STAFF_AGENT' || userType === 'AGENT' || userType === 'AJO_AGENT' || userType === 'DMO_AGENT' || userType === 'PROSPER_AGENT' || userType === 'RECOVERY_AGENT';
    const domain = userType === 'STAFF_AGENT' ? 'seedsfinance.ng' : up.pick(['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com']);
    const branch = isOfficer || up.chance(0.45) ? branchTable.pick(up) : null;
    const hasCustomerUserId = userType === 'STAFF_AGENT' || userType === 'AGENT' || up.chance(0.6);
    let customerUserId: number | null = null;
    if (hasCustomerUserId) {
      customerUserIdSeq += 1;
      customerUserId = 100_000 + customerUserIdSeq * 3 + up.int(0, 2);
    }
    const joinedDay = asOf - up.int(30, 1100);
    const dateJoined = lagosTimestamp(joinedDay, up.int(8 * 3600, 18 * 3600));
    const performanceStatus = !isActive ? 'Inactive' : up.weighted<string | null>([['Active', 90], ['Inactive', 4], ['Suspended', 2], [null, 4]]);
    const row: UserRow = {
      id: 0,
      email: `${first}.${last}${emailSeq}@${domain}`.toLowerCase(),
      username: up.chance(0.9) ? `${first} ${last}` : null,
      userPhone: up.chance(0.96) ? phoneNumber(emailSeq) : null,
      userBranch: branch ? `${titleCase(branch.name)} ${branch.state}` : null,
      userType,
      performanceStatus,
      accountType: userType === 'KEY_ACCOUNT' ? 'KEY_ACCOUNT' : 'REGULAR',
      kycLevel: up.chance(0.8) ? up.int(0, 3) : null,
      isActive,
      dateJoined,
      customerUserId,
      lastLogin: up.chance(0.7) ? lagosTimestamp(asOf - up.int(0, 60), up.int(7 * 3600, 21 * 3600)) : null,
      updatedAt: dateJoined,
    };
    const draft: UserDraft = { row, branch, firstLoanAt: null };
    userDrafts.push(draft);
    return draft;
  };
  const usersByType = new Map<string | null, { active: UserDraft[]; inactive: UserDraft[] }>();
  for (const [userType, base] of USER_TYPE_MIX) {
    const active: UserDraft[] = [];
    const inactive: UserDraft[] = [];
    const activeCount = scaled(base, scale, 1);
    // A few deactivated users of every sizeable type; the lending types always have one (their loans stay in Django).
    const inactiveCount = scaled(base * 0.02, scale, userType === 'STAFF_AGENT' || userType === null ? 1 : 0);
    for (let i = 0; i < activeCount; i += 1) active.push(addUser(userType, true));
    for (let i = 0; i < inactiveCount; i += 1) inactive.push(addUser(userType, false));
    usersByType.set(userType, { active, inactive });
  }

  // Officer pools: who lends how much (DOMAIN.md §7 loan concentration).
  const staff = usersByType.get('STAFF_AGENT')!;
  const staffTable = new WeightedTable([...staff.active, ...staff.inactive], [...staff.active.map(() => 0.3 + up.next() * 1.7), ...staff.inactive.map(() => 0.5)]);
  const noType = usersByType.get(null)!;
  const noTypeLenders = [...noType.active.filter(() => up.chance(0.35)), ...noType.inactive];
  if (noTypeLenders.length === 0) noTypeLenders.push(noType.active[0]);
  const noTypeTable = new WeightedTable(noTypeLenders, noTypeLenders.map(() => 0.2 + up.next() * 1.8));
  // The few loans of other types start with the hidden ones, so they exist at every scale.
  const otherLenders: UserDraft[] = [];
  for (const userType of ['LOTTO_AGENT', 'lite', 'RECOVERY_AGENT', 'AGENT', 'AJO_AGENT', 'DMO_AGENT', 'PROSPER_AGENT', 'MERCHANT', 'PERSONAL', 'KEY_ACCOUNT']) {
    const pool = usersByType.get(userType);
    if (pool && pool.active.length > 0) otherLenders.push(pool.active[0]);
  }

  // ---- customers -------------------------------------------------------------------------------------------
  const cp = new Prng(seed, STREAM.customers);
  const customerCount = scaled(18_000, scale, 10);
  const stateTable = new WeightedTable(STATES_AND_LGAS, [70, 10, 8, 9, 1.5, 1.5]);
  const customerDrafts: CustomerDraft[] = [];
  for (let i = 0; i < customerCount; i += 1) {
    const [state, lgas] = stateTable.pick(cp);
    const lga = cp.pick(lgas);
    const bvnVerified = cp.chance(0.86);
    const createdAt = lagosTimestamp(asOf - cp.int(1, DISBURSEMENT_WINDOW_DAYS + 200), cp.int(7 * 3600, 20 * 3600));
    customerDrafts.push({
      row: {
        id: 0,
        userId: null,
        // A few half-empty names: the gateway then falls back to the phone number (DOMAIN.md §1.2).
        firstName: cp.chance(0.01) ? null : cp.pick(FIRST_NAMES),
        lastName: cp.chance(0.01) ? null : cp.pick(LAST_NAMES),
        phoneNumber: phoneNumber(3_000_000 + i),
        dob: cp.chance(0.95) ? asOf - cp.int(19 * 365, 60 * 365) : null,
        gender: cp.weighted<string | null>([['Female', 58], ['Male', 40], [null, 2]]),
        state,
        lga,
        address: cp.chance(0.93) ? `${cp.int(1, 250)} ${cp.pick(STREETS)}, ${lga}` : null,
        bvnVerified,
        onboardingVerified: bvnVerified && cp.chance(0.85),
        onboardingComplete: cp.chance(0.9),
        createdAt,
        updatedAt: createdAt,
      },
      managerDraft: null,
      firstLoanAt: null,
    });
  }
  const freshCustomers = cp.shuffled(customerDrafts);
  let nextFresh = 0;
  const usedCustomers: CustomerDraft[] = [];
  const pickCustomer = (prng: Prng): CustomerDraft => {
    // Most loans go to a new borrower; about one in eight is a repeat loan (and the rest of the customers never borrow).
    if ((usedCustomers.length > 0 && prng.chance(0.12)) || nextFresh >= freshCustomers.length) return prng.pick(usedCustomers.length > 0 ? usedCustomers : freshCustomers);
    const customer = freshCustomers[nextFresh];
    nextFresh += 1;
    usedCustomers.push(customer);
    return customer;
  };

  // ---- loans and repayments --------------------------------------------------------------------------------
  const lp = new Prng(seed, STREAM.loans);
  const behaviours = repaymentBehaviours(asOf, lp, new Prng(seed, STREAM.payments));
  const otherCount = Math.max(otherLenders.length, Math.round(30 * scale));
  // Room for the crafted loans, one per other lender and a couple under officers without a type, at any scale.
  const disbursedCount = Math.max(Math.round(17_900 * scale), FORCED_LOANS.length + otherCount + 2);
  const staffCount = Math.round((disbursedCount - otherCount) * 0.543);
  const loanDrafts: LoanDraft[] = [];
  const amountTable = new WeightedTable(AMOUNTS_NAIRA.map(([a]) => a), AMOUNTS_NAIRA.map(([, w]) => w));
  const tenorTable = new WeightedTable(TENORS.map(([t]) => t), TENORS.map(([, w]) => w));

  const drawDisbursementDay = (): Day => {
    // Growth: most loans are recent (exponential decay with age, truncated to the window), plus a uniform floor.
    const u = lp.next();
    const tail = 1 - Math.exp(-DISBURSEMENT_WINDOW_DAYS / RECENCY_DAYS);
    const ago = lp.chance(0.15) ? Math.floor(u * (DISBURSEMENT_WINDOW_DAYS + 1)) : Math.floor(-RECENCY_DAYS * Math.log(1 - u * tail));
    let day = asOf - Math.min(DISBURSEMENT_WINDOW_DAYS, ago);
    while (!isBusinessDay(day)) day -= 1;
    return day;
  };

  const makeLoan = (officer: UserDraft | null, forced: ForcedLoan | null): LoanDraft => {
    const tenor = forced?.tenor ?? tenorTable.pick(lp);
    let d0: Day;
    if (forced) {
      d0 = asOf - forced.daysAgo;
      while (!isBusinessDay(d0)) d0 -= 1;
    } else {
      d0 = drawDisbursementDay();
    }
    const disbursedAt = lagosTimestamp(d0, lp.int(8 * 3600, 17 * 3600));
    const amountNaira = amountTable.pick(lp);
    const zeroInterest = forced ? forced.zeroInterest === true : lp.chance(0.015);
    const rate = zeroInterest ? 0 : lp.pick(RATES[tenor]);
    const feeKobo = lp.chance(0.1) ? 0 : amountNaira * lp.pick([1, 2]);
    // R = L × (1 + r/100) + F, in kobo: L naira × (100 + r) is exact.
    const repaymentKobo = amountNaira * (100 + rate) + feeKobo;
    const dailyKobo = divRound(repaymentKobo, tenor);
    const d1 = nextBusinessDay(d0);
    const maturity = nthBusinessDay(d1, tenor);
    const customer = pickCustomer(lp);
    const nullStart = forced ? forced.nullStartDate === true : lp.chance(0.003);
    const loan: LoanDraft = {
      index: loanDrafts.length,
      forced: forced !== null,
      officer,
      customer,
      d1: nullStart ? null : d1,
      maturity,
      events: [],
      row: {
        id: 0,
        agentId: officer ? 0 : null,
        borrowerId: 0,
        borrowerFullName: null,
        borrowerPhoneNumber: customer.row.phoneNumber,
        amountKobo: amountNaira * 100,
        amountDisbursedKobo: amountNaira * 100 - feeKobo,
        repaymentAmountKobo: repaymentKobo,
        dailyRepaymentAmountKobo: dailyKobo,
        interestRate: rate,
        interestAmountKobo: amountNaira * rate,
        processingFeeKobo: feeKobo,
        nemFeeKobo: lp.chance(0.3) ? 50_000 : 0,
        tenor: TENOR_LABEL[tenor],
        tenorInDays: tenor,
        repaymentType: lp.chance(0.97) ? 'DAILY' : 'WEEKLY',
        isDisbursed: true,
        dateDisbursed: disbursedAt,
        startDate: nullStart ? null : d1,
        endDate: maturity,
        actualEndDate: null,
        dateCompleted: null,
        status: 'ACTIVE',
        performanceStatus: null,
        loanType: lp.weighted([['AJO', 85], ['BNPL', 8], ['PROSPER', 4], ['DMO', 3]]),
        verificationStage: lp.weighted<string | null>([['DISBURSED', 80], ['APPROVED', 12], [null, 8]]),
        totalPaidKobo: 0,
        totalOutstandingKobo: 0,
        countOfRecordedRepayments: 0,
        createdAt: disbursedAt - lp.int(3600, 3 * SECONDS_PER_DAY),
        updatedAt: disbursedAt,
      },
    };
    if (customer.row.firstName !== null && customer.row.lastName !== null) loan.row.borrowerFullName = `${customer.row.firstName} ${customer.row.lastName}`;
    const behaviour = forced?.behaviour ?? behaviours.choose(d1, maturity);
    behaviours.apply(loan, behaviour, d1, maturity);
    loanDrafts.push(loan);
    return loan;
  };

  // The first crafted loan belongs to a deactivated officer, so that case exists at every scale.
  FORCED_LOANS.forEach((forced, i) => makeLoan(i === 0 && staff.inactive.length > 0 ? staff.inactive[0] : staffTable.pick(lp), forced));
  for (let i = 0; i < otherCount; i += 1) makeLoan(otherLenders[i % otherLenders.length], null);
  for (let i = FORCED_LOANS.length; i < staffCount; i += 1) makeLoan(staffTable.pick(lp), null);
  while (loanDrafts.length < disbursedCount) makeLoan(noTypeTable.pick(lp), null);
  // Disbursed loans without an officer: Django has them, the sync must skip them.
  for (let i = 0, n = scaled(10, scale, 2); i < n; i += 1) makeLoan(null, null);

  // Applications that were never disbursed (declined, not taken, pending): no dates, no repayments.
  for (let i = 0, n = scaled(500, scale, 3); i < n; i += 1) {
    const officer = lp.chance(0.55) ? staffTable.pick(lp) : noTypeTable.pick(lp);
    const createdAt = lagosTimestamp(asOf - lp.int(0, DISBURSEMENT_WINDOW_DAYS), lp.int(8 * 3600, 18 * 3600));
    const amountNaira = amountTable.pick(lp);
    const tenor = tenorTable.pick(lp);
    const rate = lp.pick(RATES[tenor]);
    const repaymentKobo = amountNaira * (100 + rate);
    const customer = pickCustomer(lp);
    loanDrafts.push({
      index: loanDrafts.length,
      forced: false,
      officer,
      customer,
      d1: null,
      maturity: null,
      events: [],
      row: {
        id: 0, agentId: 0, borrowerId: 0,
        borrowerFullName: customer.row.firstName && customer.row.lastName ? `${customer.row.firstName} ${customer.row.lastName}` : null,
        borrowerPhoneNumber: customer.row.phoneNumber,
        amountKobo: amountNaira * 100, amountDisbursedKobo: 0, repaymentAmountKobo: repaymentKobo, dailyRepaymentAmountKobo: divRound(repaymentKobo, tenor),
        interestRate: rate, interestAmountKobo: amountNaira * rate, processingFeeKobo: 0, nemFeeKobo: 0,
        tenor: TENOR_LABEL[tenor], tenorInDays: tenor, repaymentType: 'DAILY', isDisbursed: false, dateDisbursed: null,
        startDate: null, endDate: null, actualEndDate: null, dateCompleted: null,
        status: lp.weighted([['OPEN_TO_SUPERVISOR', 25], ['APPROVED', 10], ['DECLINED_BY_SUPERVISOR', 25], ['REJECTED', 20], ['NOT_TAKEN', 15], ['PENDING', 5]]),
        performanceStatus: null, loanType: 'AJO', verificationStage: lp.pick(['PENDING', 'SUPERVISOR_REVIEW', 'REJECTED', null]),
        totalPaidKobo: 0, totalOutstandingKobo: 0, countOfRecordedRepayments: 0,
        createdAt, updatedAt: createdAt + lp.int(600, 2 * SECONDS_PER_DAY),
      },
    });
  }

  // ---- special repayment rows ------------------------------------------------------------------------------
  addSpecialRepayments(loanDrafts, new Prng(seed, STREAM.specials), asOfEnd);

  // ---- loan totals and statuses from what was actually paid ----------------------------------------------------
  const stp = new Prng(seed, STREAM.status);
  for (const loan of loanDrafts) {
    const { row } = loan;
    for (const event of loan.events) if (event.row.updatedAt === 0) event.row.updatedAt = event.row.createdAt;
    if (!row.isDisbursed) continue;
    let paid = 0;
    let valid = 0;
    let lastPaid: number | null = null;
    for (const event of loan.events) {
      if (!countsTowardLoan(event.row)) continue;
      paid += event.row.amountKobo;
      valid += 1;
      if (lastPaid === null || event.row.paidDate! > lastPaid) lastPaid = event.row.paidDate!;
    }
    row.totalPaidKobo = paid;
    row.totalOutstandingKobo = Math.max(0, row.repaymentAmountKobo - paid);
    row.countOfRecordedRepayments = valid;
    const activityAt = loan.events.reduce((max, e) => Math.max(max, e.row.updatedAt), row.dateDisbursed ?? row.createdAt);
    row.updatedAt = activityAt;
    const dpd = computeDpd(loan, paid, asOf);
    if (paid >= row.repaymentAmountKobo && lastPaid !== null) {
      row.status = stp.chance(0.8) ? 'COMPLETED' : 'CLOSED';
      row.performanceStatus = stp.chance(0.9) ? 'PERFORMING' : null;
      row.dateCompleted = lastPaid + stp.int(60, 3600);
      row.actualEndDate = lagosDayOf(lastPaid);
      row.updatedAt = Math.max(row.updatedAt, row.dateCompleted);
    } else if (loan.maturity !== null && loan.maturity < asOf) {
      row.status = stp.chance(0.7) ? 'PAST_MATURITY' : 'DEFAULTED';
      row.performanceStatus = dpd > 60 && stp.chance(0.4) ? 'LOST' : stp.pick(['PAST_MATURITY', 'OWED_BALANCE', 'DEFAULTED']);
    } else {
      row.status = stp.chance(0.75) ? 'ACTIVE' : 'OPEN';
      row.performanceStatus = stp.chance(0.05) ? null : dpd >= 30 && stp.chance(0.5) ? 'DEFAULTED' : 'PERFORMING';
    }
  }

  // ---- officers join before their first loan; customers register before theirs ------------------------------
  for (const loan of loanDrafts) {
    const at = loan.row.createdAt;
    if (loan.officer && (loan.officer.firstLoanAt === null || at < loan.officer.firstLoanAt)) loan.officer.firstLoanAt = at;
    const customer = loan.customer;
    if (customer.firstLoanAt === null || at < customer.firstLoanAt) {
      customer.firstLoanAt = at;
      customer.managerDraft = loan.officer;
    }
  }
  for (const user of userDrafts) {
    if (user.firstLoanAt !== null && user.row.dateJoined > user.firstLoanAt - 7 * SECONDS_PER_DAY) {
      user.row.dateJoined = user.firstLoanAt - up.int(7, 120) * SECONDS_PER_DAY;
    }
    user.row.updatedAt = Math.max(user.row.dateJoined, user.row.lastLogin ?? 0);
  }
  for (const customer of customerDrafts) {
    if (customer.firstLoanAt !== null && customer.row.createdAt > customer.firstLoanAt - SECONDS_PER_DAY) {
      customer.row.createdAt = customer.firstLoanAt - cp.int(1, 45) * SECONDS_PER_DAY;
    }
    customer.row.updatedAt = customer.row.createdAt + (customer.row.onboardingComplete ? cp.int(600, 3 * SECONDS_PER_DAY) : 0);
  }

  // ---- ids in creation order, like Django's identity columns ----------------------------------------------
  const users = assignIds(userDrafts, (d) => d.row.dateJoined, (d) => d.row);
  const customers = assignIds(customerDrafts, (d) => d.row.createdAt, (d) => d.row);
  for (const customer of customerDrafts) customer.row.userId = customer.managerDraft ? customer.managerDraft.row.id : null;
  const loans = assignIds(loanDrafts, (d) => d.row.createdAt, (d) => d.row);
  const allEvents: RepaymentDraft[] = [];
  for (const loan of loanDrafts) {
    loan.row.agentId = loan.officer ? loan.officer.row.id : null;
    loan.row.borrowerId = loan.customer.row.id;
    for (const event of loan.events) {
      event.row.loanId = loan.row.id;
      event.row.agentId = loan.row.agentId;
      event.row.borrowerId = loan.row.borrowerId;
      allEvents.push(event);
    }
  }
  allEvents.sort((a, b) => a.row.createdAt - b.row.createdAt || a.loan.row.id - b.loan.row.id || a.seq - b.seq);
  const repayments = allEvents.map((event, i) => {
    event.row.id = i + 1;
    return event.row;
  });

  const holidays = generateHolidays(new Prng(seed, STREAM.holidays), scale, asOf, staff.active.map((d) => d.row));
  const hierarchyCsv = buildHierarchyCsv(new Prng(seed, STREAM.hierarchy), scale, [...staff.active, ...staff.inactive, ...usersByType.get('AGENT')!.active, ...usersByType.get('AGENT')!.inactive].map((d) => ({ user: d.row, branch: d.branch })));
  const now = options.now === undefined ? asOfEnd : Math.floor(options.now.getTime() / 1000);
  endTimeLineAt({ users, customers, loans, repayments, holidays }, asOf, Math.min(asOfEnd, now));
  const manifest = buildManifest(loanDrafts, asOf);
  return { options: { ...options }, users, customers, loans, repayments, holidays, hierarchyCsv, manifest };
}

