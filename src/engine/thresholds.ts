/**
 * The DPD thresholds and bands of the system and the loan-level business cut-offs (outstanding, days since the last
 * repayment, repayment delay rate; §4.5–§4.7), each named once (decision D14). Loaders and resolvers import these
 * and interpolate them into their SQL (numbers only). The SQL engine in drizzle/metrics/migrations uses the same
 * numbers — dpd_bucket(), early_indicator_tagged (recompute_loan_fields()), refresh_par() and
 * officer_totals_sums_sql() —; test/integration/engine/thresholds.test.ts fails when the two disagree.
 *
 * Not here, each written once where it is used: the point tables of the top-risk score (loaders/top-risk.metrics.ts)
 * and the officer risk bands and KPI cut-offs (officer-portfolio / portfolio-kpi loaders), the NPL status ratios
 * (NPL_STATUS_THRESHOLDS), the agent-activity multiples, and the demo seed's case manifest (src/seed/manifest.ts).
 *
 * Bounds named `min`, `max` or `..._MIN...` are inclusive; `..._ABOVE` means strictly greater, `..._BELOW` strictly less.
 */

// ---------------------------------------------------------------------------------------------------------------
// DPD thresholds
// ---------------------------------------------------------------------------------------------------------------

/** D7 buckets of current_dpd, in order. '90+' keeps its upstream label but starts at 91 (90 is in '61-90'). */
export const DPD_BUCKETS = [
  { label: '0', min: 0, max: 0 },
  { label: '1-6', min: 1, max: 6 },
  { label: '7-30', min: 7, max: 30 },
  { label: '31-60', min: 31, max: 60 },
  { label: '61-90', min: 61, max: 90 },
  { label: '90+', min: 91, max: Number.POSITIVE_INFINITY },
] as const;

export type DpdBucket = (typeof DPD_BUCKETS)[number]['label'];

/** The bucket labels in order of severity (index = rank). */
export const DPD_BUCKET_LABELS: readonly DpdBucket[] = DPD_BUCKETS.map((b) => b.label);

/** The bucket of a DPD value; negative values (never stored) fall in '0' like in SQL. */
export function dpdBucketOf(dpd: number): DpdBucket {
  if (!Number.isInteger(dpd)) throw new TypeError(`dpd must be an integer number of days; got ${JSON.stringify(dpd)}`);
  for (const bucket of DPD_BUCKETS) if (dpd <= bucket.max) return bucket.label;
  return '90+';
}

/** PAR thresholds (D8, D14): PARn counts loans with current_dpd >= n. PAR15 is ">= 15" everywhere. */
export const PAR15_MIN_DPD = 15;
export const PAR30_MIN_DPD = 30;
export const PAR60_MIN_DPD = 60;
export const PAR90_MIN_DPD = 90;
export const PAR_THRESHOLDS = [PAR15_MIN_DPD, PAR30_MIN_DPD, PAR60_MIN_DPD, PAR90_MIN_DPD] as const;

/** early_indicator_tagged: current_dpd in 1..6 (§3.2). */
export const EARLY_INDICATOR_MIN_DPD = 1;
export const EARLY_INDICATOR_MAX_DPD = 6;

/** The bands the early-indicators drilldown can pick (§4.1, §6 row 4), keyed by their upstream status label. */
export const EARLY_INDICATOR_DRILLDOWN_BANDS = {
  'D1-3': { min: 1, max: 3 },
  'D4-6': { min: 4, max: 6 },
  'D7-15': { min: 7, max: 15 },
  'D16-30': { min: 16, max: 30 },
} as const;

/** The early-indicators drilldown's population without a band: DPD 1–30, the union of its bands. */
export const EARLY_INDICATOR_DRILLDOWN_DPD = {
  min: EARLY_INDICATOR_DRILLDOWN_BANDS['D1-3'].min,
  max: EARLY_INDICATOR_DRILLDOWN_BANDS['D16-30'].max,
} as const;

/**
 * Vertical-lead DPD bands (§4.1 with D14: the overlapping 7-14 / 14-21 become 7-14 and 15-21), keyed by the
 * vertical-lead row's field.
 */
export const VERTICAL_LEAD_BANDS = {
  dpd0: { min: 0, max: 0 },
  dpd1To6: { min: 1, max: 6 },
  dpd7To14: { min: 7, max: 14 },
  dpd15To21: { min: 15, max: 21 },
  dpdOver21: { min: 22, max: Number.POSITIVE_INFINITY },
} as const;

/** Loans summary (§4.6): "at risk" is current_dpd > 14, i.e. >= PAR15_MIN_DPD (D14); "critical" is > 21. */
export const AT_RISK_MIN_DPD = PAR15_MIN_DPD;
export const CRITICAL_MIN_DPD = 22;

/** Early / late "risk of termination" (§4.5, §4.7): current_dpd > 4; early below loan_age 7, late from 7. */
export const ROT_MIN_DPD = 5;
export const ROT_LATE_MIN_LOAN_AGE = 7;

// ---------------------------------------------------------------------------------------------------------------
// Business cut-offs (not DPD): outstanding, days since the last repayment, repayment delay rate
// ---------------------------------------------------------------------------------------------------------------

/**
 * A loan is "live" when its outstanding is above this (NGN; strictly greater): total_outstanding in the KPI tiles
 * and loan filters (§4.5, §4.7), principal + interest + fees outstanding in the officer metrics (§4.4).
 */
export const LIVE_OUTSTANDING_ABOVE = 2000;

/** A loan is "quiet" from this many days without a counted repayment (or when it has none, §4.7). */
export const QUIET_MIN_DAYS = 6;

/** "Risky delay" (§4.7): an Active live loan whose repayment delay rate is below this. */
export const RISKY_DELAY_RATE_BELOW = 60;

/** Loans summary delay categories (§4.6): excellent from 80, okay from 40 to below 80, critical below 40. */
export const DELAY_RATE_EXCELLENT_MIN = 80;
export const DELAY_RATE_OKAY_MIN = 40;
