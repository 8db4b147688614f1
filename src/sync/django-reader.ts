/**
 * Every read the sync makes from Django: keyset pages of new-or-changed rows per table, rows by id, and the
 * per-loan repayment aggregates of reconciliation. Rows leave Django already shaped like seedsmetrics rows (their
 * shapes and SQL: django-source-rows.ts). Timestamps travel as UTC ISO strings with microseconds: exact and
 * comparable as text.
 */
import {
  COUNTS_UNDER_D3,
  CUSTOMER_COLUMNS,
  fingerprint,
  HOLIDAY_COLUMNS,
  LOAN_COLUMNS,
  LOAN_FROM,
  LOAN_REJECT_REASON,
  OFFICER_COLUMNS,
  REPAYMENT_COLUMNS,
  REPAYMENT_FROM,
  REPAYMENTS_WITH_CENTS,
  SCHEDULE_COLUMNS,
  utcText,
  type HolidaySourceRow,
  type LoanSourceRow,
  type RepaymentSourceRow,
  type ScheduleSourceRow,
  type SourceRow,
  type SourceRowByEntity,
} from './django-source-rows';
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

/** The row selection of a read as SQL (alias `alias`, parameters from `$first`) and its parameters. */
function selection(alias: string, request: PageRequest, first: number): { where: string; params: unknown[] } {
  if ('ids' in request) return { where: `${alias}.id = ANY($${first}::bigint[]) ORDER BY ${alias}.id`, params: [request.ids] };
  // Keyset paging on the primary key (never OFFSET): each page starts after the last id of the previous one.
  return { where: `${alias}.id > $${first}::bigint ORDER BY ${alias}.id LIMIT $${first + 1}`, params: [request.afterId, request.limit] };
}


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
    // hashing the rows of loans outside the slice. An infinite updated_at is left out of the newest change, as its
    // copy has none (utcText gives it no text): with it the newest change had no text, and the loan drifted always.
    return this.plain(
      `SELECT r.ajo_loan_id::text AS loan_id, count(*)::int AS n, ${moneyTotal('sum(r.amount)')} AS total,
              count(*) FILTER (WHERE ${COUNTS_UNDER_D3})::int AS counted_n, ${moneyTotal(`sum(r.amount) FILTER (WHERE ${COUNTS_UNDER_D3})`)} AS counted_total,
              ${utcText('max(r.updated_at) FILTER (WHERE isfinite(r.updated_at))')} AS last_change,
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
    // The checks read the disbursement's business date: the business time zone is $1.
    const rows = await this.rows<{ id: string }>(`SELECT l.id::text AS id FROM loans_ajoloan l WHERE l.is_disbursed AND ${LOAN_REJECT_REASON} IS NULL`, []);
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
