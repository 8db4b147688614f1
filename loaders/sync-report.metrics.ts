/**
 * What the sync reported about Django rows (sync_rejects), by Django id: why a row was not copied, or what it found
 * odd when copying it, and for a loan whether the engine failed to recompute it. Answers "why is this loan not
 * synced?" and "why does this number differ from Django's?" without database access.
 */
import { RECOMPUTE_REJECT_ENTITY, type RejectEntity } from '../src/sync/upsert';
import { keysMatch, numericTextOrder, Params, timestampText, type Queryable } from './sql';

/**
 * The reports each API field shows, and the column its key matches: a loan's own row's and its recompute's, the
 * reports on a loan's repayments (by their loan: copied or not), the others their row's.
 */
export const SYNC_REPORT_SOURCES = {
  loan: { entities: ['loans', RECOMPUTE_REJECT_ENTITY], key: 'django_id' },
  loanRepayments: { entities: ['repayments'], key: 'loan_id' },
  officer: { entities: ['officers'], key: 'django_id' },
  customer: { entities: ['customers'], key: 'django_id' },
  repayment: { entities: ['repayments'], key: 'django_id' },
} as const satisfies Record<string, { entities: readonly RejectEntity[]; key: 'django_id' | 'loan_id' }>;
export type SyncReportSubject = keyof typeof SYNC_REPORT_SOURCES;

export interface SyncReportRow {
  /** The key it was read by: the Django id of the row, or of the loan for a loan's repayments. */
  key: string;
  djangoId: string;
  /** 'ROW': about the Django row itself; 'RECOMPUTE': the engine failed to recompute the loan. */
  kind: 'ROW' | 'RECOMPUTE';
  reason: string;
  firstSeenAt: string;
  lastSeenAt: string;
  seenCount: number;
}

/**
 * The reports on these keys (Django ids, or loan ids for `loanRepayments`) of `subject`'s entities, in Django id
 * order, a row's report before its recompute's; one statement.
 */
export async function fetchSyncReports(db: Queryable, subject: SyncReportSubject, keys: readonly string[]): Promise<SyncReportRow[]> {
  const { entities, key } = SYNC_REPORT_SOURCES[subject];
  const params = new Params();
  const recompute = params.add(RECOMPUTE_REJECT_ENTITY);
  const { rows } = await db.query<SyncReportRow>(
    `SELECT r.${key} AS "key", r.django_id AS "djangoId", CASE WHEN r.entity = ${recompute} THEN 'RECOMPUTE' ELSE 'ROW' END AS "kind",
            r.reason, ${timestampText('r.first_seen_at')} AS "firstSeenAt", ${timestampText('r.last_seen_at')} AS "lastSeenAt", r.seen_count AS "seenCount"
       FROM sync_rejects r
      WHERE r.entity = ANY(${params.add(entities)}::text[]) AND ${keysMatch(`r.${key}`, keys, 'text', params)}
      ORDER BY ${numericTextOrder('r.django_id', 'ASC')}, r.entity = ${recompute}`,
    params.values,
  );
  return rows;
}
