/**
 * Agent activity (§4.6, GET /collections/agent-activity[-detail]) in one seedsmetrics statement: for every officer
 * with at least one filtered loan, the counted repayments of those loans on each calendar day of the last seven
 * (today − 6 … today), and the activity categories those amounts put the officer in. The tiles and the detail
 * lists are both read off these rows.
 */
import { BUSINESS_TODAY_SQL } from './business-date';
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { Params, whereClause, type Queryable } from './sql';

/** The categories of §4.6; they overlap (an officer can be in several). */
export const AGENT_ACTIVITY_CATEGORIES = [
  'CRITICAL_NO_COLLECTION',
  'STOPPED_COLLECTING',
  'SEVERE_DECLINE',
  'NOT_YET_STARTED_TODAY',
  'STRONG_GROWTH',
  'STARTED_TODAY',
] as const;

export type AgentActivityCategoryKey = (typeof AGENT_ACTIVITY_CATEGORIES)[number];

/** Share of the first four days' amount under which a non-zero last three days is a severe decline. */
export const SEVERE_DECLINE_SHARE = '0.3';
/** Multiple of the first four days' amount over which the last three days are strong growth. */
export const STRONG_GROWTH_MULTIPLE = '1.5';
/** Weekdays in any seven consecutive days: the denominator of the repayment rate. */
export const WEEKDAYS_IN_WINDOW = 5;

export interface AgentActivityRow {
  officerId: string;
  /** The seven days, oldest first. */
  daily: { date: string; amount: string }[];
  totalCollected: string;
  /** Σ today − 6 … today − 3. */
  firstFourDays: string;
  /** Σ today − 2 … today. */
  lastThreeDays: string;
  collectedToday: string;
  /** Distinct weekdays (Mon–Fri) of the window with a counted repayment. */
  weekdaysWithCollection: number;
  /** weekdaysWithCollection / 5 × 100, 2 dp. */
  repaymentRate: string;
  categories: AgentActivityCategoryKey[];
}

/** Rows sorted by total collected (highest first), then officer name and id. */
export async function fetchAgentActivity(db: Queryable, filter: LoanFilter, resolvedCustomerIds?: readonly string[]): Promise<AgentActivityRow[]> {
  const params = new Params();
  const where = loanFilterSql(filter, params, resolvedCustomerIds);
  const severe = params.add(SEVERE_DECLINE_SHARE);
  const growth = params.add(STRONG_GROWTH_MULTIPLE);
  const filtered = whereClause(where);
  const category = (name: AgentActivityCategoryKey, condition: string): string => `CASE WHEN ${condition} THEN '${name}' END`;
  const { rows } = await db.query<AgentActivityRow>(
    `WITH t AS (SELECT ${BUSINESS_TODAY_SQL} AS today),
     with_loans AS (SELECT DISTINCT l.officer_id FROM loans l ${filtered}),
     days AS (SELECT (t.today - back)::date AS day, back FROM t, generate_series(6, 0, -1) AS back),
     paid AS (
       SELECT l.officer_id, r.payment_date AS day, sum(r.payment_amount) AS amount
         FROM repayments r JOIN loans l ON l.loan_id = r.loan_id, t
        WHERE r.is_counted AND r.payment_date BETWEEN t.today - 6 AND t.today ${whereClause(where, 'AND')}
        GROUP BY l.officer_id, r.payment_date
     ),
     grid AS (
       SELECT o.officer_id, days.day, days.back, COALESCE(p.amount, 0) AS amount
         FROM with_loans o CROSS JOIN days
         LEFT JOIN paid p ON p.officer_id = o.officer_id AND p.day = days.day
     ),
     a AS (
       SELECT grid.officer_id,
              json_agg(json_build_object('date', to_char(grid.day, 'YYYY-MM-DD'), 'amount', grid.amount::numeric(15,2)::text) ORDER BY grid.day) AS daily,
              sum(grid.amount) AS total, sum(grid.amount) FILTER (WHERE grid.back >= 3) AS first4,
              sum(grid.amount) FILTER (WHERE grid.back <= 2) AS last3, sum(grid.amount) FILTER (WHERE grid.back = 0) AS today,
              count(*) FILTER (WHERE grid.amount > 0 AND extract(isodow FROM grid.day) < 6)::int AS weekdays
         FROM grid GROUP BY grid.officer_id
     )
     SELECT a.officer_id AS "officerId", a.daily AS "daily", a.total::numeric(15,2)::text AS "totalCollected",
            a.first4::numeric(15,2)::text AS "firstFourDays", a.last3::numeric(15,2)::text AS "lastThreeDays",
            a.today::numeric(15,2)::text AS "collectedToday", a.weekdays AS "weekdaysWithCollection",
            round(a.weekdays * 100.0 / ${WEEKDAYS_IN_WINDOW}, 2)::text AS "repaymentRate",
            array_remove(ARRAY[
              ${category('CRITICAL_NO_COLLECTION', 'a.total = 0')},
              ${category('STOPPED_COLLECTING', 'a.first4 > 0 AND a.last3 = 0')},
              ${category('SEVERE_DECLINE', `a.first4 > 0 AND a.last3 > 0 AND a.last3 < ${severe}::numeric * a.first4`)},
              ${category('NOT_YET_STARTED_TODAY', 'a.weekdays > 0 AND a.today = 0')},
              ${category('STRONG_GROWTH', `a.first4 > 0 AND a.last3 > ${growth}::numeric * a.first4`)},
              ${category('STARTED_TODAY', 'a.today > 0')}
            ]::text[], NULL) AS "categories"
       FROM a LEFT JOIN officers o ON o.officer_id = a.officer_id
      ORDER BY a.total DESC, o.officer_name ASC NULLS LAST, a.officer_id ASC`,
    params.values,
  );
  return rows;
}
