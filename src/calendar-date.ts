/**
 * The one test of "a real calendar date written YYYY-MM-DD", shared by the API's Date scalar, the business clock
 * and the configuration, so a date one of them accepts is never refused, or crashed on, by another.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when the text is a real calendar date in YYYY-MM-DD form (year 0001 onwards, Gregorian leap years).
 * Plain arithmetic: every date a list serialises passes here, and a Date object per value showed in profiles.
 */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}
