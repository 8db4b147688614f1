/** The loans summary of §4.6 over a filtered loan list. */
import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DecimalScalar } from './scalars';

@ObjectType()
export class RepaymentsByDjangoStatus {
  @Field(() => String, { nullable: true, description: 'Raw Django status; null for a missing or empty status.' })
  djangoStatus: string | null;

  @Field(() => DecimalScalar)
  amount: string;
}

@ObjectType({ description: 'Aggregates over every loan matching the filter (not just the page). At risk: DPD > 14; critical: DPD > 21.' })
export class LoanSummary {
  @Field(() => DateScalar, { description: 'The business date "today" refers to.' })
  businessDate: string;

  @Field(() => Int)
  totalLoans: number;

  @Field(() => DecimalScalar, { description: 'Σ loan amount.' })
  totalPortfolioAmount: string;

  @Field(() => Int)
  atRiskCount: number;

  @Field(() => DecimalScalar)
  atRiskAmount: string;

  @Field(() => DecimalScalar)
  atRiskActualOutstanding: string;

  @Field(() => DecimalScalar, { description: 'atRiskCount / totalLoans × 100, 2 places.' })
  atRiskPercentage: string;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding of loans with DPD > 0.' })
  totalAmountInDpd: string;

  @Field(() => Int)
  criticalCount: number;

  @Field(() => DecimalScalar)
  criticalPercentage: string;

  @Field(() => Int, { description: 'Repayment delay rate ≥ 80.' })
  delayExcellentCount: number;

  @Field(() => Int, { description: 'Repayment delay rate from 40 to below 80.' })
  delayOkayCount: number;

  @Field(() => Int, { description: 'Repayment delay rate below 40.' })
  delayCriticalCount: number;

  @Field(() => DecimalScalar, { description: 'Σ daily repayment amount of loans in arrears.' })
  totalDueForToday: string;

  @Field(() => DecimalScalar)
  pastMaturityOutstanding: string;

  @Field(() => Int)
  performingLoansCount: number;

  @Field(() => DecimalScalar)
  performingActualOutstanding: string;

  @Field(() => DateScalar)
  periodStart: string;

  @Field(() => DateScalar)
  periodEnd: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments dated in the period (filter.period, default today).' })
  totalRepaymentsInPeriod: string;

  @Field(() => DecimalScalar)
  totalRepaymentsYesterday: string;

  @Field(() => DecimalScalar, { description: 'totalRepaymentsInPeriod / totalDueForToday × 100, 2 places.' })
  percentageOfDueCollected: string;

  @Field(() => DecimalScalar, { description: 'Σ daily repayment amount of loans in arrears with no counted repayment today.' })
  missedRepaymentsToday: string;

  @Field(() => Int)
  missedRepaymentsTodayCount: number;

  @Field(() => [RepaymentsByDjangoStatus], { description: 'Counted repayments in the period per raw Django status, largest first.' })
  repaymentsByDjangoStatus: RepaymentsByDjangoStatus[];
}
