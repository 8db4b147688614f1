/** Officers' curated hierarchy (D12) and officer lists, read from seedsmetrics `officers`. */
import { afterSql, orderBySql, sortKeySql, type KeysetPosition, type SortDirection, type SortSpec } from './keyset';
import { officerMetricsChain, officerPortfolioColumns, repaymentDelayRateSql, riskBandSql, type OfficerPortfolioField, type OfficerPortfolioPart } from './officer-portfolio.metrics';
import { keyRows, keysMatch, Params, whereClause, type Queryable } from './sql';
import { visibleOfficerSql } from './visible-officers';

export interface OfficerHierarchyRow {
  officerId: string;
  region: string;
  branch: string;
  supervisorName: string | null;
  supervisorEmail: string | null;
  verticalLeadName: string | null;
  verticalLeadEmail: string | null;
}

const HIERARCHY_COLUMNS = `o.officer_id AS "officerId", o.region AS "region", o.branch AS "branch",
  o.supervisor_name AS "supervisorName", o.supervisor_email AS "supervisorEmail",
  o.vertical_lead_name AS "verticalLeadName", o.vertical_lead_email AS "verticalLeadEmail"`;

export async function fetchOfficerHierarchy(db: Queryable, ids: readonly string[]): Promise<OfficerHierarchyRow[]> {
  const params = new Params();
  const { rows } = await db.query<OfficerHierarchyRow>(`SELECT ${HIERARCHY_COLUMNS} FROM officers o WHERE ${keysMatch('o.officer_id', ids, 'text', params)}`, params.values);
  return rows;
}

export interface OfficerProfile {
  /** Null when seedsmetrics has no `officers` row for the id. */
  hierarchy: OfficerHierarchyRow | null;
  /** All-wave metrics of `fields` (zeros for an officer without loans). */
  portfolio: OfficerPortfolioPart;
}

/**
 * One officer's hierarchy and all-wave §4.4 metrics (`fields` of them) in one statement: `officer(id)` often shows
 * both, and a statement fewer is a round trip fewer on the hot path of a point lookup.
 */
export async function fetchOfficerProfile(db: Queryable, officerId: string, fields: readonly OfficerPortfolioField[]): Promise<OfficerProfile> {
  const params = new Params();
  const allWaves = params.add(null);
  const { rows } = await db.query<OfficerPortfolioPart & { hierarchy: OfficerHierarchyRow | null }>(
    `WITH ${officerMetricsChain(keyRows([officerId], 'text', params), allWaves)}
     SELECT CASE WHEN o.officer_id IS NULL THEN NULL ELSE json_build_object(
              'officerId', o.officer_id, 'region', o.region, 'branch', o.branch,
              'supervisorName', o.supervisor_name, 'supervisorEmail', o.supervisor_email,
              'verticalLeadName', o.vertical_lead_name, 'verticalLeadEmail', o.vertical_lead_email) END AS "hierarchy",
            ${officerPortfolioColumns('s.', fields)}
       FROM scored s LEFT JOIN officers o ON o.officer_id = s.officer_id`,
    params.values,
  );
  const { hierarchy, ...portfolio } = rows[0]!;
  return { hierarchy, portfolio };
}

export interface OfficerFilter {
  ids?: readonly string[];
  regions?: readonly string[];
  branches?: readonly string[];
  userTypes?: readonly string[];
  /** Case-insensitive substring of the e-mail or the name (§4.7 `officer_email`). */
  search?: string;
  verticalLeadEmails?: readonly string[];
  supervisorEmails?: readonly string[];
  employmentStatuses?: readonly string[];
  /** Include user types outside VISIBLE_UT (§1.8). @default false */
  includeAllUserTypes?: boolean;
  /** §4.4 risk bands (any of) of the officers' metrics over `metricsWave`'s loans. */
  riskBands?: readonly string[];
  /** Officers whose §4.4 repaymentDelayRate (2 places, as shown) is below this decimal. */
  repaymentDelayRateBelow?: string;
  /** The wave whose loans riskBands and repaymentDelayRateBelow read; null or absent for all waves. */
  metricsWave?: string | null;
}

/** The whitelist of officer sort keys. */
export const OFFICER_SORTS = {
  name: { expr: 'o.officer_name', kind: 'text', nullable: false },
  region: { expr: 'o.region', kind: 'text', nullable: false },
  branch: { expr: 'o.branch', kind: 'text', nullable: false },
  hireDate: { expr: 'o.hire_date', kind: 'date', nullable: true },
  id: { expr: 'o.officer_id', kind: 'text', nullable: false },
} as const satisfies Record<string, SortSpec>;

/**
 * Sorts on the §4.4 metrics (over all waves, or one wave's loans). The page query then computes the metrics of every officer the filter
 * selects, in the same single statement, and returns the page's metrics with it. Values are rounded to 12 places
 * so the cursor carries them exactly.
 */
export const OFFICER_METRIC_SORTS = {
  riskScore: { expr: 'trunc(s.risk_norm * 100)::int', kind: 'int', nullable: false },
  dqi: { expr: 'LEAST(100, GREATEST(0, trunc((0.50 * s.risk_norm + 0.35 * s.on_time + 0.15 * (1 - s.fimr)) * 100)))::int', kind: 'int', nullable: false },
  porr: { expr: 'round(s.porr, 12)', kind: 'numeric', nullable: false },
  fimr: { expr: 'round(s.fimr, 12)', kind: 'numeric', nullable: false },
  ayr: { expr: 'round(s.ayr, 12)', kind: 'numeric', nullable: false },
  totalPortfolio: { expr: 's.total_portfolio', kind: 'numeric', nullable: false },
  overdue15d: { expr: 's.overdue15d', kind: 'numeric', nullable: false },
  repaymentDelayRate: { expr: 'round(s.rdr, 12)', kind: 'numeric', nullable: false },
} as const satisfies Record<string, SortSpec>;

export type OfficerSortKey = keyof typeof OFFICER_SORTS | keyof typeof OFFICER_METRIC_SORTS;

export function isMetricSort(sort: OfficerSortKey): sort is keyof typeof OFFICER_METRIC_SORTS {
  return sort in OFFICER_METRIC_SORTS;
}

export function officerSortSpec(sort: OfficerSortKey): SortSpec {
  return isMetricSort(sort) ? OFFICER_METRIC_SORTS[sort] : OFFICER_SORTS[sort];
}

function officerWhere(filter: OfficerFilter, params: Params): string[] {
  const where = officerColumnWhere(filter, params);
  const metricWhere: string[] = [];
  if (filter.riskBands !== undefined) metricWhere.push(`${riskBandSql('s.')} = ANY(${params.add(filter.riskBands)}::text[])`);
  if (filter.repaymentDelayRateBelow !== undefined) metricWhere.push(`${repaymentDelayRateSql('s.')} < ${params.add(filter.repaymentDelayRateBelow)}::numeric`);
  if (metricWhere.length > 0) {
    // The metrics of the officers the other conditions select, computed in a statement of their own scope (its
    // CTEs shadow those of a metric sort's chain, which may read another wave).
    const source = `SELECT o.officer_id FROM officers o ${whereClause(where)}`;
    where.push(
      `o.officer_id IN (WITH ${officerMetricsChain(source, params.add(filter.metricsWave ?? null))} SELECT s.officer_id FROM scored s WHERE ${metricWhere.join(' AND ')})`,
    );
  }
  return where;
}

/** The conditions on the officers' own columns. */
function officerColumnWhere(filter: OfficerFilter, params: Params): string[] {
  const where: string[] = [];
  if (filter.includeAllUserTypes !== true) where.push(visibleOfficerSql('o'));
  if (filter.ids !== undefined) where.push(`o.officer_id = ANY(${params.add(filter.ids)}::text[])`);
  if (filter.regions !== undefined) where.push(`o.region = ANY(${params.add(filter.regions)}::text[])`);
  if (filter.branches !== undefined) where.push(`o.branch = ANY(${params.add(filter.branches)}::text[])`);
  if (filter.userTypes !== undefined) where.push(`o.user_type = ANY(${params.add(filter.userTypes)}::text[])`);
  if (filter.verticalLeadEmails !== undefined) where.push(`o.vertical_lead_email = ANY(${params.add(filter.verticalLeadEmails)}::text[])`);
  if (filter.supervisorEmails !== undefined) where.push(`o.supervisor_email = ANY(${params.add(filter.supervisorEmails)}::text[])`);
  if (filter.employmentStatuses !== undefined) where.push(`o.employment_status = ANY(${params.add(filter.employmentStatuses)}::text[])`);
  if (filter.search !== undefined) {
    const needle = params.add(filter.search);
    where.push(`(strpos(lower(COALESCE(o.officer_email, '')), lower(${needle})) > 0 OR strpos(lower(o.officer_name), lower(${needle})) > 0)`);
  }
  return where;
}

export interface OfficerPageRow extends OfficerHierarchyRow {
  sortKey: string | null;
  /** Present when the page was sorted on a metric: the `portfolioFields` of the officer's §4.4 metrics over all waves. */
  portfolio?: OfficerPortfolioPart;
}

export interface OfficerPageArgs {
  filter: OfficerFilter;
  sort: OfficerSortKey;
  direction: SortDirection;
  /** A metric sort's wave (its loans only, as `portfolio(wave:)`); null for all waves. */
  wave: string | null;
  after: KeysetPosition | null;
  first: number;
  /**
   * The all-wave metrics the page's officers show. A page sorted on a metric computes every officer's metrics to
   * sort them, and returns these with the page; the others are not computed at all (narrowing the officers page
   * ordered by risk score to the eight metrics it shows: 70 → 42 ms for its statement at scale 1).
   */
  portfolioFields: readonly OfficerPortfolioField[];
}

/** One keyset page of officers (first + 1 rows), with their hierarchy so the by-id hierarchy loader can be primed. */
export async function fetchOfficerPage(db: Queryable, args: OfficerPageArgs): Promise<OfficerPageRow[]> {
  if (isMetricSort(args.sort)) return fetchOfficerPageByMetric(db, { ...args, sort: args.sort });
  const spec: SortSpec = OFFICER_SORTS[args.sort];
  const params = new Params();
  const where = officerWhere(args.filter, params);
  if (args.after !== null) where.push(afterSql(spec, args.direction, 'o.officer_id', args.after, params));
  const { rows } = await db.query<OfficerPageRow>(
    `SELECT ${HIERARCHY_COLUMNS}, ${sortKeySql(spec)} AS "sortKey"
       FROM officers o ${whereClause(where)}
      ORDER BY ${orderBySql(spec, args.direction, 'o.officer_id')} LIMIT ${params.add(args.first + 1)}::int`,
    params.values,
  );
  return rows;
}

async function fetchOfficerPageByMetric(db: Queryable, args: OfficerPageArgs & { sort: keyof typeof OFFICER_METRIC_SORTS }): Promise<OfficerPageRow[]> {
  const spec: SortSpec = OFFICER_METRIC_SORTS[args.sort];
  const params = new Params();
  const where = officerWhere(args.filter, params);
  const wave = params.add(args.wave);
  const keyset = args.after === null ? 'true' : afterSql(spec, args.direction, 's.officer_id', args.after, params);
  const { rows } = await db.query<OfficerHierarchyRow & OfficerPortfolioPart & { sortKey: string | null }>(
    `WITH ${officerMetricsChain(`SELECT o.officer_id FROM officers o ${whereClause(where)}`, wave)}
     SELECT ${HIERARCHY_COLUMNS}, ${sortKeySql(spec)} AS "sortKey", ${officerPortfolioColumns('s.', args.portfolioFields)}
       FROM scored s JOIN officers o ON o.officer_id = s.officer_id
      WHERE ${keyset}
      ORDER BY ${orderBySql(spec, args.direction, 's.officer_id')} LIMIT ${params.add(args.first + 1)}::int`,
    params.values,
  );
  return rows.map((row) => {
    const { officerId, region, branch, supervisorName, supervisorEmail, verticalLeadName, verticalLeadEmail, sortKey, ...metrics } = row;
    return { officerId, region, branch, supervisorName, supervisorEmail, verticalLeadName, verticalLeadEmail, sortKey, portfolio: { officerId, ...metrics } };
  });
}

export async function countOfficers(db: Queryable, filter: OfficerFilter): Promise<number> {
  const params = new Params();
  const where = officerWhere(filter, params);
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM officers o ${whereClause(where)}`, params.values);
  return rows[0]!.n;
}

/** Distinct customers of each officer's loans, keyset on the customer id (first + 1 per officer). */
export async function fetchOfficerCustomerPages(
  db: Queryable,
  officerIds: readonly string[],
  args: { afterId: string | null; first: number },
): Promise<{ parentId: string; customerId: string }[]> {
  const { rows } = await db.query<{ parentId: string; customerId: string }>(
    `SELECT p.parent_id AS "parentId", x.customer_id AS "customerId"
       FROM unnest($1::text[]) WITH ORDINALITY AS p(parent_id, ord)
       CROSS JOIN LATERAL (
         SELECT DISTINCT l.customer_id FROM loans l
          WHERE l.officer_id = p.parent_id AND ($2::text IS NULL OR l.customer_id > $2::text)
          ORDER BY l.customer_id LIMIT $3::int) x
      ORDER BY p.ord, x.customer_id`,
    [officerIds, args.afterId, args.first + 1],
  );
  return rows;
}

/** Number of distinct customers of each officer's loans. */
export async function countOfficerCustomers(db: Queryable, officerIds: readonly string[]): Promise<{ officerId: string; count: number }[]> {
  const { rows } = await db.query<{ officerId: string; count: number }>(
    `SELECT l.officer_id AS "officerId", count(DISTINCT l.customer_id)::int AS "count"
       FROM loans l WHERE l.officer_id = ANY($1::text[]) GROUP BY l.officer_id`,
    [officerIds],
  );
  return rows;
}
