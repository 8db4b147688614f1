/**
 * The values the dashboard's dropdowns offer (§6 row 20, GET /filters/:type), in one seedsmetrics statement with
 * one subquery per list asked for: distinct non-blank values of the loans of dashboard-visible officers (§1.8),
 * except the vertical leads, which come from every loan.
 */
import { loanFilterSql, type LoanFilter } from './loan-filter';
import { Params, type Queryable } from './sql';
import { visibleOfficerSql } from './visible-officers';

export interface FilterScope {
  /** Narrow the branches and officers offered to these regions. */
  regions?: readonly string[];
  /** Narrow the officers offered to these branches. */
  branches?: readonly string[];
}

/** Each list: the loans column it lists, and which scope narrows it. */
const LISTS = {
  branches: { column: 'l.branch', regions: true, branches: false, everyOfficer: false },
  waves: { column: 'l.wave', regions: false, branches: false, everyOfficer: false },
  channels: { column: 'l.channel', regions: false, branches: false, everyOfficer: false },
  statuses: { column: 'l.status', regions: false, branches: false, everyOfficer: false },
  djangoStatuses: { column: 'l.django_status', regions: false, branches: false, everyOfficer: false },
  loanTypes: { column: 'l.loan_type', regions: false, branches: false, everyOfficer: false },
  verificationStatuses: { column: 'l.verification_status', regions: false, branches: false, everyOfficer: false },
  verticalLeadEmails: { column: 'l.vertical_lead_email', regions: false, branches: false, everyOfficer: true },
  /** Ids of the officers with loans, by the officer name on their loans. */
  officerIds: { column: 'l.officer_id', regions: true, branches: true, everyOfficer: false },
} as const;

export type FilterListKey = keyof typeof LISTS | 'regions' | 'userTypes';
export const FILTER_LISTS: readonly FilterListKey[] = [...(Object.keys(LISTS) as (keyof typeof LISTS)[]), 'regions', 'userTypes'];

export type FilterOptionsRow = Partial<Record<FilterListKey, string[]>>;

const notBlank = (column: string): string => `${column} IS NOT NULL AND ${column} <> ''`;
const sortedDistinct = (select: string): string => `(SELECT COALESCE(array_agg(v.x ORDER BY v.x), '{}') FROM (${select}) v)`;

export async function fetchFilterOptions(db: Queryable, lists: readonly FilterListKey[], scope: FilterScope): Promise<FilterOptionsRow> {
  if (lists.length === 0) return {};
  const params = new Params();
  const visible = visibleOfficerSql('o');
  const columns = lists.map((list) => {
    if (list === 'regions') {
      // Regions of the loans and of the officers themselves (an officer without loans yet still has a region).
      const fromLoans = loanFilterSql({ visibleOfficersOnly: true }, params);
      return `${sortedDistinct(
        `SELECT l.region AS x FROM loans l WHERE ${[...fromLoans, notBlank('l.region')].join(' AND ')}
         UNION SELECT o.region FROM officers o WHERE ${visible} AND ${notBlank('o.region')}`,
      )} AS "regions"`;
    }
    if (list === 'userTypes') {
      return `${sortedDistinct(`SELECT DISTINCT o.user_type AS x FROM officers o WHERE ${visible} AND ${notBlank('o.user_type')}`)} AS "userTypes"`;
    }
    const spec = LISTS[list];
    const filter: LoanFilter = {
      visibleOfficersOnly: !spec.everyOfficer,
      regions: spec.regions ? scope.regions : undefined,
      branches: spec.branches ? scope.branches : undefined,
    };
    const where = [...loanFilterSql(filter, params), notBlank(spec.column)];
    if (list === 'officerIds') {
      return `(SELECT COALESCE(array_agg(v.officer_id ORDER BY v.name, v.officer_id), '{}')
                 FROM (SELECT l.officer_id, min(l.officer_name) AS name FROM loans l WHERE ${where.join(' AND ')} GROUP BY l.officer_id) v) AS "officerIds"`;
    }
    return `${sortedDistinct(`SELECT DISTINCT ${spec.column} AS x FROM loans l WHERE ${where.join(' AND ')}`)} AS "${list}"`;
  });
  const { rows } = await db.query<FilterOptionsRow>(`SELECT ${columns.join(',\n       ')}`, params.values);
  return rows[0]!;
}
