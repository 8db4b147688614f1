/** What happened to a loan: its repayments (seedsmetrics copy, flagged), daily DPD snapshots and bucket transitions. */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';

@ObjectType({ description: "A repayment as copied from Django into seedsmetrics; `counted` says whether the loan's computed fields include it (D3)." })
export class Repayment {
  @Field(() => ID)
  id: string;

  @Field(() => DateScalar, { nullable: true, description: 'Business date of the payment.' })
  paymentDate: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  paidAt: string | null;

  @Field(() => DecimalScalar)
  amount: string;

  @Field(() => DecimalScalar, { nullable: true })
  principalPaid: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  interestPaid: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  feesPaid: string | null;

  @Field(() => String, { nullable: true })
  paymentMethod: string | null;

  @Field(() => String, { nullable: true })
  paymentReference: string | null;

  @Field(() => String, { nullable: true, description: 'Django marked_as: REVERSAL, RECOVERY, BACKDATED or null.' })
  markedAs: string | null;

  @Field(() => Boolean, { nullable: true })
  appliedToLoan: boolean | null;

  @Field(() => Boolean, { description: 'Reversed (flagged reversed or marked REVERSAL).' })
  reversed: boolean;

  @Field(() => Boolean, { description: 'Counted in the computed fields: dated, amount > 0, not reversed, not unapplied.' })
  counted: boolean;

  @Field(() => Boolean)
  backdated: boolean;
}

@ObjectType({ description: "A loan's DPD on one business day (D6)." })
export class DpdSnapshot {
  @Field(() => DateScalar)
  date: string;

  @Field(() => Int)
  currentDpd: number;

  @Field(() => String)
  dpdBucket: string;

  @Field(() => DecimalScalar)
  principalOutstanding: string;

  @Field(() => DecimalScalar)
  actualOutstanding: string;
}

@ObjectType({ description: 'A move of a loan from one DPD bucket to another (D7), as recorded in dpd_transitions.' })
export class LoanTransition {
  @Field(() => ID)
  id: string;

  @Field(() => DateScalar)
  transitionDate: string;

  @Field(() => DateTimeScalar)
  at: string;

  @Field(() => String)
  fromBucket: string;

  @Field(() => String)
  toBucket: string;

  @Field(() => Int)
  dpdBefore: number;

  @Field(() => Int)
  dpdAfter: number;

  @Field(() => DecimalScalar, { description: 'Amount in arrears (actual outstanding) after the move.' })
  outstandingBalance: string;

  @Field(() => ID)
  officerId: string;

  @Field(() => String, { nullable: true })
  branch: string | null;

  @Field(() => String, { nullable: true })
  region: string | null;
}
