/**
 * Calendar arithmetic on whole days (days since 1970-01-01) and seconds, without the wall clock or the host
 * time zone: business days are Monday-Friday (DOMAIN.md D5), Lagos is UTC+1 all year (no daylight saving).
 */

export type Day = number;

export const SECONDS_PER_DAY = 86_400;
/** Africa/Lagos is UTC+01:00 with no daylight saving time. */
export const LAGOS_OFFSET_SECONDS = 3_600;

/** Parses YYYY-MM-DD into a day number; throws naming what was expected and what arrived. */
export function parseIsoDay(text: string, what = 'date'): Day {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match) {
    const day = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
    if (formatDay(day) === text) return day;
  }
  throw new Error(`${what} must be a calendar date YYYY-MM-DD; got ${JSON.stringify(text)}`);
}

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian conversions.
export function daysFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: Day): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const dayCache = new Map<Day, string>();

export function formatDay(days: Day): string {
  let text = dayCache.get(days);
  if (text === undefined) {
    const { year, month, day } = civilFromDays(days);
    text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    dayCache.set(days, text);
  }
  return text;
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(days: Day): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function isBusinessDay(days: Day): boolean {
  const dow = dayOfWeek(days);
  return dow >= 1 && dow <= 5;
}

/** Business days (Mon-Fri) in [from, to], both inclusive; 0 when to < from. */
export function businessDaysBetween(from: Day, to: Day): number {
  if (to < from) return 0;
  const total = to - from + 1;
  const weeks = Math.floor(total / 7);
  let count = weeks * 5;
  for (let d = from + weeks * 7; d <= to; d += 1) if (isBusinessDay(d)) count += 1;
  return count;
}

/** The first business day strictly after `days`. */
export function nextBusinessDay(days: Day): Day {
  let d = days + 1;
  while (!isBusinessDay(d)) d += 1;
  return d;
}

/** The business day that is the `n`-th (1-based) business day counting from `start` inclusive; start must be a business day. */
export function nthBusinessDay(start: Day, n: number): Day {
  let d = start;
  let counted = 1;
  while (counted < n) {
    d += 1;
    if (isBusinessDay(d)) counted += 1;
  }
  return d;
}

/** Timestamp (seconds since the epoch, UTC) of a Lagos wall-clock time on a Lagos calendar day. */
export function lagosTimestamp(days: Day, secondsIntoLagosDay: number): number {
  return days * SECONDS_PER_DAY + secondsIntoLagosDay - LAGOS_OFFSET_SECONDS;
}

/** The Lagos calendar day of a UTC timestamp. */
export function lagosDayOf(timestamp: number): Day {
  return Math.floor((timestamp + LAGOS_OFFSET_SECONDS) / SECONDS_PER_DAY);
}

const clockCache: string[] = [];

/** `HH:MM:SS` of a second of the day (cached: the writer formats millions of timestamps). */
function clock(secondOfDay: number): string {
  let text = clockCache[secondOfDay];
  if (text === undefined) {
    const hh = Math.floor(secondOfDay / 3600);
    const mm = Math.floor((secondOfDay % 3600) / 60);
    const ss = secondOfDay % 60;
    text = `${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}`;
    clockCache[secondOfDay] = text;
  }
  return text;
}

/** `YYYY-MM-DD HH:MM:SS+00`, the form PostgreSQL reads unambiguously into timestamptz. */
export function formatTimestampUtc(timestamp: number): string {
  const days = Math.floor(timestamp / SECONDS_PER_DAY);
  return `${formatDay(days)} ${clock(timestamp - days * SECONDS_PER_DAY)}+00`;
}

/** The calendar date of `now` in a time zone (the demo's default as-of day is today's). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The zone of the demo's days: its default as-of day, and how far an as-of day may go. */
export const DEMO_TIME_ZONE = 'Africa/Lagos';

/**
 * What a demo's as-of day (DEMO_AS_OF, db:seed --as-of) must be when `day` is later than today in DEMO_TIME_ZONE,
 * else undefined: the demo dates its activity up to that day, and the sync refuses rows dated after Django's clock,
 * so a day to come had every demo row reported in sync_rejects and none of it served.
 */
export function futureDemoDayExpected(day: string): string | undefined {
  const today = todayIn(DEMO_TIME_ZONE);
  return day > today ? `a calendar date YYYY-MM-DD no later than today (${today} in ${DEMO_TIME_ZONE})` : undefined;
}
