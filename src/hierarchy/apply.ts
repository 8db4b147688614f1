/**
 * Applies the imported curated hierarchy (officer_hierarchy, D12) to officers that already exist, and copies the
 * officers' region, branch and vertical lead onto their loans — the job the upstream ran daily at 03:00. The sync
 * applies the hierarchy only when it first inserts an officer, so a sheet imported later needs this step.
 * PAR scopes follow loans to their new branch or region, so every scope is refreshed when any loan moved.
 */
import type pg from 'pg';
import { lockEngineInTransaction, recomputeOpenLoans } from '../engine/recompute';
import { inTransaction } from '../pg-transaction';

export interface ApplyHierarchyResult {
  officersUpdated: number;
  loansUpdated: number;
}

export async function applyHierarchy(pool: pg.Pool): Promise<ApplyHierarchyResult> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, async () => {
      // Before the loans it moves: the sync's batches hold this lock while they write loans.
      await lockEngineInTransaction(client);
      const officers = await client.query(
        `UPDATE officers o
            SET region = h.region, branch = h.branch,
                supervisor_email = h.supervisor_email, supervisor_name = h.supervisor_name,
                vertical_lead_email = h.vertical_lead_email, vertical_lead_name = h.vertical_lead_name,
                hierarchy_curated = true, updated_at = now()
           FROM officer_hierarchy h
          WHERE lower(o.officer_email) = h.officer_email
            AND (o.region, o.branch, o.supervisor_email, o.supervisor_name, o.vertical_lead_email, o.vertical_lead_name, o.hierarchy_curated)
                IS DISTINCT FROM (h.region, h.branch, h.supervisor_email, h.supervisor_name, h.vertical_lead_email, h.vertical_lead_name, true)`,
      );
      const loans = await client.query(
        `UPDATE loans l
            SET region = o.region, branch = o.branch, vertical_lead_name = o.vertical_lead_name,
                vertical_lead_email = o.vertical_lead_email, updated_at = now()
           FROM officers o
          WHERE l.officer_id = o.officer_id
            AND (l.region, l.branch, l.vertical_lead_name, l.vertical_lead_email)
                IS DISTINCT FROM (o.region, o.branch, o.vertical_lead_name, o.vertical_lead_email)`,
      );
      if ((loans.rowCount ?? 0) > 0) {
        const { rows } = await client.query<{ today: string }>(`SELECT business_today()::text AS today`);
        await recomputeOpenLoans(client, rows[0]!.today);
      }
      return { officersUpdated: officers.rowCount ?? 0, loansUpdated: loans.rowCount ?? 0 };
    });
  } finally {
    client.release();
  }
}

/**
 * Which of these curated officer e-mails (lower case) no seedsmetrics officer has: a typo in the sheet, or an
 * officer the sync has not copied yet (the sync applies the row when it first copies that officer).
 */
export async function curatedEmailsWithoutOfficer(pool: pg.Pool, emails: readonly string[]): Promise<string[]> {
  const { rows } = await pool.query<{ email: string }>(
    `SELECT e.email FROM unnest($1::text[]) AS e(email)
      WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE lower(o.officer_email) = e.email)
      ORDER BY e.email`,
    [emails],
  );
  return rows.map((r) => r.email);
}
