/**
 * The analysts' example operations in test/operations/*.graphql: each file holds one named operation (named after
 * the file) under a leading comment, and each runs against seeded data without errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getNamedType, isObjectType, Kind, parse, TypeInfo, validate, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createComplexityCheck } from '../../../src/complexity';
import { loadConfig } from '../../../src/config';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

const DIR = path.join(__dirname, '../../operations');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.graphql')).sort();

/** Variables for the operations that need them; the others run with their defaults. */
const VARIABLES: Record<string, Record<string, unknown>[]> = {
  Dashboard: [{}, { first: 2, loansFirst: 3, wave: 'WAVE_2' }],
  OfficerById: [{ id: '2' }],
  OfficersPage: [
    {},
    { filter: { regions: ['Ruby'], search: 'officer' }, orderBy: { field: 'HIRE_DATE', direction: 'DESC' }, first: 2 },
    { orderBy: { field: 'RISK_SCORE', direction: 'ASC' }, first: 3 },
  ],
  LoansPage: [
    {},
    { filter: { regions: ['Sapphire'], dpdMin: 1, djangoStatuses: { values: ['OPEN'], missing: true }, period: 'THIS_MONTH' }, orderBy: { field: 'CURRENT_DPD', direction: 'DESC' }, first: 5 },
  ],
  LoansExport: [{}, { filter: { regions: ['Sapphire'] }, first: 7 }],
  LoanById: [{ id: '1001' }],
  FimrDrilldown: [{}, { filter: { branches: ['EPE'] } }],
  EarlyIndicators: [{}, { band: 'D1_3' }],
  TopRiskLoans: [{ officerId: '3', limit: 5 }],
  CustomerById: [{ id: '4' }],
  CustomersPage: [{}, { filter: { phone: '09010' }, first: 3 }],
  PortfolioKpis: [{}, { wave: 'WAVE_1', regions: ['Ruby'] }],
  Branches: [{}, { filter: { regions: ['Sapphire'] }, orderBy: { field: 'BRANCH', direction: 'ASC' } }],
  VerticalLeads: [{}, { filter: { waves: ['WAVE_2'] } }],
  DailyCollections: [{}, { filter: { regions: ['Ruby'] }, period: 'THIS_MONTH' }],
  CollectionsLeaderboard: [{}, { filter: { djangoStatuses: { values: ['OPEN', 'PAST_MATURITY'], missing: true } }, orderBy: { field: 'COLLECTED_TODAY', direction: 'DESC' } }],
  AgentActivity: [{}, { category: 'CRITICAL_NO_COLLECTION', filter: { waves: ['WAVE_1', 'WAVE_2'] } }],
  RepaymentWatch: [{}, { filter: { regions: ['Ruby'] } }],
  FilterOptions: [{}, { regions: ['Ruby'] }],
  SyncStatus: [{}],
  // Subscriptions: validated here, delivered in test/integration/live and test/e2e/live.
  LiveDpdTransitions: [{}],
  LiveParChanges: [{}],
};

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 5, loansPerOfficer: 10, customers: 20 });
});
afterAll(async () => {
  await api.dbs.drop();
});

it('there are example operations, one per screen the analysts use', () => {
  expect(files).toEqual(
    expect.arrayContaining(['dashboard.graphql', 'officerById.graphql', 'loansPage.graphql', 'loanById.graphql', 'fimrDrilldown.graphql', 'earlyIndicators.graphql']),
  );
  expect(Object.keys(VARIABLES).sort()).toEqual(files.map((f) => f[0]!.toUpperCase() + f.slice(1, -'.graphql'.length)).sort());
});

/** The parsed document and its operations of each file. */
const parsed = files.map((file) => {
  const source = fs.readFileSync(path.join(DIR, file), 'utf8');
  const document = parse(source);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return { file, source, document, operations };
});

describe.each(parsed)('$file', ({ file, source, document, operations }) => {
  it('holds one named operation, named after the file, under a leading comment', () => {
    expect(source.startsWith('# ')).toBe(true);
    expect(operations).toHaveLength(1);
    expect(operations[0]!.name?.value).toBe(file[0]!.toUpperCase() + file.slice(1, -'.graphql'.length));
    expect(validate(api.schema, document)).toEqual([]);
  });

  it('selects the id of every object that has one, so that Apollo Client normalises it and no screen takes it from another', () => {
    expect(selectionsWithoutId(api.schema, document)).toEqual([]);
  });
});

/** Paths (field names from the root) of the selections of an object type with an `id` field that leave `id` out. */
function selectionsWithoutId(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const path: string[] = [];
  const missing: string[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          path.push(node.alias?.value ?? node.name.value);
          const type = getNamedType(typeInfo.getType());
          if (node.selectionSet === undefined || !isObjectType(type) || !('id' in type.getFields())) return;
          if (!node.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'id' && s.alias === undefined)) missing.push(`${path.join('.')} (${type.name})`);
        },
        leave() {
          path.pop();
        },
      },
    }),
  );
  return missing;
}

type Root = Record<string, any>;
/** Values of the seed (seedPortfolio with 5 officers, 10 loans each, 20 customers) that an object root must show. */
const OBJECT_ROOT_CHECKS: Record<string, (data: Root, variables: Record<string, unknown>) => void | Promise<void>> = {
  FilterOptions: ({ filterOptions: f }, variables) => {
    // Even officers are in Ruby, odd ones in Sapphire; officers 3k are in YABA, the others in EPE.
    const ruby = variables.regions !== undefined;
    expect(f.regions).toEqual(['Ruby', 'Sapphire']);
    expect(f.branches).toEqual(ruby ? ['EPE'] : ['EPE', 'YABA']);
    expect(f.waves).toEqual(['WAVE_1', 'WAVE_2']);
    expect(f.djangoStatuses).toEqual(['COMPLETED', 'OPEN', 'OPEN_TO_SUPERVISOR', 'PAST_MATURITY']);
    expect(f.verticalLeadEmails).toEqual(['lead0@seeds.test', 'lead1@seeds.test']);
    expect(f.officers.map((o: Root) => o.id)).toEqual(ruby ? ['2', '4'] : ['1', '2', '3', '4', '5']);
    expect(f.officers[0]).toEqual(ruby ? { id: '2', name: 'Officer 0002', email: 'officer2@seeds.test', branch: 'EPE', region: 'Ruby' } : { id: '1', name: 'Officer 0001', email: 'officer1@seeds.test', branch: 'EPE', region: 'Sapphire' });
  },
  PortfolioKpis: ({ portfolioKpis: k }, variables) => {
    // totalPortfolio is the principal outstanding, Σ(amount − paid) with amount = 50000 + 1000·i + 0.10 and
    // paid = 1500·i + 10·o over officers o = 1..5 and loans i = 1..10 (Wave 1: odd i): 2775005 − 414000, and
    // 1375002.50 − 188250 for Wave 1.
    const wave1 = variables.wave === 'WAVE_1';
    expect(k.totalOfficers).toBe(5);
    expect(k.totalLoans).toBe(wave1 ? 25 : 50);
    expect(k.totalPortfolio).toBe(wave1 ? '1186752.50' : '2361005.00');
    expect(['1', '2', '3', '4', '5']).toContain(k.topOfficer.id);
    expect(k.topOfficer.name).toBe(`Officer ${k.topOfficer.id.padStart(4, '0')}`);
    for (const field of ['totalOverdue15d', 'actualOverdue15d', 'avgAyr', 'watchlistPortfolio', 'activeLoansVolume', 'totalDpdActualOutstanding']) {
      expect(k[field]).toMatch(/^\d+\.\d+$/);
    }
  },
  SyncStatus: async ({ syncStatus: s }) => {
    // No sync cycle has run on these databases: only the business date is known, and it is the engine's.
    const { rows } = await api.dbs.metrics.pool.query<{ today: string }>(`SELECT business_today()::text AS today`);
    expect(s).toEqual({ syncedThrough: null, lastCycleAt: null, lagSeconds: null, failingSince: null, businessDate: rows[0]!.today });
  },
  OfficerById: ({ officer: o }) => {
    // Officer 2: Ruby, EPE; loans 2001..2010 of customers ((62 + i) % 20) + 1 = 4..13; principal outstanding
    // Σ(50000 + 1000·i + 0.10 − 1500·i − 20) = 555001 − 82700.
    expect(o).toMatchObject({ id: '2', name: 'Officer 0002', email: 'officer2@seeds.test', phone: '08000000002', region: 'Ruby', branch: 'EPE', hireDate: '2025-06-04', verticalLeadName: 'Lead 0' });
    expect(o.portfolio.totalPortfolio).toBe('472301.00');
    expect(o.customers.totalCount).toBe(10);
    expect(o.loans.totalCount).toBe(10);
    expect(o.loans.nodes.map((l: Root) => l.id).sort()).toEqual(['2001', '2002', '2003', '2004', '2005', '2006', '2007', '2008', '2009', '2010']);
  },
  LoanById: ({ loan: l }) => {
    // Loan 1001: officer 1, i = 1: amount 51000.10, customer ((31 + 1) % 20) + 1 = 13, DPD (7 + 3) % 40 = 10.
    expect(l).toMatchObject({ id: '1001', amount: '51000.10', djangoStatus: 'PAST_MATURITY', status: 'DEFAULTED', synced: true, computedAsOf: '2025-12-10', currentDpd: 10, previousDpd: 9, fimrTagged: true, region: 'Sapphire', branch: 'EPE', wave: 'WAVE_1' });
    expect(l.officer).toEqual({ id: '1', name: 'Officer 0001', region: 'Sapphire', branch: 'EPE' });
    expect(l.customer).toMatchObject({ id: '13', name: 'First13 Last13', phone: '09010000013' });
  },
  CustomerById: ({ customer: c }) => {
    // Customer 4 borrowed loans o·1000 + i with (31·o + i) % 20 = 3: 2001, 3010 and 5008.
    expect(c).toMatchObject({ id: '4', name: 'First4 Last4', phone: '09010000004', dob: '1990-01-05', gender: 'F', state: 'Lagos', lga: 'Ikeja', address: '4 Allen Avenue' });
    expect(c.loans.totalCount).toBe(3);
    expect(c.loans.nodes.map((l: Root) => l.id).sort()).toEqual(['2001', '3010', '5008']);
  },
  AgentActivity: ({ agentActivityTiles: t, agentActivity: a }) => {
    // The seed writes no repayments: every one of the 5 officers collected nothing in the seven days.
    expect(t).toEqual({ officers: 5, criticalNoCollection: 5, stoppedCollecting: 0, severeDecline: 0, notYetStartedToday: 0, strongGrowth: 0, startedToday: 0 });
    expect(a.map((row: Root) => row.officer.id)).toEqual(['1', '2', '3', '4', '5']);
    for (const row of a) expect(row).toMatchObject({ totalCollected: '0.00', categories: ['CRITICAL_NO_COLLECTION'] });
  },
  TopRiskLoans: ({ officer: o }) => {
    expect(o.id).toBe('3');
    for (const risk of o.topRiskLoans) expect(risk.loan.id).toMatch(/^30(0[1-9]|10)$/);
  },
};

// Subscriptions are validated above and delivered over graphql-ws in test/integration/live and test/e2e/live.
describe.each(parsed.filter(({ operations }) => operations[0]?.operation === 'query'))('$file', ({ source, operations }) => {
  it('runs against seeded data without errors and returns data', async () => {
    const name = operations[0]!.name!.value;
    for (const variables of VARIABLES[name] ?? [{}]) {
      const result = await api.run(source, variables);
      expect(result.errors).toBeUndefined();
      const root = Object.values(result.data ?? {})[0] as Record<string, unknown> | unknown[] | null;
      expect(root).not.toBeNull();
      // Lists come back non-empty on the seeded data (so a silently empty result fails).
      const record = root as Record<string, unknown>;
      const list = (Array.isArray(root) ? root : (record.nodes ?? record.edges ?? record.topRiskLoans ?? record.loans ?? record.branches ?? record.standings)) as unknown;
      if (list !== undefined) expect(Array.isArray(list) ? list.length : (list as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);
      // Object roots show values of the seed.
      const check = OBJECT_ROOT_CHECKS[name];
      if (check === undefined) expect(list).toBeDefined();
      else await check(result.data as Root, variables);
    }
  });
});

it('LoansPage pages on with the end cursor under the same filter', async () => {
  const source = fs.readFileSync(path.join(DIR, 'loansPage.graphql'), 'utf8');
  const first = await api.run<{ loans: { pageInfo: { endCursor: string; hasNextPage: boolean }; edges: { node: { id: string } }[] } }>(source, { first: 7 });
  expect(first.errors).toBeUndefined();
  expect(first.data!.loans.pageInfo.hasNextPage).toBe(true);
  const second = await api.run<{ loans: { edges: { node: { id: string } }[] } }>(source, { first: 7, after: first.data!.loans.pageInfo.endCursor });
  expect(second.errors).toBeUndefined();
  const seen = new Set(first.data!.loans.edges.map((e) => e.node.id));
  expect(second.data!.loans.edges.length).toBe(7);
  for (const edge of second.data!.loans.edges) expect(seen.has(edge.node.id)).toBe(false);
});

it('every example query runs at its default variables within the default complexity bound (the export of 500 loans a page included)', () => {
  const { maxComplexity, maxPageSize } = loadConfig({}).graphql;
  const check = createComplexityCheck(api.schema, maxComplexity, maxPageSize);
  const refused = files.flatMap((file) => {
    const document = parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
    return check({ document, operationName: null, variables: {} }).map((error) => `${file}: ${error.message}`);
  });
  expect(refused).toEqual([]);
});

it('LoansExport, page after page, yields the whole list once, in order, as one page of it shows it', async () => {
  const source = fs.readFileSync(path.join(DIR, 'loansExport.graphql'), 'utf8');
  type Page = { loans: { totalCount: number; pageInfo: { endCursor: string | null; hasNextPage: boolean }; nodes: { id: string }[] } };
  const filter = { regions: ['Sapphire'] };
  const whole = await api.data<Page>(source, { filter });
  expect(whole.loans.pageInfo.hasNextPage).toBe(false);
  expect(whole.loans.nodes.length).toBe(whole.loans.totalCount);
  expect(whole.loans.totalCount).toBeGreaterThan(7);
  const exported: Page['loans']['nodes'] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page: Page = await api.data<Page>(source, { filter, first: 7, after });
    exported.push(...page.loans.nodes);
    pages += 1;
    if (!page.loans.pageInfo.hasNextPage) break;
    after = page.loans.pageInfo.endCursor;
  }
  expect(pages).toBe(Math.ceil(whole.loans.totalCount / 7));
  expect(exported).toEqual(whole.loans.nodes);
});
