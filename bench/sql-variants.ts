/**
 * Variants (b) and (c) of every benchmarked operation, as plain SQL through pg.
 *
 * (b) "raw": the floor. Hand-written SQL doing the gateway's work over the same two databases: pages, counts and
 *     computed fields from seedsmetrics, base fields from Django, merged in JavaScript; independent statements run
 *     concurrently, dependent ones (Django rows for the ids a page chose) after.
 * (c) "fdw": the replaced design. One seedsmetrics connection; base fields come through the seed design's views
 *     over postgres_fdw (fdw_design.*), joined with the local computed fields of `loans` in the same statement.
 *
 * Both compute the officer metrics of §4.4 with the same SQL (OFFICER_METRICS), so only data access differs.
 */
import { keysMatch, Params, type Queryable } from '../loaders/sql';
import type { OperationName, OperationParams } from './operations';

export interface SqlPools {
  django: Queryable;
  metrics: Queryable;
}

export type SqlHandler = (pools: SqlPools, params: OperationParams) => Promise<unknown>;

const VISIBLE_TYPES = `('AGENT','AJO_AGENT','DMO_AGENT','MERCHANT','MERCHANT_AGENT','MICRO_SAVER','PERSONAL','PROSPER_AGENT','STAFF_AGENT')`;
const VISIBLE_OFFICER = (alias: string): string => `(${alias}.user_type IS NULL OR ${alias}.user_type IN ${VISIBLE_TYPES})`;
const VISIBLE_LOAN = `EXISTS (SELECT 1 FROM officers vo WHERE vo.officer_id = l.officer_id AND ${VISIBLE_OFFICER('vo')})`;

/**
 * §4.4 metrics for the officers of CTE `page` (columns officer_id, ord): raw sums per officer from
 * officer_portfolio_totals (per officer and wave, kept by triggers on `loans`), as the gateway reads them, then the
 * calculated ratios and scores, all numeric.
 */
const OFFICER_METRICS = `
  agg AS (
    SELECT p.officer_id,
           COALESCE(sum(t.loans_count), 0)::int AS disbursed,
           COALESCE(sum(t.fimr_count), 0)::int AS first_miss,
           COALESCE(sum(t.principal_outstanding), 0) AS total_portfolio,
           COALESCE(sum(t.principal_dpd_15_plus), 0) AS overdue15d,
           COALESCE(sum(t.principal_dpd_1_6), 0) AS dpd1to6,
           COALESCE(sum(t.principal_dpd_7_30), 0) AS moved7to30,
           COALESCE(sum(t.outstanding), 0) AS due7d,
           trim_scale(COALESCE(sum(t.fees_collected), 0)) + trim_scale(COALESCE(sum(t.interest_collected), 0)) AS collected,
           COALESCE(sum(t.live_count), 0)::int AS active_loans,
           COALESCE(sum(t.live_days_since_repayment_sum) / NULLIF(sum(t.live_days_since_repayment_count), 0), 0) AS avg_dslr,
           COALESCE(sum(t.live_loan_age_sum) / NULLIF(sum(t.live_loan_age_count), 0), 0) AS avg_age
      FROM page p
      LEFT JOIN officer_portfolio_totals t ON t.officer_id = p.officer_id
     GROUP BY p.officer_id
  ),
  calc AS (
    SELECT agg.*,
           CASE WHEN disbursed > 0 THEN first_miss::numeric / disbursed ELSE 0 END AS fimr,
           CASE WHEN due7d > 0 THEN dpd1to6 / due7d ELSE 0 END AS slippage,
           CASE WHEN dpd1to6 > 0 THEN moved7to30 / dpd1to6 ELSE 0 END AS roll,
           CASE WHEN total_portfolio > 0 THEN collected / total_portfolio ELSE 0 END AS ayr,
           CASE WHEN total_portfolio > 0 THEN overdue15d / total_portfolio ELSE 0 END AS porr,
           CASE WHEN avg_age > 0 THEN (1 - (avg_dslr / avg_age) / 0.25) * 100 ELSE 0 END AS rdr
      FROM agg
  ),
  scored AS (
    SELECT calc.*, GREATEST(0, 1 - slippage) AS on_time,
           LEAST(1, GREATEST(0, 1 - 0.20 * porr - 0.15 * fimr - 0.10 * roll
             - (CASE WHEN rdr <= 100 THEN LEAST(0.40, (1 - rdr / 100) * 0.40) ELSE 0 END)
             - 0.15 * (1 - LEAST(ayr, 1)))) AS risk_norm
      FROM calc
  ),
  metrics AS (
    SELECT officer_id, total_portfolio::numeric(15,2)::text AS total_portfolio, overdue15d::numeric(15,2)::text AS overdue15d,
           round(porr, 8)::text AS par15, round(fimr, 8)::text AS fimr, round(ayr, 8)::text AS ayr,
           round(slippage, 8)::text AS slippage, round(roll, 8)::text AS roll,
           LEAST(100, GREATEST(0, trunc((0.50 * risk_norm + 0.35 * on_time + 0.15 * (1 - fimr)) * 100)))::int AS dqi,
           trunc(risk_norm * 100)::int AS risk_score,
           CASE WHEN trunc(risk_norm * 100) >= 80 THEN 'Green' WHEN trunc(risk_norm * 100) >= 60 THEN 'Watch'
                WHEN trunc(risk_norm * 100) >= 40 THEN 'Amber' ELSE 'Red' END AS risk_band,
           active_loans, disbursed
      FROM scored
  )`;

const LOAN_COMPUTED = `l.loan_id, l.branch, l.region, l.current_dpd, l.dpd_bucket, l.max_dpd_ever, l.principal_outstanding,
  l.actual_outstanding, l.total_outstanding, l.total_repayments, l.days_since_last_repayment, l.fimr_tagged`;
const LOAN_COMPUTED_FULL = `${LOAN_COMPUTED}, l.interest_outstanding, l.fees_outstanding, l.total_principal_paid, l.total_interest_paid,
  l.total_fees_paid, l.loan_age, l.repayment_delay_rate, l.timeliness_score, l.repayment_health, l.first_payment_received_date::text,
  l.days_since_due, l.django_status, l.status`;

/**
 * Django base fields of loans with their officer's and customer's names, one statement for many ids (a single id
 * gets the scalar form, as the gateway's loaders do: see keysMatch).
 */
async function djangoLoans(django: Queryable, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const params = new Params();
  const { rows } = await django.query<Record<string, unknown> & { id: string }>(
    `SELECT l.id::text AS id, l.amount::numeric(15,2)::text AS amount, l.repayment_amount::numeric(15,2)::text AS repayment_amount,
            round(l.interest_rate::numeric / 100, 4)::text AS interest_rate, l.processing_fee::numeric(15,2)::text AS fee,
            l.tenor_in_days, l.date_disbursed, l.start_date::text AS first_due_date, l.end_date::text AS maturity_date, l.status AS django_status,
            l.agent_id::text AS officer_id, COALESCE(u.username, u.email) AS officer_name, u.user_phone AS officer_phone,
            l.borrower_id::text AS customer_id, COALESCE(TRIM(c.first_name || ' ' || c.last_name), c.phone_number) AS customer_name,
            c.phone_number AS customer_phone
       FROM loans_ajoloan l
       LEFT JOIN accounts_customuser u ON u.id = l.agent_id
       LEFT JOIN ajo_ajouser c ON c.id = l.borrower_id
      WHERE ${keysMatch('l.id', ids, 'bigint', params)}`,
    params.values,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function djangoOfficers(django: Queryable, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const params = new Params();
  const { rows } = await django.query<Record<string, unknown> & { id: string }>(
    `SELECT u.id::text AS id, COALESCE(u.username, u.email) AS name, u.email, u.user_phone AS phone, u.user_type,
            CASE WHEN u.performance_status = 'Active' THEN 'Active' ELSE 'Inactive' END AS employment_status,
            (u.date_joined AT TIME ZONE 'Africa/Lagos')::date::text AS hire_date
       FROM accounts_customuser u WHERE ${keysMatch('u.id', ids, 'bigint', params)}`,
    params.values,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** A page of computed rows from seedsmetrics joined with their Django base rows, in page order. */
async function withDjangoLoans(django: Queryable, page: Array<Record<string, unknown> & { loan_id: string }>): Promise<unknown[]> {
  const base = await djangoLoans(django, page.map((r) => r.loan_id));
  return page.map((r) => ({ ...base.get(r.loan_id), ...r }));
}

async function rawOfficerList(pools: SqlPools, first: number, detailed: boolean): Promise<unknown> {
  const [page, count] = await Promise.all([
    pools.metrics.query<Record<string, unknown> & { officer_id: string }>(
      `WITH page AS (
         SELECT o.officer_id, o.officer_name, o.region, o.branch, o.supervisor_name, o.vertical_lead_name,
                row_number() OVER (ORDER BY o.officer_name, o.officer_id) AS ord
           FROM officers o WHERE ${VISIBLE_OFFICER('o')}
          ORDER BY o.officer_name, o.officer_id LIMIT $1),
       ${OFFICER_METRICS}
       SELECT page.*, metrics.* FROM page JOIN metrics USING (officer_id) ORDER BY page.ord`,
      [first],
    ),
    pools.metrics.query<{ n: number }>(`SELECT count(*)::int AS n FROM officers o WHERE ${VISIBLE_OFFICER('o')}`),
  ]);
  const base = detailed ? await djangoOfficers(pools.django, page.rows.map((r) => r.officer_id)) : await djangoOfficerNames(pools.django, page.rows.map((r) => r.officer_id));
  return { totalCount: count.rows[0]!.n, nodes: page.rows.map((r) => ({ ...base.get(r.officer_id), ...r })) };
}

async function djangoOfficerNames(django: Queryable, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await django.query<{ id: string; name: string }>(
    `SELECT u.id::text AS id, COALESCE(u.username, u.email) AS name FROM accounts_customuser u WHERE u.id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

const LOANS_PAGE_WHERE = `l.branch = $1 AND l.status = 'Active' AND l.current_dpd >= 1 AND ${VISIBLE_LOAN}`;
const FIMR_WHERE = `l.fimr_tagged AND l.django_status IN ('OPEN', 'PAST_MATURITY')`;

async function rawLoanPage(pools: SqlPools, where: string, order: string, params: unknown[], limitParam: number): Promise<unknown> {
  const [page, count] = await Promise.all([
    pools.metrics.query<Record<string, unknown> & { loan_id: string }>(
      `SELECT ${LOAN_COMPUTED} FROM loans l WHERE ${where} ORDER BY ${order} LIMIT $${limitParam}`,
      params,
    ),
    pools.metrics.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans l WHERE ${where}`, params.slice(0, limitParam - 1)),
  ]);
  return { totalCount: count.rows[0]!.n, nodes: await withDjangoLoans(pools.django, page.rows) };
}

export const RAW: Record<OperationName, SqlHandler> = {
  officersList: (pools, p) => rawOfficerList(pools, Number(p.first), true),

  officerById: async (pools, p) => {
    const [metrics, base] = await Promise.all([
      pools.metrics.query(
        `WITH page AS (SELECT o.officer_id, o.officer_name, o.region, o.branch, o.supervisor_name, o.vertical_lead_name, 1 AS ord
                         FROM officers o WHERE o.officer_id = $1),
         ${OFFICER_METRICS}
         SELECT page.*, metrics.* FROM page JOIN metrics USING (officer_id)`,
        [String(p.id)],
      ),
      djangoOfficers(pools.django, [String(p.id)]),
    ]);
    const row = base.get(String(p.id));
    return row ? { ...row, ...metrics.rows[0] } : null;
  },

  loansPage: (pools, p) => rawLoanPage(pools, LOANS_PAGE_WHERE, 'l.current_dpd DESC, l.loan_id DESC', [p.branch, p.first], 2),

  loanById: async (pools, p) => {
    const [metrics, base] = await Promise.all([
      pools.metrics.query(`SELECT ${LOAN_COMPUTED_FULL} FROM loans l WHERE l.loan_id = $1`, [String(p.id)]),
      djangoLoans(pools.django, [String(p.id)]),
    ]);
    const row = base.get(String(p.id));
    return row ? { ...row, ...metrics.rows[0] } : null;
  },

  fimrDrilldown: (pools, p) => rawLoanPage(pools, `${FIMR_WHERE} AND l.branch = $1`, 'l.disbursement_date DESC, l.loan_id DESC', [p.branch, p.first], 2),

  dashboard: async (pools, p) => {
    const [officers, summary, fimr, early] = await Promise.all([
      rawOfficerList(pools, Number(p.first), false),
      pools.metrics.query(
        `SELECT count(*)::int AS total_loans, COALESCE(sum(l.loan_amount), 0)::text AS total_portfolio_amount,
                count(*) FILTER (WHERE l.current_dpd > 14)::int AS at_risk_count,
                COALESCE(sum(l.loan_amount) FILTER (WHERE l.current_dpd > 14), 0)::text AS at_risk_amount,
                count(*) FILTER (WHERE l.current_dpd > 21)::int AS critical_count,
                COALESCE(sum(l.actual_outstanding) FILTER (WHERE l.current_dpd > 0), 0)::text AS total_amount_in_dpd
           FROM loans l WHERE ${VISIBLE_LOAN}`,
      ),
      pools.metrics.query(`SELECT count(*)::int AS n FROM loans l WHERE ${FIMR_WHERE}`),
      rawLoanPage(pools, 'l.current_dpd BETWEEN 1 AND 30', 'l.current_dpd DESC, l.loan_id DESC', [p.early], 1),
    ]);
    return { officers, portfolio: summary.rows[0], fimr: { totalCount: (fimr.rows[0] as { n: number }).n }, early };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// (c) the FDW design: everything through the metrics pool; Django rows arrive through fdw_design views.

const FDW_LOAN_BASE = `b.loan_id, b.loan_amount, b.repayment_amount, b.disbursement_date, b.maturity_date, b.status AS django_status,
  b.officer_id, b.officer_name, b.customer_id, b.customer_name, b.customer_phone`;

async function fdwOfficerList(pools: SqlPools, first: number): Promise<unknown> {
  const [page, count] = await Promise.all([
    pools.metrics.query(
      `WITH page AS (
         SELECT v.officer_id, v.officer_name, v.officer_email, v.officer_phone, v.hire_date, v.employment_status,
                v.branch AS django_branch, o.region, o.branch, o.supervisor_name, o.vertical_lead_name,
                row_number() OVER (ORDER BY v.officer_name, v.officer_id) AS ord
           FROM (SELECT * FROM fdw_design.officers_live ORDER BY officer_name, officer_id LIMIT $1) v
           LEFT JOIN officers o ON o.officer_id = v.officer_id),
       ${OFFICER_METRICS}
       SELECT page.*, metrics.* FROM page JOIN metrics USING (officer_id) ORDER BY page.ord`,
      [first],
    ),
    pools.metrics.query<{ n: number }>(`SELECT count(*)::int AS n FROM fdw_design.officers_live`),
  ]);
  return { totalCount: count.rows[0]!.n, nodes: page.rows };
}

async function fdwLoanPage(pools: SqlPools, where: string, order: string, params: unknown[], limitParam: number): Promise<unknown> {
  const from = `fdw_design.loans_base_live b JOIN loans l ON l.loan_id = b.loan_id`;
  const [page, count] = await Promise.all([
    pools.metrics.query(`SELECT ${FDW_LOAN_BASE}, ${LOAN_COMPUTED} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT $${limitParam}`, params),
    pools.metrics.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`, params.slice(0, limitParam - 1)),
  ]);
  return { totalCount: count.rows[0]!.n, nodes: page.rows };
}

const FDW_FIMR_WHERE = `l.fimr_tagged AND b.status IN ('OPEN', 'PAST_MATURITY')`;

export const FDW: Record<OperationName, SqlHandler> = {
  officersList: (pools, p) => fdwOfficerList(pools, Number(p.first)),

  officerById: async (pools, p) => {
    const { rows } = await pools.metrics.query(
      `WITH page AS (
         SELECT v.*, o.region AS curated_region, o.branch AS curated_branch, o.supervisor_name, o.vertical_lead_name, 1 AS ord
           FROM fdw_design.officers_live v LEFT JOIN officers o ON o.officer_id = v.officer_id
          WHERE v.officer_id = $1),
       ${OFFICER_METRICS}
       SELECT page.*, metrics.* FROM page JOIN metrics USING (officer_id)`,
      [String(p.id)],
    );
    return rows[0] ?? null;
  },

  loansPage: (pools, p) => fdwLoanPage(pools, LOANS_PAGE_WHERE, 'l.current_dpd DESC, l.loan_id DESC', [p.branch, p.first], 2),

  loanById: async (pools, p) => {
    const { rows } = await pools.metrics.query(
      `SELECT ${FDW_LOAN_BASE}, b.interest_rate, b.fee_amount, b.loan_term_days, ${LOAN_COMPUTED_FULL}
         FROM fdw_design.loans_base_live b JOIN loans l ON l.loan_id = b.loan_id
        WHERE b.loan_id = $1`,
      [String(p.id)],
    );
    return rows[0] ?? null;
  },

  fimrDrilldown: (pools, p) => fdwLoanPage(pools, `${FDW_FIMR_WHERE} AND l.branch = $1`, 'b.disbursement_date DESC, b.loan_id DESC', [p.branch, p.first], 2),

  dashboard: async (pools, p) => {
    const [officers, summary, fimr, early] = await Promise.all([
      fdwOfficerList(pools, Number(p.first)),
      pools.metrics.query(
        `SELECT count(*)::int AS total_loans, COALESCE(sum(b.loan_amount), 0)::text AS total_portfolio_amount,
                count(*) FILTER (WHERE l.current_dpd > 14)::int AS at_risk_count,
                COALESCE(sum(b.loan_amount) FILTER (WHERE l.current_dpd > 14), 0)::text AS at_risk_amount,
                count(*) FILTER (WHERE l.current_dpd > 21)::int AS critical_count,
                COALESCE(sum(l.actual_outstanding) FILTER (WHERE l.current_dpd > 0), 0)::text AS total_amount_in_dpd
           FROM fdw_design.loans_base_live b JOIN loans l ON l.loan_id = b.loan_id WHERE ${VISIBLE_LOAN}`,
      ),
      pools.metrics.query(`SELECT count(*)::int AS n FROM fdw_design.loans_base_live b JOIN loans l ON l.loan_id = b.loan_id WHERE ${FDW_FIMR_WHERE}`),
      fdwLoanPage(pools, 'l.current_dpd BETWEEN 1 AND 30', 'l.current_dpd DESC, l.loan_id DESC', [p.early], 1),
    ]);
    return { officers, portfolio: summary.rows[0], fimr: { totalCount: (fimr.rows[0] as { n: number }).n }, early };
  },
};
