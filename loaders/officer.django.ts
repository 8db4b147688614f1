/** Officers' base fields, read live from Django accounts_customuser. */
import { employmentStatusSql, hireDateSql, officerNameSql } from '../src/django-columns';
import { dateText, keysMatch, Params, selectList, type Queryable } from './sql';

export interface DjangoOfficerRow {
  id: string;
  /** COALESCE(username, email) (§1.9), or 'Officer <id>' when Django holds neither (officerNameSql). */
  name: string;
  /** Null only for a row written around Django (its column is NOT NULL). */
  email: string | null;
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

export type OfficerBaseKey = keyof DjangoOfficerRow;
/** An officer row with its id and some of the other fields (the ones a query shows). */
export type OfficerBasePart = Pick<DjangoOfficerRow, 'id'> & Partial<DjangoOfficerRow>;

/** The SQL of each DjangoOfficerRow field over an accounts_customuser row aliased `u`; `tz` is the business zone parameter. */
function officerSelect(tz: string): Record<OfficerBaseKey, string> {
  return {
    id: 'u.id::text',
    name: officerNameSql('u'),
    email: 'u.email',
    phone: 'u.user_phone',
    userType: 'u.user_type',
    employmentStatus: employmentStatusSql('u'),
    hireDate: dateText(hireDateSql('u', tz)),
    userBranch: 'u.user_branch',
    isActive: 'u.is_active',
  };
}

export const OFFICER_BASE_KEYS = Object.keys(officerSelect('')) as OfficerBaseKey[];

/** The select list of `keys` of DjangoOfficerRow (all by default; the id always) over `u`. */
export function officerColumns(tz: string, keys: readonly OfficerBaseKey[] = OFFICER_BASE_KEYS): string {
  return selectList(officerSelect(tz), keys, 'id');
}

/** Base rows for the given user ids (ids that do not exist are simply absent). */
export async function fetchDjangoOfficers(db: Queryable, ids: readonly string[], businessTz: string): Promise<DjangoOfficerRow[]> {
  const params = new Params();
  const tz = params.add(businessTz);
  const { rows } = await db.query<DjangoOfficerRow>(`SELECT ${officerColumns(tz)} FROM accounts_customuser u WHERE ${keysMatch('u.id', ids, 'bigint', params)}`, params.values);
  return rows;
}
