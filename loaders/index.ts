/**
 * createLoaders: the per-request set of DataLoaders (and list fetchers) over both databases. Batch functions live
 * at module scope in one file per entity and database; this file only binds them to a request, so one request
 * never sees another's cache. A list that reads whole rows an entity's by-id loader serves (Django loans' officers
 * and customers, a page's customers or officers' hierarchy, whole loan metrics rows) primes that loader.
 */
import type DataLoader from 'dataloader';
import type { ObservedPool } from '../src/pg-pool';
import { DEFAULT_BUSINESS_TZ } from './business-date';
import { fetchAgentActivity, type AgentActivityRow } from './agent-activity.metrics';
import { fetchCollectionsLeaderboard, type CollectionsGrouping, type CollectionsSortKey, type CollectionsStandingRow } from './collections-leaderboard.metrics';
import { fetchDailyCollections, type DailyCollectionRow } from './collections.metrics';
import { fetchCustomerIdsByPhone, fetchDjangoCustomerPage, fetchDjangoCustomers, countDjangoCustomers, type CustomerListFilter, type DjangoCustomerRow } from './customer.django';
import { fetchDpdHistory, type DpdSnapshotRow } from './dpd-history.metrics';
import { createDpdTransitionLoaders, type DpdTransitionLoaders, type DpdTransitionRow } from './dpd-transition.metrics';
import { fetchFilterOptions, type FilterListKey, type FilterOptionsRow, type FilterScope } from './filter-options.metrics';
import { groupedLoader, keyedLoader, LoaderFamily, primeAll, stableKey, type LoaderOptions } from './keyed';
import type { SortDirection } from './keyset';
import type { LoanFilter } from './loan-filter';
import { countLoans, fetchLoanPages, type LoanPageArgs, type LoanPageRow, type LoanParent } from './loan-page.metrics';
import { fetchLoanSummary, type LoanSummaryField, type LoanSummaryRow } from './loan-summary.metrics';
import { asksEveryPartyField, EVERY_PARTY_FIELD, fetchDjangoLoans, type DjangoLoanRow, type LoanParties } from './loan.django';
import { fetchLoanMetrics, fetchRepaymentsToday, LOAN_METRICS_FIELDS, type LoanMetricsField, type LoanMetricsPart, type LoanMetricsRow, type RepaymentsTodayRow } from './loan.metrics';
import { fetchDjangoOfficers, type DjangoOfficerRow } from './officer.django';
import { fetchBranches, fetchVerticalLeads, type BranchFilter, type BranchRow, type BranchSortKey, type VerticalLeadRow } from './branch.metrics';
import { fetchOfficerPortfolios, OFFICER_PORTFOLIO_FIELDS, type OfficerPortfolioField, type OfficerPortfolioPart } from './officer-portfolio.metrics';
import { fetchPortfolioKpis, type PortfolioKpiRow } from './portfolio-kpi.metrics';
import { countOfficerCustomers, countOfficers, fetchOfficerCustomerPages, fetchOfficerHierarchy, fetchOfficerPage, fetchOfficerProfile, type OfficerFilter, type OfficerHierarchyRow, type OfficerPageArgs, type OfficerPageRow } from './officer.metrics';
import { fetchRepaymentsByLoan, type RepaymentRow } from './repayment.metrics';
import type { RepaymentPeriod } from './repayment-period';
import { fetchRepaymentWatch, type RepaymentWatchRow } from './repayment-watch.metrics';
import { createParChangeLoaders, type ParChangeLoaders } from './par-change.metrics';
import { fetchSyncReports, type SyncReportRow, type SyncReportSubject } from './sync-report.metrics';
import { fetchSyncStatus, type SyncStatusRow } from './sync-status.metrics';
import { fetchTopRiskLoans, type TopRiskRow } from './top-risk.metrics';
import { fetchTransitionsByLoan } from './transition.metrics';
import type { SharedReads } from './shared-reads';
import { inOrderOf, preparedStatements } from './sql';

export interface LoaderDeps {
  django: { pool: ObservedPool };
  metrics: { pool: ObservedPool };
  /** IANA zone in which Django timestamps become business dates (hire dates). @default "Africa/Lagos" */
  businessTz?: string;
  /** DataLoader batching; false only for the naive-resolver benchmark. @default true */
  batching?: boolean;
  /** Identical whole-portfolio reads of concurrent requests run once (loaders/shared-reads.ts); each request its own without. */
  sharedReads?: SharedReads;
}

/** The part of a loader the resolvers use for derived views (ids or counts over a family's rows). */
export interface KeyLoader<K, V> {
  load(key: K): Promise<V>;
}

export interface Loaders {
  /** Officer base fields from Django, by user id. */
  officer: DataLoader<string, DjangoOfficerRow | null>;
  /** Curated hierarchy from seedsmetrics, by officer id. */
  officerHierarchy: DataLoader<string, OfficerHierarchyRow | null>;
  /** §4.4 metrics by officer id: `fields` of them (all by default); `wave` restricts the loans. */
  officerPortfolio(wave: string | null, fields?: readonly OfficerPortfolioField[]): KeyLoader<string, OfficerPortfolioPart | null>;
  /** Starts reading an officer's hierarchy and all-wave metrics (`fields`), in one statement when batching, into the two loaders above. */
  prefetchOfficerProfile(id: string, fields: readonly OfficerPortfolioField[]): void;
  /** A keyset page of officers from seedsmetrics (first + 1 rows); primes officerHierarchy, and all-wave metrics when sorted on one. */
  officerPage(args: OfficerPageArgs): Promise<OfficerPageRow[]>;
  officerCount(filter: OfficerFilter): Promise<number>;
  /** Customer ids of an officer's loans (first + 1 per officer). */
  officerCustomerIds(args: { afterId: string | null; first: number }): KeyLoader<string, string[]>;
  /** Distinct customers of an officer's loans. */
  officerCustomerCount: KeyLoader<string, number>;
  /** Customer base fields from Django, by customer id. */
  customer: DataLoader<string, DjangoCustomerRow | null>;
  /** A keyset page of customers from Django (limit rows); primes customer. */
  customerPage(args: { filter: CustomerListFilter; direction: SortDirection; afterId: string | null; limit: number }): Promise<DjangoCustomerRow[]>;
  customerCount(filter: CustomerListFilter): Promise<number>;
  /** Django ids of customers whose phone contains the key. */
  customerIdsByPhone: KeyLoader<string, string[]>;
  /** Loan base fields from Django, by loan id, with the whole officer and customer rows. */
  loan: DataLoader<string, DjangoLoanRow | null>;
  /** The same, with only `parties`' fields of the officer and customer rows (a page showing a few of them). */
  loanWithParties(parties: LoanParties): DataLoader<string, DjangoLoanRow | null>;
  /** Loan computed fields from seedsmetrics, by loan id (null when not synced yet). */
  loanMetrics: DataLoader<string, LoanMetricsRow | null>;
  /** The same with only `fields` (a lookup showing a few of them); rows of every field come from loanMetrics. */
  loanMetricsWith(fields: readonly LoanMetricsField[]): DataLoader<string, LoanMetricsPart | null>;
  /** Σ counted repayments dated business today, by loan id (null when not synced yet). */
  repaymentsToday: DataLoader<string, RepaymentsTodayRow | null>;
  /** Pages of loans per parent id ('' for the root list); primes loanMetrics when the rows carry every computed field. */
  loanPages(parent: LoanParent | null, args: LoanPageArgs): DataLoader<string, LoanPageRow[]>;
  /** Loan counts per parent id ('' for the root list). */
  loanCounts(parent: LoanParent | null, filter: LoanFilter): KeyLoader<string, number>;
  /** The loans summary, only `fields` computed (the others null); one statement per distinct question. */
  loanSummary(filter: LoanFilter, period: RepaymentPeriod, fields: readonly LoanSummaryField[]): Promise<LoanSummaryRow>;
  repayments: DataLoader<string, RepaymentRow[]>;
  dpdHistory(last: number): DataLoader<string, DpdSnapshotRow[]>;
  transitions: DataLoader<string, DpdTransitionRow[]>;
  /** Daily collections of the filtered loans over a period (§4.6), one statement. */
  dailyCollections(filter: LoanFilter, period: RepaymentPeriod): Promise<DailyCollectionRow[]>;
  /** Collections leaderboard by branch or officer (§4.6), one statement. */
  collectionsLeaderboard(grouping: CollectionsGrouping, filter: LoanFilter, sort: CollectionsSortKey, direction: SortDirection): Promise<CollectionsStandingRow[]>;
  /** Seven days of collections per officer and their activity categories (§4.6), one statement for tiles and details. */
  agentActivity(filter: LoanFilter): Promise<AgentActivityRow[]>;
  /** Open loans repaid today per officer (§4.6 repayment watch), one statement. */
  repaymentWatch(filter: LoanFilter): Promise<RepaymentWatchRow[]>;
  /** The dropdowns' values (§6 row 20): the `lists` asked for, one statement. */
  filterOptions(lists: readonly FilterListKey[], scope: FilterScope): Promise<FilterOptionsRow>;
  /** Credit health by branch (§4.6), one statement. */
  branches(filter: BranchFilter, sort: BranchSortKey, direction: SortDirection): Promise<BranchRow[]>;
  /** Credit health per vertical lead (§4.6), one statement. */
  verticalLeads(filter: BranchFilter): Promise<VerticalLeadRow[]>;
  /** Portfolio KPIs (§4.5), one statement. */
  portfolioKpis(wave: string | null, regions: readonly string[] | null): Promise<PortfolioKpiRow>;
  /** What the sync reported about `subject`'s Django rows (sync_rejects), by Django id ([] when nothing). */
  syncReports(subject: SyncReportSubject): DataLoader<string, SyncReportRow[]>;
  /** How fresh seedsmetrics is (the sync worker's log), one statement. */
  syncStatus(): Promise<SyncStatusRow>;
  /** §4.6 top-risk loans per officer id; primes loanMetrics. */
  topRiskLoans(limit: number): DataLoader<string, TopRiskRow[]>;
  /** Live feeds: DPD transitions by id, history/replay pages, filter checks (owned by the live-feeds work). */
  dpdTransitions: DpdTransitionLoaders;
  /** Live feeds: PAR changes by id and history/replay pages. */
  parChanges: ParChangeLoaders;
}

/**
 * One answer per key within the request; on a miss, the running read of another request under the same `name` and
 * key when `shared` has one.
 */
function memo<T>(name: string, shared: SharedReads | undefined): (key: string, make: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, make) => {
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = shared === undefined ? make() : shared.read(`${name} ${key}`, make);
      cache.set(key, hit);
    }
    return hit;
  };
}

export function createLoaders(deps: LoaderDeps): Loaders {
  const django = preparedStatements(deps.django.pool);
  const metrics = preparedStatements(deps.metrics.pool);
  const businessTz = deps.businessTz ?? DEFAULT_BUSINESS_TZ;
  // GRAPHQL_BATCHING=false (benchmarks only): every key costs its own query, the naive-resolver baseline.
  const batching: LoaderOptions = { batch: deps.batching ?? true };

  const officer = keyedLoader((ids: readonly string[]) => fetchDjangoOfficers(django, ids, businessTz), (r) => r.id, batching);
  const officerHierarchy = keyedLoader((ids: readonly string[]) => fetchOfficerHierarchy(metrics, ids), (r) => r.officerId, batching);
  const customer = keyedLoader((ids: readonly string[]) => fetchDjangoCustomers(django, ids), (r) => r.id, batching);
  const customerIdsByPhone = groupedLoader(
    (parts: readonly string[]) => fetchCustomerIdsByPhone(django, parts),
    (r) => r.phone,
    batching,
  );
  // The loans' officer and customer rows come with them: kept on the loan row (so `officer`/`customer` resolve
  // synchronously) and, when whole, primed, so other paths to the same officer or customer cost no statement either.
  // The naive baseline (batching off) leaves each field to load its own row, as naive resolvers do.
  const batched = batching.batch !== false;
  const fetchLoans = async (ids: readonly string[], parties: LoanParties): Promise<DjangoLoanRow[]> => {
    const rows = await fetchDjangoLoans(django, ids, businessTz, parties);
    const whole = asksEveryPartyField(parties);
    for (const row of rows) {
      if (!batched) {
        row.officer = undefined;
        row.customer = undefined;
        continue;
      }
      if (!whole) continue;
      if (row.officer) officer.prime(row.officer.id, row.officer as DjangoOfficerRow);
      if (row.customer) customer.prime(row.customer.id, row.customer as DjangoCustomerRow);
    }
    return rows;
  };
  const loan = keyedLoader((ids: readonly string[]) => fetchLoans(ids, EVERY_PARTY_FIELD), (r) => r.id, batching);
  // Pages read their loans' parties with only the fields they show: one loader per field set.
  const loansWithParties = new LoaderFamily((parties: LoanParties) => keyedLoader((ids: readonly string[]) => fetchLoans(ids, parties), (r) => r.id, batching));
  const loanMetrics = keyedLoader((ids: readonly string[]) => fetchLoanMetrics(metrics, ids), (r) => r.loanId, batching);
  const loanMetricsParts = new LoaderFamily((fields: readonly LoanMetricsField[]) =>
    keyedLoader((ids: readonly string[]) => fetchLoanMetrics<LoanMetricsPart>(metrics, ids, fields), (r) => r.loanId, batching),
  );
  const repaymentsToday = keyedLoader((ids: readonly string[]) => fetchRepaymentsToday(metrics, ids), (r) => r.loanId, batching);

  const officerPortfolios = new LoaderFamily((args: { wave: string | null; fields: readonly OfficerPortfolioField[] }) =>
    keyedLoader((ids: readonly string[]) => fetchOfficerPortfolios(metrics, ids, args.wave, args.fields), (r) => r.officerId, batching),
  );
  /** One loader per wave and field set (in the canonical field order, so equal sets share statement and batch). */
  const officerPortfolio = (wave: string | null, fields: readonly OfficerPortfolioField[] = OFFICER_PORTFOLIO_FIELDS) => {
    const canonical = inOrderOf(OFFICER_PORTFOLIO_FIELDS, fields);
    return officerPortfolios.forArgs(`${wave}|${canonical.join(',')}`, { wave, fields: canonical });
  };
  /** All-wave rows of some metrics (from a page sorted on a metric), which answer the field sets they cover. */
  const pagePortfolios = new Map<string, { fields: ReadonlySet<OfficerPortfolioField>; row: OfficerPortfolioPart }>();
  const fromPage = (id: string, fields: readonly OfficerPortfolioField[]): OfficerPortfolioPart | undefined => {
    const page = pagePortfolios.get(id);
    return page !== undefined && fields.every((field) => page.fields.has(field)) ? page.row : undefined;
  };
  const officerCustomerIds = new LoaderFamily((args: { afterId: string | null; first: number }) =>
    groupedLoader((ids: readonly string[]) => fetchOfficerCustomerPages(metrics, ids, args), (r) => r.parentId, batching),
  );
  const loanPages = new LoaderFamily(({ parent, args }: { parent: LoanParent | null; args: LoanPageArgs }) =>
    groupedLoader(
      async (parentIds: readonly string[]) => {
        const rows = await fetchLoanPages(metrics, parent, parentIds, args);
        // Only whole rows may stand in for the by-id loader; rows of some fields serve their page alone.
        if (args.fields.length === LOAN_METRICS_FIELDS.length) primeAll(loanMetrics, rows as LoanMetricsRow[], (r) => r.loanId);
        return rows;
      },
      (r) => r.parentId,
      batching,
    ),
  );
  const loanCounts = new LoaderFamily(({ parent, filter }: { parent: LoanParent | null; filter: LoanFilter }) =>
    keyedLoader(
      (parentIds: readonly string[]) => countLoans(metrics, parent, parentIds, filter),
      (r) => r.parentId,
      batching,
    ),
  );
  const dpdHistory = new LoaderFamily((last: number) => groupedLoader((ids: readonly string[]) => fetchDpdHistory(metrics, ids, last), (r) => r.loanId, batching));
  const topRiskLoans = new LoaderFamily((limit: number) =>
    groupedLoader(
      async (ids: readonly string[]) => {
        const rows = await fetchTopRiskLoans(metrics, ids, limit);
        primeAll(loanMetrics, rows, (r) => r.loanId);
        return rows;
      },
      (r) => r.parentId,
      batching,
    ),
  );
  const officerCustomerCounts = keyedLoader((ids: readonly string[]) => countOfficerCustomers(metrics, ids), (r) => r.officerId, batching);
  const summaries = memo<LoanSummaryRow>('summaries', deps.sharedReads);
  const branchLists = memo<BranchRow[]>('branchLists', deps.sharedReads);
  const kpis = memo<PortfolioKpiRow>('kpis', deps.sharedReads);
  const syncStatuses = memo<SyncStatusRow>('syncStatuses', deps.sharedReads);
  const leadLists = memo<VerticalLeadRow[]>('leadLists', deps.sharedReads);
  const collections = memo<DailyCollectionRow[]>('collections', deps.sharedReads);
  const leaderboards = memo<CollectionsStandingRow[]>('leaderboards', deps.sharedReads);
  const activity = memo<AgentActivityRow[]>('activity', deps.sharedReads);
  const watches = memo<RepaymentWatchRow[]>('watches', deps.sharedReads);
  const filterLists = memo<FilterOptionsRow>('filterLists', deps.sharedReads);
  const officerCounts = memo<number>('officerCounts', deps.sharedReads);
  const syncReports = new LoaderFamily((subject: SyncReportSubject) =>
    groupedLoader((keys: readonly string[]) => fetchSyncReports(metrics, subject, keys), (r) => r.key, batching),
  );
  const customerCounts = memo<number>('customerCounts', deps.sharedReads);

  return {
    officer,
    officerHierarchy,
    officerPortfolio: (wave, fields) => ({
      load: async (id) => (wave === null ? fromPage(id, fields ?? OFFICER_PORTFOLIO_FIELDS) : undefined) ?? officerPortfolio(wave, fields).load(id),
    }),
    prefetchOfficerProfile: (id, fields) => {
      const allWaves = officerPortfolio(null, fields);
      if (!batched) {
        // The naive baseline reads each part on its own, as naive resolvers do.
        officerHierarchy.load(id).catch(() => undefined);
        allWaves.load(id).catch(() => undefined);
        return;
      }
      const profile = fetchOfficerProfile(metrics, id, fields);
      // Each primed promise is awaited by the field that needs it, or by nobody: none may go unhandled.
      const hierarchy = profile.then((p) => p.hierarchy);
      const portfolio = profile.then((p) => p.portfolio);
      hierarchy.catch(() => undefined);
      portfolio.catch(() => undefined);
      officerHierarchy.prime(id, hierarchy);
      allWaves.prime(id, portfolio);
    },
    officerPage: async (args) => {
      const rows = await fetchOfficerPage(metrics, args);
      primeAll(officerHierarchy, rows, (r) => r.officerId);
      // A page sorted on a metric over all waves computed the metrics its officers show already.
      const fields = new Set(args.portfolioFields);
      if (args.wave === null) for (const r of rows) if (r.portfolio !== undefined) pagePortfolios.set(r.officerId, { fields, row: r.portfolio });
      return rows;
    },
    officerCount: (filter) => officerCounts(stableKey(filter), () => countOfficers(metrics, filter)),
    officerCustomerIds: (args) => {
      const loader = officerCustomerIds.forArgs(stableKey(args), args);
      return { load: async (id: string) => (await loader.load(id)).map((r) => r.customerId) };
    },
    officerCustomerCount: {
      load: async (id: string) => (await officerCustomerCounts.load(id))?.count ?? 0,
    },
    customer,
    customerPage: async (args) => {
      const rows = await fetchDjangoCustomerPage(django, args);
      primeAll(customer, rows, (r) => r.id);
      return rows;
    },
    customerCount: (filter) => customerCounts(stableKey(filter), () => countDjangoCustomers(django, filter)),
    customerIdsByPhone: { load: async (part: string) => (await customerIdsByPhone.load(part)).map((r) => r.id) },
    loan,
    loanWithParties: (parties) => (asksEveryPartyField(parties) ? loan : loansWithParties.forArgs(stableKey(parties), parties)),
    loanMetrics,
    loanMetricsWith: (fields) => {
      const canonical = inOrderOf(LOAN_METRICS_FIELDS, fields);
      return canonical.length === LOAN_METRICS_FIELDS.length ? loanMetrics : loanMetricsParts.forArgs(canonical.join(','), canonical);
    },
    repaymentsToday,
    loanPages: (parent, args) => loanPages.forArgs(stableKey({ parent, args }), { parent, args }),
    loanCounts: (parent, filter) => {
      const loader = loanCounts.forArgs(stableKey({ parent, filter }), { parent, filter });
      return { load: async (id: string) => (await loader.load(id))?.count ?? 0 };
    },
    loanSummary: (filter, period, fields) =>
      summaries(stableKey({ filter, period, fields }), () => fetchLoanSummary(metrics, filter, period, fields)),
    repayments: groupedLoader((ids: readonly string[]) => fetchRepaymentsByLoan(metrics, ids), (r) => r.loanId, batching),
    dpdHistory: (last) => dpdHistory.forArgs(String(last), last),
    syncReports: (subject) => syncReports.forArgs(subject, subject),
    transitions: groupedLoader((ids: readonly string[]) => fetchTransitionsByLoan(metrics, ids), (r) => r.loanId, batching),
    topRiskLoans: (limit) => topRiskLoans.forArgs(String(limit), limit),
    branches: (filter, sort, direction) => branchLists(stableKey({ filter, sort, direction }), () => fetchBranches(metrics, filter, sort, direction)),
    dailyCollections: (filter, period) =>
      collections(stableKey({ filter, period }), () => fetchDailyCollections(metrics, filter, period)),
    collectionsLeaderboard: (grouping, filter, sort, direction) =>
      leaderboards(stableKey({ grouping, filter, sort, direction }), () => fetchCollectionsLeaderboard(metrics, grouping, filter, sort, direction)),
    agentActivity: (filter) => activity(stableKey(filter), () => fetchAgentActivity(metrics, filter)),
    repaymentWatch: (filter) => watches(stableKey(filter), () => fetchRepaymentWatch(metrics, filter)),
    filterOptions: (lists, scope) => filterLists(stableKey({ lists, scope }), () => fetchFilterOptions(metrics, lists, scope)),
    verticalLeads: (filter) => leadLists(stableKey(filter), () => fetchVerticalLeads(metrics, filter)),
    portfolioKpis: (wave, regions) => kpis(stableKey({ wave, regions }), () => fetchPortfolioKpis(metrics, wave, regions)),
    syncStatus: () => syncStatuses('', () => fetchSyncStatus(metrics)),
    dpdTransitions: createDpdTransitionLoaders(metrics),
    parChanges: createParChangeLoaders(metrics),
  };
}
