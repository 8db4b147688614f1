/** Types of the Collections Control Centre (§4.6, §6 rows 14-19): daily collections, leaderboards, agent activity, repayment watch. */
import { Extensions, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Loaders } from '../loaders';
import type { AgentActivityCategoryKey } from '../loaders/agent-activity.metrics';
import { NPL_STATUS_THRESHOLDS, type CollectionsStatusKey } from '../loaders/collections-leaderboard.metrics';
import { UNPAGED_LIST } from '../src/complexity';
import { SortDirection, sortKeyDescriptions } from './enums';
import { loadOfficer, Officer } from './officer.type';
import { takePreloaded, type Preloaded } from './preloaded';
import { DateScalar, DecimalScalar } from './scalars';

@ObjectType({ description: 'Counted repayments of one business date, split by channel (payment method).' })
export class DailyCollection {
  @Field(() => DateScalar, { description: 'The business date (decision D1: in BUSINESS_TZ); every day of the period is present, 0 when nothing came in.' })
  date: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments (D3) of the filtered loans dated that day.' })
  collectedAmount: string;

  @Field(() => Int, { description: 'Counted repayments dated that day.' })
  repaymentsCount: number;

  @Field(() => DecimalScalar, { description: 'Σ of those paid by AGENT_DEBIT (payment method, any case and spacing).' })
  agentDebitAmount: string;

  @Field(() => DecimalScalar, { description: 'Σ of those paid by TRANSFER.' })
  transferAmount: string;

  @Field(() => DecimalScalar, { description: 'Σ of those paid by ESCROW_DEBIT.' })
  escrowDebitAmount: string;

  @Field(() => DecimalScalar, { description: 'Every other method, blank or missing included.' })
  otherAmount: string;
}

export enum CollectionsStatus {
  OK = 'OK',
  WATCH = 'WATCH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(CollectionsStatus, {
  name: 'CollectionsStatus',
  description: `NPL ratio band: OK below ${NPL_STATUS_THRESHOLDS.watch}, WATCH below ${NPL_STATUS_THRESHOLDS.critical}, else CRITICAL.`,
  valuesConfig: {
    OK: { description: `nplRatio below ${NPL_STATUS_THRESHOLDS.watch}.` },
    WATCH: { description: `nplRatio from ${NPL_STATUS_THRESHOLDS.watch} to below ${NPL_STATUS_THRESHOLDS.critical}.` },
    CRITICAL: { description: `nplRatio ${NPL_STATUS_THRESHOLDS.critical} or more.` },
  },
});

export enum CollectionsOrderField {
  NAME = 'name',
  PORTFOLIO_TOTAL = 'portfolioTotal',
  DUE_TODAY = 'dueToday',
  OVERDUE_15D = 'overdue15d',
  COLLECTED_TODAY = 'collectedToday',
  TODAY_RATE = 'todayRate',
  MISSED_TODAY = 'missedToday',
  NPL_RATIO = 'nplRatio',
}
registerEnumType(CollectionsOrderField, {
  name: 'CollectionsOrderField',
  description: 'Leaderboard sort keys; NAME is the branch, or the officer name.',
  valuesConfig: sortKeyDescriptions(CollectionsOrderField, (value) =>
    value === 'name' ? "CollectionsStanding.branch on branch boards; on officer boards the officer's name as seedsmetrics copied it (Officer.name), else the officer id" : `CollectionsStanding.${value}`,
  ),
});

@InputType({ description: 'Order of a collections leaderboard.' })
export class CollectionsOrder {
  @Field(() => CollectionsOrderField, { description: 'Column to sort by.' })
  field: CollectionsOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC, description: 'DESC by default.' })
  direction: SortDirection;
}

/** A row about one officer (by id): `officer` is the officer live from Django, read ahead by the list or loaded by the row. */
@ObjectType({ description: 'Not in the schema (no field returns it): its fields are inherited by the rows below.' })
abstract class AboutOfficer {
  abstract officerId: string | null;

  /** @param officers the rows' officers when the list read them ahead (preloadOfficers); otherwise each row loads its own. */
  constructor(
    private readonly loaders: Loaders,
    private readonly officers?: Preloaded<Officer>,
  ) {}

  @Field(() => Officer, { nullable: true, description: 'The officer, live from Django (null when Django has no such user).' })
  officer(): Officer | null | Promise<Officer | null> {
    return this.officers === undefined ? loadOfficer(this.loaders, this.officerId) : takePreloaded(this.officers, this.officerId, 'officer');
  }
}

@ObjectType({ description: "One branch or officer of a collections leaderboard: today's collections against what was due, and its NPL ratio." })
export class CollectionsStanding extends AboutOfficer {
  @Field(() => String, { description: "The branch; on an officer board, the most frequent branch of the officer's loans (ties: alphabetically first)." })
  branch: string;

  @Field(() => String, { description: 'The most frequent region of the loans (ties: alphabetically first).' })
  region: string;

  @Field(() => ID, { nullable: true, description: 'The officer (officer boards only).' })
  officerId: string | null;

  @Field(() => Int, { description: 'Filtered loans in the group.' })
  loans: number;

  @Field(() => DecimalScalar, { description: 'Σ Django repayment amount of the loans.' })
  portfolioTotal: string;

  @Field(() => DecimalScalar, {
    description:
      "Σ daily repayment amount of the group's loans in arrears (actual outstanding > 0, after today's counted repayments): one instalment per loan " +
      'however far behind, nothing for loans up to date. No weekend or holiday awareness: on a Saturday, Sunday or holiday they still add their instalment.',
  })
  dueToday: string;

  @Field(() => DecimalScalar, { description: 'Σ principal outstanding of the loans with DPD ≥ 15.' })
  overdue15d: string;

  @Field(() => DecimalScalar, { description: "Σ counted repayments dated business today of all the group's loans, whether in dueToday or not." })
  collectedToday: string;

  @Field(() => DecimalScalar, {
    description:
      'collectedToday / dueToday (nothing due: 1 if anything came in, else 0); not capped at 1, as collectedToday counts loans dueToday does not. ' +
      "Upstream's MTD% and Progress columns were copies of this rate and are not offered.",
  })
  todayRate: string;

  @Field(() => DecimalScalar, { description: 'max(0, dueToday − collectedToday); money from loans not in dueToday offsets the shortfall.' })
  missedToday: string;

  @Field(() => DecimalScalar, { description: 'overdue15d / portfolioTotal (0 when the portfolio is 0).' })
  nplRatio: string;

  @Field(() => CollectionsStatus, { description: 'Band of nplRatio.' })
  status: CollectionsStatusKey;
}

@ObjectType({ description: 'Totals over every standing of a leaderboard.' })
export class CollectionsSummary {
  @Field(() => Int, { description: 'Branches (or officers) on the board.' })
  groups: number;

  @Field(() => DecimalScalar, { description: 'Σ portfolioTotal.' })
  totalPortfolio: string;

  @Field(() => DecimalScalar, { description: 'Σ dueToday.' })
  totalDueToday: string;

  @Field(() => DecimalScalar, { description: 'Σ collectedToday.' })
  totalCollectedToday: string;

  @Field(() => DecimalScalar, { description: "Σ of the standings' missedToday (one group's surplus does not cover another's shortfall)." })
  totalMissedToday: string;

  @Field(() => DecimalScalar, { description: 'totalCollectedToday / totalDueToday (nothing due: 1 if anything came in, else 0); not capped at 1 (see todayRate).' })
  collectionRateToday: string;
}

@ObjectType({ description: 'A collections leaderboard (§4.6) with its summary.' })
export class CollectionsBoard {
  @Extensions({ [UNPAGED_LIST]: true })
  @Field(() => [CollectionsStanding], { description: 'Every branch (or officer) of the filtered loans, in the order asked.' })
  standings: CollectionsStanding[];

  @Field(() => CollectionsSummary, { description: 'Totals over every standing.' })
  summary: CollectionsSummary;
}

export enum AgentActivityCategory {
  CRITICAL_NO_COLLECTION = 'CRITICAL_NO_COLLECTION',
  STOPPED_COLLECTING = 'STOPPED_COLLECTING',
  SEVERE_DECLINE = 'SEVERE_DECLINE',
  NOT_YET_STARTED_TODAY = 'NOT_YET_STARTED_TODAY',
  STRONG_GROWTH = 'STRONG_GROWTH',
  STARTED_TODAY = 'STARTED_TODAY',
}
registerEnumType(AgentActivityCategory, {
  name: 'AgentActivityCategory',
  description: 'Over the last seven calendar days (first four: today−6 … today−3; last three: today−2 … today); an officer can be in several.',
  valuesConfig: {
    CRITICAL_NO_COLLECTION: { description: 'Nothing collected in the seven days.' },
    STOPPED_COLLECTING: { description: 'Collections in the first four days, none in the last three.' },
    SEVERE_DECLINE: { description: 'The last three days brought in something, but less than 0.3 × the first four.' },
    NOT_YET_STARTED_TODAY: { description: 'Collected on a weekday of the window, nothing yet today.' },
    STRONG_GROWTH: { description: 'The last three days brought in more than 1.5 × the first four (which were not 0).' },
    STARTED_TODAY: { description: 'Something collected today.' },
  },
});

@ObjectType({ description: 'Officers per agent-activity category (the Control Centre tiles).' })
export class AgentActivityTiles {
  @Field(() => Int, { description: 'Officers with at least one filtered loan.' })
  officers: number;

  @Field(() => Int, { description: 'Officers in CRITICAL_NO_COLLECTION.' })
  criticalNoCollection: number;

  @Field(() => Int, { description: 'Officers in STOPPED_COLLECTING.' })
  stoppedCollecting: number;

  @Field(() => Int, { description: 'Officers in SEVERE_DECLINE.' })
  severeDecline: number;

  @Field(() => Int, { description: 'Officers in NOT_YET_STARTED_TODAY.' })
  notYetStartedToday: number;

  @Field(() => Int, { description: 'Officers in STRONG_GROWTH.' })
  strongGrowth: number;

  @Field(() => Int, { description: 'Officers in STARTED_TODAY.' })
  startedToday: number;
}

@ObjectType({ description: 'Counted repayments of one calendar day.' })
export class DailyAmount {
  @Field(() => DateScalar, { description: 'The business date (decision D1: in BUSINESS_TZ).' })
  date: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments of the officer\'s filtered loans dated that day.' })
  amount: string;
}

@ObjectType({ description: "An officer's collections over the last seven calendar days (weekend money included)." })
export class AgentActivity extends AboutOfficer {
  @Field(() => ID, { description: 'The officer\'s Django user id.' })
  officerId: string;

  @Field(() => [DailyAmount], { description: 'today − 6 … today, oldest first.' })
  daily: DailyAmount[];

  @Field(() => DecimalScalar, { description: 'Σ of the seven days.' })
  totalCollected: string;

  @Field(() => DecimalScalar, { description: 'Σ today − 6 … today − 3.' })
  firstFourDays: string;

  @Field(() => DecimalScalar, { description: 'Σ today − 2 … today.' })
  lastThreeDays: string;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments dated business today.' })
  collectedToday: string;

  @Field(() => Int, { description: 'Weekdays (Mon–Fri) of the window with a counted repayment; there are always five.' })
  weekdaysWithCollection: number;

  @Field(() => DecimalScalar, { description: 'weekdaysWithCollection / 5 × 100.' })
  repaymentRate: string;

  @Field(() => [AgentActivityCategory], { description: 'Every category the officer falls in (possibly none).' })
  categories: AgentActivityCategoryKey[];
}

@ObjectType({ description: "An officer's open loans (Django status OPEN or PAST_MATURITY) and how many were repaid today." })
export class RepaymentWatch extends AboutOfficer {
  @Field(() => ID, { description: 'The officer\'s Django user id.' })
  officerId: string;

  @Field(() => Int, { description: 'Filtered loans with Django status OPEN or PAST_MATURITY.' })
  openLoans: number;

  @Field(() => Int, { description: 'Open loans with a counted repayment dated business today.' })
  loansRepaidToday: number;

  @Field(() => DecimalScalar, { description: 'Σ counted repayments of those loans dated business today.' })
  amountCollectedToday: string;

  @Field(() => DecimalScalar, { description: 'loansRepaidToday / openLoans × 100.' })
  repaymentRate: string;
}
