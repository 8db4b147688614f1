/** What happened to a loan: its repayments (seedsmetrics copy, flagged), daily DPD snapshots and bucket transitions. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';
import { DpdBucket } from './enums';
import { directionOf, TransitionDirection } from './dpd-transition.type';

@ObjectType({ description: "A repayment as copied from Django into seedsmetrics; `counted` says whether the loan's computed fields include it (D3)." })
export class Repayment {
  @Field(() => ID, { description: 'Django repayment id.' })
  id: string;

  @Field(() => DateScalar, { nullable: true, description: 'Business date of the payment.' })
  paymentDate: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Django paid_date as an instant; null when Django has none (then never counted).' })
  paidAt: string | null;

  @Field(() => DecimalScalar, { description: 'Payment amount (Django repayment_amount).' })
  amount: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'As the sync stores it: the whole payment amount (Django has no split, §1.4). The D4 split is on the loan (totalPrincipalPaid).',
  })
  principalPaid: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: '0 as the sync stores it (Django has no split, §1.4). The D4 interest share is on the loan (totalInterestPaid).',
  })
  interestPaid: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: '0 as the sync stores it (Django has no split, §1.4). The D4 fee share is on the loan (totalFeesPaid).' })
  feesPaid: string | null;

  @Field(() => String, { nullable: true, description: 'Django repayment_type (AGENT_DEBIT, TRANSFER, ESCROW_DEBIT, ...); TRANSFER when Django has none.' })
  paymentMethod: string | null;

  @Field(() => String, { nullable: true, description: 'Django repayment_ref.' })
  paymentReference: string | null;

  @Field(() => String, { nullable: true, description: 'Django marked_as: REVERSAL, RECOVERY, BACKDATED or null.' })
  markedAs: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Django applied_to_loan; false keeps the repayment out of the computed fields (D3), null counts.' })
  appliedToLoan: boolean | null;

  @Field(() => Boolean, { description: 'Reversed (flagged reversed or marked REVERSAL).' })
  reversed: boolean;

  @Field(() => Boolean, {
    description: "Counted in the computed fields: dated, amount > 0, not reversed, not unapplied. One dated after the loan's computedAsOf counts from its date on.",
  })
  counted: boolean;

  @Field(() => Boolean, { description: 'Django marked_as is BACKDATED; informational only (a backdated repayment still counts).' })
  backdated: boolean;
}

@ObjectType({ description: "A loan's DPD on one business day (D6)." })
export class DpdSnapshot {
  @Field(() => DateScalar, { description: 'Business date of the snapshot (written by the last recompute for that date).' })
  date: string;

  @Field(() => Int, { description: 'DPD on that date (D5).' })
  currentDpd: number;

  @Field(() => DpdBucket, { description: 'Bucket of that DPD (D7).' })
  dpdBucket: DpdBucket;

  @Field(() => DecimalScalar, { description: 'Principal outstanding on that date (D4).' })
  principalOutstanding: string;

  @Field(() => DecimalScalar, { description: 'Amount in arrears (actual outstanding) on that date.' })
  actualOutstanding: string;
}

@ObjectType({ description: 'A move of a loan from one DPD bucket to another (D7), as recorded in dpd_transitions.' })
export class LoanTransition {
  @Field(() => ID, { description: 'Increasing transition id (the same as DpdTransition.id).' })
  id: string;

  @Field(() => DateScalar, { description: 'Business date of the recompute that moved the loan.' })
  transitionDate: string;

  @Field(() => DateTimeScalar, { description: 'When the recompute that moved the loan ran (start of its transaction).' })
  at: string;

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

  @Field(() => DecimalScalar, { description: 'Amount in arrears (actual outstanding) after the move.' })
  outstandingBalance: string;

  @Field(() => ID, { description: "The loan's officer (Django user id) when it moved." })
  officerId: string;

  @Field(() => String, { nullable: true, description: 'Branch of the loan when it moved (curated, D12).' })
  branch: string | null;

  @Field(() => String, { nullable: true, description: 'Region of the loan when it moved (curated, D12).' })
  region: string | null;
}
