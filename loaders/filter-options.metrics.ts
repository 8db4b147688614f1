/**
 * The values the dashboard's dropdowns offer (§6 row 20, GET /filters/:type), in one seedsmetrics statement:
 * distinct non-blank values of the loans of dashboard-visible officers (§1.8), except the vertical leads, which
 * come from every loan; regions add the visible officers' own, and user types come from the officers alone.
 *
 * The loans are read once for every list: GROUPING SETS give each list its own hash table over one scan, where a
 * subquery per list scanned them once per list (the statement: 56 against 38 ms at scale 1). Each set also groups
 * by the row's flags (officer visible, inside the regions and the branches asked for), and each list then keeps
 * the values whose flags it requires.
 */
import { loanFilterSql } from './loan-filter';
import { Params, type Queryable } from './sql';
import { visibleOfficerSql } from './visible-officers';

export interface FilterScope {
  /** Narrow the branches and officers offered to these regions. */
  regions?: readonly string[];
  /** Narrow the officers offered to these branches. */
  branches?: readonly string[];
}

/** Each list read from the loans: the column it lists, and which scope narrows it. */
const LOAN_LISTS = {
  branches: { column: 'branch', regions: true, branches: false, everyOfficer: false },
  waves: { column: 'wave', regions: false, branches: false, everyOfficer: false },
  channels: { column: 'channel', regions: false, branches: false, everyOfficer: false },
  statuses: { column: 'status', regions: false, branches: false, everyOfficer: false },
  djangoStatuses: { column: 'django_status', regions: false, branches: false, everyOfficer: false },
  loanTypes: { column: 'loan_type', regions: false, branches: false, everyOfficer: false },
  verificationStatuses: { column: 'verification_status', regions: false, branches: false, everyOfficer: false },
  verticalLeadEmails: { column: 'vertical_lead_email', regions: false, branches: false, everyOfficer: true },
  /** Ids of the officers with loans, by the officer name on their loans. */
  officerIds: { column: 'officer_id', regions: true, branches: true, everyOfficer: false },
  /** The loans' part of the regions list (the officers' own are added to it). */
  regions: { column: 'region', regions: false, branches: false, everyOfficer: false },
} as const;
type LoanListKey = keyof typeof LOAN_LISTS;

export type FilterListKey = LoanListKey | 'userTypes';
export const FILTER_LISTS: readonly FilterListKey[] = [
  'branches', 'waves', 'channels', 'statuses', 'djangoStatuses', 'loanTypes', 'verificationStatuses', 'verticalLeadEmails', 'officerIds', 'regions', 'userTypes',
];

export type FilterOptionsRow = Partial<Record<FilterListKey, string[]>>;

const notBlank = (column: string): string => `${column} IS NOT NULL AND ${column} <> ''`;

/** `WITH g AS (...)`: one row per distinct value of each list's column and flags (v: visible, r: in regions, b: in branches). */
function groupedLoans(lists: readonly LoanListKey[], scope: FilterScope, params: Params): string {
  const condition = (conditions: string[]): string => (conditions.length > 0 ? conditions.join(' AND ') : 'true');
  const inRegions = condition(loanFilterSql({ regions: scope.regions }, params));
  const inBranches = condition(loanFilterSql({ branches: scope.branches }, params));
  const columns = lists.map((list) => LOAN_LISTS[list].column);
  const withName = lists.includes('officerIds');
  // As text: the planner sizes varchar values by their declared length, and with that estimate the hash tables of
  // ten sets passed work_mem, so it sorted instead (50 against 38 ms at scale 1).
  const read = [...columns, ...(withName ? ['officer_name'] : [])].map((c) => `l.${c}::text AS ${c}`).join(', ');
  return `g AS (
       SELECT ${columns.map((c) => `GROUPING(l.${c}) AS in_${c}_set, l.${c}`).join(', ')}, l.v, l.r, l.b${withName ? ', min(l.officer_name) AS officer_name' : ''}
         FROM (SELECT ${read}, vo.officer_id IS NOT NULL AND ${visibleOfficerSql('vo')} AS v, ${inRegions} AS r, ${inBranches} AS b
                 FROM loans l LEFT JOIN officers vo ON vo.officer_id = l.officer_id) l
        GROUP BY GROUPING SETS (${columns.map((c) => `(l.${c}, l.v, l.r, l.b)`).join(', ')})
     )`;
}

/** The rows of g that hold a value `list` offers. */
function offered(list: LoanListKey): string {
  const spec = LOAN_LISTS[list];
  const flags = [spec.everyOfficer ? null : 'g.v', spec.regions ? 'g.r' : null, spec.branches ? 'g.b' : null].filter((f) => f !== null);
  return [`g.in_${spec.column}_set = 0`, ...flags, notBlank(`g.${spec.column}`)].join(' AND ');
}

export async function fetchFilterOptions(db: Queryable, lists: readonly FilterListKey[], scope: FilterScope): Promise<FilterOptionsRow> {
  if (lists.length === 0) return {};
  const params = new Params();
  const visible = visibleOfficerSql('o');
  const fromLoans = lists.filter((list): list is LoanListKey => list !== 'userTypes');
  const columns = lists.map((list) => {
    if (list === 'userTypes') {
      return `(SELECT COALESCE(array_agg(DISTINCT o.user_type ORDER BY o.user_type), '{}') FROM officers o WHERE ${visible} AND ${notBlank('o.user_type')}) AS "userTypes"`;
    }
    if (list === 'regions') {
      // An officer without loans yet still has a region.
      return `(SELECT COALESCE(array_agg(v.x ORDER BY v.x), '{}')
                 FROM (SELECT g.region AS x FROM g WHERE ${offered('regions')}
                       UNION SELECT o.region FROM officers o WHERE ${visible} AND ${notBlank('o.region')}) v) AS "regions"`;
    }
    if (list === 'officerIds') {
      // One row per officer: the set's flags are all required true.
      return `(SELECT COALESCE(array_agg(g.officer_id ORDER BY g.officer_name, g.officer_id), '{}') FROM g WHERE ${offered('officerIds')}) AS "officerIds"`;
    }
    const column = LOAN_LISTS[list].column;
    return `(SELECT COALESCE(array_agg(DISTINCT g.${column} ORDER BY g.${column}), '{}') FROM g WHERE ${offered(list)}) AS "${list}"`;
  });
  const withLoans = fromLoans.length > 0 ? `WITH ${groupedLoans(fromLoans, scope, params)} ` : '';
  const { rows } = await db.query<FilterOptionsRow>(`${withLoans}SELECT ${columns.join(',\n       ')}`, params.values);
  return rows[0]!;
}
