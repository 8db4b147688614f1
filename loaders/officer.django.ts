/** Officers' base fields, read live from Django accounts_customuser. */
import { dateText, keysMatch, Params, type Queryable } from './sql';

export interface DjangoOfficerRow {
  id: string;
  /** COALESCE(username, email) (§1.9). */
  name: string;
  email: string;
  phone: string | null;
  userType: string | null;
  /** 'Active' when performance_status = 'Active', else 'Inactive' (§1.9). */
  employmentStatus: string;
  /** date_joined as a business date. */
  hireDate: string | null;
  /** Django's own branch, the fallback of the curated branch (D12). */
  userBranch: string | null;
  isActive: boolean;
}

/** The select list of DjangoOfficerRow over an accounts_customuser row aliased `u`; `tz` is the business zone parameter. */
export function officerColumns(tz: string): string {
  return `u.id::text AS "id", COALESCE(u.username, u.email) AS "name", u.email AS "email", u.user_phone AS "phone",
            u.user_type AS "userType",
            CASE WHEN u.performance_status = 'Active' THEN 'Active' ELSE 'Inactive' END AS "employmentStatus",
            ${dateText(`(u.date_joined AT TIME ZONE ${tz}::text)::date`)} AS "hireDate",
            u.user_branch AS "userBranch", u.is_active AS "isActive"`;
}

/** Base rows for the given user ids (ids that do not exist are simply absent). */
export async function fetchDjangoOfficers(db: Queryable, ids: readonly string[], businessTz: string): Promise<DjangoOfficerRow[]> {
  const params = new Params();
  const tz = params.add(businessTz);
  const { rows } = await db.query<DjangoOfficerRow>(`SELECT ${officerColumns(tz)} FROM accounts_customuser u WHERE ${keysMatch('u.id', ids, 'bigint', params)}`, params.values);
  return rows;
}
