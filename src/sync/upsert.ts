/**
 * The seedsmetrics side of the copy: one set-based, idempotent statement per entity and batch (rows travel as
 * one JSON parameter). Upserts only rewrite rows whose copied columns changed, and report what they touched,
 * so a re-read row costs nothing downstream. Curated columns (region, branch, supervisor, vertical lead) are
 * written on INSERT only (D12).
 */
import { fallbackBranchSql, fallbackRegionSql, UNASSIGNED } from '../branch-region';
import type { Queryable } from '../queryable';
import { SYNC_ENTITIES, type SyncEntity } from './django-reader';
import { utcText, type CustomerSourceRow, type HolidaySourceRow, type LoanSourceRow, type OfficerSourceRow, type RepaymentSourceRow, type ScheduleSourceRow } from './django-source-rows';

/**
 * Anything that runs a statement with positional parameters: the worker's dedicated client inside its batch
 * transaction, a pool, or a LongStatementSession.
 */
export type { Queryable };

const json = (rows: readonly unknown[]): string => JSON.stringify(rows);

const OFFICER_RECORD = `id text, is_active boolean, officer_name text, officer_phone text, officer_email text, user_branch text,
  user_type text, employment_status text, hire_date text, fingerprint text`;

/**
 * Upserts officers. Active users are inserted; inactive ones only update an existing row (is_active_in_django
 * goes false) unless `includeInactive` (placeholders for the officers of loans, §8.23). On INSERT the
 * hierarchy comes from officer_hierarchy by lower(email), else the Django fallback; re-syncs never touch a curated
 * one (D12), and keep an uncurated officer's fallback branch and region following Django's user_branch. The
 * officers' loans take the new copies; those whose branch or region moved are added to `movedLoans`, for the
 * caller to recompute (their PAR share moves with them at their next recompute).
 * Returns the ids of rows written.
 */
export async function upsertOfficers(db: Queryable, rows: readonly OfficerSourceRow[], includeInactive = false, movedLoans?: Set<string>): Promise<string[]> {
  if (rows.length === 0) return [];
  const { rows: written } = await db.query<{ officer_id: string }>(
    `INSERT INTO officers AS o (officer_id, officer_name, officer_phone, officer_email, region, branch, employment_status, hire_date,
        user_type, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name, is_active_in_django, hierarchy_curated,
        django_fingerprint)
     SELECT r.id, r.officer_name, r.officer_phone, r.officer_email,
            left(COALESCE(h.region, ${fallbackRegionSql('r.user_branch')}), 100), left(COALESCE(h.branch, ${fallbackBranchSql('r.user_branch')}), 100),
            r.employment_status, r.hire_date::date, r.user_type, h.supervisor_email, h.supervisor_name, h.vertical_lead_email,
            h.vertical_lead_name, r.is_active, h.officer_email IS NOT NULL, r.fingerprint
     FROM jsonb_to_recordset($1::jsonb) AS r(${OFFICER_RECORD})
     LEFT JOIN LATERAL (SELECT * FROM officer_hierarchy oh WHERE lower(oh.officer_email) = lower(r.officer_email)
                        ORDER BY oh.imported_at DESC LIMIT 1) h ON true
     WHERE r.is_active OR $2::boolean OR EXISTS (SELECT 1 FROM officers x WHERE x.officer_id = r.id)
     ON CONFLICT (officer_id) DO UPDATE SET
       officer_name = EXCLUDED.officer_name, officer_phone = EXCLUDED.officer_phone, officer_email = EXCLUDED.officer_email,
       employment_status = EXCLUDED.employment_status, hire_date = EXCLUDED.hire_date, user_type = EXCLUDED.user_type,
       is_active_in_django = EXCLUDED.is_active_in_django, django_fingerprint = EXCLUDED.django_fingerprint, updated_at = now(),
       region = CASE WHEN o.hierarchy_curated THEN o.region ELSE EXCLUDED.region END,
       branch = CASE WHEN o.hierarchy_curated THEN o.branch ELSE EXCLUDED.branch END
     WHERE (o.officer_name, o.officer_phone, o.officer_email, o.employment_status, o.hire_date, o.user_type, o.is_active_in_django, o.django_fingerprint)
       IS DISTINCT FROM (EXCLUDED.officer_name, EXCLUDED.officer_phone, EXCLUDED.officer_email, EXCLUDED.employment_status,
                         EXCLUDED.hire_date, EXCLUDED.user_type, EXCLUDED.is_active_in_django, EXCLUDED.django_fingerprint)
        OR (NOT o.hierarchy_curated AND (o.region, o.branch) IS DISTINCT FROM (EXCLUDED.region, EXCLUDED.branch))
     RETURNING o.officer_id`,
    [json(rows), includeInactive],
  );
  const ids = written.map((r) => r.officer_id);
  if (ids.length > 0) {
    // Loans carry a copy of their officer's name and phone, and of the branch and region they count under.
    const { rows: moved } = await db.query<{ loan_id: string; moved: boolean }>(
      `WITH before AS (SELECT l.loan_id, l.region, l.branch FROM loans l WHERE l.officer_id = ANY($1::text[]))
       UPDATE loans l SET officer_name = o.officer_name, officer_phone = o.officer_phone, region = o.region, branch = o.branch, updated_at = now()
       FROM officers o, before b WHERE o.officer_id = ANY($1::text[]) AND l.officer_id = o.officer_id AND b.loan_id = l.loan_id
         AND (l.officer_name, l.officer_phone, l.region, l.branch) IS DISTINCT FROM (o.officer_name, o.officer_phone, o.region, o.branch)
       RETURNING l.loan_id, (b.region, b.branch) IS DISTINCT FROM (o.region, o.branch) AS moved`,
      [ids],
    );
    for (const row of moved) if (row.moved) movedLoans?.add(row.loan_id);
  }
  return ids;
}

/** Placeholder officers for loans whose agent does not exist in Django at all (§8.23). */
export async function insertUnknownOfficers(db: Queryable, officerIds: readonly string[]): Promise<void> {
  if (officerIds.length === 0) return;
  await db.query(
    `INSERT INTO officers (officer_id, officer_name, region, branch, employment_status, is_active_in_django)
     SELECT id, 'Unknown officer ' || id, '${UNASSIGNED}', '${UNASSIGNED}', 'Inactive', false FROM unnest($1::text[]) AS id
     ON CONFLICT (officer_id) DO NOTHING`,
    [officerIds],
  );
}

const CUSTOMER_RECORD = `id text, customer_name text, customer_phone text, date_of_birth text, gender text, state text, lga text,
  address text, kyc_status text, fingerprint text`;

/** Upserts customers (§1.2 mapping done by the reader) and refreshes the name/phone copies on their loans. */
export async function upsertCustomers(db: Queryable, rows: readonly CustomerSourceRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const { rows: written } = await db.query<{ customer_id: string }>(
    `INSERT INTO customers AS c (customer_id, customer_name, customer_phone, date_of_birth, gender, state, lga, address, kyc_status, django_fingerprint)
     SELECT r.id, r.customer_name, r.customer_phone, r.date_of_birth::date, r.gender, r.state, r.lga, r.address, r.kyc_status, r.fingerprint
     FROM jsonb_to_recordset($1::jsonb) AS r(${CUSTOMER_RECORD})
     ON CONFLICT (customer_id) DO UPDATE SET
       customer_name = EXCLUDED.customer_name, customer_phone = EXCLUDED.customer_phone, date_of_birth = EXCLUDED.date_of_birth,
       gender = EXCLUDED.gender, state = EXCLUDED.state, lga = EXCLUDED.lga, address = EXCLUDED.address,
       kyc_status = EXCLUDED.kyc_status, django_fingerprint = EXCLUDED.django_fingerprint, updated_at = now()
     WHERE (c.customer_name, c.customer_phone, c.date_of_birth, c.gender, c.state, c.lga, c.address, c.kyc_status, c.django_fingerprint)
       IS DISTINCT FROM (EXCLUDED.customer_name, EXCLUDED.customer_phone, EXCLUDED.date_of_birth, EXCLUDED.gender,
                         EXCLUDED.state, EXCLUDED.lga, EXCLUDED.address, EXCLUDED.kyc_status, EXCLUDED.django_fingerprint)
     RETURNING c.customer_id`,
    [json(rows)],
  );
  const ids = written.map((r) => r.customer_id);
  if (ids.length > 0) {
    await db.query(
      `UPDATE loans l SET customer_name = c.customer_name, customer_phone = c.customer_phone, updated_at = now()
       FROM customers c WHERE c.customer_id = ANY($1::text[]) AND l.customer_id = c.customer_id
         AND (l.customer_name, l.customer_phone) IS DISTINCT FROM (c.customer_name, c.customer_phone)`,
      [ids],
    );
  }
  return ids;
}

const LOAN_RECORD = `id text, updated_at text, customer_id text, officer_id text, loan_amount text, repayment_amount text,
  interest_rate text, fee_amount text, loan_term_days int, disbursement_date text, first_payment_due_date text, maturity_date text,
  status text, django_status text, performance_status text, loan_type text, verification_status text, fingerprint text`;

/** Contract columns whose change rewrites the row (and so recomputes the loan). */
const LOAN_COPIED = [
  'customer_id', 'customer_name', 'customer_phone', 'officer_id', 'officer_name', 'officer_phone', 'loan_amount', 'repayment_amount',
  'disbursement_date', 'first_payment_due_date', 'maturity_date', 'loan_term_days', 'interest_rate', 'fee_amount', 'status',
  'django_status', 'performance_status', 'loan_type', 'verification_status', 'wave', 'django_updated_at', 'django_fingerprint',
];
/** Copied from the officer when the loan is inserted or changes officer; otherwise left as curated. */
const LOAN_FROM_OFFICER = ['region', 'branch', 'vertical_lead_name', 'vertical_lead_email'];

export interface LoanWrite {
  loanId: string;
  inserted: boolean;
}

/**
 * Upserts loans whose officer and customer rows already exist (the caller makes sure of it). Mapping §1.9 with
 * the decisions: interest_rate as a fraction, rate/fee/repayment_amount as given (0 kept, D2), channel 'AJO',
 * wave per §3.7, hierarchy copied from the officer.
 */
export async function upsertLoans(db: Queryable, rows: readonly LoanSourceRow[]): Promise<LoanWrite[]> {
  if (rows.length === 0) return [];
  const { rows: written } = await db.query<{ loan_id: string; inserted: boolean }>(
    `INSERT INTO loans AS t (loan_id, customer_id, customer_name, customer_phone, officer_id, officer_name, officer_phone, region, branch,
        vertical_lead_name, vertical_lead_email, loan_amount, repayment_amount, disbursement_date, first_payment_due_date, maturity_date,
        loan_term_days, interest_rate, fee_amount, channel, status, django_status, performance_status, loan_type, verification_status,
        wave, django_updated_at, django_fingerprint)
     SELECT r.id, r.customer_id, c.customer_name, c.customer_phone, r.officer_id, o.officer_name, o.officer_phone, o.region, o.branch,
            o.vertical_lead_name, o.vertical_lead_email, r.loan_amount::numeric, r.repayment_amount::numeric, r.disbursement_date::date,
            r.first_payment_due_date::date, r.maturity_date::date, r.loan_term_days, r.interest_rate::numeric, r.fee_amount::numeric,
            'AJO', r.status, r.django_status, r.performance_status, r.loan_type, r.verification_status,
            CASE WHEN o.hire_date >= DATE '2025-10-01' OR r.disbursement_date::date >= DATE '2025-10-20' THEN 'Wave 2' ELSE 'Wave 1' END,
            r.updated_at::timestamptz, r.fingerprint
     FROM jsonb_to_recordset($1::jsonb) AS r(${LOAN_RECORD})
     JOIN officers o ON o.officer_id = r.officer_id
     JOIN customers c ON c.customer_id = r.customer_id
     ON CONFLICT (loan_id) DO UPDATE SET
       ${LOAN_COPIED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       ${LOAN_FROM_OFFICER.map((c) => `${c} = CASE WHEN t.officer_id = EXCLUDED.officer_id THEN t.${c} ELSE EXCLUDED.${c} END`).join(', ')},
       updated_at = now()
     WHERE (${LOAN_COPIED.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${LOAN_COPIED.map((c) => `EXCLUDED.${c}`).join(', ')})
     RETURNING t.loan_id, (xmax = 0) AS inserted`,
    [json(rows)],
  );
  return written.map((r) => ({ loanId: r.loan_id, inserted: r.inserted }));
}

const REPAYMENT_RECORD = `id text, updated_at text, loan_id text, payment_date text, paid_at text, payment_amount text,
  payment_method text, payment_reference text, marked_as text, applied_to_loan boolean, fingerprint text`;
const REPAYMENT_COPIED = [
  'loan_id', 'payment_date', 'payment_amount', 'principal_paid', 'payment_method', 'payment_reference', 'is_backdated', 'is_reversed',
  'marked_as', 'applied_to_loan', 'paid_at', 'django_updated_at', 'django_fingerprint',
];

/**
 * Upserts repayments (their loans must exist). Every row is kept (D3: NULL dates and amounts ≤ 0 too; the
 * generated is_counted decides what counts); is_reversed = marked_as REVERSAL. Returns the loans whose
 * repayments changed, including the previous loan of a row that moved.
 */
export async function upsertRepayments(db: Queryable, rows: readonly RepaymentSourceRow[]): Promise<{ written: number; loanIds: Set<string> }> {
  if (rows.length === 0) return { written: 0, loanIds: new Set() };
  const { rows: written } = await db.query<{ loan_id: string; previous_loan_id: string | null }>(
    `WITH incoming AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${REPAYMENT_RECORD})),
     previous AS (SELECT p.repayment_id, p.loan_id FROM repayments p JOIN incoming i ON i.id = p.repayment_id),
     written AS (
       INSERT INTO repayments AS t (repayment_id, ${REPAYMENT_COPIED.join(', ')})
       SELECT i.id, i.loan_id, i.payment_date::date, i.payment_amount::numeric, i.payment_amount::numeric, i.payment_method,
              i.payment_reference, COALESCE(i.marked_as = 'BACKDATED', false), COALESCE(i.marked_as = 'REVERSAL', false), i.marked_as,
              i.applied_to_loan, i.paid_at::timestamptz, i.updated_at::timestamptz, i.fingerprint
       FROM incoming i
       ON CONFLICT (repayment_id) DO UPDATE SET ${REPAYMENT_COPIED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
       WHERE (${REPAYMENT_COPIED.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${REPAYMENT_COPIED.map((c) => `EXCLUDED.${c}`).join(', ')})
       RETURNING t.repayment_id, t.loan_id)
     SELECT w.loan_id, p.loan_id AS previous_loan_id FROM written w LEFT JOIN previous p ON p.repayment_id = w.repayment_id`,
    [json(rows)],
  );
  const loanIds = new Set<string>();
  for (const row of written) {
    loanIds.add(row.loan_id);
    if (row.previous_loan_id !== null) loanIds.add(row.previous_loan_id);
  }
  return { written: written.length, loanIds };
}

/** Deletes the copies of the given loans' repayments that Django no longer has (D3); returns how many. */
export async function deleteVanishedRepayments(db: Queryable, loanIds: readonly string[], keptIds: readonly string[]): Promise<number> {
  const result = await db.query(
    `DELETE FROM repayments WHERE loan_id = ANY($1::text[]) AND NOT (repayment_id = ANY($2::text[]))`,
    [loanIds, keptIds],
  );
  return result.rowCount ?? 0;
}

/**
 * Replaces the schedule of each loan in `rows` that exists locally and whose instalments differ (the rows are
 * every instalment of those loans, numbered in due-date order, so a replace is exact). payment_status per
 * §1.5 as of the business date `asOf`. Returns the number of instalment rows written.
 */
export async function replaceSchedules(db: Queryable, rows: readonly ScheduleSourceRow[], asOf: string): Promise<number> {
  if (rows.length === 0) return 0;
  const incoming = `SELECT r.loan_id::varchar AS loan_id, r.installment_number, r.due_date::date AS due_date, r.total_due::numeric(15,2) AS total_due,
            r.amount_paid::numeric(15,2) AS amount_paid,
            (CASE WHEN r.fully_paid THEN 'Paid' WHEN r.amount_paid::numeric > 0 THEN 'Partial'
                 WHEN r.due_date::date < $2::date THEN 'Overdue' ELSE 'Pending' END)::varchar AS payment_status,
            r.payment_date::date AS payment_date, r.id::varchar AS django_schedule_id, r.updated_at::timestamptz AS django_updated_at
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, updated_at text, loan_id text, installment_number int, due_date text,
                                              total_due text, amount_paid text, fully_paid boolean, payment_date text)
     WHERE EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = r.loan_id)`;
  const columns = 'loan_id, installment_number, due_date, total_due, amount_paid, payment_status, payment_date, django_schedule_id, django_updated_at';
  const { rows: changed } = await db.query<{ loan_id: string }>(
    `WITH incoming AS (${incoming}),
          current AS (SELECT ${columns} FROM loan_schedule WHERE loan_id IN (SELECT loan_id FROM incoming))
     SELECT DISTINCT loan_id FROM ((SELECT * FROM incoming EXCEPT SELECT * FROM current) UNION ALL (SELECT * FROM current EXCEPT SELECT * FROM incoming)) diff`,
    [JSON.stringify(rows), asOf],
  );
  if (changed.length === 0) return 0;
  const loanIds = changed.map((r) => r.loan_id);
  await db.query(`DELETE FROM loan_schedule WHERE loan_id = ANY($1::text[])`, [loanIds]);
  const result = await db.query(
    `INSERT INTO loan_schedule (${columns}) SELECT * FROM (${incoming}) i WHERE i.loan_id = ANY($3::text[])`,
    [JSON.stringify(rows), asOf, loanIds],
  );
  return result.rowCount ?? 0;
}

/** Mirrors holidays (§1.6). */
export async function upsertHolidays(db: Queryable, rows: readonly HolidaySourceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = ['date', 'name', 'type', 'agent_id', 'branch_id', 'created_by_id', 'salary_waver', 'created_at', 'updated_at'];
  const result = await db.query(
    `INSERT INTO holiday AS t (id, ${columns.join(', ')})
     SELECT r.id::bigint, r.date::date, r.name, r.type, r.agent_id::bigint, r.branch_id::bigint, r.created_by_id::bigint, r.salary_waver,
            r.created_at::timestamptz, r.updated_at::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, date text, name text, type text, agent_id text, branch_id text, created_by_id text,
                                              salary_waver boolean, created_at text, updated_at text)
     ON CONFLICT (id) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
     WHERE (${columns.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`,
    [json(rows)],
  );
  return result.rowCount ?? 0;
}

/** A Django row the sync could not take as it is. `version` is the row's Django updated_at. */
export interface Reject {
  id: string;
  reason: string;
  version: string | null;
  /** The loan a repayment or schedule row belongs to in Django, shown with that loan's reports. */
  loanId?: string | null;
}

/**
 * Records rejects once per version of the row: a reject is new the first time, and seen_count grows only when
 * Django changed the row since it was last reported (another updated_at than the one reported), so re-reading the
 * same row — in the overlap window, after a restart, or a row dated in the future that stays in the window — never
 * inflates it. Rows of `fixedIds` that are no longer bad lose their reject. Returns the rejects reported for the
 * first time (the caller logs those, once).
 */
export async function recordRejects(db: Queryable, entity: string, rejects: readonly Reject[], fixedIds: readonly string[]): Promise<Reject[]> {
  if (fixedIds.length > 0) {
    await db.query(`DELETE FROM sync_rejects WHERE entity = $1 AND django_id = ANY($2::text[])`, [entity, fixedIds]);
  }
  if (rejects.length === 0) return [];
  const { rows } = await db.query<{ django_id: string; first_time: boolean }>(
    `WITH incoming AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(id text, reason text, version text, "loanId" text))
     INSERT INTO sync_rejects AS s (entity, django_id, reason, django_version, loan_id)
     SELECT $1, i.id, i.reason, i.version, i."loanId" FROM incoming i
     ON CONFLICT (entity, django_id) DO UPDATE
       SET reason = EXCLUDED.reason, last_seen_at = now(), seen_count = s.seen_count + 1, django_version = EXCLUDED.django_version,
           loan_id = EXCLUDED.loan_id
     -- A reject recorded before its version was (migration 0019): a newer updated_at than its report, as then.
     WHERE s.django_version IS DISTINCT FROM EXCLUDED.django_version
       AND (s.django_version IS NOT NULL OR s.last_seen_at < EXCLUDED.django_version::timestamptz)
     RETURNING s.django_id, (xmax = 0) AS first_time`,
    [entity, json(rejects)],
  );
  const firstTime = new Set(rows.filter((r) => r.first_time).map((r) => r.django_id));
  return rejects.filter((r) => firstTime.has(r.id));
}

/** The sync_rejects entity of loans whose recompute fails (src/sync/isolated-recompute.ts). */
export const RECOMPUTE_REJECT_ENTITY = 'loan_recompute';

/** What sync_rejects reports on: the synced entities, and the loans the engine fails on. */
export const REJECT_ENTITIES = [...SYNC_ENTITIES, RECOMPUTE_REJECT_ENTITY] as const;
export type RejectEntity = (typeof REJECT_ENTITIES)[number];

/** Rows in sync_rejects per entity, every entity present (0 when none), so a dashboard's series never vanish. */
export async function countRejectsByEntity(db: Queryable): Promise<Record<RejectEntity, number>> {
  const { rows } = await db.query<{ entity: string; rows: number }>(`SELECT entity, count(*)::int AS rows FROM sync_rejects GROUP BY entity`);
  const counts = Object.fromEntries(REJECT_ENTITIES.map((entity) => [entity, 0])) as Record<RejectEntity, number>;
  for (const row of rows) if (row.entity in counts) counts[row.entity as RejectEntity] = row.rows;
  return counts;
}

/** Where the copy keeps each row's Django version (updated_at); officers and customers keep none. */
const COPIED_VERSIONS: Partial<Record<SyncEntity, string>> = {
  loans: `SELECT loan_id AS id, ${utcText('django_updated_at')} AS version FROM loans WHERE loan_id = ANY($1::text[])`,
  repayments: `SELECT repayment_id AS id, ${utcText('django_updated_at')} AS version FROM repayments WHERE repayment_id = ANY($1::text[])`,
  loan_schedule: `SELECT django_schedule_id AS id, ${utcText('django_updated_at')} AS version FROM loan_schedule WHERE django_schedule_id = ANY($1::text[])`,
  holiday: `SELECT id::text AS id, ${utcText('updated_at')} AS version FROM holiday WHERE id = ANY($1::bigint[])`,
};

/**
 * The Django version (UTC ISO text, as the reader renders updated_at) the copy holds of each of these rows, by
 * id; empty for rows not copied and for entities whose copy keeps no version.
 */
export async function copiedVersions(db: Queryable, entity: SyncEntity, ids: readonly string[]): Promise<Map<string, string>> {
  const sql = COPIED_VERSIONS[entity];
  if (sql === undefined || ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; version: string | null }>(sql, [ids]);
  return new Map(rows.filter((r) => r.version !== null).map((r) => [r.id, r.version!]));
}
