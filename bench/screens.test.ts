/**
 * bench:screens' pure parts: its flags, the screens it finds in test/operations, and its table. The measuring
 * itself needs the bench dataset and minutes; `npm run bench:screens` runs it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { exportWholeList, mainScreenDocuments, mainScreenTable, markdownTable, OPERATIONS_DIR, parseScreenArgs, screensOf, type MainScreenResult, type ScreenResult } from './screens';

const IDS = { officerId: '7', loanId: '70', customerId: '700' };

test('takes the defaults, and each flag with its value; refuses a bad one naming it', () => {
  expect(parseScreenArgs([])).toEqual({ scale: 1, seed: 42, asOf: '2025-12-10', requests: 50, pgPort: 54339, tag: undefined, users: undefined, loads: 5 });
  expect(parseScreenArgs(['--requests', '20', '--tag', 'after', '--scale', '10'])).toMatchObject({ requests: 20, tag: 'after', scale: 10 });
  expect(parseScreenArgs(['--users', '100', '--loads', '3'])).toMatchObject({ users: 100, loads: 3 });
  expect(() => parseScreenArgs(['--requests', '0'])).toThrow('--requests must be a whole number of at least 1; got "0"');
  expect(() => parseScreenArgs(['--users', 'many'])).toThrow('--users must be a whole number of at least 1; got "many"');
  expect(() => parseScreenArgs(['--loads', '0'])).toThrow('--loads must be a whole number of at least 1; got "0"');
  expect(() => parseScreenArgs(['--windows', '3'])).toThrow(/^unknown argument "--windows"; usage: npm run bench:screens/);
});

test('measures every query document the repository ships, with its required ids, and skips the live feeds', () => {
  const screens = screensOf(OPERATIONS_DIR, IDS);
  const documents = fs.readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql') && !f.startsWith('live'));
  expect(screens.filter((s) => !s.name.includes(':')).map((s) => `${s.name}.graphql`)).toEqual(documents.sort());
  const byName = Object.fromEntries(screens.map((s) => [s.name, s.variables]));
  expect(byName.officerById).toEqual({ id: '7' });
  expect(byName.loanById).toEqual({ id: '70' });
  expect(byName.customerById).toEqual({ id: '700' });
  expect(byName.topRiskLoans).toEqual({ officerId: '7' });
  expect(byName.portfolioKpis).toEqual({});
  expect(byName['officersPage: by risk score']).toEqual({ orderBy: { field: 'RISK_SCORE', direction: 'ASC' } });
  expect(byName['portfolioKpis: wave 2']).toEqual({ wave: 'WAVE_2' });
  expect(screens.some((s) => s.name.startsWith('live'))).toBe(false);
});

test('a document with a required variable it cannot fill is an error naming both', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'screens-'));
  try {
    fs.writeFileSync(path.join(dir, 'branchById.graphql'), 'query BranchById($code: String!, $first: Int = 5) { branches { summary { totalBranches } } }');
    expect(() => screensOf(dir, IDS)).toThrow('branchById.graphql: bench:screens has no value for its required variable $code; add one to screens.ts');
    fs.writeFileSync(path.join(dir, 'branchById.graphql'), 'fragment F on Query { __typename }');
    expect(() => screensOf(dir, IDS)).toThrow('branchById.graphql: expected a GraphQL operation; found none');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('prints one row per screen', () => {
  const result = {
    date: '2026-11-26',
    commit: 'abc1234',
    scale: 1,
    requests: 50,
    ids: IDS,
    screens: { portfolioKpis: { p50Ms: 68.7, p95Ms: 71.234, maxMs: 80 }, 'portfolioKpis: wave 2': { p50Ms: 40, p95Ms: 41, maxMs: 42.5 } },
  } as unknown as ScreenResult;
  expect(markdownTable(result).split('\n').slice(2)).toEqual([
    '| screen (test/operations) | p50 ms | p95 ms | max ms |',
    '|---|---:|---:|---:|',
    '| portfolioKpis | 68.70 | 71.23 | 80.00 |',
    '| portfolioKpis: wave 2 | 40.00 | 41.00 | 42.50 |',
  ]);
});

test('prints the whole-list exports below the screens, each run timed', () => {
  const result = {
    date: '2026-11-27',
    commit: 'abc1234',
    scale: 1,
    requests: 50,
    ids: IDS,
    screens: { loansExport: { p50Ms: 90, p95Ms: 95, maxMs: 99 } },
    exports: [
      { loans: 14_321, pages: 29, megabytes: 31.04, ms: 2_512.4 },
      { loans: 14_321, pages: 29, megabytes: 31.04, ms: 2_398 },
    ],
  } as unknown as ScreenResult;
  expect(markdownTable(result).split('\n').slice(-2)).toEqual(['', 'All Loans export (loansExport, page after page, gzip): 14321 loans in 29 pages, 31.0 MB of JSON; 2.51 s, 2.40 s']);
});

test('an export pages on with each end cursor until the last page, and stops at the first error naming its page', async () => {
  const cursorsAsked: (string | null)[] = [];
  const pages: Record<string, unknown> = {
    first: { data: { loans: { nodes: [{ id: '3' }, { id: '2' }], pageInfo: { hasNextPage: true, endCursor: 'c2' } } } },
    c2: { data: { loans: { nodes: [{ id: '1' }], pageInfo: { hasNextPage: false, endCursor: 'c1' } } } },
    broken: { errors: [{ message: 'after must be a cursor' }] },
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const after = (JSON.parse(body) as { variables: { after: string | null } }).variables.after;
      cursorsAsked.push(after);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(pages[after ?? 'first'] ?? pages.broken));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  try {
    const run = await exportWholeList(url, 'query LoansExport($after: String) { loans(after: $after) { nodes { id } } }');
    expect(run).toMatchObject({ loans: 3, pages: 2 });
    expect(run.megabytes).toBeGreaterThan(0);
    expect(cursorsAsked).toEqual([null, 'c2']);
    pages.c2 = pages.broken;
    await expect(exportWholeList(url, 'query LoansExport { __typename }')).rejects.toThrow('loansExport page 2: HTTP 200, {"message":"after must be a cursor"}');
  } finally {
    server.close();
  }
});

test("the main screen's documents are shipped query documents, sent with their default variables", () => {
  const documents = mainScreenDocuments();
  expect(documents.map((d) => d.name)).toEqual(['portfolioKpis', 'dashboard', 'filterOptions', 'syncStatus']);
  for (const { name, body } of documents) {
    expect(JSON.parse(body)).toEqual({ query: fs.readFileSync(path.join(OPERATIONS_DIR, `${name}.graphql`), 'utf8') });
  }
});

test('prints the main screen under load: the whole screen, then each document with its errors, then the first error', () => {
  const figures = (p50Ms: number) => ({ p50Ms, p95Ms: p50Ms * 2, maxMs: p50Ms * 3 });
  const result = {
    commit: 'abc1234',
    scale: 1,
    poolSize: 10,
    documents: ['portfolioKpis', 'syncStatus'],
    load: {
      users: 100,
      loadsPerUser: 5,
      screensLoaded: 499,
      elapsedMs: 61_234,
      screen: figures(1500),
      documents: { portfolioKpis: { ...figures(1200), errors: 1 }, syncStatus: { ...figures(3.25), errors: 0 } },
      errors: 1,
      firstError: 'portfolioKpis: HTTP 502: bad gateway',
    },
  } as unknown as MainScreenResult;
  expect(mainScreenTable(result).split('\n')).toEqual([
    'Main screen (portfolioKpis, syncStatus) at 100 concurrent users, commit abc1234, scale 1: each user opens it 5 times in a row, its documents in parallel on its own keep-alive sockets; gateway pools of 10 connections per database; 499 of 500 screens loaded in 61.2 s',
    '',
    '| users wait for | p50 ms | p95 ms | max ms | errors |',
    '|---|---:|---:|---:|---:|',
    '| the whole screen | 1500.0 | 3000.0 | 4500.0 | |',
    '| portfolioKpis | 1200.0 | 2400.0 | 3600.0 | 1 |',
    '| syncStatus | 3.3 | 6.5 | 9.8 | 0 |',
    '',
    'First error: portfolioKpis: HTTP 502: bad gateway',
  ]);
});
