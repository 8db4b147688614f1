/** The loans summary of §4.6 over a filtered loan list. */
import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DecimalScalar } from './scalars';

@ObjectType({ description: 'Counted repayments dated in the period, per raw Django status of their loan.' })
export class RepaymentsByDjangoStatus {
  @Field(() => String, { nullable: true, description: 'Raw Django status; null for a missing or empty status.' })
  djangoStatus: string | null;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments dated in the period, of loans with this raw status.' })
  amount: string;
}

@ObjectType({ description: 'Aggregates over every loan matching the filter (not just the page). At risk: DPD > 14; critical: DPD > 21.' })
export class LoanSummary {
  @Field(() => DateScalar, { description: 'The business date "today" refers to.' })
  businessDate: string;

  @Field(() => Int, { description: 'Number of loans matching the filter.' })
  totalLoans: number;

  @Field(() => DecimalScalar, { description: 'Σ loan amount.' })
  totalPortfolioAmount: string;

  @Field(() => Int, { description: 'Loans with DPD > 14.' })
  atRiskCount: number;

  @Field(() => DecimalScalar, { description: 'Σ loan amount of the at-risk loans.' })
  atRiskAmount: string;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding (amount in arrears) of the at-risk loans.' })
  atRiskActualOutstanding: string;

  @Field(() => DecimalScalar, { description: 'atRiskCount / totalLoans × 100, 2 places.' })
  atRiskPercentage: string;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding of loans with DPD > 0.' })
  totalAmountInDpd: string;

  @Field(() => Int, { description: 'Loans with DPD > 21.' })
  criticalCount: number;

  @Field(() => DecimalScalar, { description: 'criticalCount / totalLoans × 100, 2 places.' })
  criticalPercentage: string;

  @Field(() => Int, { description: 'Loans with repayment delay rate ≥ 80 (loans with a null rate are in none of the three delay counts).' })
  delayExcellentCount: number;

  @Field(() => Int, { description: 'Loans with repayment delay rate from 40 to below 80.' })
  delayOkayCount: number;

  @Field(() => Int, { description: 'Loans with repayment delay rate below 40, including any loan disbursed on its computedAsOf date (loanAge 0 reads 0.00).' })
  delayCriticalCount: number;

  @Field(() => DecimalScalar, {
    description:
      "Σ daily repayment amount of the loans in arrears (actual outstanding > 0, after today's counted repayments): one instalment per loan however " +
      'far behind, nothing for loans up to date. No weekend or holiday awareness: on a Saturday, Sunday or holiday they still add their instalment.',
  })
  totalDueForToday: string;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding of loans in arrears whose maturity date is before businessDate.' })
  pastMaturityOutstanding: string;

  @Field(() => Int, { description: 'Loans whose Django performance status is PERFORMING (any letter case).' })
  performingLoansCount: number;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding of the performing loans.' })
  performingActualOutstanding: string;

  @Field(() => DateScalar, { description: 'First business date of the period (weeks start on Monday).' })
  periodStart: string;

  @Field(() => DateScalar, { description: 'Last business date of the period: businessDate, or the last day of the previous month for LAST_MONTH.' })
  periodEnd: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments dated in the period (filter.period, default today).' })
  totalRepaymentsInPeriod: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments dated the calendar day before businessDate, whatever the period.' })
  totalRepaymentsYesterday: string;

  @Field(() => DecimalScalar, {
    description:
      "totalRepaymentsInPeriod / totalDueForToday × 100, 2 places, as upstream (§4.6): for a period other than TODAY, the period's repayments over " +
      "today's due. Not capped at 100 (repayments count every filtered loan, the due only those in arrears); 0 when nothing is due, even if money " +
      'came in (unlike todayRate and collectionRateToday of the collections boards).',
  })
  percentageOfDueCollected: string;

  @Field(() => DecimalScalar, {
    description: 'Σ daily repayment amount of the loans in arrears (as in totalDueForToday) with no counted repayment dated businessDate; no weekend or holiday awareness.',
  })
  missedRepaymentsToday: string;

  @Field(() => Int, { description: 'Number of the loans in missedRepaymentsToday.' })
  missedRepaymentsTodayCount: number;

  @Field(() => [RepaymentsByDjangoStatus], { description: 'Counted repayments in the period per raw Django status, largest first.' })
  repaymentsByDjangoStatus: RepaymentsByDjangoStatus[];
}
