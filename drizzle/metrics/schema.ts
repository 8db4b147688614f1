/**
 * The seedsmetrics database, which we own. Tables and columns keep the upstream names of DOMAIN.md §2
 * (decision D13) so an existing seedsmetrics database can be brought forward by our migrations; new
 * tables serve decisions D6-D8 and D11. Money is numeric(15,2) and arrives in TypeScript as strings.
 * Changing this file means running `npm run db:generate`; a test fails when the two disagree.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

const money = (name: string) => numeric(name, { precision: 15, scale: 2 });
const created = () => timestamp('created_at').defaultNow();
const updated = () => timestamp('updated_at').defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** All active Django users plus the curated hierarchy (D12): region, branch, supervisor, vertical lead. */
export const officers = pgTable(
  'officers',
  {
    officerId: varchar('officer_id', { length: 50 }).primaryKey(),
    officerName: varchar('officer_name', { length: 255 }).notNull(),
    officerPhone: varchar('officer_phone', { length: 20 }),
    officerEmail: varchar('officer_email', { length: 255 }),
    region: varchar('region', { length: 100 }).notNull(),
    branch: varchar('branch', { length: 100 }).notNull(),
    employmentStatus: varchar('employment_status', { length: 50 }).default('Active'),
    hireDate: date('hire_date', { mode: 'string' }),
    terminationDate: date('termination_date', { mode: 'string' }),
    primaryChannel: varchar('primary_channel', { length: 50 }),
    userType: varchar('user_type', { length: 100 }),
    supervisorEmail: varchar('supervisor_email', { length: 255 }),
    supervisorName: varchar('supervisor_name', { length: 255 }),
    verticalLeadEmail: varchar('vertical_lead_email', { length: 255 }),
    verticalLeadName: varchar('vertical_lead_name', { length: 255 }),
    /** New: false for placeholder rows made for loans whose Django officer is inactive or missing (§8.23). */
    isActiveInDjango: boolean('is_active_in_django').notNull().default(true),
    /** New: true once region/branch came from the curated hierarchy rather than the Django fallback. */
    hierarchyCurated: boolean('hierarchy_curated').notNull().default(false),
    /** New: md5 of the whole Django user row last copied; reconciliation compares it with Django's (see loans). */
    djangoFingerprint: text('django_fingerprint'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    index('idx_officers_region').on(t.region),
    index('idx_officers_branch').on(t.branch),
    // Officer lists default to name order (keyset on name, id): read in index order, not sorted per request.
    index('idx_officers_name').on(t.officerName, t.officerId),
    index('idx_officers_email').on(t.officerEmail),
    index('idx_officers_user_type').on(t.userType),
    index('idx_officers_vertical_lead').on(t.verticalLeadEmail),
  ],
);

/**
 * New (D12): the curated hierarchy as imported from the business spreadsheet (CSV), keyed by e-mail because
 * the sheet's officer id is Django customer_user_id (§8.19). The sync applies it to `officers` and their loans.
 */
export const officerHierarchy = pgTable('officer_hierarchy', {
  officerEmail: varchar('officer_email', { length: 255 }).primaryKey(),
  customerUserId: varchar('customer_user_id', { length: 50 }),
  region: varchar('region', { length: 100 }).notNull(),
  branch: varchar('branch', { length: 100 }).notNull(),
  supervisorEmail: varchar('supervisor_email', { length: 255 }),
  supervisorName: varchar('supervisor_name', { length: 255 }),
  verticalLeadEmail: varchar('vertical_lead_email', { length: 255 }),
  verticalLeadName: varchar('vertical_lead_name', { length: 255 }),
  importedAt: tstz('imported_at').notNull().defaultNow(),
}, (t) => [
  // The sync matches officers to the sheet by lower(email) for every officer it writes: without this index each
  // match scanned the whole sheet (1,000 officers × 5,700 rows per loan batch at scale 10).
  index('idx_officer_hierarchy_email_lower').on(sql`lower(${t.officerEmail})`),
]);

export const customers = pgTable('customers', {
  customerId: varchar('customer_id', { length: 50 }).primaryKey(),
  customerName: varchar('customer_name', { length: 255 }).notNull(),
  customerPhone: varchar('customer_phone', { length: 20 }),
  customerEmail: varchar('customer_email', { length: 255 }),
  dateOfBirth: date('date_of_birth', { mode: 'string' }),
  gender: varchar('gender', { length: 20 }),
  state: varchar('state', { length: 100 }),
  lga: varchar('lga', { length: 100 }),
  address: text('address'),
  kycStatus: varchar('kyc_status', { length: 50 }),
  kycVerifiedDate: date('kyc_verified_date', { mode: 'string' }),
  /** New: md5 of the whole Django customer row last copied; reconciliation compares it with Django's (see loans). */
  djangoFingerprint: text('django_fingerprint'),
  createdAt: created(),
  updatedAt: updated(),
});

/** One row per Django loan: synced contract terms, curated hierarchy copy and every computed field (§3.2). */
export const loans = pgTable(
  'loans',
  {
    loanId: varchar('loan_id', { length: 50 }).primaryKey(),
    customerId: varchar('customer_id', { length: 50 })
      .notNull()
      .references(() => customers.customerId),
    customerName: varchar('customer_name', { length: 255 }).notNull(),
    customerPhone: varchar('customer_phone', { length: 20 }),
    officerId: varchar('officer_id', { length: 50 })
      .notNull()
      .references(() => officers.officerId),
    officerName: varchar('officer_name', { length: 255 }).notNull(),
    officerPhone: varchar('officer_phone', { length: 20 }),
    region: varchar('region', { length: 100 }).notNull(),
    branch: varchar('branch', { length: 100 }).notNull(),
    state: varchar('state', { length: 100 }),
    verticalLeadName: varchar('vertical_lead_name', { length: 255 }),
    verticalLeadEmail: varchar('vertical_lead_email', { length: 255 }),
    loanAmount: money('loan_amount').notNull(),
    repaymentAmount: money('repayment_amount'),
    disbursementDate: date('disbursement_date', { mode: 'string' }).notNull(),
    firstPaymentDueDate: date('first_payment_due_date', { mode: 'string' }),
    maturityDate: date('maturity_date', { mode: 'string' }).notNull(),
    loanTermDays: integer('loan_term_days').notNull(),
    interestRate: numeric('interest_rate', { precision: 5, scale: 4 }),
    feeAmount: money('fee_amount'),
    channel: varchar('channel', { length: 50 }).notNull(),
    channelPartner: varchar('channel_partner', { length: 100 }),
    status: varchar('status', { length: 50 }).notNull(),
    djangoStatus: varchar('django_status', { length: 100 }),
    performanceStatus: varchar('performance_status', { length: 100 }),
    loanType: varchar('loan_type', { length: 100 }),
    verificationStatus: varchar('verification_status', { length: 100 }),
    closedDate: date('closed_date', { mode: 'string' }),
    wave: varchar('wave', { length: 10 }).default('Wave 2'),
    currentDpd: integer('current_dpd').default(0),
    previousDpd: integer('previous_dpd'),
    maxDpdEver: integer('max_dpd_ever').default(0),
    firstPaymentMissed: boolean('first_payment_missed').default(false),
    firstPaymentReceivedDate: date('first_payment_received_date', { mode: 'string' }),
    principalOutstanding: money('principal_outstanding').default('0'),
    interestOutstanding: money('interest_outstanding').default('0'),
    feesOutstanding: money('fees_outstanding').default('0'),
    totalOutstanding: money('total_outstanding').default('0'),
    actualOutstanding: money('actual_outstanding').default('0'),
    totalPrincipalPaid: money('total_principal_paid').default('0'),
    totalInterestPaid: money('total_interest_paid').default('0'),
    totalFeesPaid: money('total_fees_paid').default('0'),
    totalRepayments: money('total_repayments').default('0'),
    fimrTagged: boolean('fimr_tagged').default(false),
    earlyIndicatorTagged: boolean('early_indicator_tagged').default(false),
    daysSinceLastRepayment: integer('days_since_last_repayment').default(0),
    daysSinceDue: integer('days_since_due').default(0),
    loanAge: integer('loan_age').default(0),
    dailyRepaymentAmount: money('daily_repayment_amount').default('0'),
    repaymentDaysPaid: numeric('repayment_days_paid', { precision: 10, scale: 2 }).default('0'),
    repaymentDaysDueToday: integer('repayment_days_due_today').default(0),
    realLoanTenureDays: integer('real_loan_tenure_days').default(0),
    businessDaysSinceDisbursement: integer('business_days_since_disbursement').default(0),
    repaymentDelayRate: numeric('repayment_delay_rate', { precision: 8, scale: 2 }),
    timelinessScore: numeric('timeliness_score', { precision: 5, scale: 2 }),
    repaymentHealth: numeric('repayment_health', { precision: 5, scale: 2 }),
    /** New: the D7 bucket of current_dpd ('0', '1-6', '7-30', '31-60', '61-90', '90+'). */
    dpdBucket: varchar('dpd_bucket', { length: 10 }).notNull().default('0'),
    /** New: date of the newest counted repayment (last_pay of §3.1). */
    lastPaymentDate: date('last_payment_date', { mode: 'string' }),
    /** New: number of counted repayments (n of §3.6). */
    countedRepaymentsCount: integer('counted_repayments_count').notNull().default(0),
    /** New: the business date the computed fields were last evaluated at. */
    computedAsOf: date('computed_as_of', { mode: 'string' }),
    /** New: Django's updated_at of the loan row last copied (sync watermark bookkeeping). */
    djangoUpdatedAt: tstz('django_updated_at'),
    /**
     * New: md5 of the whole Django row last copied. Reconciliation compares it with Django's current rows to find
     * loans edited without a new updated_at (QuerySet.update() leaves auto_now fields alone); NULL until copied.
     */
    djangoFingerprint: text('django_fingerprint'),
    /**
     * New: the loan's share of §4.4 feesCollected and interestCollected, total_repayments split in proportion to
     * fee and interest in the contract total L(1+r)+F; NULL when fee or rate is NULL or that total is not
     * positive. Stored so officer metrics sum them instead of dividing per loan on every read: two numeric
     * divisions per loan were two thirds of the cost of metrics over all officers. Unconstrained numeric, so
     * each share keeps every digit of the quotient and the sums equal the per-read computation exactly.
     */
    feesCollected: numeric('fees_collected').generatedAlwaysAs(
      sql`CASE WHEN loan_amount * (1 + interest_rate) + fee_amount > 0 THEN total_repayments * fee_amount / (loan_amount * (1 + interest_rate) + fee_amount) END`,
    ),
    interestCollected: numeric('interest_collected').generatedAlwaysAs(
      sql`CASE WHEN loan_amount * (1 + interest_rate) + fee_amount > 0 THEN total_repayments * loan_amount * interest_rate / (loan_amount * (1 + interest_rate) + fee_amount) END`,
    ),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    check('loans_wave_check', sql`${t.wave} IN ('Wave 1', 'Wave 2')`),
    check('loans_timeliness_score_check', sql`${t.timelinessScore} BETWEEN 0 AND 100`),
    check('loans_repayment_health_check', sql`${t.repaymentHealth} BETWEEN 0 AND 100`),
    // The loan ids come with the officer, so statements that map repayments to officers over the whole portfolio
    // (agent activity, collections) read this index instead of every row of this wide table (BENCHMARKS.md).
    index('idx_loans_officer').on(t.officerId, t.loanId),
    index('idx_loans_customer').on(t.customerId),
    index('idx_loans_branch').on(t.branch),
    index('idx_loans_region').on(t.region),
    index('idx_loans_wave').on(t.wave),
    index('idx_loans_status').on(t.status),
    index('idx_loans_django_status').on(t.djangoStatus),
    index('idx_loans_performance_status').on(t.performanceStatus),
    index('idx_loans_loan_type').on(t.loanType),
    index('idx_loans_verification_status').on(t.verificationStatus),
    index('idx_loans_disbursement_date').on(t.disbursementDate, t.loanId),
    index('idx_loans_current_dpd').on(t.currentDpd, t.loanId),
    // Lists sort DPD descending with NULLs last (loaders/keyset.ts); the index above, read backwards, gives NULLs first.
    index('idx_loans_current_dpd_desc').on(t.currentDpd.desc().nullsLast(), t.loanId.desc().nullsFirst()),
    index('idx_loans_days_since_due').on(t.daysSinceDue),
    index('idx_loans_actual_outstanding').on(t.actualOutstanding),
    index('idx_loans_total_repayments').on(t.totalRepayments),
    index('idx_loans_repayment_amount').on(t.repaymentAmount),
    index('idx_loans_vertical_lead').on(t.verticalLeadEmail),
    index('idx_loans_customer_phone').on(t.customerPhone),
    index('idx_loans_fimr').on(t.loanId).where(sql`${t.fimrTagged}`),
    index('idx_loans_early_indicator').on(t.loanId).where(sql`${t.earlyIndicatorTagged}`),
  ],
);

/**
 * Copy of Django repayments. Unlike upstream, rows that are never counted (NULL paid_date, amount ≤ 0,
 * REVERSAL, not applied) are kept (D3), so payment_date is nullable; `is_counted` says whether a row counts.
 */
export const repayments = pgTable(
  'repayments',
  {
    repaymentId: varchar('repayment_id', { length: 50 }).primaryKey(),
    loanId: varchar('loan_id', { length: 50 })
      .notNull()
      .references(() => loans.loanId, { onDelete: 'cascade' }),
    paymentDate: date('payment_date', { mode: 'string' }),
    paymentAmount: money('payment_amount').notNull(),
    principalPaid: money('principal_paid').default('0'),
    interestPaid: money('interest_paid').default('0'),
    feesPaid: money('fees_paid').default('0'),
    penaltyPaid: money('penalty_paid').default('0'),
    waiverAmount: money('waiver_amount').default('0'),
    paymentMethod: varchar('payment_method', { length: 50 }),
    paymentReference: varchar('payment_reference', { length: 100 }),
    paymentChannel: varchar('payment_channel', { length: 50 }),
    dpdAtPayment: integer('dpd_at_payment').default(0),
    isBackdated: boolean('is_backdated').default(false),
    isReversed: boolean('is_reversed').default(false),
    reversalDate: date('reversal_date', { mode: 'string' }),
    reversalReason: text('reversal_reason'),
    waiverType: varchar('waiver_type', { length: 50 }),
    waiverApprovedBy: varchar('waiver_approved_by', { length: 100 }),
    /** New: Django marked_as (REVERSAL, RECOVERY, BACKDATED, NULL). */
    markedAs: varchar('marked_as', { length: 255 }),
    /** New: Django applied_to_loan; NULL counts (D3). */
    appliedToLoan: boolean('applied_to_loan'),
    /** New: the exact Django paid_date instant; payment_date is its business date in BUSINESS_TZ (D1). */
    paidAt: tstz('paid_at'),
    /** New: Django updated_at of the row last copied. */
    djangoUpdatedAt: tstz('django_updated_at'),
    /** New: md5 of the whole Django row last copied; reconciliation compares each loan's, in id order, with Django's. */
    djangoFingerprint: text('django_fingerprint'),
    /** New: D3 in one place (a REVERSAL marking excludes the row even if is_reversed was not set). */
    isCounted: boolean('is_counted')
      .notNull()
      .generatedAlwaysAs(
        sql`payment_date IS NOT NULL AND payment_amount > 0 AND is_reversed IS NOT TRUE AND applied_to_loan IS NOT FALSE AND marked_as IS DISTINCT FROM 'REVERSAL'`,
      ),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    index('idx_repayments_loan').on(t.loanId),
    // A window of days (collections, agent activity) reads the counted amounts and their loans from the index alone.
    index('idx_repayments_payment_date').on(t.paymentDate, t.loanId, t.paymentAmount, t.isCounted),
    index('idx_repayments_loan_date').on(t.loanId, t.paymentDate),
    index('idx_repayments_backdated').on(t.repaymentId).where(sql`${t.isBackdated}`),
    index('idx_repayments_reversed').on(t.repaymentId).where(sql`${t.isReversed}`),
    // What the recompute sums per loan (counted rows: loan, date, amount), readable from the index alone: for a
    // sync batch's 1,000 loans the planner walks it instead of scanning every repayment (BENCHMARKS.md).
    index('idx_repayments_counted').on(t.loanId, t.paymentDate, t.paymentAmount).where(sql`${t.isCounted}`),
  ],
);

export const loanSchedule = pgTable(
  'loan_schedule',
  {
    scheduleId: serial('schedule_id').primaryKey(),
    loanId: varchar('loan_id', { length: 50 })
      .notNull()
      .references(() => loans.loanId, { onDelete: 'cascade' }),
    installmentNumber: integer('installment_number').notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    principalDue: money('principal_due'),
    interestDue: money('interest_due'),
    feeDue: money('fee_due'),
    totalDue: money('total_due'),
    amountPaid: money('amount_paid'),
    paymentStatus: varchar('payment_status', { length: 50 }).default('Pending'),
    paymentDate: date('payment_date', { mode: 'string' }),
    /** New: Django loans_ajoloanschedule.id, the upsert key. */
    djangoScheduleId: varchar('django_schedule_id', { length: 50 }),
    djangoUpdatedAt: tstz('django_updated_at'),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex('loan_schedule_loan_installment_key').on(t.loanId, t.installmentNumber),
    uniqueIndex('loan_schedule_django_id_key').on(t.djangoScheduleId),
  ],
);

export const holiday = pgTable('holiday', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  date: date('date', { mode: 'string' }),
  name: varchar('name', { length: 255 }),
  type: varchar('type', { length: 255 }).notNull(),
  agentId: bigint('agent_id', { mode: 'number' }),
  branchId: bigint('branch_id', { mode: 'number' }),
  createdById: bigint('created_by_id', { mode: 'number' }),
  salaryWaver: boolean('salary_waver').notNull().default(false),
  createdAt: tstz('created_at'),
  updatedAt: tstz('updated_at'),
});

/** Upstream bookkeeping of sync runs per entity; kept for compatibility and filled by our worker. */
export const syncTracking = pgTable('sync_tracking', {
  syncId: serial('sync_id').primaryKey(),
  entityType: varchar('entity_type', { length: 50 }).notNull().unique(),
  lastSyncTimestamp: timestamp('last_sync_timestamp'),
  lastSyncedRecordId: varchar('last_synced_record_id', { length: 50 }),
  syncCount: integer('sync_count').default(0),
  lastSyncDurationMs: integer('last_sync_duration_ms'),
  lastSyncRecordsCount: integer('last_sync_records_count'),
  lastSyncErrorsCount: integer('last_sync_errors_count'),
  createdAt: created(),
  updatedAt: updated(),
});

/** New (D11): id and updated_at watermarks per Django table, committed with the rows they cover. */
export const syncWatermarks = pgTable('sync_watermarks', {
  entity: varchar('entity', { length: 50 }).primaryKey(),
  maxId: bigint('max_id', { mode: 'number' }).notNull().default(0),
  maxUpdatedAt: tstz('max_updated_at'),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** New: one row per sync cycle, for operators (lag, rows, errors) and the readiness check. */
export const syncRuns = pgTable(
  'sync_runs',
  {
    runId: bigserial('run_id', { mode: 'number' }).primaryKey(),
    kind: varchar('kind', { length: 30 }).notNull(),
    startedAt: tstz('started_at').notNull(),
    finishedAt: tstz('finished_at'),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsWritten: integer('rows_written').notNull().default(0),
    loansRecomputed: integer('loans_recomputed').notNull().default(0),
    errorsCount: integer('errors_count').notNull().default(0),
    newestDjangoChangeAt: tstz('newest_django_change_at'),
    errorMessage: text('error_message'),
  },
  (t) => [index('idx_sync_runs_started').on(t.startedAt)],
);

/** New: Django rows the sync could not take as they are, each reported once and counted after. */
export const syncRejects = pgTable(
  'sync_rejects',
  {
    entity: varchar('entity', { length: 50 }).notNull(),
    djangoId: varchar('django_id', { length: 50 }).notNull(),
    reason: text('reason').notNull(),
    firstSeenAt: tstz('first_seen_at').notNull().defaultNow(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    seenCount: integer('seen_count').notNull().default(1),
    /** The Django version (updated_at, UTC ISO text) last reported: a sighting of another version counts once more. */
    djangoVersion: text('django_version'),
    /**
     * New: the loan a repayment's or schedule row's report is about (the Django row's loan), so a loan shows the
     * reports on its repayments whether or not they were copied; NULL for other entities.
     */
    loanId: varchar('loan_id', { length: 50 }),
  },
  (t) => [primaryKey({ columns: [t.entity, t.djangoId] }), index('idx_sync_rejects_loan').on(t.loanId).where(sql`loan_id IS NOT NULL`)],
);

/** New (D6): a DPD snapshot per loan per business day. */
export const loanDpdDaily = pgTable(
  'loan_dpd_daily',
  {
    loanId: varchar('loan_id', { length: 50 })
      .notNull()
      .references(() => loans.loanId, { onDelete: 'cascade' }),
    snapshotDate: date('snapshot_date', { mode: 'string' }).notNull(),
    currentDpd: integer('current_dpd').notNull(),
    dpdBucket: varchar('dpd_bucket', { length: 10 }).notNull(),
    principalOutstanding: money('principal_outstanding').notNull(),
    actualOutstanding: money('actual_outstanding').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.loanId, t.snapshotDate] }), index('idx_loan_dpd_daily_date').on(t.snapshotDate)],
);

/** The durable log of bucket moves (D7); ids are NOTIFYed on channel dpd_transition. */
export const dpdTransitions = pgTable(
  'dpd_transitions',
  {
    transitionId: bigserial('transition_id', { mode: 'number' }).primaryKey(),
    loanId: varchar('loan_id', { length: 50 }).notNull(),
    officerId: varchar('officer_id', { length: 50 }).notNull(),
    branch: varchar('branch', { length: 100 }),
    region: varchar('region', { length: 100 }),
    transitionDate: date('transition_date', { mode: 'string' }).notNull(),
    fromDpdBucket: varchar('from_dpd_bucket', { length: 10 }).notNull(),
    toDpdBucket: varchar('to_dpd_bucket', { length: 10 }).notNull(),
    dpdBefore: integer('dpd_before').notNull(),
    dpdAfter: integer('dpd_after').notNull(),
    /** actual_outstanding after the move (the decision recorded for §4.2's open question). */
    outstandingBalance: money('outstanding_balance').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_dpd_transitions_loan').on(t.loanId),
    index('idx_dpd_transitions_officer').on(t.officerId, t.transitionId),
    index('idx_dpd_transitions_branch').on(t.branch, t.transitionId),
  ],
);

/** Latest PAR state per scope and key, the baseline a recompute compares against (D8). */
export const parCurrent = pgTable(
  'par_current',
  {
    scope: varchar('scope', { length: 20 }).notNull(),
    scopeKey: varchar('scope_key', { length: 255 }).notNull(),
    portfolio: money('portfolio').notNull(),
    par15: money('par15').notNull(),
    par30: money('par30').notNull(),
    par60: money('par60').notNull(),
    par90: money('par90').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.scopeKey] })],
);

/**
 * New: the §4.4 raw sums and counts of each officer's loans per wave, kept by statement triggers on `loans` that
 * add the new rows' contributions and subtract the old rows' (migration 0020), so officer metrics read
 * O(officers × waves) rows instead of every loan. Averages are kept as a sum and a non-null count. "Live" means
 * out3 = principal + interest + fees outstanding > 2000. Invariant: each row equals the aggregate over `loans`
 * of its officer and wave (NULL wave included: the key treats NULLs as equal).
 */
export const officerPortfolioTotals = pgTable(
  'officer_portfolio_totals',
  {
    officerId: varchar('officer_id', { length: 50 }).notNull(),
    wave: varchar('wave', { length: 10 }),
    loansCount: integer('loans_count').notNull(),
    fimrCount: integer('fimr_count').notNull(),
    principalOutstanding: numeric('principal_outstanding').notNull(),
    principalDpd1To6: numeric('principal_dpd_1_6').notNull(),
    principalDpd7To30: numeric('principal_dpd_7_30').notNull(),
    principalDpd15Plus: numeric('principal_dpd_15_plus').notNull(),
    principalDpd30Plus: numeric('principal_dpd_30_plus').notNull(),
    principalDpd60Plus: numeric('principal_dpd_60_plus').notNull(),
    principalDpd90Plus: numeric('principal_dpd_90_plus').notNull(),
    outstanding: numeric('outstanding').notNull(),
    feeAmount: numeric('fee_amount').notNull(),
    feesCollected: numeric('fees_collected').notNull(),
    interestCollected: numeric('interest_collected').notNull(),
    liveCount: integer('live_count').notNull(),
    liveTimelinessSum: numeric('live_timeliness_sum').notNull(),
    liveTimelinessCount: integer('live_timeliness_count').notNull(),
    liveHealthSum: numeric('live_health_sum').notNull(),
    liveHealthCount: integer('live_health_count').notNull(),
    liveDaysSinceRepaymentSum: numeric('live_days_since_repayment_sum').notNull(),
    liveDaysSinceRepaymentCount: integer('live_days_since_repayment_count').notNull(),
    liveLoanAgeSum: numeric('live_loan_age_sum').notNull(),
    liveLoanAgeCount: integer('live_loan_age_count').notNull(),
  },
  (t) => [unique('officer_portfolio_totals_officer_wave_key').on(t.officerId, t.wave).nullsNotDistinct()],
);

/**
 * New: each loan's share of par_current as par_current holds it (its scope keys, principal outstanding and DPD
 * when PAR was last refreshed for it). refresh_par of a batch adds the batch's new shares and subtracts these,
 * so its cost follows the batch, not the size of the scopes; the daily full refresh rebuilds the table.
 * Invariant: par_current = the sums of these rows per scope key.
 */
export const parLoanShares = pgTable('par_loan_shares', {
  loanId: varchar('loan_id', { length: 50 }).primaryKey(),
  officerId: varchar('officer_id', { length: 50 }).notNull(),
  branch: varchar('branch', { length: 100 }).notNull(),
  region: varchar('region', { length: 100 }).notNull(),
  principalOutstanding: money('principal_outstanding').notNull(),
  currentDpd: integer('current_dpd'),
});

/**
 * New: loans whose officer, branch or region changed outside a recompute (a curated hierarchy change), written
 * by a trigger on loans and consumed by the next refresh_par, so the scopes they left and joined move then
 * instead of waiting for the daily full refresh.
 */
export const parStaleLoans = pgTable('par_stale_loans', {
  loanId: varchar('loan_id', { length: 50 }).primaryKey(),
});

/** The durable log of PAR moves (D8); ids are NOTIFYed on channel par_change. Ratios are amount / portfolio. */
export const parChanges = pgTable(
  'par_changes',
  {
    changeId: bigserial('change_id', { mode: 'number' }).primaryKey(),
    scope: varchar('scope', { length: 20 }).notNull(),
    scopeKey: varchar('scope_key', { length: 255 }).notNull(),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    portfolioBefore: money('portfolio_before').notNull(),
    portfolioAfter: money('portfolio_after').notNull(),
    par15Before: money('par15_before').notNull(),
    par15After: money('par15_after').notNull(),
    par30Before: money('par30_before').notNull(),
    par30After: money('par30_after').notNull(),
    par60Before: money('par60_before').notNull(),
    par60After: money('par60_after').notNull(),
    par90Before: money('par90_before').notNull(),
    par90After: money('par90_after').notNull(),
    ratio15Before: numeric('ratio15_before', { precision: 12, scale: 8 }).notNull(),
    ratio15After: numeric('ratio15_after', { precision: 12, scale: 8 }).notNull(),
    ratio30Before: numeric('ratio30_before', { precision: 12, scale: 8 }).notNull(),
    ratio30After: numeric('ratio30_after', { precision: 12, scale: 8 }).notNull(),
    ratio60Before: numeric('ratio60_before', { precision: 12, scale: 8 }).notNull(),
    ratio60After: numeric('ratio60_after', { precision: 12, scale: 8 }).notNull(),
    ratio90Before: numeric('ratio90_before', { precision: 12, scale: 8 }).notNull(),
    ratio90After: numeric('ratio90_after', { precision: 12, scale: 8 }).notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_par_changes_scope').on(t.scope, t.scopeKey, t.changeId)],
);

/**
 * How far a live feed's history has been pruned (PAR_CHANGES_RETENTION_DAYS): every row of the feed's table with an id
 * up to `through_id` is gone, so a replay from an earlier `since` would miss events and is refused instead.
 */
export const liveHistoryPruned = pgTable('live_history_pruned', {
  /** The feed (src/events/feeds.ts): 'par'. */
  feed: varchar('feed', { length: 20 }).primaryKey(),
  throughId: bigint('through_id', { mode: 'number' }).notNull(),
  prunedAt: tstz('pruned_at').notNull().defaultNow(),
});

/**
 * The business clock (D1), a singleton row (id 1, created by the migration). SQL `business_today()` reads it:
 * `pinned_date` when set (tests pin "today" this way), else the wall-clock date in `business_tz` plus
 * `offset_days` (the demo advances it). See src/engine/clock.ts.
 */
export const businessClock = pgTable(
  'business_clock',
  {
    id: smallint('id').primaryKey().default(1),
    offsetDays: integer('offset_days').notNull().default(0),
    /** IANA zone whose local date is "today" (BUSINESS_TZ). */
    businessTz: text('business_tz').notNull().default('Africa/Lagos'),
    /** When set, business_today() is exactly this date (offset_days ignored). */
    pinnedDate: date('pinned_date', { mode: 'string' }),
    /**
     * D5: holidays stay out of the business-day count (upstream behaviour). Turning this on makes every
     * business-day count skip company holidays of the `holiday` table; nothing else has to change.
     */
    excludeHolidays: boolean('exclude_holidays').notNull().default(false),
    lastRecomputeDate: date('last_recompute_date', { mode: 'string' }),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('business_clock_singleton', sql`${t.id} = 1`)],
);

// Upstream pre-aggregation and bookkeeping tables (§2.6, §2.7), kept for compatibility (D13).

export const officerMetricsDaily = pgTable(
  'officer_metrics_daily',
  {
    id: serial('id').primaryKey(),
    officerId: varchar('officer_id', { length: 50 }).notNull(),
    calculationDate: date('calculation_date', { mode: 'string' }).notNull(),
    totalPortfolio: money('total_portfolio'),
    activeLoans: integer('active_loans'),
    overdue15dAmount: money('overdue_15d_amount'),
    par15Ratio: numeric('par15_ratio', { precision: 10, scale: 6 }),
    fimr: numeric('fimr', { precision: 10, scale: 6 }),
    roll: numeric('roll', { precision: 10, scale: 6 }),
    ayr: numeric('ayr', { precision: 10, scale: 6 }),
    dqi: integer('dqi'),
    porr: numeric('porr', { precision: 10, scale: 6 }),
    riskScore: integer('risk_score'),
    riskBand: varchar('risk_band', { length: 20 }),
    repaymentDelayRate: numeric('repayment_delay_rate', { precision: 8, scale: 2 }),
    calculatedAt: timestamp('calculated_at').defaultNow(),
  },
  (t) => [uniqueIndex('officer_metrics_daily_officer_date_key').on(t.officerId, t.calculationDate)],
);

export const branchMetricsDaily = pgTable(
  'branch_metrics_daily',
  {
    id: serial('id').primaryKey(),
    branch: varchar('branch', { length: 100 }).notNull(),
    region: varchar('region', { length: 100 }),
    calculationDate: date('calculation_date', { mode: 'string' }).notNull(),
    portfolioTotal: money('portfolio_total'),
    activeLoans: integer('active_loans'),
    totalOfficers: integer('total_officers'),
    overdue15d: money('overdue_15d'),
    par15Ratio: numeric('par15_ratio', { precision: 10, scale: 6 }),
    ayr: numeric('ayr', { precision: 10, scale: 6 }),
    dqi: integer('dqi'),
    fimr: numeric('fimr', { precision: 10, scale: 6 }),
    calculatedAt: timestamp('calculated_at').defaultNow(),
  },
  (t) => [uniqueIndex('branch_metrics_daily_branch_date_key').on(t.branch, t.calculationDate)],
);

export const par15Snapshots = pgTable(
  'par15_snapshots',
  {
    id: serial('id').primaryKey(),
    officerId: varchar('officer_id', { length: 50 }).notNull(),
    snapshotDate: date('snapshot_date', { mode: 'string' }).notNull(),
    par15Exposure: money('par15_exposure'),
    par15Count: integer('par15_count'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('par15_snapshots_officer_date_key').on(t.officerId, t.snapshotDate)],
);

export const metricCalculationLog = pgTable('metric_calculation_log', {
  id: serial('id').primaryKey(),
  calculationType: varchar('calculation_type', { length: 100 }),
  calculationDate: date('calculation_date', { mode: 'string' }),
  startTime: timestamp('start_time'),
  endTime: timestamp('end_time'),
  durationMs: integer('duration_ms'),
  recordsProcessed: integer('records_processed'),
  recordsUpdated: integer('records_updated'),
  recordsFailed: integer('records_failed'),
  status: varchar('status', { length: 50 }),
  errorMessage: text('error_message'),
});

export const teamMembers = pgTable('team_members', {
  memberId: varchar('member_id', { length: 50 }).primaryKey(),
  memberName: varchar('member_name', { length: 255 }).notNull(),
  memberEmail: varchar('member_email', { length: 255 }),
  memberPhone: varchar('member_phone', { length: 20 }),
  role: varchar('role', { length: 100 }),
  department: varchar('department', { length: 100 }),
  isActive: boolean('is_active').default(true),
  createdAt: created(),
  updatedAt: updated(),
});

export const auditTracking = pgTable('audit_tracking', {
  auditId: serial('audit_id').primaryKey(),
  officerId: varchar('officer_id', { length: 50 }).references(() => officers.officerId),
  assigneeId: varchar('assignee_id', { length: 50 }),
  assigneeName: varchar('assignee_name', { length: 255 }),
  assignedDate: date('assigned_date', { mode: 'string' }),
  auditStatus: varchar('audit_status', { length: 50 }),
  statusChangedDate: date('status_changed_date', { mode: 'string' }),
  lastAuditDate: date('last_audit_date', { mode: 'string' }),
  auditNotes: text('audit_notes'),
  riskLevel: varchar('risk_level', { length: 50 }),
  actionType: varchar('action_type', { length: 50 }),
  actionDate: date('action_date', { mode: 'string' }),
  actionNotes: text('action_notes'),
  createdAt: created(),
  updatedAt: updated(),
});

export const metricsSchema = {
  officers,
  officerHierarchy,
  customers,
  loans,
  repayments,
  loanSchedule,
  holiday,
  syncTracking,
  syncWatermarks,
  syncRuns,
  syncRejects,
  loanDpdDaily,
  dpdTransitions,
  parCurrent,
  parChanges,
  businessClock,
  officerMetricsDaily,
  branchMetricsDaily,
  par15Snapshots,
  metricCalculationLog,
  teamMembers,
  auditTracking,
};
