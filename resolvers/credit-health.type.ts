/** Credit health by branch and by vertical lead (§4.6): the rows, the branch list's summary, its order and filter. */
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SortDirection, sortKeyDescriptions, Wave } from './enums';
import { DecimalScalar } from './scalars';

@ObjectType({ description: 'Credit health of one branch (all statuses and user types).' })
export class BranchMetrics {
  @Field(() => String, { description: 'Curated branch of the loans (D12).' })
  branch: string;

  @Field(() => String, { description: 'Curated region of the loans (D12); a branch whose loans carry two regions has a row for each.' })
  region: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding.' })
  portfolioTotal: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of loans with DPD ≥ 15.' })
  overdue15d: string;

  @Field(() => DecimalScalar, { description: 'overdue15d / portfolioTotal (D8), 8 dp; 0 without portfolio.' })
  par15Ratio: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding with DPD ≥ 30 / portfolioTotal, 8 dp.' })
  par30Ratio: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding with DPD ≥ 60 / portfolioTotal, 8 dp.' })
  par60Ratio: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding with DPD ≥ 90 / portfolioTotal, 8 dp (90 included, unlike DpdBucket DPD_90_PLUS).' })
  par90Ratio: string;

  @Field(() => DecimalScalar, { description: 'FIMR-tagged loans / loans.' })
  fimr: string;

  @Field(() => Int, { description: 'Loans of every status (the dashboard calls them active loans).' })
  activeLoans: number;

  @Field(() => Int, { description: 'Distinct officers of the loans.' })
  totalOfficers: number;

  @Field(() => DecimalScalar, { nullable: true, description: 'Mean of the loans\' repayment delay rates (D10), 2 dp; null when none has one.' })
  avgRepaymentDelayRate: string | null;
}

@ObjectType({ description: 'Totals over every row of the branch list.' })
export class BranchSummary {
  @Field(() => Int, { description: 'Rows in branches.' })
  totalBranches: number;

  @Field(() => DecimalScalar, { description: 'Σ portfolioTotal.' })
  totalPortfolio: string;

  @Field(() => DecimalScalar, { description: 'Σ overdue15d.' })
  totalOverdue15d: string;

  @Field(() => DecimalScalar, { description: 'totalOverdue15d / totalPortfolio.' })
  avgPar15Ratio: string;
}

@ObjectType({ description: 'Credit health by branch (§4.6) with its totals.' })
export class BranchList {
  @Field(() => [BranchMetrics], { description: 'One row per branch and region, in the order asked.' })
  branches: BranchMetrics[];

  @Field(() => BranchSummary, { description: 'Totals over every row.' })
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
registerEnumType(BranchOrderField, {
  name: 'BranchOrderField',
  description: 'Columns the branch list sorts by.',
  valuesConfig: sortKeyDescriptions(BranchOrderField, (value) => `BranchMetrics.${value}`),
});

@InputType({ description: 'Order of the branch list.' })
export class BranchOrder {
  @Field(() => BranchOrderField, { description: 'Column to sort by; ties are broken by branch, then region, in the same direction.' })
  field: BranchOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'ASC or DESC.' })
  direction: SortDirection;
}

@InputType({ description: 'Which loans the branch and vertical-lead boards count (each list: any of its values; an empty list matches nothing).' })
export class BranchFilterInput {
  @Field(() => [String], { nullable: true, description: 'Curated branches (any of).' })
  branches?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Curated regions (any of).' })
  regions?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Loan channels (any of).' })
  channels?: string[] | null;

  @Field(() => [Wave], { nullable: true, description: 'Waves (any of).' })
  waves?: Wave[] | null;
}

@ObjectType({ description: 'Credit health of one vertical lead\'s loans (every status); DPD bands per D14.' })
export class VerticalLeadMetrics {
  @Field(() => String, { description: "'Unassigned Vertical Lead' for loans without one." })
  name: string;

  @Field(() => String, { description: "'N/A' for loans without one." })
  email: string;

  @Field(() => Int, { description: 'Distinct branches of the loans.' })
  branches: number;

  @Field(() => Int, { description: 'Distinct officers.' })
  activeOfficers: number;

  @Field(() => Int, { description: 'Loans of every status.' })
  loans: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding.' })
  outstanding: string;

  @Field(() => DecimalScalar, { description: 'Σ daily repayment amount of OPEN and PAST_MATURITY loans.' })
  dailyTarget: string;

  @Field(() => DecimalScalar, { description: 'Mean DPD, 2 dp.' })
  avgDpd: string;

  @Field(() => Int, { description: 'Highest DPD any of the loans ever reached (D6).' })
  maxDpd: number;

  @Field(() => Int, { description: 'Loans with DPD 0.' })
  dpd0: number;

  @Field(() => Int, { description: 'Loans with DPD 1–6.' })
  dpd1To6: number;

  @Field(() => Int, { description: 'Loans with DPD 7–14 (D14).' })
  dpd7To14: number;

  @Field(() => Int, { description: 'Loans with DPD 15–21 (D14).' })
  dpd15To21: number;

  @Field(() => Int, { description: 'Loans with DPD above 21.' })
  dpdOver21: number;

  @Field(() => Int, { description: 'Loans without a counted repayment for 6+ days, or never paid.' })
  quietLoans: number;

  @Field(() => DecimalScalar, { description: 'Σ total outstanding of the quiet loans.' })
  quietValue: string;
}
