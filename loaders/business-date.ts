/**
 * "Today" as the business sees it (decision D1) is the engine's business_today() in seedsmetrics: the pinned date
 * or the date in the business time zone plus the clock's offset. Evaluated inside the statement that uses it, so
 * one statement sees one date, and the API's "today" is always the engine's.
 */

/** A SQL expression of type date for business today. */
export const BUSINESS_TODAY_SQL = 'business_today()';

/** Zone of Django timestamps shown as business dates (hire dates). @default "Africa/Lagos" */
export const DEFAULT_BUSINESS_TZ = 'Africa/Lagos';
