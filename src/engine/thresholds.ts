/**
 * Every DPD threshold of the system, named once (decision D14). The SQL engine
 * (drizzle/metrics/migrations/0002_engine_functions.sql: dpd_bucket(), refresh_par()) uses the same numbers;
 * test/integration/engine/thresholds.test.ts fails when the two disagree. Inclusive bounds throughout.
 */

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

/** Scopes of par_current / par_changes, and the key of the whole-portfolio scope. */
export const PAR_SCOPES = ['OFFICER', 'BRANCH', 'REGION', 'PORTFOLIO'] as const;
export type ParScope = (typeof PAR_SCOPES)[number];
export const PORTFOLIO_SCOPE_KEY = 'ALL';

/** early_indicator_tagged: current_dpd in 1..6 (§3.2). */
export const EARLY_INDICATOR_MIN_DPD = 1;
export const EARLY_INDICATOR_MAX_DPD = 6;

/** Vertical-lead DPD bands (§4.1 with D14: the overlapping 7-14 / 14-21 become 7-14 and 15-21). */
export const VERTICAL_LEAD_BANDS = [
  { label: 'dpd0', min: 0, max: 0 },
  { label: 'dpd1_6', min: 1, max: 6 },
  { label: 'dpd7_14', min: 7, max: 14 },
  { label: 'dpd14_21', min: 15, max: 21 },
  { label: 'dpd21_plus', min: 22, max: Number.POSITIVE_INFINITY },
] as const;

/** Early-indicator drilldown filters (§4.1). */
export const EARLY_INDICATOR_STATUS_BANDS = [
  { label: 'D1-3', min: 1, max: 3 },
  { label: 'D4-6', min: 4, max: 6 },
  { label: 'D7-15', min: 7, max: 15 },
  { label: 'D16-30', min: 16, max: 30 },
] as const;

/** Loans summary: "at risk" is current_dpd > 14 (i.e. >= PAR15_MIN_DPD), "critical" is > 21. */
export const AT_RISK_MIN_DPD = PAR15_MIN_DPD;
export const CRITICAL_MIN_DPD = 22;

/** Early / late "risk of termination" (§4.5): current_dpd > 4, split at loan_age 7. */
export const ROT_MIN_DPD = 5;
export const ROT_EARLY_MAX_LOAN_AGE = 6;
