/**
 * "Today" as the business sees it (decision D1): the current date in the business time zone, moved by the
 * business clock's offset (the demo can advance days). Evaluated inside the statement, so one statement sees one date.
 */
import type { Params } from './sql';

/** @default "Africa/Lagos" */
export const DEFAULT_BUSINESS_TZ = 'Africa/Lagos';

/** A SQL expression of type date for business today. */
export function businessTodaySql(params: Params, businessTz: string): string {
  const tz = params.add(businessTz);
  return `((now() AT TIME ZONE ${tz}::text)::date + COALESCE((SELECT bc.offset_days FROM business_clock bc WHERE bc.id = 1), 0))`;
}
