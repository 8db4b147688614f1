/** GraphQL types of DPD transitions (D7): the event payload, its filter and its history connection. */
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { DpdTransitionRow } from '../loaders/dpd-transition.metrics';
import type { Loan } from './loan.type';
import type { Officer } from './officer.type';
import type { Preloaded } from './preloaded';
import { DPD_BUCKET_LABELS } from '../src/engine/thresholds';
import { DpdBucket } from './enums';
import { PageInfo } from './pagination';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';

export enum TransitionDirection {
  WORSENING = 'WORSENING',
  IMPROVING = 'IMPROVING',
}
registerEnumType(TransitionDirection, {
  name: 'TransitionDirection',
  description: 'WORSENING: the loan moved to a later (more delinquent) bucket; IMPROVING: to an earlier one.',
  valuesConfig: {
    WORSENING: { description: 'To a later, more delinquent bucket (CURRENT → DPD_1_6, …).' },
    IMPROVING: { description: 'To an earlier bucket (DPD_1_6 → CURRENT, …).' },
  },
});

/** The direction of a move: every transition changes bucket (D7), to a later or to an earlier one. */
export function directionOf(fromBucket: DpdBucket, toBucket: DpdBucket): TransitionDirection {
  const rank: readonly string[] = DPD_BUCKET_LABELS;
  return rank.indexOf(toBucket) > rank.indexOf(fromBucket) ? TransitionDirection.WORSENING : TransitionDirection.IMPROVING;
}

@InputType({ description: 'Which DPD transitions to deliver; every list given must be non-empty, and lists combine with AND.' })
export class DpdTransitionFilterInput {
  @Field(() => [ID], { nullable: true, description: "Officers' Django user ids." })
  officerIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Branches as recorded on the transition (curated hierarchy, D12).' })
  branches?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Regions as recorded on the transition (curated hierarchy, D12).' })
  regions?: string[] | null;

  @Field(() => [DpdBucket], { nullable: true, description: 'Bucket before the move: any of these.' })
  fromBuckets?: DpdBucket[] | null;

  @Field(() => [DpdBucket], { nullable: true, description: 'Bucket after the move: any of these.' })
  toBuckets?: DpdBucket[] | null;

  @Field(() => TransitionDirection, { nullable: true, description: 'Only moves to a later (WORSENING) or an earlier (IMPROVING) bucket.' })
  direction?: TransitionDirection | null;
}

/** What a list of transitions read ahead for its rows' `loan` and `officer` (each only when the query shows it). */
export interface TransitionParties {
  loans?: Preloaded<Loan>;
  officers?: Preloaded<Officer>;
}

@ObjectType({ description: 'A loan moved from one DPD bucket to another (D7); the row of dpd_transitions, re-read when delivered.' })
export class DpdTransition {
  @Field(() => ID, { description: 'Increasing event id; pass the last one seen as `since` to resume without gaps.' })
  id: string;

  @Field(() => DateTimeScalar, { description: 'When the recompute that moved the loan ran (start of its transaction).' })
  at: string;

  @Field(() => DateScalar, { description: 'The business date of the move.' })
  businessDate: string;

  @Field(() => DpdBucket, { description: "Bucket stored by the loan's previous recompute (D7)." })
  fromBucket: DpdBucket;

  @Field(() => DpdBucket, { description: 'Bucket after the move (D7).' })
  toBucket: DpdBucket;

  @Field(() => TransitionDirection, { description: 'WORSENING when toBucket is the later one, IMPROVING when it is the earlier one.' })
  get direction(): TransitionDirection {
    return directionOf(this.fromBucket, this.toBucket);
  }

  @Field(() => Int, { description: "DPD stored by the loan's previous recompute (D5)." })
  dpdBefore: number;

  @Field(() => Int, { description: 'DPD after the move (D5).' })
  dpdAfter: number;

  @Field(() => DecimalScalar, { description: "The loan's actual outstanding after the move." })
  actualOutstanding: string;

  @Field(() => String, { nullable: true, description: 'Branch of the loan when it moved.' })
  branch: string | null;

  @Field(() => String, { nullable: true, description: 'Region of the loan when it moved.' })
  region: string | null;

  /** For the nested loan and officer fields. */
  loanId: string;
  officerId: string;
  /** The loans and officers of a list's transitions when the list read them ahead; otherwise each row loads its own. */
  parties?: TransitionParties;

  static fromRow(row: DpdTransitionRow, parties?: TransitionParties): DpdTransition {
    return Object.assign(new DpdTransition(), {
      parties,
      id: row.id,
      at: row.createdAt,
      businessDate: row.transitionDate,
      fromBucket: row.fromBucket as DpdBucket,
      toBucket: row.toBucket as DpdBucket,
      dpdBefore: row.dpdBefore,
      dpdAfter: row.dpdAfter,
      actualOutstanding: row.outstandingBalance,
      branch: row.branch,
      region: row.region,
      loanId: row.loanId,
      officerId: row.officerId,
    });
  }
}

@ObjectType({ description: 'A page of DPD transitions in id order. Cursors are event ids: endCursor can be passed as `since`.' })
export class DpdTransitionConnection {
  @Field(() => [DpdTransition], { description: 'The transitions of this page, in id order.' })
  nodes: DpdTransition[];

  @Field(() => PageInfo, { description: 'Its cursors are event ids.' })
  pageInfo: PageInfo;
}
