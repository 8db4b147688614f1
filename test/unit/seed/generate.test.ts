import { createHash } from 'node:crypto';
import { businessDaysBetween, formatTimestampUtc, lagosDayOf, lagosTimestamp, nthBusinessDay, parseIsoDay, todayIn } from '../../../src/seed/calendar';
import { parseSeedArgs } from '../../../src/seed/cli-args';
import { DEMO_CASES, generateDemoData, type DemoDataset } from '../../../src/seed/generate';
import { validateHierarchyCsv } from '../../../src/hierarchy/import';
import { divRound, koboToNaira } from '../../../src/seed/money';
import { Prng } from '../../../src/seed/prng';
import { customerEncoding, holidayEncoding, loanEncoding, repaymentEncoding, userEncoding } from '../../../src/seed/rows';

/** The latest moment (seconds since the epoch) of any timestamp column of any table. */
function latest(d: DemoDataset): number {
  const moments = [
    ...d.users.flatMap((u) => [u.dateJoined, u.lastLogin, u.updatedAt]),
    ...d.customers.flatMap((c) => [c.createdAt, c.updatedAt]),
    ...d.loans.flatMap((l) => [l.dateDisbursed, l.dateCompleted, l.createdAt, l.updatedAt]),
    ...d.repayments.flatMap((r) => [r.paidDate, r.createdAt, r.updatedAt]),
    ...d.holidays.flatMap((h) => [h.createdAt, h.updatedAt]),
  ];
  return moments.reduce<number>((max, t) => (t !== null && t > max ? t : max), -Infinity);
}

function fingerprint(d: DemoDataset): string {
  const hash = createHash('md5');
  for (const row of d.users) hash.update(userEncoding.encode(row) + '\n');
  for (const row of d.customers) hash.update(customerEncoding.encode(row) + '\n');
  for (const row of d.loans) hash.update(loanEncoding.encode(row) + '\n');
  for (const row of d.repayments) hash.update(repaymentEncoding.encode(row) + '\n');
  for (const row of d.holidays) hash.update(holidayEncoding.encode(row) + '\n');
  hash.update(d.hierarchyCsv);
  return hash.digest('hex');
}

describe('calendar and money helpers', () => {
  it('counts business days as DOMAIN.md §3.9 does', () => {
    expect(businessDaysBetween(parseIsoDay('2025-11-04'), parseIsoDay('2025-12-10'))).toBe(27);
    expect(businessDaysBetween(parseIsoDay('2025-10-02'), parseIsoDay('2025-11-12'))).toBe(30);
    expect(businessDaysBetween(parseIsoDay('2025-12-06'), parseIsoDay('2025-12-07'))).toBe(0); // a weekend
    expect(businessDaysBetween(parseIsoDay('2025-12-10'), parseIsoDay('2025-12-09'))).toBe(0);
    // Loan A of §3.9: 30 instalments from 11-04 end on the maturity date 12-15.
    expect(nthBusinessDay(parseIsoDay('2025-11-04'), 30)).toBe(parseIsoDay('2025-12-15'));
  });

  it('places 00:30 Lagos time at 23:30 UTC the day before', () => {
    expect(formatTimestampUtc(lagosTimestamp(parseIsoDay('2025-11-20'), 30 * 60))).toBe('2025-11-19 23:30:00+00');
  });

  it('rejects impossible dates, naming what arrived', () => {
    expect(() => parseIsoDay('2025-02-30', 'asOf')).toThrow('asOf must be a calendar date YYYY-MM-DD; got "2025-02-30"');
  });

  it('takes today in the given zone, not the host zone', () => {
    expect(todayIn('Africa/Lagos', new Date('2025-11-19T23:30:00Z'))).toBe('2025-11-20');
  });

  it('keeps money in exact kobo', () => {
    expect(koboToNaira(13_200_000)).toBe('132000.00');
    expect(koboToNaira(191_667)).toBe('1916.67');
    expect(koboToNaira(-5)).toBe('-0.05');
    expect(divRound(5_750_000, 30)).toBe(191_667); // 191,666.67 → 191,667
    expect(divRound(5, 2)).toBe(3); // ties away from zero
    expect(divRound(2 ** 52 + 1, 3)).toBe(1501199875790166);
  });

  it('draws the same sequence from the same seed and another from another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
    expect(new Prng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('generateDemoData', () => {
  const options = { scale: 0.02, seed: 42, asOf: '2025-11-20' };
  const first = generateDemoData(options);

  it('is deterministic: same options, same rows, sheet and manifest', () => {
    const again = generateDemoData(options);
    expect(fingerprint(again)).toBe(fingerprint(first));
    expect(again.manifest).toEqual(first.manifest);
  });

  it('changes with the seed and with the as-of day', () => {
    expect(fingerprint(generateDemoData({ ...options, seed: 43 }))).not.toBe(fingerprint(first));
    expect(fingerprint(generateDemoData({ ...options, asOf: '2025-11-21' }))).not.toBe(fingerprint(first));
  });

  it('scales the population and finds an example of every case even at scale 0.02', () => {
    expect(first.users.length).toBeGreaterThan(120);
    expect(first.users.length).toBeLessThan(180);
    expect(first.customers.length).toBe(360);
    expect(first.loans.filter((l) => l.isDisbursed).length).toBe(358 + 2); // 17,900 × 0.02 plus 2 without an officer
    for (const c of DEMO_CASES) expect([c, first.manifest[c].length > 0]).toEqual([c, true]);
  });

  it('has every case at the smallest scale the configuration allows, whatever the seed', () => {
    for (const seed of [1, 2, 3]) {
      const tiny = generateDemoData({ scale: 0.001, seed, asOf: '2026-02-02' });
      expect([seed, DEMO_CASES.filter((c) => tiny.manifest[c].length === 0)]).toEqual([seed, []]);
    }
  });

  it('never dates anything after the as-of day (22:00 in Lagos), in any table', () => {
    expect(latest(first)).toBeLessThanOrEqual(lagosTimestamp(parseIsoDay('2025-11-20'), 22 * 3600));
  });

  it('seeded today, dates nothing after the moment of seeding: the day\'s activity moves into its hours already past, nothing else changes', () => {
    const now = new Date('2025-11-20T08:55:00Z'); // 09:55 in Lagos
    const seconds = now.getTime() / 1000;
    const today = generateDemoData({ ...options, now });
    expect(first.repayments.filter((r) => r.paidDate !== null && r.paidDate > seconds).length).toBeGreaterThan(10); // what moved
    expect(latest(today)).toBeLessThanOrEqual(seconds);
    // The same rows, money, statuses and business days; ids still in time order.
    const day = (t: number | null): number | null => (t === null ? null : lagosDayOf(t));
    const repayment = (r: DemoDataset['repayments'][number]) => [r.id, r.loanId, r.amountKobo, r.markedAs, day(r.paidDate), day(r.createdAt)];
    const loan = (l: DemoDataset['loans'][number]) => [l.id, l.status, l.totalPaidKobo, day(l.dateDisbursed), l.actualEndDate];
    expect(today.repayments.map(repayment)).toEqual(first.repayments.map(repayment));
    expect(today.loans.map(loan)).toEqual(first.loans.map(loan));
    expect(today.manifest).toEqual(first.manifest);
    const created = today.repayments.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    // Everything before the as-of day is as it was.
    const dayStart = lagosTimestamp(parseIsoDay('2025-11-20'), 0);
    expect(today.repayments.filter((r) => r.updatedAt < dayStart)).toEqual(first.repayments.filter((r) => r.updatedAt < dayStart));
    // Deterministic for one moment.
    expect(fingerprint(generateDemoData({ ...options, now }))).toBe(fingerprint(today));
  });

  it('numbers repayments in time order, as Django does', () => {
    const created = first.repayments.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(first.repayments.map((r) => r.id)).toEqual(first.repayments.map((_, i) => i + 1));
  });

  it('writes a hierarchy sheet that validates, with case-variant e-mails and strangers like the real one', () => {
    const { rows, rejected } = validateHierarchyCsv(first.hierarchyCsv);
    expect(rejected).toEqual([]);
    const emails = new Set(first.users.map((u) => u.email));
    const lines = first.hierarchyCsv.split('\n').slice(1, -1).map((l) => l.split(',')[0]);
    expect(lines.some((e) => e !== e.toLowerCase() && emails.has(e.toLowerCase()))).toBe(true);
    expect(rows.filter((r) => !emails.has(r.officerEmail)).length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.region)).size).toBeGreaterThan(3);
  });

  it('rejects a bad scale, seed or as-of day', () => {
    expect(() => generateDemoData({ ...options, scale: 0 })).toThrow('scale must be a number from 0.001 to 100; got 0');
    expect(() => generateDemoData({ ...options, scale: 101 })).toThrow('scale must be a number from 0.001 to 100; got 101');
    expect(() => generateDemoData({ ...options, seed: -1 })).toThrow('seed must be an integer from 0 to 4294967295; got -1');
    expect(() => generateDemoData({ ...options, asOf: '20-11-2025' })).toThrow('asOf must be a calendar date YYYY-MM-DD; got "20-11-2025"');
    expect(() => generateDemoData({ ...options, now: new Date('2025-11-19T22:59:59Z') })).toThrow(
      'now must be a moment of the as-of day 2025-11-20 (Lagos) or later; got 2025-11-19T22:59:59.000Z',
    );
    expect(() => generateDemoData({ ...options, now: new Date('soon') })).toThrow('now must be a moment of the as-of day 2025-11-20 (Lagos) or later; got an invalid date');
  });
});

describe('parseSeedArgs', () => {
  const defaults = { scale: 1, seed: 42, asOf: undefined };
  it('reads every flag, in both --flag value and --flag=value forms', () => {
    expect(parseSeedArgs(['--scale', '0.05', '--seed=7', '--as-of', '2025-11-20', '--django-url', 'postgres://u@h/db', '--hierarchy-out', 'x.csv'], defaults)).toEqual({
      scale: 0.05, seed: 7, asOf: '2025-11-20', djangoUrl: 'postgres://u@h/db', hierarchyOut: 'x.csv',
    });
    expect(parseSeedArgs([], defaults)).toEqual({ ...defaults, djangoUrl: undefined, hierarchyOut: undefined });
  });
  it('names the flag, what was expected and what arrived', () => {
    expect(() => parseSeedArgs(['--scale', '-1'], defaults)).toThrow('--scale must be a number from 0.001 to 100 such as 1, 0.05 or 10; got "-1"');
    // The bounds of DEMO_SCALE and DEMO_SEED (src/config.ts), so a world one of them makes the other makes too.
    expect(() => parseSeedArgs(['--scale', '1000'], defaults)).toThrow('--scale must be a number from 0.001 to 100 such as 1, 0.05 or 10; got "1000"');
    expect(() => parseSeedArgs(['--seed', '4294967296'], defaults)).toThrow('--seed must be an integer from 0 to 4294967295; got "4294967296"');
    expect(parseSeedArgs(['--seed', '4294967295', '--scale', '100'], defaults)).toMatchObject({ seed: 4294967295, scale: 100 });
    expect(() => parseSeedArgs(['--seed', 'x'], defaults)).toThrow('--seed must be an integer from 0 to 4294967295; got "x"');
    expect(() => parseSeedArgs(['--as-of', '2025-13-01'], defaults)).toThrow('--as-of must be a calendar date YYYY-MM-DD; got "2025-13-01"');
    // A day to come would date every row after Django's clock, all refused by the sync.
    expect(() => parseSeedArgs(['--as-of', '2999-01-01'], defaults)).toThrow(`--as-of must be a calendar date YYYY-MM-DD no later than today (${todayIn('Africa/Lagos')} in Africa/Lagos); got "2999-01-01"`);
    expect(() => parseSeedArgs(['--django-url', 'mysql://u:secret@h/db'], defaults)).toThrow('--django-url must be a postgres:// URL naming a database; got "mysql://u:***@h/db"');
    expect(() => parseSeedArgs(['--scale'], defaults)).toThrow(/^--scale needs a value/);
    expect(() => parseSeedArgs(['--bogus'], defaults)).toThrow(/^unknown argument "--bogus"/);
  });
});
