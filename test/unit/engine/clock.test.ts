/**
 * src/engine/clock.ts against SQL business_today() (D1): the zone, the pin, the offset and their errors.
 */
import {
  advanceBusinessDays,
  configureBusinessClock,
  fixedBusinessClock,
  pinBusinessDate,
  sqlBusinessClock,
} from '../../../src/engine/clock';
import { createTestDatabases, type TestDatabases } from '../../support/databases';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

const pool = () => dbs.metrics.pool;

/** business_today() and the zone's wall-clock date, from one statement (same now()). */
async function todayAndWallDate(tz: string, plusDays = 0) {
  const { rows } = await pool().query(
    `SELECT business_today()::text AS today, ((now() AT TIME ZONE $1)::date + $2::int)::text AS wall`,
    [tz, plusDays],
  );
  return rows[0] as { today: string; wall: string };
}

describe('the business clock', () => {
  it('exists after migration as one row: Africa/Lagos, no pin, no offset, holidays not excluded', async () => {
    const { rows } = await pool().query(`SELECT id, business_tz, pinned_date, offset_days, exclude_holidays FROM business_clock`);
    expect(rows).toEqual([{ id: 1, business_tz: 'Africa/Lagos', pinned_date: null, offset_days: 0, exclude_holidays: false }]);
  });

  it('is the wall-clock date in Africa/Lagos by default', async () => {
    const { today, wall } = await todayAndWallDate('Africa/Lagos');
    expect(today).toBe(wall);
    expect(await sqlBusinessClock(pool()).today()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('follows the configured zone', async () => {
    await configureBusinessClock(pool(), { businessTz: 'Pacific/Kiritimati' });
    try {
      const { today, wall } = await todayAndWallDate('Pacific/Kiritimati');
      expect(today).toBe(wall);
    } finally {
      await configureBusinessClock(pool(), { businessTz: 'Africa/Lagos' });
    }
  });

  it('refuses a zone PostgreSQL does not know, naming what arrived', async () => {
    await expect(configureBusinessClock(pool(), { businessTz: 'Mars/Olympus' })).rejects.toThrow(
      'businessTz must be an IANA time zone known to PostgreSQL (e.g. "Africa/Lagos"); got "Mars/Olympus"',
    );
  });

  it('answers the pinned date, moves it with advanceBusinessDays, and unpins', async () => {
    const clock = sqlBusinessClock(pool());
    await pinBusinessDate(pool(), '2025-12-10');
    expect(await clock.today()).toBe('2025-12-10');
    expect(await advanceBusinessDays(pool(), 3)).toBe('2025-12-13');
    expect(await advanceBusinessDays(pool(), -13)).toBe('2025-11-30');
    const { rows } = await pool().query(`SELECT offset_days FROM business_clock`);
    expect(rows[0].offset_days).toBe(0); // the pin moved, not the offset
    await pinBusinessDate(pool(), null);
    const { today, wall } = await todayAndWallDate('Africa/Lagos');
    expect(today).toBe(wall);
  });

  it('adds offset_days to the wall-clock date when nothing is pinned', async () => {
    await advanceBusinessDays(pool(), 2);
    try {
      const { today, wall } = await todayAndWallDate('Africa/Lagos', 2);
      expect(today).toBe(wall);
    } finally {
      await advanceBusinessDays(pool(), -2);
    }
    const { rows } = await pool().query(`SELECT offset_days FROM business_clock`);
    expect(rows[0].offset_days).toBe(0);
  });

  it('rejects a malformed date or day count, naming what arrived', async () => {
    await expect(pinBusinessDate(pool(), '2025-02-30')).rejects.toThrow('pinBusinessDate(date) must be a date written YYYY-MM-DD; got "2025-02-30"');
    await expect(pinBusinessDate(pool(), '10/12/2025')).rejects.toThrow('got "10/12/2025"');
    await expect(advanceBusinessDays(pool(), 1.5)).rejects.toThrow('advanceBusinessDays(days) must be an integer; got 1.5');
    expect(() => fixedBusinessClock('tomorrow')).toThrow('fixedBusinessClock(date) must be a date written YYYY-MM-DD; got "tomorrow"');
  });

  it('falls back to the Lagos date if the row is missing', async () => {
    await pool().query(`DELETE FROM business_clock`);
    try {
      const { today, wall } = await todayAndWallDate('Africa/Lagos');
      expect(today).toBe(wall);
    } finally {
      await pool().query(`INSERT INTO business_clock (id) VALUES (1)`);
    }
  });

  it('a fixed clock answers its date without a database', async () => {
    expect(await fixedBusinessClock('2025-12-10').today()).toBe('2025-12-10');
  });
});
