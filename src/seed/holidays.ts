/** The holiday calendar (loans_holiday): company rows repeating public holidays per branch, and agents' leave days. */
import { civilFromDays, daysFromCivil, isBusinessDay, lagosTimestamp, parseIsoDay, type Day } from './calendar';
import { assignIds, scaled } from './drafts';
import type { Prng } from './prng';
import { FIXED_HOLIDAYS, LEAVE_NAMES, MOVEABLE_HOLIDAYS } from './reference-data';
import type { HolidayRow, UserRow } from './rows';

export function generateHolidays(prng: Prng, scale: number, asOf: Day, staff: readonly UserRow[]): HolidayRow[] {
  const from = asOf - 560;
  const to = asOf + 60;
  // Public holidays in the window; company rows repeat them per branch, as the real table does.
  const publicDays: Array<readonly [Day, string]> = [];
  const { year: lastYear } = civilFromDays(to);
  for (let year = civilFromDays(from).year; year <= lastYear; year += 1) {
    for (const [month, day, name] of FIXED_HOLIDAYS) publicDays.push([daysFromCivil(year, month, day), name]);
  }
  for (const [date, name] of MOVEABLE_HOLIDAYS) publicDays.push([parseIsoDay(date), name]);
  const inWindow = publicDays.filter(([d]) => d >= from && d <= to).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  const drafts: Array<{ row: HolidayRow }> = [];
  const companyCount = scaled(107, scale, 1);
  for (let i = 0; i < companyCount; i += 1) {
    const [date, name] = inWindow[i % inWindow.length];
    const createdAt = lagosTimestamp(date - prng.int(10, 60), prng.int(9 * 3600, 17 * 3600));
    drafts.push({ row: { id: 0, date, name, type: 'company', agentId: null, branchId: i < inWindow.length ? null : (i % 44) + 1, createdById: null, salaryWaver: false, createdAt, updatedAt: createdAt } });
  }
  const agentCount = scaled(908, scale, 1);
  const waivers = new Set(prng.shuffled(Array.from({ length: agentCount }, (_, i) => i)).slice(0, scaled(30, scale, 1)));
  for (let i = 0; i < agentCount; i += 1) {
    let date = prng.int(from, Math.min(to, asOf + 30));
    while (!isBusinessDay(date)) date += 1;
    const agent = staff.length > 0 ? prng.pick(staff) : null;
    const createdAt = Math.min(lagosTimestamp(date - prng.int(1, 30), prng.int(9 * 3600, 17 * 3600)), lagosTimestamp(asOf, 12 * 3600));
    drafts.push({
      row: { id: 0, date, name: prng.pick(LEAVE_NAMES), type: 'agent', agentId: agent ? agent.id : null, branchId: null, createdById: staff.length > 0 ? prng.pick(staff).id : null, salaryWaver: waivers.has(i), createdAt, updatedAt: createdAt },
    });
  }
  return assignIds(drafts, (d) => d.row.createdAt, (d) => d.row);
}
