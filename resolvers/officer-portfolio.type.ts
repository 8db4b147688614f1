/** An officer's portfolio metrics (§4.4, PAR per D8), computed in seedsmetrics in one statement per page of officers. */
import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from './scalars';

@ObjectType({
  description:
    "Officer metrics of §4.4 over all the officer's loans (every status); ratios are exact decimals rounded to 8 places, 0 when the denominator is 0. " +
    'An officer without loans (of the wave asked) reads 0 for sums and ratios but onTimeRate 1, riskScoreNorm 0.45 (riskScore 45, Amber) and dqi 72: ' +
    'a repaymentDelayRate and an AYR of 0 cost their full penalties.',
})
export class OfficerPortfolio {
  @Field(() => DecimalScalar, { description: 'Σ principal outstanding (also "PAR15 mid-month").' })
  totalPortfolio: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD ≥ 15.' })
  overdue15d: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD ≥ 30.' })
  par30Amount: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD ≥ 60.' })
  par60Amount: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD ≥ 90 (90 included, unlike DpdBucket DPD_90_PLUS).' })
  par90Amount: string;

  @Field(() => DecimalScalar, { description: 'overdue15d / totalPortfolio (D8).' })
  par15: string;

  @Field(() => DecimalScalar, { description: 'par30Amount / totalPortfolio (D8).' })
  par30: string;

  @Field(() => DecimalScalar, { description: 'par60Amount / totalPortfolio (D8).' })
  par60: string;

  @Field(() => DecimalScalar, { description: 'par90Amount / totalPortfolio (D8).' })
  par90: string;

  @Field(() => DecimalScalar, { description: 'Portfolio at risk ratio: overdue15d / totalPortfolio.' })
  porr: string;

  @Field(() => Int, { description: 'Loans with FIMR.' })
  firstMiss: number;

  @Field(() => Int, { description: 'Distinct loans (the dashboard also calls it active loans).' })
  disbursed: number;

  @Field(() => Int, { description: 'Loans whose principal + interest + fees outstanding exceeds 2000.' })
  activeLoansCount: number;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD 1–6 (also the "previous" balance of roll: there is no history of it).' })
  dpd1to6Balance: string;

  @Field(() => DecimalScalar, { description: 'Σ principal + interest + fees outstanding.' })
  amountDue7d: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD 7–30.' })
  movedTo7to30: string;

  @Field(() => DecimalScalar, { description: 'Fees share of the counted repayments (§4.4): Σ over loans of repayments × fee / (amount × (1 + rate) + fee), not capped; a loan without a fee adds 0, one without interest its whole fee share, 2 dp.' })
  feesCollected: string;

  @Field(() => DecimalScalar, { description: 'Interest share of the counted repayments (§4.4): Σ over loans of repayments × amount × rate / (amount × (1 + rate) + fee), not capped; a loan without interest adds 0, one without a fee its whole interest share, 2 dp.' })
  interestCollected: string;

  @Field(() => DecimalScalar, { description: 'Σ processing fees of the loans.' })
  feesDue: string;

  @Field(() => DecimalScalar, { description: 'Mean timeliness score of the live loans (principal + interest + fees outstanding > 2000); 0 when none.' })
  avgTimelinessScore: string;

  @Field(() => DecimalScalar, { description: 'Mean repayment health of the live loans (principal + interest + fees outstanding > 2000); 0 when none.' })
  avgRepaymentHealth: string;

  @Field(() => DecimalScalar, { description: 'Mean calendar days since the last counted repayment, over the live loans that have one (outstanding > 2000); 0 when none.' })
  avgDaysSinceLastRepayment: string;

  @Field(() => DecimalScalar, { description: 'Mean calendar days since disbursement of the live loans (principal + interest + fees outstanding > 2000); 0 when none.' })
  avgLoanAge: string;

  @Field(() => DecimalScalar, { description: 'firstMiss / disbursed.' })
  fimr: string;

  @Field(() => DecimalScalar, { description: 'D0-6 slippage: dpd1to6Balance / amountDue7d.' })
  slippage: string;

  @Field(() => DecimalScalar, { description: 'movedTo7to30 / dpd1to6Balance.' })
  roll: string;

  @Field(() => DecimalScalar, { description: 'Fee recovery rate: feesCollected / feesDue.' })
  frr: string;

  @Field(() => DecimalScalar, {
    description:
      'AYR (§4.4): (interestCollected + feesCollected) / totalPortfolio, i.e. the interest and fee shares of every counted repayment over the loans\' ' +
      'lifetime (closed loans included) divided by the principal outstanding now. Neither annualised nor month-bounded, and unbounded: large when little ' +
      'principal is left.',
  })
  ayr: string;

  @Field(() => DecimalScalar, { description: 'interestCollected + feesCollected.' })
  yield: string;

  @Field(() => DecimalScalar, { description: 'max(0, 1 − slippage).' })
  onTimeRate: string;

  @Field(() => DecimalScalar, { description: 'Always 1 (as upstream: no channel data to measure it).' })
  channelPurity: string;

  @Field(() => DecimalScalar, { description: 'Officer repayment delay rate: (1 − (avgDaysSinceLastRepayment / avgLoanAge) / 0.25) × 100, 2 dp; 0 when avgLoanAge is 0.' })
  repaymentDelayRate: string;

  @Field(() => DecimalScalar, { description: 'Risk score 0–1 (§4.4): 1 − 0.20·porr − 0.15·fimr − 0.10·roll − delay penalty − 0.15·(1 − min(ayr, 1)), clamped to 0–1.' })
  riskScoreNorm: string;

  @Field(() => Int, { description: 'trunc(riskScoreNorm × 100).' })
  riskScore: number;

  @Field(() => String, { description: 'Green (≥ 80), Watch (≥ 60), Amber (≥ 40) or Red.' })
  riskBand: string;

  @Field(() => Int, {
    description: 'DQI (§4.4), a composite of riskScoreNorm, onTimeRate and fimr: trunc((0.50·riskScoreNorm + 0.35·onTimeRate + 0.15·(1 − fimr)) × 100), clamped to 0–100.',
  })
  dqi: number;
}
