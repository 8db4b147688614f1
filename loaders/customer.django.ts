/** Customers' base fields, read live from Django ajo_ajouser, and the Django-only customer filters. */
import { customerNameSql, kycStatusSql } from '../src/django-columns';
import { dateText, keysMatch, Params, selectList, whereClause, type Queryable } from './sql';

export interface DjangoCustomerRow {
  id: string;
  /** TRIM(first_name || ' ' || last_name), falling back to the phone number when either part is NULL (§1.2), then to 'Customer <id>'. */
  name: string;
  /** Null only for a row written around Django (its column is NOT NULL). */
  phone: string | null;
  dob: string | null;
  gender: string | null;
  state: string | null;
  lga: string | null;
  address: string | null;
  /** Verified (BVN and onboarding verified), Partial (BVN only) or Pending (§1.2). */
  kycStatus: string;
  /** The managing agent (ajo_ajouser.user_id), if any. */
  agentId: string | null;
}

export type CustomerBaseKey = keyof DjangoCustomerRow;
/** A customer row with its id and some of the other fields (the ones a query shows). */
export type CustomerBasePart = Pick<DjangoCustomerRow, 'id'> & Partial<DjangoCustomerRow>;

/** The SQL of each DjangoCustomerRow field over an ajo_ajouser row aliased `c`. */
const CUSTOMER_SELECT: Record<CustomerBaseKey, string> = {
  id: 'c.id::text',
  name: customerNameSql('c'),
  phone: 'c.phone_number',
  dob: dateText('c.dob'),
  gender: 'c.gender',
  state: 'c.state',
  lga: 'c.lga',
  address: 'c.address',
  kycStatus: kycStatusSql('c'),
  agentId: 'c.user_id::text',
};

export const CUSTOMER_BASE_KEYS = Object.keys(CUSTOMER_SELECT) as CustomerBaseKey[];

/** The select list of `keys` of DjangoCustomerRow (all by default; the id always) over `c`. */
export function customerColumns(keys: readonly CustomerBaseKey[] = CUSTOMER_BASE_KEYS): string {
  return selectList(CUSTOMER_SELECT, keys, 'id');
}

/** The select list of every DjangoCustomerRow field over `c`. */
export const CUSTOMER_COLUMNS = customerColumns();

export async function fetchDjangoCustomers(db: Queryable, ids: readonly string[]): Promise<DjangoCustomerRow[]> {
  const params = new Params();
  const { rows } = await db.query<DjangoCustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM ajo_ajouser c WHERE ${keysMatch('c.id', ids, 'bigint', params)}`, params.values);
  return rows;
}

/**
 * Ids of customers whose phone contains the given text (case-sensitive substring, §4.7). The phone is a
 * Django-only column, so this runs in Django first and the id set is passed on to seedsmetrics.
 */
export async function fetchCustomerIdsByPhone(db: Queryable, phoneParts: readonly string[]): Promise<{ phone: string; id: string }[]> {
  const { rows } = await db.query<{ phone: string; id: string }>(
    `SELECT p.part AS "phone", c.id::text AS "id"
       FROM unnest($1::text[]) AS p(part)
       JOIN ajo_ajouser c ON strpos(c.phone_number, p.part) > 0
      ORDER BY c.id`,
    [phoneParts],
  );
  return rows;
}

export interface CustomerListFilter {
  ids?: readonly string[];
  /** Case-sensitive substring of the phone number. */
  phone?: string;
  /** Case-insensitive substring of the name. */
  name?: string;
  states?: readonly string[];
  kycStatuses?: readonly string[];
}

function customerWhere(filter: CustomerListFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.ids !== undefined) where.push(`c.id = ANY(${params.add(filter.ids)}::bigint[])`);
  if (filter.phone !== undefined) where.push(`strpos(c.phone_number, ${params.add(filter.phone)}) > 0`);
  if (filter.name !== undefined) where.push(`strpos(lower(${customerNameSql('c')}), lower(${params.add(filter.name)})) > 0`);
  if (filter.states !== undefined) where.push(`c.state = ANY(${params.add(filter.states)}::text[])`);
  if (filter.kycStatuses !== undefined) where.push(`${kycStatusSql('c')} = ANY(${params.add(filter.kycStatuses)}::text[])`);
  return where;
}

/** One page of customers in id order (keyset on the bigint id, never OFFSET); returns up to `limit` rows. */
export async function fetchDjangoCustomerPage(
  db: Queryable,
  args: { filter: CustomerListFilter; direction: 'ASC' | 'DESC'; afterId: string | null; limit: number },
): Promise<DjangoCustomerRow[]> {
  const params = new Params();
  const where = customerWhere(args.filter, params);
  if (args.afterId !== null) where.push(`c.id ${args.direction === 'ASC' ? '>' : '<'} ${params.add(args.afterId)}::bigint`);
  const { rows } = await db.query<DjangoCustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM ajo_ajouser c ${whereClause(where)}
      ORDER BY c.id ${args.direction} LIMIT ${params.add(args.limit)}`,
    params.values,
  );
  return rows;
}

export async function countDjangoCustomers(db: Queryable, filter: CustomerListFilter): Promise<number> {
  const params = new Params();
  const where = customerWhere(filter, params);
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM ajo_ajouser c ${whereClause(where)}`, params.values);
  return rows[0]!.n;
}
