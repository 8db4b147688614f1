/**
 * The rows the sync copies from each Django table: their shape once read (SourceRow, one type per entity) and the SQL
 * that selects, shapes and checks them in Django — names, statuses, business dates in BUSINESS_TZ ($1 of every query
 * that uses them), money as exact decimal strings, the notes of rows kept as they are and the reasons rows are
 * rejected — so the write side only inserts. DjangoReader (django-reader.ts) runs the queries.
 */
import {
  businessDaySql,
  CALENDAR_RANGE_TEXT,
  calendarDateSql,
  centsSql,
  customerNameSql,
  employmentStatusSql,
  hireDateSql,
  inCalendarRangeSql,
  interestFractionSql,
  kycStatusSql,
  moneyTextSql,
  normalisedStatusSql,
  officerNameSql,
} from '../django-columns';

/** Fields every copied row carries. */
export interface SourceRow {
  id: string;
  /**
   * UTC ISO-8601 with microseconds, e.g. 2025-11-05T09:30:00.123456Z; null when Django's row has none (Django's
   * auto_now always sets it, but DOMAIN §1 leaves the columns' nullability open, so a row written outside Django may).
   */
  updated_at: string | null;
  /**
   * PostgreSQL's 'infinity' or '-infinity' when Django's updated_at is one (no Python datetime can be; `updated_at` is
   * then null, as for a row without one), so the report names what Django holds. Absent on narrow version reads.
   */
  infinite_updated_at?: string | null;
}

export const utcText = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The version of a row (SourceRow's updated_at and infinite_updated_at) from Django's change-time `column`: an
 * infinite one has no UTC text (to_char gives NULL), so it is kept as Django shows it.
 */
const versionColumns = (column: string): string =>
  `${utcText(column)} AS updated_at, CASE WHEN NOT isfinite(${column}) THEN ${column}::text END AS infinite_updated_at`;

/**
 * The largest amount the sync takes for a loan's contract (L × (1 + r) + F, and each of its amounts) or for one
 * repayment: ₦1e10 (10 billion), some 20,000 times the largest loan of this product. Every sum of money that
 * seedsmetrics stores or serves is numeric(15,2), below 1e13: PAR of a branch, region or the whole portfolio, the KPI
 * strip, collections. Below this bound a thousand such rows still fit any of those sums, so no single implausible
 * Django row can overflow a total and stop the sync (the recompute runs in the batch transaction) or a dashboard
 * query. Rows beyond it are rejected with their value and this bound.
 */
export const AMOUNT_LIMIT = '1e10';

/** A business date (D1): the calendar date of a timestamptz in the business time zone ($1 of every query). */
const businessDay = (column: string): string => businessDaySql(column, '$1');
/** The same as YYYY-MM-DD text. */
const businessDate = (column: string): string => `${businessDay(column)}::text`;

/** Django's business date now (D1): what "in the future" is measured against. */
const DJANGO_TODAY = businessDay('statement_timestamp()');

/**
 * A note for a text that a seedsmetrics column keeps only the start of (the upstream widths, D13), or NULL.
 * The copy's filters, groups and fields all read that same copy, so they agree with each other; the note says
 * where it differs from Django.
 */
const truncationNote = (column: string, source: string, target: string, width: number): string =>
  `CASE WHEN length(${column}) > ${width} THEN '${source} has ' || length(${column}) || ' characters: kept, truncated to ${width} (${target} varchar(${width}))' END`;

/** Notes joined with '; ', NULL when there are none. */
const notes = (clauses: readonly string[]): string => `NULLIF(concat_ws('; ', ${clauses.join(', ')}), '')`;


/** Fields of a row kept as it is but reported once in sync_rejects ("…: kept, …"). */
export interface KeptNote {
  /** What is odd about the row and what the copy does with it; null when nothing is. */
  kept_note: string | null;
}

export interface OfficerSourceRow extends SourceRow, KeptNote {
  /** md5 of the whole Django row as read. */
  fingerprint: string;
  is_active: boolean;
  officer_name: string;
  officer_phone: string | null;
  officer_email: string;
  user_branch: string | null;
  user_type: string | null;
  employment_status: string;
  hire_date: string;
}

/**
 * A whole Django row hashed: any edit changes it, including one made with QuerySet.update() (Django admin's bulk
 * actions use it), which leaves updated_at alone and so escapes the edit scan. Stored with the copy of loans,
 * repayments, officers and customers; reconciliation compares.
 */
export const fingerprint = (row: string): string => `md5(${row}::text)`;

/**
 * An officer without the e-mail Django requires (§1.1, NOT NULL there; a row written around Django): copied, and
 * named after its id when it has no username either (officerNameSql).
 */
const OFFICER_WITHOUT_EMAIL = `CASE WHEN u.email IS NULL THEN 'email is NULL: kept' || CASE WHEN u.username IS NULL THEN ', named ''Officer ' || u.id || ''' (no username either)' ELSE '' END END`;

/** The officer's hire date (§1.1, D1). */
const HIRED_ON = hireDateSql('u', '$1');

/**
 * An officer whose date_joined has no business date in years 0001–9999 (a row written around Django, or 9999-12-31
 * late in the UTC day): copied without a hire date, since the API's Date and its officer lists' cursors cannot hold it.
 */
const OFFICER_HIRED_OUT_OF_RANGE = `CASE WHEN NOT ${inCalendarRangeSql(HIRED_ON)} THEN 'date_joined must be a point in time on a business date from ${CALENDAR_RANGE_TEXT}; got '
  || CASE WHEN isfinite(u.date_joined) THEN ${utcText('u.date_joined')} || ' (business date ' || ${HIRED_ON} || ')' ELSE u.date_joined::text END || ': kept, hire_date left empty' END`;

export const OFFICER_COLUMNS = `
  u.id::text AS id, ${fingerprint('u')} AS fingerprint, ${versionColumns('u.updated_at')}, u.is_active AS is_active,
  left(${officerNameSql('u')}, 255) AS officer_name, left(u.user_phone, 20) AS officer_phone,
  left(u.email, 255) AS officer_email, u.user_branch AS user_branch, u.user_type AS user_type,
  ${employmentStatusSql('u')} AS employment_status,
  ${calendarDateSql(HIRED_ON)}::text AS hire_date,
  ${notes([OFFICER_WITHOUT_EMAIL, OFFICER_HIRED_OUT_OF_RANGE, truncationNote('u.user_phone', 'user_phone', 'officer_phone', 20), truncationNote('u.user_branch', 'user_branch', 'branch', 100)])} AS kept_note`;

export interface CustomerSourceRow extends SourceRow, KeptNote {
  /** md5 of the whole Django row as read. */
  fingerprint: string;
  customer_name: string;
  customer_phone: string;
  date_of_birth: string | null;
  gender: string | null;
  state: string | null;
  lga: string | null;
  address: string | null;
  kyc_status: string;
}

/**
 * A customer without the phone number Django requires (§1.2, NOT NULL there; a row written around Django): copied,
 * and named after its id when a name part is missing too (customerNameSql).
 */
const CUSTOMER_WITHOUT_PHONE = `CASE WHEN c.phone_number IS NULL THEN 'phone_number is NULL: kept' || CASE WHEN c.first_name IS NULL OR c.last_name IS NULL THEN ', named ''Customer ' || c.id || ''' (no first and last name either)' ELSE '' END END`;

/** §1.2: the name falls back to the phone when either name part is NULL; KYC from the two verification flags. */
export const CUSTOMER_COLUMNS = `
  c.id::text AS id, ${fingerprint('c')} AS fingerprint, ${versionColumns('c.updated_at')},
  left(${customerNameSql('c')}, 255) AS customer_name,
  left(c.phone_number, 20) AS customer_phone, c.dob::text AS date_of_birth, left(c.gender, 20) AS gender,
  c.state AS state, c.lga AS lga, c.address AS address,
  ${kycStatusSql('c')} AS kyc_status,
  ${notes([CUSTOMER_WITHOUT_PHONE, truncationNote('c.phone_number', 'phone_number', 'customer_phone', 20)])} AS kept_note`;

export interface LoanSourceRow extends SourceRow, KeptNote {
  /** False for loans outside the population of §1.8 that are skipped silently (not disbursed). */
  is_disbursed: boolean;
  /**
   * Why the loan cannot be copied (NULL agent, date or maturity, unknown tenor, amounts or rate out of bounds); null
   * when fine. `kept_note` then names impossible dates that are copied as they are.
   */
  reject_reason: string | null;
  customer_id: string;
  officer_id: string | null;
  loan_amount: string | null;
  repayment_amount: string | null;
  interest_rate: string | null;
  fee_amount: string | null;
  loan_term_days: number;
  disbursement_date: string | null;
  first_payment_due_date: string | null;
  maturity_date: string | null;
  status: string;
  django_status: string;
  performance_status: string | null;
  loan_type: string | null;
  verification_status: string | null;
  /** The officer as Django knows it (for a placeholder officer row); null fields when the user does not exist. */
  officer_exists: boolean;
  officer: Omit<OfficerSourceRow, 'id' | 'updated_at' | 'kept_note'> | null;
  /** The customer as Django knows it (for a placeholder customer row when the customer sync has not seen it yet). */
  customer: Omit<CustomerSourceRow, 'id' | 'updated_at' | 'kept_note'> | null;
  /** md5 of the whole Django row as read. */
  fingerprint: string;
}

/** A Django amount within the sync's bound (NaN and ±Infinity are not: in PostgreSQL NaN sorts above every number). */
const plausibleAmount = (column: string): string => `(${column} >= 0 AND ${column} < ${AMOUNT_LIMIT})`;

/**
 * The largest interest rate, in Django's percent: seedsmetrics keeps the fraction rounded to 4 places as numeric(5,4),
 * below 10, so 999.99 % rounds to 9.9999 and 999.995 % would not fit.
 */
const INTEREST_RATE_LIMIT = '999.995';
const plausibleRate = `(l.interest_rate >= 0 AND l.interest_rate < ${INTEREST_RATE_LIMIT})`;

/**
 * D2's L × (1 + r) + F in exact numeric, for a loan whose parts are within bounds (r ≥ 0). It bounds every money
 * column the engine computes for the loan: the contract R, the split total S (L + F when r = 0), what is outstanding.
 */
const CONTRACT_TOTAL = `(l.amount::numeric * (1 + l.interest_rate::numeric / 100) + l.processing_fee::numeric)`;

/** The business date of disbursement (D1). */
const DISBURSED_ON = businessDay('l.date_disbursed');

/**
 * Each clause names what was expected and what arrived; all failing clauses are reported together. A NULL Django
 * does not allow (§1.3) in a column the copy cannot do without (borrower, amount) is named here rather than left to
 * the NOT NULL of seedsmetrics, whose refusal named its own column; a NULL repayment_amount, processing_fee or
 * interest_rate is copied as NULL, which the copy already means for "none" (§1.9, D2). Dates outside years 0001–9999
 * (PostgreSQL's infinite dates, years BC, and 9999-12-31 late in the UTC day, which is 10000-01-01 in Lagos) have no
 * business date any reader can show or count from, and are refused too. Uses $1, the business time zone.
 */
export const LOAN_REJECT_REASON = `NULLIF(concat_ws('; ',
    CASE WHEN l.agent_id IS NULL THEN 'agent_id is NULL (a loan needs an officer)' END,
    CASE WHEN l.borrower_id IS NULL THEN 'borrower_id is NULL (a loan needs a borrower)' END,
    CASE WHEN l.date_disbursed IS NULL THEN 'date_disbursed is NULL (a disbursed loan needs its date)' END,
    CASE WHEN l.end_date IS NULL THEN 'end_date is NULL (a loan needs its maturity date)' END,
    CASE WHEN NOT ${inCalendarRangeSql(DISBURSED_ON)} THEN 'date_disbursed must be a point in time on a business date from ${CALENDAR_RANGE_TEXT}; got '
         || CASE WHEN isfinite(l.date_disbursed) THEN ${utcText('l.date_disbursed')} || ' (business date ' || ${DISBURSED_ON} || ')' ELSE l.date_disbursed::text END END,
    CASE WHEN NOT ${inCalendarRangeSql('l.start_date')} THEN 'start_date must be a calendar date from ${CALENDAR_RANGE_TEXT} or NULL; got ' || l.start_date::text END,
    CASE WHEN NOT ${inCalendarRangeSql('l.end_date')} THEN 'end_date must be a calendar date from ${CALENDAR_RANGE_TEXT}; got ' || l.end_date::text END,
    CASE WHEN l.tenor_in_days IS NULL OR l.tenor_in_days <= 0 THEN 'tenor_in_days must be a positive number of instalments; got ' || COALESCE(l.tenor_in_days::text, 'NULL') || ' (tenor ' || COALESCE(l.tenor, 'NULL') || ')' END,
    CASE WHEN l.amount IS NULL OR NOT ${plausibleAmount('l.amount')} THEN 'amount must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || COALESCE(l.amount::text, 'NULL') END,
    CASE WHEN NOT ${plausibleAmount('l.repayment_amount')} THEN 'repayment_amount must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || l.repayment_amount::text END,
    CASE WHEN NOT ${plausibleAmount('l.processing_fee')} THEN 'processing_fee must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || l.processing_fee::text END,
    CASE WHEN NOT ${plausibleRate} THEN 'interest_rate must be a percent from 0 to 999.99; got ' || l.interest_rate::text END,
    CASE WHEN ${plausibleAmount('l.amount')} AND ${plausibleAmount('l.processing_fee')} AND ${plausibleRate} AND ${CONTRACT_TOTAL} >= ${AMOUNT_LIMIT}
         THEN 'the contract total amount × (1 + interest_rate/100) + processing_fee must be below ${AMOUNT_LIMIT}; got ' || round(${CONTRACT_TOTAL}, 2)::text
              || ' (' || l.amount::text || ' × (1 + ' || l.interest_rate::text || '/100) + ' || l.processing_fee::text || ')' END
  ), '')`;


/**
 * The earliest disbursement date taken as real: Django's date fields default to placeholders such as 1900-01-01,
 * and this product has no loan from the last century.
 */
const EARLIEST_DISBURSEMENT = '2000-01-01';

/**
 * Contracts whose dates cannot all be true, copied as they are (DOMAIN.md does not rule on them, and every computed
 * field is defined for them) and reported once: the DPD clock of §3.2 runs from start_date to end_date, so these
 * loans show DPD 0 or a frozen DPD, and a loan disbursed in the future a negative age.
 */
const LOAN_KEPT_NOTE = notes([
  `CASE WHEN l.end_date < ${DISBURSED_ON} THEN 'end_date ' || l.end_date || ' is before date_disbursed ' || ${DISBURSED_ON} END`,
  `CASE WHEN l.start_date > l.end_date THEN 'start_date ' || l.start_date || ' (the first instalment) is after end_date ' || l.end_date END`,
  // Subtracting an infinite date is an error, which failed the whole page read (and so every cycle) for one row: the
  // outer CASE keeps such rows (rejected above) from reaching the subtraction.
  `CASE WHEN isfinite(l.start_date) AND isfinite(l.end_date) THEN
     CASE WHEN l.start_date <= l.end_date AND l.tenor_in_days > l.end_date - l.start_date + 1
          THEN 'tenor_in_days ' || l.tenor_in_days || ' is more daily instalments than the ' || (l.end_date - l.start_date + 1) || ' days from start_date ' || l.start_date || ' to end_date ' || l.end_date END END`,
  `CASE WHEN ${DISBURSED_ON} < DATE '${EARLIEST_DISBURSEMENT}' THEN 'date_disbursed ' || ${DISBURSED_ON} || ' is before ${EARLIEST_DISBURSEMENT}' END`,
  `CASE WHEN ${DISBURSED_ON} > ${DJANGO_TODAY} THEN 'date_disbursed ' || ${DISBURSED_ON} || ' is in the future (today is ' || ${DJANGO_TODAY} || ')' END`,
]);

export const LOAN_COLUMNS = `
  l.id::text AS id, ${fingerprint('l')} AS fingerprint, ${versionColumns('l.updated_at')}, l.is_disbursed, ${LOAN_REJECT_REASON} AS reject_reason,
  l.borrower_id::text AS customer_id, l.agent_id::text AS officer_id,
  CASE WHEN ${LOAN_KEPT_NOTE} IS NOT NULL THEN ${LOAN_KEPT_NOTE} || ': kept, computed as given' END AS kept_note,
  ${moneyTextSql('l.amount')} AS loan_amount, ${moneyTextSql('l.repayment_amount')} AS repayment_amount,
  CASE WHEN ${plausibleRate} THEN ${interestFractionSql('l')}::text END AS interest_rate,
  ${moneyTextSql('l.processing_fee')} AS fee_amount, l.tenor_in_days AS loan_term_days,
  ${businessDate('l.date_disbursed')} AS disbursement_date, l.start_date::text AS first_payment_due_date,
  l.end_date::text AS maturity_date, ${normalisedStatusSql('l')} AS status, l.status AS django_status,
  l.performance_status, l.loan_type, l.verification_stage AS verification_status,
  u.id IS NOT NULL AS officer_exists,
  CASE WHEN u.id IS NOT NULL THEN json_build_object(${['fingerprint', 'is_active', 'officer_name', 'officer_phone', 'officer_email', 'user_branch', 'user_type', 'employment_status', 'hire_date']
    .map((k) => `'${k}', u_${k}`)
    .join(', ')}) END AS officer,
  CASE WHEN c.id IS NOT NULL THEN json_build_object(${['fingerprint', 'customer_name', 'customer_phone', 'date_of_birth', 'gender', 'state', 'lga', 'address', 'kyc_status']
    .map((k) => `'${k}', c_${k}`)
    .join(', ')}) END AS customer`;

/** The officer and customer columns under prefixed names, so the loan query can nest them. */
const prefixed = (columns: string, prefix: string): string => columns.replace(/ AS (\w+)/g, ` AS ${prefix}$1`);

export const LOAN_FROM = `
  FROM loans_ajoloan l
  LEFT JOIN LATERAL (SELECT ${prefixed(OFFICER_COLUMNS, 'u_')}, u.id FROM accounts_customuser u WHERE u.id = l.agent_id) u ON true
  LEFT JOIN LATERAL (SELECT ${prefixed(CUSTOMER_COLUMNS, 'c_')}, c.id FROM ajo_ajouser c WHERE c.id = l.borrower_id) c ON true`;

export interface RepaymentSourceRow extends SourceRow, KeptNote {
  /** md5 of the whole Django row as read. */
  fingerprint: string;
  loan_id: string;
  /** Business date of paid_date in BUSINESS_TZ (D1); null when paid_date is NULL or infinite. */
  payment_date: string | null;
  paid_at: string | null;
  /** PostgreSQL's 'infinity' or '-infinity' when paid_date is one (no Python datetime can be): kept, never counted. */
  infinite_paid_date: string | null;
  /** Null when the float is NaN, infinite or not below AMOUNT_LIMIT in size; such rows are rejected, not copied. */
  payment_amount: string | null;
  raw_amount: string;
  payment_method: string;
  payment_reference: string | null;
  marked_as: string | null;
  applied_to_loan: boolean | null;
}

/**
 * Django repayments with their amount in cents as the copy stores it (NULL: beyond AMOUNT_LIMIT, never copied) and
 * their fingerprint (computed only by the queries that read it).
 */
export const REPAYMENTS_WITH_CENTS = `SELECT id, ajo_loan_id, updated_at, paid_date, marked_as, applied_to_loan,
  ${centsSql('repayment_amount', AMOUNT_LIMIT)} AS amount, ${fingerprint('loans_ajoloanrepayment')} AS fingerprint FROM loans_ajoloanrepayment`;

/** D3 over REPAYMENTS_WITH_CENTS: the rule seedsmetrics' generated repayments.is_counted applies to the copy. */
export const COUNTS_UNDER_D3 = `isfinite(r.paid_date) AND r.amount > 0 AND r.marked_as IS DISTINCT FROM 'REVERSAL' AND r.applied_to_loan IS NOT FALSE`;

const PAID_ON = businessDay('r.paid_date');

/**
 * Payments dated where no payment can be, copied as they are and reported once. A payment dated before its loan's
 * disbursement counts like any other (D3 does not exclude it); one dated after today counts from its date on, as
 * every computed field is as of the business date (the engine sums payments dated up to it).
 */
const REPAYMENT_KEPT_NOTE = notes([
  `CASE WHEN isfinite(r.paid_date) AND ${PAID_ON} < ${businessDay('dl.date_disbursed')}
        THEN 'paid_date ' || ${PAID_ON} || ' is before its loan''s date_disbursed ' || ${businessDay('dl.date_disbursed')} || ': kept, counted' END`,
  `CASE WHEN isfinite(r.paid_date) AND ${PAID_ON} > ${DJANGO_TODAY} THEN 'paid_date ' || ${PAID_ON} || ' is in the future (today is ' || ${DJANGO_TODAY} || '): kept, not counted until then' END`,
  truncationNote(`r.repayment_type`, 'repayment_type', 'payment_method', 50),
]);

/** Repayments with their loan's disbursement (for the notes above). */
export const REPAYMENT_FROM = `FROM loans_ajoloanrepayment r LEFT JOIN loans_ajoloan dl ON dl.id = r.ajo_loan_id`;

export const REPAYMENT_COLUMNS = `
  r.id::text AS id, ${fingerprint('r')} AS fingerprint, ${versionColumns('r.updated_at')}, r.ajo_loan_id::text AS loan_id,
  CASE WHEN isfinite(r.paid_date) THEN ${businessDate('r.paid_date')} END AS payment_date, ${utcText('r.paid_date')} AS paid_at,
  CASE WHEN NOT isfinite(r.paid_date) THEN r.paid_date::text END AS infinite_paid_date,
  ${moneyTextSql('r.repayment_amount', AMOUNT_LIMIT)} AS payment_amount, r.repayment_amount::text AS raw_amount,
  left(COALESCE(r.repayment_type, 'TRANSFER'), 50) AS payment_method, left(r.repayment_ref::text, 100) AS payment_reference,
  r.marked_as, r.applied_to_loan, ${REPAYMENT_KEPT_NOTE} AS kept_note`;

export interface ScheduleSourceRow extends SourceRow {
  loan_id: string;
  installment_number: number;
  due_date: string | null;
  total_due: string | null;
  amount_paid: string | null;
  fully_paid: boolean;
  payment_date: string | null;
  /** True for the rows the keyset page selected; the others are their loans' remaining rows. */
  in_page: boolean;
}

export const SCHEDULE_COLUMNS = `
  s.id::text AS id, ${versionColumns('s.date_modified')}, s.loan_id::text AS loan_id,
  row_number() OVER (PARTITION BY s.loan_id ORDER BY s.due_date NULLS LAST, s.id)::int AS installment_number,
  s.due_date::text AS due_date, ${moneyTextSql('s.due_amount')} AS total_due, ${moneyTextSql('s.paid_amount')} AS amount_paid,
  s.fully_paid, ${businessDate('s.paid_date')} AS payment_date`;

export interface HolidaySourceRow extends SourceRow {
  date: string | null;
  name: string | null;
  type: string;
  agent_id: string | null;
  branch_id: string | null;
  created_by_id: string | null;
  salary_waver: boolean;
  created_at: string;
}

export const HOLIDAY_COLUMNS = `
  h.id::text AS id, ${versionColumns('h.updated_at')}, h.date::text AS date, h.name, h.type,
  h.agent_id::text AS agent_id, h.branch_id::text AS branch_id, h.created_by_id::text AS created_by_id,
  h.salary_waver, ${utcText('h.created_at')} AS created_at`;

export interface SourceRowByEntity {
  officers: OfficerSourceRow;
  customers: CustomerSourceRow;
  loans: LoanSourceRow;
  repayments: RepaymentSourceRow;
  loan_schedule: ScheduleSourceRow;
  holiday: HolidaySourceRow;
}
