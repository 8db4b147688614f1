/** The KPI strip over every dashboard-visible officer (§4.5). */
import { Field, Int, ObjectType } from 'type-graphql';
import { DecimalScalar } from './scalars';

@ObjectType({
  description:
    'KPIs over every dashboard-visible officer (§4.5), those without loans (of the wave) included; loan tiles count Active loans only. ' +
    'An officer without loans reads riskScore 45, dqi 72 and AYR 0 (OfficerPortfolio), which the officer averages take in.',
})
export class PortfolioKpis {
  topOfficerId: string | null;

  @Field(() => Int, { description: 'Dashboard-visible officers (§1.8), with or without loans (of the wave).' })
  totalOfficers: number;

  @Field(() => Int, { description: 'Σ officers\' loans.' })
  totalLoans: number;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding.' })
  totalPortfolio: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of the officers\' loans with DPD ≥ 15.' })
  totalOverdue15d: string;

  @Field(() => Int, { description: "Mean of every visible officer's DQI, truncated to an integer; officers without loans count with 72." })
  avgDqi: number;

  @Field(() => DecimalScalar, { description: "Mean of every visible officer's AYR (§4.4), 8 dp; officers without loans count with 0." })
  avgAyr: string;

  @Field(() => Int, { description: "Mean of every visible officer's risk score, truncated to an integer; officers without loans count with 45." })
  avgRiskScore: number;

  @Field(() => DecimalScalar, { nullable: true, description: 'AYR of the officer with the highest AYR (> 0).' })
  topOfficerAyr: string | null;

  @Field(() => Int, { description: 'Officers with risk score below 40.' })
  watchlistCount: number;

  @Field(() => DecimalScalar, { description: 'Σ totalPortfolio of the watchlist officers.' })
  watchlistPortfolio: string;

  @Field(() => DecimalScalar, { description: "Mean of the officers' repayment delay rates that are not 0 (so officers without loans are left out), 2 dp." })
  avgRepaymentDelayRate: string;

  @Field(() => Int, { description: 'Officers whose live loans average > 10 days since the last repayment and > 14 days of age.' })
  atRiskOfficersCount: number;

  @Field(() => DecimalScalar, { description: 'atRiskOfficersCount / totalOfficers × 100, 2 dp; totalOfficers includes officers without loans.' })
  atRiskOfficersPercentage: string;

  @Field(() => Int, { description: 'Active loans with total outstanding > 2000 paid within 5 days.' })
  activeLoansCount: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding of the loans counted in activeLoansCount.' })
  activeLoansVolume: string;

  @Field(() => Int, { description: 'Active loans with total outstanding ≤ 2000 or no payment for more than 5 days.' })
  inactiveLoansCount: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding of the loans counted in inactiveLoansCount.' })
  inactiveLoansVolume: string;

  @Field(() => Int, { description: 'Risk of termination: DPD > 4 and loan age < 7 days.' })
  earlyRotCount: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding of the loans counted in earlyRotCount.' })
  earlyRotVolume: string;

  @Field(() => Int, { description: 'Risk of termination: DPD > 4 and loan age ≥ 7 days.' })
  lateRotCount: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding of the loans counted in lateRotCount.' })
  lateRotVolume: string;

  @Field(() => DecimalScalar, { description: 'Mean DPD of the Active loans with total outstanding > 2000, 2 dp.' })
  avgDaysPastDue: string;

  @Field(() => DecimalScalar, { description: 'Mean timeliness score of the Active loans with total outstanding > 2000, 2 dp.' })
  avgTimelinessScore: string;

  @Field(() => DecimalScalar, { description: 'Σ (principal + interest + fees outstanding) × min(1, loan age / tenor) of Active loans with DPD ≥ 15.' })
  actualOverdue15d: string;

  @Field(() => Int, { description: 'Active or Defaulted loans with DPD > 0 (regions apply here only).' })
  totalDpdLoansCount: number;

  @Field(() => DecimalScalar, { description: 'Σ actual outstanding (amount in arrears) of the loans counted in totalDpdLoansCount.' })
  totalDpdActualOutstanding: string;
}
