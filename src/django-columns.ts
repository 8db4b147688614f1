/**
 * How Django's columns become the gateway's values (DOMAIN §1.1–§1.3, §1.7, §1.9, D1), each rule written once as a
 * SQL fragment over a table alias: the request-time reads (loaders/*.django.ts) and the sync's copy
 * (src/sync/django-source-rows.ts) both build on them, so a loan, officer or customer the API reads live and its copy in
 * seedsmetrics cannot disagree. What differs between the two on purpose stays with each reader: the copy truncates
 * texts to seedsmetrics' column widths and rejects implausible rows, the API shows Django's values whole; and each
 * renders dates as text its own way.
 */

/** The largest money seedsmetrics can store: numeric(15,2) holds values below 1e13. */
export const NUMERIC_15_2_LIMIT = '1e13';

/**
 * Exact money from a Django float8 column, rounded to cents (numeric): NULL when it is NaN, ±Infinity or not below
 * `limit` in size, so one bad row never fails a whole statement with a failed cast.
 */
export const centsSql = (column: string, limit: string = NUMERIC_15_2_LIMIT): string =>
  `CASE WHEN abs(${column}) < ${limit} THEN round(${column}::numeric, 2) END`;

/** The same as decimal text (no binary float ever reaches JavaScript). */
export const moneyTextSql = (column: string, limit: string = NUMERIC_15_2_LIMIT): string => `(${centsSql(column, limit)})::text`;

/**
 * A business date (D1): the calendar date of a timestamptz in the business time zone. `tz` is the SQL of the zone's
 * name, a parameter placeholder such as `$1`.
 */
export const businessDaySql = (column: string, tz: string): string => `(${column} AT TIME ZONE ${tz}::text)::date`;

/**
 * The dates every reader of the API can hold: years 0001 to 9999, as Python's `date`, JavaScript clients and the API's
 * Date scalar (YYYY-MM-DD) know them. PostgreSQL also holds years BC, beyond 9999 and ±infinity, and a business date can
 * land past 9999-12-31 on its own (Django's latest datetime, 9999-12-31 23:59 UTC, is 10000-01-01 in Lagos).
 */
export const CALENDAR_RANGE_TEXT = '0001-01-01 to 9999-12-31';

/** True (SQL) when the date `column` is within CALENDAR_RANGE_TEXT; false for ±infinity, BC and five-digit years. */
export const inCalendarRangeSql = (column: string): string => `(${column} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31')`;

/** The date `column`, or NULL when it is outside CALENDAR_RANGE_TEXT (no reader could show it as a date). */
export const calendarDateSql = (column: string): string => `CASE WHEN ${inCalendarRangeSql(column)} THEN ${column} END`;

// accounts_customuser (officers), alias `u` in both readers.

/**
 * §1.1: the officer's display name, the username or, without one, the e-mail. Django's e-mail is NOT NULL (§1.1), but a
 * row written around Django may hold neither: it is then named after its id, since seedsmetrics' officer_name is NOT
 * NULL (such a row stopped every sync cycle) and the API's Officer.name is non-null (it failed the whole page).
 */
export const officerNameSql = (user: string): string => `COALESCE(${user}.username, ${user}.email, 'Officer ' || ${user}.id)`;

/** The officer employment statuses employmentStatusSql gives (what the officers filter can match). */
export const EMPLOYMENT_STATUSES = ['Active', 'Inactive'] as const;

/** §1.1: 'Active' when performance_status is 'Active', anything else (NULL included) 'Inactive'. */
export const employmentStatusSql = (user: string): string =>
  `CASE WHEN ${user}.performance_status = 'Active' THEN '${EMPLOYMENT_STATUSES[0]}' ELSE '${EMPLOYMENT_STATUSES[1]}' END`;

/** §1.1 with D1: the hire date is date_joined as a business date in the zone `tz` (see businessDaySql). */
export const hireDateSql = (user: string, tz: string): string => businessDaySql(`${user}.date_joined`, tz);

// ajo_ajouser (customers), alias `c` in both readers.

/**
 * §1.2: TRIM(first_name || ' ' || last_name), falling back to the phone number when either part is NULL. Django's
 * phone_number is NOT NULL (§1.2), but a row written around Django may lack it too: it is then named after its id, for
 * the same reasons as officerNameSql (seedsmetrics' customer_name is NOT NULL; Customer.name is non-null).
 */
export const customerNameSql = (customer: string): string =>
  `COALESCE(TRIM(${customer}.first_name || ' ' || ${customer}.last_name), ${customer}.phone_number, 'Customer ' || ${customer}.id)`;

/** The KYC statuses kycStatusSql gives (what the customers filter can match). */
export const KYC_STATUSES = ['Verified', 'Partial', 'Pending'] as const;

/** §1.2: Verified (BVN and onboarding verified), Partial (BVN only) or Pending. */
export const kycStatusSql = (customer: string): string =>
  `(CASE WHEN ${customer}.bvn_verified AND ${customer}.onboarding_verified THEN '${KYC_STATUSES[0]}' WHEN ${customer}.bvn_verified THEN '${KYC_STATUSES[1]}' ELSE '${KYC_STATUSES[2]}' END)`;

// loans_ajoloan (loans), alias `l` in both readers.

/** §1.7: the normalised status of the raw Django status; anything unlisted (NULL included) is Active. */
export const normalisedStatusSql = (loan: string): string => `CASE
    WHEN ${loan}.status IN ('COMPLETED', 'CLOSED') THEN 'Closed'
    WHEN ${loan}.status IN ('PAST_MATURITY', 'DEFAULTED') THEN 'Defaulted'
    WHEN ${loan}.status IN ('DECLINED_BY_SUPERVISOR', 'REJECTED') THEN 'Rejected'
    WHEN ${loan}.status = 'NOT_TAKEN' THEN 'Cancelled'
    ELSE 'Active' END`;

/**
 * §1.3: Django keeps the interest rate as a percent (30.0), the domain as a fraction rounded to 4 places (0.3000,
 * numeric(5,4)). Unguarded: each reader says which rates it takes (the copy rejects rates outside 0–999.99 %).
 */
export const interestFractionSql = (loan: string): string => `round(${loan}.interest_rate::numeric / 100, 4)`;
