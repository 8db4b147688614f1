/**
 * The officer metrics of §4.4, raw and calculated, computed in one seedsmetrics statement for a whole page of
 * officers. All arithmetic is numeric (exact); ratios are rounded to 8 places only when returned, and the
 * integer scores (riskScore, dqi) truncate the unrounded values as §4.4 defines.
 */
import { keyRows, Params, selectList, type Queryable } from './sql';

export interface OfficerPortfolioRow {
  officerId: string;
  // raw metrics
  firstMiss: number;
  disbursed: number;
  dpd1to6Balance: string;
  amountDue7d: string;
  movedTo7to30: string;
  feesCollected: string;
  interestCollected: string;
  feesDue: string;
  overdue15d: string;
  totalPortfolio: string;
  par30Amount: string;
  par60Amount: string;
  par90Amount: string;
  activeLoansCount: number;
  avgTimelinessScore: string;
  avgRepaymentHealth: string;
  avgDaysSinceLastRepayment: string;
  avgLoanAge: string;
  // calculated metrics
  fimr: string;
  slippage: string;
  roll: string;
  frr: string;
  ayr: string;
  yield: string;
  porr: string;
  par15: string;
  par30: string;
  par60: string;
  par90: string;
  onTimeRate: string;
  channelPurity: string;
  repaymentDelayRate: string;
  riskScoreNorm: string;
  riskScore: number;
  riskBand: string;
  dqi: number;
}

/** `num / den`, 0 when the denominator is not positive (§4.4: division guarded). */
const ratio = (num: string, den: string): string => `(CASE WHEN ${den} > 0 THEN ${num} / ${den} ELSE 0 END)`;

/** The mean of a kept sum and its non-null count, 0 when the count is 0 (§4.4's avg over no loans is 0). */
const mean = (total: string, count: string): string => `COALESCE(sum(t.${total}) / NULLIF(sum(t.${count}), 0), 0)`;

/**
 * The §4.4 metrics as a WITH chain ending in `scored` (one row per officer of `officerSource`, a query returning
 * distinct officer ids). The raw sums and counts come from officer_portfolio_totals (per officer and wave, kept by
 * triggers on `loans`: migration 0020), so the cost follows the number of officers, not of their loans. `waveParam`
 * is a bound parameter restricting the loans (NULL = all waves). Shared by the per-officer loader, the metric sorts
 * and the portfolio KPIs, so all compute the metrics the same way.
 *
 * The collected-fee and -interest sums are trim_scale'd: each loan's share keeps every digit of its quotient, and
 * a kept sum remembers the longest share it ever held (as trailing zeros), which would otherwise change how many
 * digits the ratios built on it are divided to.
 */
export function officerMetricsChain(officerSource: string, waveParam: string): string {
  return `raw AS (
       SELECT p.officer_id,
              COALESCE(sum(t.fimr_count), 0)::int AS first_miss,
              COALESCE(sum(t.loans_count), 0)::int AS disbursed,
              COALESCE(sum(t.principal_dpd_1_6), 0) AS dpd1to6_bal,
              COALESCE(sum(t.outstanding), 0) AS amount_due_7d,
              COALESCE(sum(t.principal_dpd_7_30), 0) AS moved_to_7to30,
              trim_scale(COALESCE(sum(t.fees_collected), 0)) AS fees_collected,
              trim_scale(COALESCE(sum(t.interest_collected), 0)) AS interest_collected,
              COALESCE(sum(t.fee_amount), 0) AS fees_due,
              COALESCE(sum(t.principal_dpd_15_plus), 0) AS overdue15d,
              COALESCE(sum(t.principal_dpd_30_plus), 0) AS par30_amount,
              COALESCE(sum(t.principal_dpd_60_plus), 0) AS par60_amount,
              COALESCE(sum(t.principal_dpd_90_plus), 0) AS par90_amount,
              COALESCE(sum(t.principal_outstanding), 0) AS total_portfolio,
              COALESCE(sum(t.live_count), 0)::int AS active_loans,
              ${mean('live_timeliness_sum', 'live_timeliness_count')} AS avg_timeliness,
              ${mean('live_health_sum', 'live_health_count')} AS avg_health,
              ${mean('live_days_since_repayment_sum', 'live_days_since_repayment_count')} AS avg_dslr,
              ${mean('live_loan_age_sum', 'live_loan_age_count')} AS avg_age
         FROM (${officerSource}) AS p(officer_id)
         LEFT JOIN officer_portfolio_totals t ON t.officer_id = p.officer_id AND (${waveParam}::text IS NULL OR t.wave = ${waveParam}::text)
        GROUP BY p.officer_id
     ),
     ${SCORED_FROM_RAW}`;
}

/**
 * The calculated metrics of §4.4 as CTEs `calc` and `scored` over a CTE `raw` (one row per officer with the raw
 * sums, counts and averages that officerMetricsChain reads from officer_portfolio_totals).
 */
export const SCORED_FROM_RAW = `calc AS (
       SELECT raw.*,
              ${ratio('first_miss::numeric', 'disbursed')} AS fimr,
              ${ratio('dpd1to6_bal', 'amount_due_7d')} AS slippage,
              ${ratio('moved_to_7to30', 'dpd1to6_bal')} AS roll,
              ${ratio('fees_collected', 'fees_due')} AS frr,
              ${ratio('(interest_collected + fees_collected)', 'total_portfolio')} AS ayr,
              ${ratio('overdue15d', 'total_portfolio')} AS porr,
              ${ratio('par30_amount', 'total_portfolio')} AS par30,
              ${ratio('par60_amount', 'total_portfolio')} AS par60,
              ${ratio('par90_amount', 'total_portfolio')} AS par90,
              CASE WHEN avg_age > 0 THEN (1 - (avg_dslr / avg_age) / 0.25) * 100 ELSE 0 END AS rdr
         FROM raw
     ),
     scored AS (
       SELECT calc.*,
              GREATEST(0, 1 - slippage) AS on_time,
              LEAST(1, GREATEST(0,
                1 - 0.20 * porr - 0.15 * fimr - 0.10 * roll
                  - (CASE WHEN rdr <= 100 THEN LEAST(0.40, (1 - rdr / 100) * 0.40) ELSE 0 END)
                  - 0.15 * (1 - LEAST(ayr, 1)))) AS risk_norm
         FROM calc
     )`;

/** The §4.4 risk bands, best first (riskBandSql gives the score each starts at). */
export const RISK_BANDS = ['Green', 'Watch', 'Amber', 'Red'] as const;

/** An officer's riskBand over `scored` (`q` qualifies its columns). */
export function riskBandSql(q: string): string {
  const riskScore = `trunc(${q}risk_norm * 100)`;
  return `CASE WHEN ${riskScore} >= 80 THEN 'Green' WHEN ${riskScore} >= 60 THEN 'Watch' WHEN ${riskScore} >= 40 THEN 'Amber' ELSE 'Red' END`;
}

/** An officer's repaymentDelayRate over `scored` as a numeric, to the 2 places the API shows. */
export function repaymentDelayRateSql(q: string): string {
  return `round(${q}rdr, 2)`;
}

/** The SQL of each OfficerPortfolioRow field over `scored`; `q` qualifies its columns (e.g. "s.") when joined. */
function portfolioSelect(q: string): Record<keyof OfficerPortfolioRow, string> {
  const riskScore = `trunc(${q}risk_norm * 100)`;
  return {
    officerId: `${q}officer_id`,
    firstMiss: `${q}first_miss`,
    disbursed: `${q}disbursed`,
    dpd1to6Balance: `round(${q}dpd1to6_bal, 2)::text`,
    amountDue7d: `round(${q}amount_due_7d, 2)::text`,
    movedTo7to30: `round(${q}moved_to_7to30, 2)::text`,
    feesCollected: `round(${q}fees_collected, 2)::text`,
    interestCollected: `round(${q}interest_collected, 2)::text`,
    feesDue: `round(${q}fees_due, 2)::text`,
    overdue15d: `round(${q}overdue15d, 2)::text`,
    totalPortfolio: `round(${q}total_portfolio, 2)::text`,
    par30Amount: `round(${q}par30_amount, 2)::text`,
    par60Amount: `round(${q}par60_amount, 2)::text`,
    par90Amount: `round(${q}par90_amount, 2)::text`,
    activeLoansCount: `${q}active_loans`,
    avgTimelinessScore: `round(${q}avg_timeliness, 2)::text`,
    avgRepaymentHealth: `round(${q}avg_health, 2)::text`,
    avgDaysSinceLastRepayment: `round(${q}avg_dslr, 2)::text`,
    avgLoanAge: `round(${q}avg_age, 2)::text`,
    fimr: `round(${q}fimr, 8)::text`,
    slippage: `round(${q}slippage, 8)::text`,
    roll: `round(${q}roll, 8)::text`,
    frr: `round(${q}frr, 8)::text`,
    ayr: `round(${q}ayr, 8)::text`,
    yield: `round(${q}interest_collected + ${q}fees_collected, 2)::text`,
    porr: `round(${q}porr, 8)::text`,
    par15: `round(${q}porr, 8)::text`,
    par30: `round(${q}par30, 8)::text`,
    par60: `round(${q}par60, 8)::text`,
    par90: `round(${q}par90, 8)::text`,
    onTimeRate: `round(${q}on_time, 8)::text`,
    channelPurity: `'1.00000000'`,
    repaymentDelayRate: `${repaymentDelayRateSql(q)}::text`,
    riskScoreNorm: `round(${q}risk_norm, 8)::text`,
    riskScore: `${riskScore}::int`,
    riskBand: riskBandSql(q),
    dqi: `LEAST(100, GREATEST(0, trunc((0.50 * ${q}risk_norm + 0.35 * ${q}on_time + 0.15 * (1 - ${q}fimr)) * 100)))::int`,
  };
}

export type OfficerPortfolioField = Exclude<keyof OfficerPortfolioRow, 'officerId'>;
export const OFFICER_PORTFOLIO_FIELDS = (Object.keys(portfolioSelect('')) as Array<keyof OfficerPortfolioRow>).filter(
  (key): key is OfficerPortfolioField => key !== 'officerId',
);

/** A row with officerId and some of the metrics (the ones a query shows). */
export type OfficerPortfolioPart = Pick<OfficerPortfolioRow, 'officerId'> & Partial<OfficerPortfolioRow>;

/**
 * The select list of `fields` (every metric by default; officerId always) over `scored`; `q` qualifies its columns
 * (e.g. "s.") when joined. PostgreSQL drops the aggregates no selected field uses, so a narrow list is cheaper.
 */
export function officerPortfolioColumns(q = '', fields: readonly OfficerPortfolioField[] = OFFICER_PORTFOLIO_FIELDS): string {
  return selectList(portfolioSelect(q), fields, 'officerId');
}

/**
 * Metrics for the given officers (officers without loans get zeros). `wave` restricts the loans (§4.4).
 * The loans' out3 = principal + interest + fees outstanding; "live" loans have out3 > 2000.
 */
export async function fetchOfficerPortfolios(
  db: Queryable,
  officerIds: readonly string[],
  wave: string | null,
  fields: readonly OfficerPortfolioField[] = OFFICER_PORTFOLIO_FIELDS,
): Promise<OfficerPortfolioPart[]> {
  const params = new Params();
  const waveParam = params.add(wave);
  const { rows } = await db.query<OfficerPortfolioPart>(
    `WITH ${officerMetricsChain(keyRows(officerIds, 'text', params), waveParam)}
     SELECT ${officerPortfolioColumns('', fields)} FROM scored`,
    params.values,
  );
  return rows;
}
