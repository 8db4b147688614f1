/**
 * Loan: base fields live from Django (loans_ajoloan), computed fields from seedsmetrics `loans`. A loan seedsmetrics
 * has not synced yet shows its base fields with every computed field null (`synced: false`), never an error.
 */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Loaders } from '../loaders';
import type { DjangoLoanRow } from '../loaders/loan.django';
import type { LoanMetricsPart, LoanMetricsRow } from '../loaders/loan.metrics';
import { DpdBucket, LoanStatus, Wave } from './enums';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';

/** What a null base amount means (schema description). */
const UNSHOWABLE_AMOUNT = 'Null when Django holds NaN, ±Infinity or a value of 1e13 or more (the sync reports that loan in sync_rejects).';

/** What a null base field whose Django column is NOT NULL means (schema description). */
const DJANGO_NULL = 'Null only when Django holds NULL, which its column does not allow (a row written around Django).';

/** Loan fields answered from the Django row alone; any other selected field reads the seedsmetrics row (or another loader). */
export const LOAN_BASE_FIELDS: readonly string[] = [
  'id', 'amount', 'repaymentAmount', 'interestRate', 'fee', 'tenorDays', 'disbursedAt', 'disbursementDate', 'firstDueDate', 'maturityDate',
  'status', 'djangoStatus', 'performanceStatus', 'loanType', 'verificationStatus', 'isDisbursed', 'tenureMonths',
];

@ObjectType({ description: 'A loan. Base fields are read live from Django; computed fields come from seedsmetrics and are null until the loan is synced.' })
export class Loan {
  /**
   * @param metrics the seedsmetrics row when the caller already has it (a page, a top-risk list: null = not synced),
   * whole or with the fields its query asked; a field it lacks, or every field when undefined, loads the whole row
   * through the request's loader.
   * @param preloadedRepaymentsToday the `repaymentsToday` value when a list read it ahead; undefined: the field loads it.
   */
  constructor(
    readonly base: DjangoLoanRow,
    private readonly loaders: Loaders,
    private readonly metrics?: LoanMetricsPart | null,
    private readonly preloadedRepaymentsToday?: string | null,
  ) {}

  // Computed fields are getters, not methods: type-graphql then resolves them as plain properties, which keeps a page
  // of thousands of loans cheap; the value is synchronous when the row came with the page.
  private computed<K extends keyof LoanMetricsRow>(key: K): LoanMetricsRow[K] | null | Promise<LoanMetricsRow[K] | null> {
    if (this.metrics === null) return null;
    if (this.metrics !== undefined && key in this.metrics) return this.metrics[key] as LoanMetricsRow[K];
    return this.loaders.loanMetrics.load(this.base.id).then((row) => (row === null ? null : row[key]));
  }

  @Field(() => ID, { description: 'Django loan id (loans_ajoloan.id).' })
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

  // Base fields whose Django columns are NOT NULL (§1.3) are nullable all the same: a row written around Django may
  // hold NULL there, and a non-null field's null failed the loan and, through `nodes: [Loan!]!`, its whole page.
  @Field(() => Int, { nullable: true, description: `Number of business-day instalments (Django tenor_in_days). ${DJANGO_NULL}` })
  get tenorDays(): number | null {
    return this.base.tenorDays;
  }

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Django date_disbursed as an instant; its business date (decision D1: in BUSINESS_TZ) is the disbursement date the computed fields use.',
  })
  get disbursedAt(): string | null {
    return this.base.disbursedAt;
  }

  // The date a table shows and exports (§6: disbursement_date): a client turning disbursedAt into a date in its own
  // zone gets the day before for a loan disbursed between 00:00 and 01:00 in Lagos when it runs in UTC, and it
  // cannot know BUSINESS_TZ to do better.
  @Field(() => DateScalar, {
    nullable: true,
    description:
      'Disbursement date: the business date (decision D1: in BUSINESS_TZ) of disbursedAt, the date the disbursedFrom/disbursedTo filters, the DISBURSEMENT_DATE order and the computed fields use; null when Django has no date_disbursed.',
  })
  get disbursementDate(): string | null {
    return this.base.disbursementDate;
  }

  @Field(() => DateScalar, { nullable: true, description: 'First repayment due date (Django start_date).' })
  get firstDueDate(): string | null {
    return this.base.firstDueDate;
  }

  @Field(() => DateScalar, { nullable: true, description: 'Maturity (Django end_date).' })
  get maturityDate(): string | null {
    return this.base.maturityDate;
  }

  @Field(() => LoanStatus, { description: 'Normalised status (§1.7), derived from djangoStatus.' })
  get status(): string {
    return this.base.status;
  }

  @Field(() => String, { nullable: true, description: `Raw Django status (OPEN, PAST_MATURITY, COMPLETED, ...). ${DJANGO_NULL} status then reads ACTIVE (§1.7).` })
  get djangoStatus(): string | null {
    return this.base.djangoStatus;
  }

  @Field(() => String, { nullable: true, description: 'Django performance_status: PERFORMING, DEFAULTED, LOST, PAST_MATURITY, OWED_BALANCE or null (§1.7).' })
  get performanceStatus(): string | null {
    return this.base.performanceStatus;
  }

  @Field(() => String, { nullable: true, description: `Product (Django loan_type): AJO, BNPL, PROSPER, DMO, ... ${DJANGO_NULL}` })
  get loanType(): string | null {
    return this.base.loanType;
  }

  @Field(() => String, { nullable: true, description: 'Django verification_stage.' })
  get verificationStatus(): string | null {
    return this.base.verificationStatus;
  }

  @Field(() => Boolean, { nullable: true, description: `Django is_disbursed; only disbursed loans are synced to seedsmetrics (§1.8). ${DJANGO_NULL}` })
  get isDisbursed(): boolean | null {
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

  @Field(() => String, { nullable: true, description: 'Curated vertical lead (D12), copied from the officer; null when the officer has none.' })
  get verticalLeadName(): string | null | Promise<string | null> {
    return this.computed('verticalLeadName');
  }

  @Field(() => String, { nullable: true, description: "The curated vertical lead's e-mail (D12), copied from the officer; null when the officer has none." })
  get verticalLeadEmail(): string | null | Promise<string | null> {
    return this.computed('verticalLeadEmail');
  }

  @Field(() => String, { nullable: true, description: 'Sales channel; the sync sets "AJO" on every loan (§1.9).' })
  get channel(): string | null | Promise<string | null> {
    return this.computed('channel');
  }

  @Field(() => Wave, {
    nullable: true,
    description: 'Wave (§3.7): Wave 2 when the officer was hired on/after 2025-10-01 or the loan disbursed on/after 2025-10-20, else Wave 1.',
  })
  get wave(): string | null | Promise<string | null> {
    return this.computed('wave');
  }

  @Field(() => Int, {
    nullable: true,
    description:
      'Business-day DPD (decision D5, §3.2) as of computedAsOf: repaymentDaysDueToday − round(repaymentDaysPaid), at least 0; 0 before the first due date, ' +
      'without a D2 total R, or once the counted repayments reach R; instalments stop falling due at maturity. A weekday\'s instalment is due from the start of that business day, ' +
      'so a loan paid exactly up to yesterday reads 1 until today\'s payment is counted.',
  })
  get currentDpd(): number | null | Promise<number | null> {
    return this.computed('currentDpd');
  }

  @Field(() => Int, {
    nullable: true,
    description: "currentDpd of the loan's newest DPD snapshot dated before computedAsOf (D6; for an open loan, normally the day before); null until such a snapshot exists, as on the loan's first day.",
  })
  get previousDpd(): number | null | Promise<number | null> {
    return this.computed('previousDpd');
  }

  @Field(() => Int, { nullable: true, description: 'currentDpd − (previousDpd or 0): equal to currentDpd while previousDpd is null.' })
  get dpdChange(): number | null | Promise<number | null> {
    return this.computed('dpdChange');
  }

  @Field(() => Int, { nullable: true, description: 'True running maximum of DPD (D6).' })
  get maxDpdEver(): number | null | Promise<number | null> {
    return this.computed('maxDpdEver');
  }

  @Field(() => DpdBucket, { nullable: true, description: 'DPD bucket of currentDpd (D7).' })
  get dpdBucket(): DpdBucket | null | Promise<DpdBucket | null> {
    // The enum's values are the stored bucket texts.
    return this.computed('dpdBucket') as DpdBucket | null | Promise<DpdBucket | null>;
  }

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when nothing is counted yet (even before the first due date) or the first counted repayment is after it (§3.2); null if paid with no first due date.',
  })
  get firstPaymentMissed(): boolean | null | Promise<boolean | null> {
    return this.computed('firstPaymentMissed');
  }

  @Field(() => DateScalar, { nullable: true, description: 'Business date of the first counted repayment (D3); null when none.' })
  get firstPaymentReceivedDate(): string | null | Promise<string | null> {
    return this.computed('firstPaymentReceivedDate');
  }

  @Field(() => DateScalar, { nullable: true, description: 'Business date of the latest counted repayment (D3); null when none.' })
  get lastPaymentDate(): string | null | Promise<string | null> {
    return this.computed('lastPaymentDate');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Loan amount − totalPrincipalPaid (D4); never negative.' })
  get principalOutstanding(): string | null | Promise<string | null> {
    return this.computed('principalOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Flat interest (loan amount × interestRate) − totalInterestPaid (D4); 0 when the rate is null or 0.' })
  get interestOutstanding(): string | null | Promise<string | null> {
    return this.computed('interestOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Processing fee − totalFeesPaid (D4).' })
  get feesOutstanding(): string | null | Promise<string | null> {
    return this.computed('feesOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'max(0, R − Σ counted repayments), R the contractual total of D2 (loan amount + fee when D2 gives none).' })
  get totalOutstanding(): string | null | Promise<string | null> {
    return this.computed('totalOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Missed repayments: amount in arrears.' })
  get actualOutstanding(): string | null | Promise<string | null> {
    return this.computed('actualOutstanding');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Pro-rata principal share of the counted repayments (D4), capped at the loan amount.' })
  get totalPrincipalPaid(): string | null | Promise<string | null> {
    return this.computed('totalPrincipalPaid');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Pro-rata interest share of the counted repayments (D4), capped at loan amount × interestRate.' })
  get totalInterestPaid(): string | null | Promise<string | null> {
    return this.computed('totalInterestPaid');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Pro-rata fee share of the counted repayments (D4), capped at the processing fee.' })
  get totalFeesPaid(): string | null | Promise<string | null> {
    return this.computed('totalFeesPaid');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Sum of counted repayments (D3).' })
  get totalRepayments(): string | null | Promise<string | null> {
    return this.computed('totalRepayments');
  }

  @Field(() => Boolean, {
    nullable: true,
    description: 'First-instalment miss (§3.2): the first due date passed with no counted repayment on or before it; also true with no first due date. No grace period.',
  })
  get fimrTagged(): boolean | null | Promise<boolean | null> {
    return this.computed('fimrTagged');
  }

  @Field(() => Boolean, { nullable: true, description: 'DPD between 1 and 6.' })
  get earlyIndicatorTagged(): boolean | null | Promise<boolean | null> {
    return this.computed('earlyIndicatorTagged');
  }

  @Field(() => Int, { nullable: true, description: 'Calendar days from lastPaymentDate to computedAsOf (0 when paid that day); null when no repayment was ever counted.' })
  get daysSinceLastRepayment(): number | null | Promise<number | null> {
    return this.computed('daysSinceLastRepayment');
  }

  @Field(() => Int, {
    nullable: true,
    description: 'Calendar days from the first due date to computedAsOf (negative before it); null when the loan has no first due date.',
  })
  get daysSinceDue(): number | null | Promise<number | null> {
    return this.computed('daysSinceDue');
  }

  @Field(() => Int, { nullable: true, description: 'Calendar days from the disbursement date to computedAsOf.' })
  get loanAge(): number | null | Promise<number | null> {
    return this.computed('loanAge');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Daily instalment: contractual total R (D2) / tenorDays, 2 dp; 0 when D2 gives no contractual total.' })
  get dailyRepaymentAmount(): string | null | Promise<string | null> {
    return this.computed('dailyRepaymentAmount');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Instalments the counted repayments cover: Σ counted × tenorDays / R (D2), 2 dp; 0 when D2 gives no contractual total.',
  })
  get repaymentDaysPaid(): string | null | Promise<string | null> {
    return this.computed('repaymentDaysPaid');
  }

  @Field(() => Int, {
    nullable: true,
    description: 'Instalments due: business days (Mon–Fri, D5) from the first due date through min(computedAsOf, maturity); 0 before or without a first due date or D2 total.',
  })
  get repaymentDaysDueToday(): number | null | Promise<number | null> {
    return this.computed('repaymentDaysDueToday');
  }

  @Field(() => Int, { nullable: true, description: 'Business days (Mon–Fri, D5) from the disbursement date to maturity, both inclusive.' })
  get realLoanTenureDays(): number | null | Promise<number | null> {
    return this.computed('realLoanTenureDays');
  }

  @Field(() => Int, { nullable: true, description: 'Business days (Mon–Fri, D5) from the disbursement date to computedAsOf, both inclusive.' })
  get businessDaysSinceDisbursement(): number | null | Promise<number | null> {
    return this.computed('businessDaysSinceDisbursement');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'Repayment delay rate, the intended real-number formula (decision D10, §3.2), 2 dp; at most 100 (best), negative when repayments lag (floored at −999999.99). ' +
      'loanAge > 0: (1 − ((daysSinceLastRepayment + currentDpd) / 2 / loanAge) / 0.25) × 100, or (1 − (currentDpd / loanAge) / 0.25) × 100 when never paid. ' +
      'A loan disbursed on computedAsOf (loanAge 0) reads 0.00, which the loans summary counts as critical; null when loanAge is negative.',
  })
  get repaymentDelayRate(): string | null | Promise<string | null> {
    return this.computed('repaymentDelayRate');
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'All Loans "Payment Percent" (§3.8): repaymentDaysPaid / repaymentDaysDueToday × 100, 2 dp; 0 when nothing is due yet.' })
  get paymentPercent(): string | null | Promise<string | null> {
    return this.computed('paymentPercent');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Repayment modal "Outstanding" (§3.8): max(0, repayment amount (the loan amount when it is missing or not above 0) − Σ counted repayments). The modal\'s "Missed Repayments" is actualOutstanding.',
  })
  get contractOutstanding(): string | null | Promise<string | null> {
    return this.computed('contractOutstanding');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'FIMR drilldown "amount due 1st instalment" (§6 row 3): amount / tenorDays, 2 dp — the principal part only, not the whole ' +
      'instalment (that is dailyRepaymentAmount); null when tenorDays is not above 0.',
  })
  get firstInstalmentPrincipal(): string | null | Promise<string | null> {
    return this.computed('firstInstalmentPrincipal');
  }

  @Field(() => Int, { nullable: true, description: 'Loan tenure label (§3.8): tenorDays / 30 rounded to whole months; null when tenorDays is.' })
  get tenureMonths(): number | null {
    // Math.round(null / 30) is 0: a tenure nobody gave would have read as under a month.
    return this.base.tenorDays === null ? null : Math.round(this.base.tenorDays / 30);
  }

  @Field(() => DecimalScalar, { nullable: true, description: 'Σ counted repayments dated business today.' })
  get repaymentsToday(): string | null | Promise<string | null> {
    if (this.preloadedRepaymentsToday !== undefined) return this.preloadedRepaymentsToday;
    return this.loaders.repaymentsToday.load(this.base.id).then((row) => row?.amount ?? null);
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Timeliness 0–100 (§3.6) by daysSinceLastRepayment / loanAge: 95 (< 0.15), 85, 70, 55, 35 or 15 (≥ 0.75); 100 under 7 days old, else 50 if never paid.',
  })
  get timelinessScore(): string | null | Promise<string | null> {
    return this.computed('timelinessScore');
  }

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Health 0–100 (§3.6): 100 − DPD (0–40), principal-progress (0–30) and recency (0–30) penalties; 100 under 7 days old, else 50 if never paid.',
  })
  get repaymentHealth(): string | null | Promise<string | null> {
    return this.computed('repaymentHealth');
  }
}
