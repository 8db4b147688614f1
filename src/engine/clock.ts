/**
 * The business clock (decision D1): "today" is a business date in BUSINESS_TZ, read from seedsmetrics'
 * `business_today()` so SQL triggers and TypeScript always agree. Tests pin it; the demo advances it.
 * The state lives in the singleton row `business_clock` (id 1): pinned_date, offset_days, business_tz.
 */
import { isCalendarDate } from '../calendar-date';
import type { Queryable } from '../queryable';


/** Where "today" comes from; inject a fake in unit tests of code that only needs a date. */
export interface BusinessClock {
  /** The business date, as 'YYYY-MM-DD'. */
  today(): Promise<string>;
}

/** Throws unless `value` is a real calendar date written 'YYYY-MM-DD'. */
export function assertIsoDate(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || !isCalendarDate(value)) throw new TypeError(`${what} must be a date written YYYY-MM-DD; got ${JSON.stringify(value)}`);
}

/** The clock every production path uses: SQL business_today() of the seedsmetrics database. */
export function sqlBusinessClock(db: Queryable): BusinessClock {
  return {
    async today() {
      const { rows } = await db.query<{ today: string }>(`SELECT business_today()::text AS today`);
      return rows[0]!.today;
    },
  };
}

/** A clock that always answers `date`, for code paths tested without a database. */
export function fixedBusinessClock(date: string): BusinessClock {
  assertIsoDate(date, 'fixedBusinessClock(date)');
  return { today: async () => date };
}

export interface BusinessClockSettings {
  /** IANA zone whose local date is "today" (config BUSINESS_TZ). @default "Africa/Lagos" */
  businessTz: string;
}

/** Whether PostgreSQL knows the zone by exactly this name (it does not accept every spelling Node does). */
export async function isZoneKnownToPostgres(db: Queryable, zone: string): Promise<boolean> {
  const known = await db.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, [zone]);
  return known.rowCount !== 0;
}

/** Stores the business zone; fails with a clear message when PostgreSQL does not know the zone. */
export async function configureBusinessClock(db: Queryable, settings: BusinessClockSettings): Promise<void> {
  const { businessTz } = settings;
  if (!(await isZoneKnownToPostgres(db, businessTz))) {
    throw new RangeError(`businessTz must be an IANA time zone known to PostgreSQL (e.g. "Africa/Lagos"); got ${JSON.stringify(businessTz)}`);
  }
  await db.query(
    `INSERT INTO business_clock (id, business_tz, updated_at) VALUES (1, $1, now())
     ON CONFLICT (id) DO UPDATE SET business_tz = EXCLUDED.business_tz, updated_at = now()`,
    [businessTz],
  );
}

/** Pins "today" to `date` ('YYYY-MM-DD'), or unpins it with null (back to the zone's wall-clock date + offset). */
export async function pinBusinessDate(db: Queryable, date: string | null): Promise<void> {
  if (date !== null) assertIsoDate(date, 'pinBusinessDate(date)');
  await db.query(
    `INSERT INTO business_clock (id, pinned_date, updated_at) VALUES (1, $1::date, now())
     ON CONFLICT (id) DO UPDATE SET pinned_date = EXCLUDED.pinned_date, updated_at = now()`,
    [date],
  );
}

/**
 * Moves "today" by `days` calendar days (negative goes back): the pinned date when one is set, else the
 * offset added to the wall-clock date. Returns the new business date.
 */
export async function advanceBusinessDays(db: Queryable, days: number): Promise<string> {
  if (!Number.isInteger(days)) throw new TypeError(`advanceBusinessDays(days) must be an integer; got ${JSON.stringify(days)}`);
  await db.query(`INSERT INTO business_clock (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
  await db.query(
    `UPDATE business_clock
        SET pinned_date = CASE WHEN pinned_date IS NULL THEN NULL ELSE pinned_date + $1::int END,
            offset_days = CASE WHEN pinned_date IS NULL THEN offset_days + $1::int ELSE offset_days END,
            updated_at = now()
      WHERE id = 1`,
    [days],
  );
  return sqlBusinessClock(db).today();
}
