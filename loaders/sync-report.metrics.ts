/**
 * What the sync reported about Django rows (sync_rejects), by Django id: why a row was not copied, or what it found
 * odd when copying it, and for a loan whether the engine failed to recompute it. Answers "why is this loan not
 * synced?" and "why does this number differ from Django's?" without database access.
 */
import { RECOMPUTE_REJECT_ENTITY, type RejectEntity } from '../src/sync/upsert';
import { keysMatch, numericTextOrder, Params, timestampText, type Queryable } from './sql';

/** The reports each API type shows: a loan's own row's and its recompute's; the others their row's. */
export const SYNC_REPORT_SOURCES = {
  loan: ['loans', RECOMPUTE_REJECT_ENTITY],
  officer: ['officers'],
  customer: ['customers'],
  repayment: ['repayments'],
} as const satisfies Record<string, readonly RejectEntity[]>;
export type SyncReportSubject = keyof typeof SYNC_REPORT_SOURCES;

export interface SyncReportRow {
  djangoId: string;
  /** 'ROW': about the Django row itself; 'RECOMPUTE': the engine failed to recompute the loan. */
  kind: 'ROW' | 'RECOMPUTE';
  reason: string;
  firstSeenAt: string;
  lastSeenAt: string;
  seenCount: number;
}

/** The reports on these Django ids of `subject`'s entities, per id the row's report before the recompute's; one statement. */
export async function fetchSyncReports(db: Queryable, subject: SyncReportSubject, djangoIds: readonly string[]): Promise<SyncReportRow[]> {
  const params = new Params();
  const recompute = params.add(RECOMPUTE_REJECT_ENTITY);
  const { rows } = await db.query<SyncReportRow>(
    `SELECT r.django_id AS "djangoId", CASE WHEN r.entity = ${recompute} THEN 'RECOMPUTE' ELSE 'ROW' END AS "kind",
            r.reason, ${timestampText('r.first_seen_at')} AS "firstSeenAt", ${timestampText('r.last_seen_at')} AS "lastSeenAt", r.seen_count AS "seenCount"
       FROM sync_rejects r
      WHERE r.entity = ANY(${params.add(SYNC_REPORT_SOURCES[subject])}::text[]) AND ${keysMatch('r.django_id', djangoIds, 'text', params)}
      ORDER BY ${numericTextOrder('r.django_id', 'ASC')}, r.entity = ${recompute}`,
    params.values,
  );
  return rows;
}
