/**
 * Loan: base fields live from Django (loans_ajoloan), computed fields from seedsmetrics `loans`. A loan seedsmetrics
 * has not synced yet shows its base fields with every computed field null (`synced: false`), never an error.
 */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Loaders } from '../loaders';
import type { DjangoLoanRow } from '../loaders/loan.django';
import type { LoanMetricsPart, LoanMetricsRow } from '../loaders/loan.metrics';
import { LoanStatus, Wave } from './enums';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';

/** What a null base amount means (schema description). */
const UNSHOWABLE_AMOUNT = 'Null when Django holds NaN, ±Infinity or a value of 1e13 or more (the sync reports that loan in sync_rejects).';

/** Loan fields answered from the Django row alone; any other selected field reads the seedsmetrics row (or another loader). */
export const LOAN_BASE_FIELDS: readonly string[] = [
  'id', 'amount', 'repaymentAmount', 'interestRate', 'fee', 'tenorDays', 'disbursedAt', 'firstDueDate', 'maturityDate',
  'status', 'djangoStatus', 'performanceStatus', 'loanType', 'verificationStatus', 'isDisbursed', 'tenureMonths',
];

@ObjectType({ description: 'A loan. Base fields are read live from Django; computed fields come from seedsmetrics and are null until the loan is synced.' })
export class Loan {
  /**
   * @param metrics the seedsmetrics row when the caller already has it (a page, a top-risk list: null = not synced),
   * whole or with the fields its query asked; a field it lacks, or every field when undefined, loads the whole row
   * through the request's loader.
   */
  constructor(
    readonly base: DjangoLoanRow,
    private readonly loaders: Loaders,
    private readonly metrics?: LoanMetricsPart | null,
  ) {}

  // Computed fields are getters, not methods: type-graphql then resolves them as plain properties, which keeps a page
  // of thousands of loans cheap; the value is synchronous when the row came with the page.
  private computed<K extends keyof LoanMetricsRow>(key: K): LoanMetricsRow[K] | null | Promise<LoanMetricsRow[K] | null> {
    if (this.metrics === null) return null;
    if (this.metrics !== undefined && key in this.metrics) return this.metrics[key] as LoanMetricsRow[K];
    return this.loaders.loanMetrics.load(this.base.id).then((row) => (row === null ? null : row[key]));
  }

  @Field(() => ID)
  get id(): string {
    return this.base.id;
  }

  // Base fields (Django, live). Django keeps the four amounts as binary floats: one holding NaN, ±Infinity or a value
  // of 1e13 or more has no exact decimal to show, so it reads as null rather than failing the loan and with it the
  // page (a non-null field's error nulls its parent); the sync reports such a loan in sync_rejects with the value.
  @Field(() => DecimalScalar, { nullable: true, description: `Principal (Django amount). ${UNSHOWABLE_AMOUNT}` })
  get amount(): string | null {
    return this.base.amount;
  }

  @Field(() => DecimalScalar, { nullable: true, description: `Contractual total to repay (Django repayment_amount). ${UNSHOWABLE_AMOUNT}` })
  get repaymentAmount(): string | null {
    return this.base.repaymentAmount;
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: `Flat interest rate over the tenor as a fraction (Django percent / 100), e.g. "0.3000". ${UNSHOWABLE_AMOUNT}`,
  })
  get interestRate(): string | null {
    return this.base.interestRate;
  }

  @Field(() => DecimalScalar, { nullable: true, description: `Processing fee. ${UNSHOWABLE_AMOUNT}` })
  get fee(): string | null {
    return this.base.fee;
  }

  @Field(() => Int, { description: 'Number of business-day instalments (Django tenor_in_days).' })
  get tenorDays(): number {
    return this.base.tenorDays;
  }

  @Field(() => DateTimeScalar, { nullable: true })
  get disbursedAt(): string | null {
    return this.base.disbursedAt;
  }

  @Field(() => DateScalar, { nullable: true, description: 'First repayment due date (Django start_date).' })
  get firstDueDate(): string | null {
    return this.base.firstDueDate;
  }

  @Field(() => DateScalar, { nullable: true, description: 'Maturity (Django end_date).' })
  get maturityDate(): string | null {
    return this.base.maturityDate;
  }

  @Field(() => LoanStatus)
  get status(): string {
    return this.base.status;
  }

  @Field(() => String, { description: 'Raw Django status (OPEN, PAST_MATURITY, COMPLETED, ...).' })
  get djangoStatus(): string {
    return this.base.djangoStatus;
  }

  @Field(() => String, { nullable: true })
  get performanceStatus(): string | null {
    return this.base.performanceStatus;
  }

  @Field(() => String)
  get loanType(): string {
    return this.base.loanType;
  }

  @Field(() => String, { nullable: true })
  get verificationStatus(): string | null {
    return this.base.verificationStatus;
  }

  @Field(() => Boolean)
  get isDisbursed(): boolean {
    return this.base.isDisbursed;
  }

  // Computed fields and curated hierarchy (seedsmetrics).
  @Field(() => Boolean, { description: 'Whether seedsmetrics has this loan (when false, every computed field is null).' })
  get synced(): boolean | Promise<boolean> {
    if (this.metrics !== undefined) return this.metrics !== null;
    return this.loaders.loanMetrics.load(this.base.id).then((row) => row !== null);
  }

  @Field(() => DateScalar, { nullable: true, description: 'Business date the computed fields were computed for.' })
  get computedAsOf(): string | null | Promise<string | null> {
    return this.computed('computedAsOf');
  }

  @Field(() => String, { nullable: true, description: 'Curated region (D12), copied from the officer.' })
  get region(): string | null | Promise<string | null> {
    return this.computed('region');
  }

  @Field(() => String, { nullable: true, description: 'Curated branch (D12).' })
  get branch(): string | null | Promise<string | null> {
    return this.computed('branch');
  }

  @Field(() => String, { nullable: true })
  get verticalLeadName(): string | null | Promise<string | null> {
    return this.computed('verticalLeadName');
  }

  @Field(() => String, { nullable: true })
  get verticalLeadEmail(): string | null | Promise<string | null> {
    return this.computed('verticalLeadEmail');
  }

  @Field(() => String, { nullable: true })
  get channel(): string | null | Promise<string | null> {
    return this.computed('channel');
  }

  @Field(() => Wave, { nullable: true })
  get wave(): string | null | Promise<string | null> {
    return this.computed('wave');
  }

  @Field(() => Int, { nullable: true, description: 'Business-day DPD (D5).' })
  get currentDpd(): number | null | Promise<number | null> {
    return this.computed('currentDpd');
  }

  @Field(() => Int, { nullable: true, description: 'DPD on the previous snapshot date (D6).' })
  get previousDpd(): number | null | Promise<number | null> {
    return this.computed('previousDpd');
  }

  @Field(() => Int, { nullable: true, description: 'currentDpd − (previousDpd or 0).' })
  get dpdChange(): number | null | Promise<number | null> {
    return this.computed('dpdChange');
  }

  @Field(() => Int, { nullable: true, description: 'True running maximum of DPD (D6).' })
  get maxDpdEver(): number | null | Promise<number | null> {
    return this.computed('maxDpdEver');
  }

  @Field(() => String, { nullable: true, description: 'DPD bucket: 0, 1-6, 7-30, 31-60, 61-90 or 90+ (D7).' })
  get dpdBucket(): string | null | Promise<string | null> {
    return this.computed('dpdBucket');
  }

  @Field(() => Boolean, { nullable: true })
  get firstPaymentMissed(): boolean | null | Promise<boolean | null> {
    return this.computed('firstPaymentMissed');
  }

  @Field(() => DateScalar, { nullable: true })
  get firstPaymentReceivedDate(): string | null | Promise<string | null> {
    return this.computed('firstPaymentReceivedDate');
  }

  @Field(() => DateScalar, { nullable: true })
  get lastPaymentDate(): string | null | Promise<string | null> {
    return this.computed('lastPaymentDate');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get principalOutstanding(): string | null | Promise<string | null> {
    return this.computed('principalOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get interestOutstanding(): string | null | Promise<string | null> {
    return this.computed('interestOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get feesOutstanding(): string | null | Promise<string | null> {
    return this.computed('feesOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get totalOutstanding(): string | null | Promise<string | null> {
    return this.computed('totalOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Missed repayments: amount in arrears.' })
  get actualOutstanding(): string | null | Promise<string | null> {
    return this.computed('actualOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get totalPrincipalPaid(): string | null | Promise<string | null> {
    return this.computed('totalPrincipalPaid');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get totalInterestPaid(): string | null | Promise<string | null> {
    return this.computed('totalInterestPaid');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get totalFeesPaid(): string | null | Promise<string | null> {
    return this.computed('totalFeesPaid');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of counted repayments (D3).' })
  get totalRepayments(): string | null | Promise<string | null> {
    return this.computed('totalRepayments');
  }

  @Field(() => Boolean, { nullable: true })
  get fimrTagged(): boolean | null | Promise<boolean | null> {
    return this.computed('fimrTagged');
  }

  @Field(() => Boolean, { nullable: true, description: 'DPD between 1 and 6.' })
  get earlyIndicatorTagged(): boolean | null | Promise<boolean | null> {
    return this.computed('earlyIndicatorTagged');
  }

  @Field(() => Int, { nullable: true, description: 'Null when no repayment was ever counted.' })
  get daysSinceLastRepayment(): number | null | Promise<number | null> {
    return this.computed('daysSinceLastRepayment');
  }

  @Field(() => Int, { nullable: true })
  get daysSinceDue(): number | null | Promise<number | null> {
    return this.computed('daysSinceDue');
  }

  @Field(() => Int, { nullable: true })
  get loanAge(): number | null | Promise<number | null> {
    return this.computed('loanAge');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get dailyRepaymentAmount(): string | null | Promise<string | null> {
    return this.computed('dailyRepaymentAmount');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get repaymentDaysPaid(): string | null | Promise<string | null> {
    return this.computed('repaymentDaysPaid');
  }

  @Field(() => Int, { nullable: true })
  get repaymentDaysDueToday(): number | null | Promise<number | null> {
    return this.computed('repaymentDaysDueToday');
  }

  @Field(() => Int, { nullable: true })
  get realLoanTenureDays(): number | null | Promise<number | null> {
    return this.computed('realLoanTenureDays');
  }

  @Field(() => Int, { nullable: true })
  get businessDaysSinceDisbursement(): number | null | Promise<number | null> {
    return this.computed('businessDaysSinceDisbursement');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Intended real-number formula (D10); 100 is best, may be negative.' })
  get repaymentDelayRate(): string | null | Promise<string | null> {
    return this.computed('repaymentDelayRate');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'All Loans "Payment Percent" (§3.8): repaymentDaysPaid / repaymentDaysDueToday × 100, 2 dp; 0 when nothing is due yet.' })
  get paymentPercent(): string | null | Promise<string | null> {
    return this.computed('paymentPercent');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Repayment modal "Outstanding" (§3.8): max(0, repayment amount (the loan amount when none) − Σ counted repayments). The modal\'s "Missed Repayments" is actualOutstanding.',
  })
  get contractOutstanding(): string | null | Promise<string | null> {
    return this.computed('contractOutstanding');
  }

  @Field(() => Int, { description: 'Loan tenure label (§3.8): tenorDays / 30 rounded to whole months.' })
  get tenureMonths(): number {
    return Math.round(this.base.tenorDays / 30);
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Σ counted repayments dated business today.' })
  get repaymentsToday(): Promise<string | null> {
    return this.loaders.repaymentsToday.load(this.base.id).then((row) => row?.amount ?? null);
  }

  @Field(() => DecimalScalar, { nullable: true })
  get timelinessScore(): string | null | Promise<string | null> {
    return this.computed('timelinessScore');
  }

  @Field(() => DecimalScalar, { nullable: true })
  get repaymentHealth(): string | null | Promise<string | null> {
    return this.computed('repaymentHealth');
  }
}
