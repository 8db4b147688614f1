/** Portfolio-wide KPIs (§4.5) and credit health by branch (§4.6). */
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SortDirection, Wave } from './enums';
import { DecimalScalar } from './scalars';

@ObjectType({ description: 'KPIs over every dashboard-visible officer (§4.5); loan tiles count Active loans only.' })
export class PortfolioKpis {
  topOfficerId: string | null;

  @Field(() => Int)
  totalOfficers: number;

  @Field(() => Int, { description: 'Σ officers\' loans.' })
  totalLoans: number;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding.' })
  totalPortfolio: string;

  @Field(() => DecimalScalar)
  totalOverdue15d: string;

  @Field(() => Int, { description: 'Integer mean of the officers\' DQI.' })
  avgDqi: number;

  @Field(() => DecimalScalar)
  avgAyr: string;

  @Field(() => Int)
  avgRiskScore: number;

  @Field(() => DecimalScalar, { nullable: true, description: 'AYR of the officer with the highest AYR (> 0).' })
  topOfficerAyr: string | null;

  @Field(() => Int, { description: 'Officers with risk score below 40.' })
  watchlistCount: number;

  @Field(() => DecimalScalar)
  watchlistPortfolio: string;

  @Field(() => DecimalScalar, { description: 'Mean of the officers\' repayment delay rates that are not 0.' })
  avgRepaymentDelayRate: string;

  @Field(() => Int, { description: 'Officers whose live loans average > 10 days since the last repayment and > 14 days of age.' })
  atRiskOfficersCount: number;

  @Field(() => DecimalScalar)
  atRiskOfficersPercentage: string;

  @Field(() => Int, { description: 'Active loans with total outstanding > 2000 paid within 5 days.' })
  activeLoansCount: number;

  @Field(() => DecimalScalar)
  activeLoansVolume: string;

  @Field(() => Int, { description: 'Active loans with total outstanding ≤ 2000 or no payment for more than 5 days.' })
  inactiveLoansCount: number;

  @Field(() => DecimalScalar)
  inactiveLoansVolume: string;

  @Field(() => Int, { description: 'Risk of termination: DPD > 4 and loan age < 7 days.' })
  earlyRotCount: number;

  @Field(() => DecimalScalar)
  earlyRotVolume: string;

  @Field(() => Int, { description: 'Risk of termination: DPD > 4 and loan age ≥ 7 days.' })
  lateRotCount: number;

  @Field(() => DecimalScalar)
  lateRotVolume: string;

  @Field(() => DecimalScalar)
  avgDaysPastDue: string;

  @Field(() => DecimalScalar)
  avgTimelinessScore: string;

  @Field(() => DecimalScalar, { description: 'Σ (principal + interest + fees outstanding) × min(1, loan age / tenor) of Active loans with DPD ≥ 15.' })
  actualOverdue15d: string;

  @Field(() => Int, { description: 'Active or Defaulted loans with DPD > 0 (regions apply here only).' })
  totalDpdLoansCount: number;

  @Field(() => DecimalScalar)
  totalDpdActualOutstanding: string;
}

@ObjectType({ description: 'Credit health of one branch (all statuses and user types).' })
export class BranchMetrics {
  @Field(() => String)
  branch: string;

  @Field(() => String)
  region: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding.' })
  portfolioTotal: string;

  @Field(() => DecimalScalar)
  overdue15d: string;

  @Field(() => DecimalScalar)
  par15Ratio: string;

  @Field(() => DecimalScalar)
  par30Ratio: string;

  @Field(() => DecimalScalar)
  par60Ratio: string;

  @Field(() => DecimalScalar)
  par90Ratio: string;

  @Field(() => DecimalScalar, { description: 'FIMR-tagged loans / loans.' })
  fimr: string;

  @Field(() => Int)
  activeLoans: number;

  @Field(() => Int)
  totalOfficers: number;

  @Field(() => DecimalScalar, { nullable: true })
  avgRepaymentDelayRate: string | null;
}

@ObjectType()
export class BranchSummary {
  @Field(() => Int)
  totalBranches: number;

  @Field(() => DecimalScalar)
  totalPortfolio: string;

  @Field(() => DecimalScalar)
  totalOverdue15d: string;

  @Field(() => DecimalScalar, { description: 'totalOverdue15d / totalPortfolio.' })
  avgPar15Ratio: string;
}

@ObjectType()
export class BranchList {
  @Field(() => [BranchMetrics])
  branches: BranchMetrics[];

  @Field(() => BranchSummary)
  summary: BranchSummary;
}

export enum BranchOrderField {
  BRANCH = 'branch',
  REGION = 'region',
  PORTFOLIO_TOTAL = 'portfolioTotal',
  OVERDUE_15D = 'overdue15d',
  PAR15_RATIO = 'par15Ratio',
  ACTIVE_LOANS = 'activeLoans',
}
registerEnumType(BranchOrderField, { name: 'BranchOrderField' });

@InputType()
export class BranchOrder {
  @Field(() => BranchOrderField)
  field: BranchOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

@InputType()
export class BranchFilterInput {
  @Field(() => [String], { nullable: true })
  branches?: string[] | null;

  @Field(() => [String], { nullable: true })
  regions?: string[] | null;

  @Field(() => [String], { nullable: true })
  channels?: string[] | null;

  @Field(() => [Wave], { nullable: true })
  waves?: Wave[] | null;
}

@ObjectType({ description: 'Credit health of one vertical lead\'s loans (every status); DPD bands per D14.' })
export class VerticalLeadMetrics {
  @Field(() => String, { description: "'Unassigned Vertical Lead' for loans without one." })
  name: string;

  @Field(() => String, { description: "'N/A' for loans without one." })
  email: string;

  @Field(() => Int)
  branches: number;

  @Field(() => Int, { description: 'Distinct officers.' })
  activeOfficers: number;

  @Field(() => Int)
  loans: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding.' })
  outstanding: string;

  @Field(() => DecimalScalar, { description: 'Σ daily repayment amount of OPEN and PAST_MATURITY loans.' })
  dailyTarget: string;

  @Field(() => DecimalScalar)
  avgDpd: string;

  @Field(() => Int)
  maxDpd: number;

  @Field(() => Int)
  dpd0: number;

  @Field(() => Int)
  dpd1To6: number;

  @Field(() => Int)
  dpd7To14: number;

  @Field(() => Int)
  dpd15To21: number;

  @Field(() => Int)
  dpdOver21: number;

  @Field(() => Int, { description: 'Loans without a counted repayment for 6+ days, or never paid.' })
  quietLoans: number;

  @Field(() => DecimalScalar)
  quietValue: string;
}
