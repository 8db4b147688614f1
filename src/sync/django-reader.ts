/**
 * Every read the sync makes from Django: keyset pages of new-or-changed rows per table, rows by id, and the
 * per-loan repayment aggregates of reconciliation. Rows leave Django already shaped like seedsmetrics rows
 * (names, statuses, business dates in BUSINESS_TZ, money as exact decimal strings), so the write side only
 * inserts. Timestamps travel as UTC ISO strings with microseconds: exact and comparable as text.
 */
import {
  businessDaySql,
  centsSql,
  customerNameSql,
  employmentStatusSql,
  hireDateSql,
  interestFractionSql,
  kycStatusSql,
  moneyTextSql,
  normalisedStatusSql,
  officerNameSql,
} from '../django-columns';
import { isDjangoId } from '../django-id';
import type { Queryable } from '../queryable';

/** The Django tables the worker copies, in the order a cycle copies them (parents before children). */
export const SYNC_ENTITIES = ['officers', 'customers', 'loans', 'repayments', 'loan_schedule', 'holiday'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

/** Entities whose rows the reconciliation compares one by one by fingerprint (repayments: per loan). */
export type FingerprintedEntity = 'officers' | 'customers' | 'loans';

/** Which rows a read returns: a keyset page of ids above `afterId`, or the rows with the given ids. */
export type PageRequest = { afterId: string; limit: number } | { ids: readonly string[] };

/** The Django table and change-time column of each entity. */
const SOURCES: Record<SyncEntity, { table: string; changed: string }> = {
  officers: { table: 'accounts_customuser', changed: 'updated_at' },
  customers: { table: 'ajo_ajouser', changed: 'updated_at' },
  loans: { table: 'loans_ajoloan', changed: 'updated_at' },
  repayments: { table: 'loans_ajoloanrepayment', changed: 'updated_at' },
  loan_schedule: { table: 'loans_ajoloanschedule', changed: 'date_modified' },
  holiday: { table: 'loans_holiday', changed: 'updated_at' },
};

/** Fields every copied row carries. */
export interface SourceRow {
  id: string;
  /**
   * UTC ISO-8601 with microseconds, e.g. 2025-11-05T09:30:00.123456Z; null when Django's row has none (Django's
   * auto_now always sets it, but DOMAIN §1 leaves the columns' nullability open, so a row written outside Django may).
   */
  updated_at: string | null;
}

export const utcText = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

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

/** The row selection of a read as SQL (alias `alias`, parameters from `$first`) and its parameters. */
function selection(alias: string, request: PageRequest, first: number): { where: string; params: unknown[] } {
  if ('ids' in request) return { where: `${alias}.id = ANY($${first}::bigint[]) ORDER BY ${alias}.id`, params: [request.ids] };
  // Keyset paging on the primary key (never OFFSET): each page starts after the last id of the previous one.
  return { where: `${alias}.id > $${first}::bigint ORDER BY ${alias}.id LIMIT $${first + 1}`, params: [request.afterId, request.limit] };
}

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
const fingerprint = (row: string): string => `md5(${row}::text)`;

/**
 * The fingerprint of a group of rows (a loan's repayments) from their fingerprints: the exact sum of each one's first
 * 60 bits. Order-free, so neither database sorts a loan's rows to combine them (an md5 of the fingerprints in id
 * order took twice as long on each side at scale 1: 4.7–5.1 → 2.5–2.8 s in Django, 2.5–2.7 → 1.3–1.8 s in
 * seedsmetrics), and made of functions every PostgreSQL version has. Reconciliation computes it alike on both sides.
 */
export const fingerprintOfRows = (column: string): string => `sum(('x' || substr(${column}, 1, 15))::bit(60)::bigint)::text`;

/** A sum of money as text in one form on both databases (0 for none, always two decimals), so texts compare. */
export const moneyTotal = (sum: string): string => `COALESCE(${sum}, 0)::numeric(20,2)::text`;

/**
 * Which loans' repayments a reconciliation fingerprints: those whose id modulo `of` is `index`. { index: 0, of: 1 }
 * is every loan.
 */
export interface FingerprintSlice {
  index: number;
  of: number;
}

export const EVERY_LOAN: FingerprintSlice = Object.freeze({ index: 0, of: 1 });

/**
 * Whether a loan is in the slice, as PostgreSQL's `id % of = index` says. A copy whose id is not a Django id (a
 * seedsmetrics database kept from the upstream system may hold one) is in every slice: it has no Django row to match.
 */
export function inSlice(loanId: string, slice: FingerprintSlice): boolean {
  return !isDjangoId(loanId) || BigInt(loanId) % BigInt(slice.of) === BigInt(slice.index);
}

/**
 * A loan's repayments summed up (reconciliation): all of them, those that count under D3, the newest updated_at
 * (utcText form, null for none) and the fingerprint of their rows (fingerprintOfRows; null for none, and from Django
 * for a loan outside the slice fingerprinted).
 */
export interface RepaymentTotals {
  loan_id: string;
  n: number;
  total: string;
  counted_n: number;
  counted_total: string;
  last_change: string | null;
  fingerprint: string | null;
}

/**
 * An officer without the e-mail Django requires (§1.1, NOT NULL there; a row written around Django): copied, and
 * named after its id when it has no username either (officerNameSql).
 */
const OFFICER_WITHOUT_EMAIL = `CASE WHEN u.email IS NULL THEN 'email is NULL: kept' || CASE WHEN u.username IS NULL THEN ', named ''Officer ' || u.id || ''' (no username either)' ELSE '' END END`;

const OFFICER_COLUMNS = `
  u.id::text AS id, ${fingerprint('u')} AS fingerprint, ${utcText('u.updated_at')} AS updated_at, u.is_active AS is_active,
  left(${officerNameSql('u')}, 255) AS officer_name, left(u.user_phone, 20) AS officer_phone,
  left(u.email, 255) AS officer_email, u.user_branch AS user_branch, u.user_type AS user_type,
  ${employmentStatusSql('u')} AS employment_status,
  ${hireDateSql('u', '$1')}::text AS hire_date,
  ${notes([OFFICER_WITHOUT_EMAIL, truncationNote('u.user_phone', 'user_phone', 'officer_phone', 20), truncationNote('u.user_branch', 'user_branch', 'branch', 100)])} AS kept_note`;

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
const CUSTOMER_COLUMNS = `
  c.id::text AS id, ${fingerprint('c')} AS fingerprint, ${utcText('c.updated_at')} AS updated_at,
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

/**
 * Each clause names what was expected and what arrived; all failing clauses are reported together. A NULL Django
 * does not allow (§1.3) in a column the copy cannot do without (borrower, amount) is named here rather than left to
 * the NOT NULL of seedsmetrics, whose refusal named its own column; a NULL repayment_amount, processing_fee or
 * interest_rate is copied as NULL, which the copy already means for "none" (§1.9, D2). PostgreSQL's infinite dates,
 * which no Python date can be, have no business date to count from and are refused too.
 */
const LOAN_REJECT_REASON = `NULLIF(concat_ws('; ',
    CASE WHEN l.agent_id IS NULL THEN 'agent_id is NULL (a loan needs an officer)' END,
    CASE WHEN l.borrower_id IS NULL THEN 'borrower_id is NULL (a loan needs a borrower)' END,
    CASE WHEN l.date_disbursed IS NULL THEN 'date_disbursed is NULL (a disbursed loan needs its date)' END,
    CASE WHEN l.end_date IS NULL THEN 'end_date is NULL (a loan needs its maturity date)' END,
    CASE WHEN NOT isfinite(l.date_disbursed) THEN 'date_disbursed must be a point in time; got ' || l.date_disbursed::text END,
    CASE WHEN NOT isfinite(l.start_date) THEN 'start_date must be a calendar date or NULL; got ' || l.start_date::text END,
    CASE WHEN NOT isfinite(l.end_date) THEN 'end_date must be a calendar date; got ' || l.end_date::text END,
    CASE WHEN l.tenor_in_days IS NULL OR l.tenor_in_days <= 0 THEN 'tenor_in_days must be a positive number of instalments; got ' || COALESCE(l.tenor_in_days::text, 'NULL') || ' (tenor ' || COALESCE(l.tenor, 'NULL') || ')' END,
    CASE WHEN l.amount IS NULL OR NOT ${plausibleAmount('l.amount')} THEN 'amount must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || COALESCE(l.amount::text, 'NULL') END,
    CASE WHEN NOT ${plausibleAmount('l.repayment_amount')} THEN 'repayment_amount must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || l.repayment_amount::text END,
    CASE WHEN NOT ${plausibleAmount('l.processing_fee')} THEN 'processing_fee must be a number from 0 to below ${AMOUNT_LIMIT}; got ' || l.processing_fee::text END,
    CASE WHEN NOT ${plausibleRate} THEN 'interest_rate must be a percent from 0 to 999.99; got ' || l.interest_rate::text END,
    CASE WHEN ${plausibleAmount('l.amount')} AND ${plausibleAmount('l.processing_fee')} AND ${plausibleRate} AND ${CONTRACT_TOTAL} >= ${AMOUNT_LIMIT}
         THEN 'the contract total amount × (1 + interest_rate/100) + processing_fee must be below ${AMOUNT_LIMIT}; got ' || round(${CONTRACT_TOTAL}, 2)::text
              || ' (' || l.amount::text || ' × (1 + ' || l.interest_rate::text || '/100) + ' || l.processing_fee::text || ')' END
  ), '')`;

/** The business date of disbursement (D1). */
const DISBURSED_ON = businessDay('l.date_disbursed');

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

const LOAN_COLUMNS = `
  l.id::text AS id, ${fingerprint('l')} AS fingerprint, ${utcText('l.updated_at')} AS updated_at, l.is_disbursed, ${LOAN_REJECT_REASON} AS reject_reason,
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

const LOAN_FROM = `
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
const REPAYMENTS_WITH_CENTS = `SELECT id, ajo_loan_id, updated_at, paid_date, marked_as, applied_to_loan,
  ${centsSql('repayment_amount', AMOUNT_LIMIT)} AS amount, ${fingerprint('loans_ajoloanrepayment')} AS fingerprint FROM loans_ajoloanrepayment`;

/** D3 over REPAYMENTS_WITH_CENTS: the rule seedsmetrics' generated repayments.is_counted applies to the copy. */
const COUNTS_UNDER_D3 = `isfinite(r.paid_date) AND r.amount > 0 AND r.marked_as IS DISTINCT FROM 'REVERSAL' AND r.applied_to_loan IS NOT FALSE`;

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
const REPAYMENT_FROM = `FROM loans_ajoloanrepayment r LEFT JOIN loans_ajoloan dl ON dl.id = r.ajo_loan_id`;

const REPAYMENT_COLUMNS = `
  r.id::text AS id, ${fingerprint('r')} AS fingerprint, ${utcText('r.updated_at')} AS updated_at, r.ajo_loan_id::text AS loan_id,
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

const SCHEDULE_COLUMNS = `
  s.id::text AS id, ${utcText('s.date_modified')} AS updated_at, s.loan_id::text AS loan_id,
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

const HOLIDAY_COLUMNS = `
  h.id::text AS id, ${utcText('h.updated_at')} AS updated_at, h.date::text AS date, h.name, h.type,
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

/** Reads Django through its read-only pool (or one of its connections). Every method is one statement. */
export class DjangoReader {
  constructor(
    private readonly pool: Queryable,
    private readonly businessTz: string,
  ) {}

  /** Runs one statement; `$1` is always the business time zone, the given params follow from `$2`. */
  private async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    const result = await this.pool.query(sql, [this.businessTz, ...params]);
    return result.rows as T[];
  }

  /** Runs one statement that needs no business time zone. */
  private async plain<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as T[];
  }

  /** Rows of `entity` selected by `request` (a keyset page of new ids, or given ids). One statement. */
  page<E extends SyncEntity>(entity: E, request: PageRequest): Promise<SourceRowByEntity[E][]> {
    const withTz = (alias: string) => selection(alias, request, 2);
    const noTz = (alias: string) => selection(alias, request, 1);
    switch (entity) {
      case 'officers': {
        const { where, params } = withTz('u');
        return this.rows(`SELECT ${OFFICER_COLUMNS} FROM accounts_customuser u WHERE ${where}`, params);
      }
      case 'customers': {
        const { where, params } = noTz('c');
        return this.plain(`SELECT ${CUSTOMER_COLUMNS} FROM ajo_ajouser c WHERE ${where}`, params);
      }
      case 'loans': {
        const { where, params } = withTz('l');
        return this.rows(`SELECT ${LOAN_COLUMNS} ${LOAN_FROM} WHERE ${where}`, params);
      }
      case 'repayments': {
        const { where, params } = withTz('r');
        return this.rows(`SELECT ${REPAYMENT_COLUMNS} ${REPAYMENT_FROM} WHERE ${where}`, params);
      }
      case 'loan_schedule': {
        // The selection picks the changed schedule rows; the result carries every row of their loans, numbered per loan.
        const { where, params } = withTz('s');
        return this.rows(
          `WITH changed AS (SELECT s.id, s.loan_id FROM loans_ajoloanschedule s WHERE ${where})
           SELECT * FROM (SELECT ${SCHEDULE_COLUMNS}, (s.id IN (SELECT id FROM changed)) AS in_page
                          FROM loans_ajoloanschedule s WHERE s.loan_id IN (SELECT loan_id FROM changed)) all_rows
           ORDER BY (NOT in_page), id::bigint`,
          params,
        );
      }
      case 'holiday': {
        const { where, params } = noTz('h');
        return this.plain(`SELECT ${HOLIDAY_COLUMNS} FROM loans_holiday h WHERE ${where}`, params);
      }
      default:
        throw new Error(`unknown sync entity ${String(entity)}`);
    }
  }

  /**
   * Id and version of every row at or below the id watermark changed since `since` (the overlap window), in
   * one narrow statement: the caller fetches in full only versions it has not copied. Django has no index on
   * updated_at, so this is one scan of the table per cycle, however many rows the window holds.
   */
  windowVersions(entity: SyncEntity, maxId: string, since: string): Promise<SourceRow[]> {
    const { table, changed } = SOURCES[entity];
    return this.plain(
      `SELECT id::text AS id, ${utcText(changed)} AS updated_at FROM ${table} WHERE id <= $1::bigint AND ${changed} >= $2::timestamptz ORDER BY id`,
      [maxId, since],
    );
  }

  /**
   * Id and version of the rows with ids in (`afterId`, `maxId`], at most `limit`, in id order: a keyset page of
   * versions over the whole copied range, for a look that cannot trust its watermark and re-reads every row.
   */
  versionsPage(entity: SyncEntity, afterId: string, maxId: string, limit: number): Promise<SourceRow[]> {
    const { table, changed } = SOURCES[entity];
    return this.plain(
      // t.id: the bigint column (a bare "id" would order by the text output column, '10' before '9', and skip rows).
      `SELECT t.id::text AS id, ${utcText(`t.${changed}`)} AS updated_at FROM ${table} t
       WHERE t.id > $1::bigint AND t.id <= $2::bigint ORDER BY t.id LIMIT $3`,
      [afterId, maxId, limit],
    );
  }

  /** Django's clock now (UTC ISO with microseconds). */
  async clock(): Promise<string> {
    const rows = await this.plain<{ now: string }>(`SELECT ${utcText('statement_timestamp()')} AS now`);
    return rows[0]!.now;
  }

  /** Loans by id, whatever their state (the caller decides what to skip or reject). */
  loansByIds(ids: readonly string[]): Promise<LoanSourceRow[]> {
    return this.rows(`SELECT ${LOAN_COLUMNS} ${LOAN_FROM} WHERE l.id = ANY($2::bigint[]) ORDER BY l.id`, [ids]);
  }

  /** Every repayment of the given loans (reconciliation re-copies them whole). */
  repaymentsOfLoans(loanIds: readonly string[]): Promise<RepaymentSourceRow[]> {
    return this.rows(`SELECT ${REPAYMENT_COLUMNS} ${REPAYMENT_FROM} WHERE r.ajo_loan_id = ANY($2::bigint[]) ORDER BY r.id`, [loanIds]);
  }

  /**
   * Per loan: number, exact sum, newest change and fingerprint (fingerprintOfRows) of every storable repayment (all
   * rows, counted or not) up to id `throughId`, for the reconciliation that compares them with the copy. One
   * aggregate over the table. Only the loans of `slice` are fingerprinted (the others' fingerprint is null): hashing the
   * rows costs more than all the rest of the statement (at scale 1, alone, 3.1–3.4 s with every loan's, 1.2 s without).
   * With `loanIds`, the repayments of those loans only (an id that is not a Django id has none).
   */
  repaymentTotalsPerLoan(throughId: string, slice: FingerprintSlice, loanIds?: readonly string[]): Promise<RepaymentTotals[]> {
    // The counted pair catches edits that leave count, sum and updated_at alone: Django's QuerySet.update() does
    // not touch auto_now fields, so a bulk reversal (marked_as, applied_to_loan) is invisible to the edit scan.
    // The fingerprint catches the rest of such edits (a paid_date corrected in bulk). The CASE keeps PostgreSQL from
    // hashing the rows of loans outside the slice.
    return this.plain(
      `SELECT r.ajo_loan_id::text AS loan_id, count(*)::int AS n, ${moneyTotal('sum(r.amount)')} AS total,
              count(*) FILTER (WHERE ${COUNTS_UNDER_D3})::int AS counted_n, ${moneyTotal(`sum(r.amount) FILTER (WHERE ${COUNTS_UNDER_D3})`)} AS counted_total,
              ${utcText('max(r.updated_at)')} AS last_change,
              ${fingerprintOfRows('CASE WHEN r.ajo_loan_id % $2::int = $3::int THEN r.fingerprint END')} AS fingerprint
       FROM (${REPAYMENTS_WITH_CENTS}) r WHERE r.amount IS NOT NULL AND r.id <= $1::bigint ${loanIds === undefined ? '' : 'AND r.ajo_loan_id = ANY($4::bigint[])'}
       GROUP BY r.ajo_loan_id`,
      loanIds === undefined ? [throughId, slice.of, slice.index] : [throughId, slice.of, slice.index, loanIds.filter(isDjangoId)],
    );
  }

  /** Per loan: number and exact sum of the repayments that count (D3), for validation. */
  countedTotalsPerLoan(): Promise<Array<{ loan_id: string; n: number; total: string }>> {
    return this.plain(
      `SELECT r.ajo_loan_id::text AS loan_id, count(*)::int AS n, sum(r.amount)::text AS total
       FROM (${REPAYMENTS_WITH_CENTS}) r WHERE ${COUNTS_UNDER_D3}
       GROUP BY r.ajo_loan_id`,
    );
  }

  /** Highest id of each copied table ('0' when empty). */
  async maxIds(): Promise<Record<SyncEntity, string>> {
    const rows = await this.plain<Record<SyncEntity, string>>(
      `SELECT (SELECT COALESCE(max(id), 0) FROM accounts_customuser)::text AS officers,
              (SELECT COALESCE(max(id), 0) FROM ajo_ajouser)::text AS customers,
              (SELECT COALESCE(max(id), 0) FROM loans_ajoloan)::text AS loans,
              (SELECT COALESCE(max(id), 0) FROM loans_ajoloanrepayment)::text AS repayments,
              (SELECT COALESCE(max(id), 0) FROM loans_ajoloanschedule)::text AS loan_schedule,
              (SELECT COALESCE(max(id), 0) FROM loans_holiday)::text AS holiday`,
    );
    return rows[0]!;
  }

  /**
   * Every Django row's fingerprint and updated_at, for the reconciliation that compares them with the copy. A loan's
   * also says whether it is disbursed, an officer's whether it is active (in the population, §1.8), so the
   * reconciliation reads each table once.
   */
  rowFingerprints(entity: FingerprintedEntity): Promise<Array<{ id: string; fingerprint: string; updated_at: string | null; disbursed?: boolean; active?: boolean }>> {
    const { table, changed } = SOURCES[entity];
    const population = entity === 'loans' ? ', t.is_disbursed IS TRUE AS disbursed' : entity === 'officers' ? ', t.is_active IS TRUE AS active' : '';
    return this.plain(`SELECT t.id::text AS id, ${fingerprint('t')} AS fingerprint, ${utcText(`t.${changed}`)} AS updated_at${population} FROM ${table} t`);
  }

  /**
   * Which of these ids Django still has in `entity`'s table (ids of its rows that sync_rejects reports on). One
   * statement, by primary key; ids that are not Django ids (isDjangoId) are not asked about and come back as they are.
   */
  async existingIds(entity: SyncEntity, ids: readonly string[]): Promise<string[]> {
    const rows = await this.plain<{ id: string }>(`SELECT t.id::text AS id FROM ${SOURCES[entity].table} t WHERE t.id = ANY($1::bigint[])`, [ids.filter(isDjangoId)]);
    return [...ids.filter((id) => !isDjangoId(id)), ...rows.map((r) => r.id)];
  }

  /** Ids of the disbursed Django loans (the population of §1.8, whether or not the copy can take them). */
  async disbursedLoanIds(): Promise<string[]> {
    const rows = await this.plain<{ id: string }>(`SELECT l.id::text AS id FROM loans_ajoloan l WHERE l.is_disbursed`);
    return rows.map((r) => r.id);
  }

  /** Ids of the loans in the population (§1.8) that pass every check of the copy. */
  async eligibleLoanIds(): Promise<string[]> {
    const rows = await this.plain<{ id: string }>(`SELECT l.id::text AS id FROM loans_ajoloan l WHERE l.is_disbursed AND ${LOAN_REJECT_REASON} IS NULL`);
    return rows.map((r) => r.id);
  }

  /** Per loan: number of schedule instalments and the sum of their ids (a row replaced by another changes it). */
  scheduleSignaturesPerLoan(): Promise<Array<{ loan_id: string; n: number; id_sum: string }>> {
    return this.plain(`SELECT s.loan_id::text AS loan_id, count(*)::int AS n, sum(s.id)::text AS id_sum FROM loans_ajoloanschedule s GROUP BY s.loan_id`);
  }

  /** Every schedule row of these loans, numbered per loan as the copy numbers them. */
  schedulesOfLoans(loanIds: readonly string[]): Promise<ScheduleSourceRow[]> {
    return this.rows(
      `SELECT ${SCHEDULE_COLUMNS}, true AS in_page FROM loans_ajoloanschedule s WHERE s.loan_id = ANY($2::bigint[]) ORDER BY s.id`,
      [loanIds],
    );
  }

  /** Every Django holiday (a few hundred rows: the reconciliation compares the mirror with all of them). */
  holidays(): Promise<HolidaySourceRow[]> {
    return this.plain(`SELECT ${HOLIDAY_COLUMNS} FROM loans_holiday h ORDER BY h.id`);
  }
}
