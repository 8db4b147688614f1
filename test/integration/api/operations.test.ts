/**
 * The analysts' example operations in test/operations/*.graphql: each file holds one named operation (named after
 * the file) under a leading comment, and each runs against seeded data without errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
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

describe.each(files)('%s', (file) => {
  const source = fs.readFileSync(path.join(DIR, file), 'utf8');
  const document = parse(source);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it('holds one named operation, named after the file, under a leading comment', () => {
    expect(source.startsWith('# ')).toBe(true);
    expect(operations).toHaveLength(1);
    expect(operations[0]!.name?.value).toBe(file[0]!.toUpperCase() + file.slice(1, -'.graphql'.length));
    expect(validate(api.schema, document)).toEqual([]);
  });

  // Subscriptions run over graphql-ws; test/integration/live and test/e2e/live exercise them.
  const runnable = operations[0]?.operation === 'query' ? it : it.skip;
  runnable('runs against seeded data without errors and returns data', async () => {
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
