/**
 * `npm run bench:screens [-- --scale N] [--requests N] [--tag NAME] [--pg-port N]`
 * `npm run bench:screens -- --users N [--loads N] [--scale N] [--tag NAME] [--pg-port N]`
 *
 * Latency of every dashboard screen's query: each GraphQL query document the repository ships in test/operations
 * (the documents the dashboard and the analysts' playground use, codegen's input), sent to the gateway one at a
 * time on the bench's cached dataset. `npm run bench` compares six operations across four designs; this answers
 * the other question, "which screen is slow, and did a change make it faster?", for all of them.
 *
 * Documents run with their default variables. Those that need an id get the heaviest instance (the officer and the
 * customer with the most loans, the loan with the most repayments), and two screens run a second time with the
 * arguments that cost the most: officers ordered by a metric (every officer's §4.4 metrics computed) and the KPI
 * strip of one wave. Last, the All Loans export as the dashboard's export button reads it: the `loansExport`
 * document page after page over the whole default list, gzip-compressed as a browser asks for it.
 *
 * With `--users N`, instead: the main screen (MAIN_SCREEN_DOCUMENTS) opened by N users at once, each opening it
 * `--loads` times in a row (bench/screen-load.ts), on a gateway with the default pool sizes: the time a user waits
 * for the whole screen and for each document, and the requests that failed (DOMAIN §7: 100+ concurrent users,
 * dashboard load < 2–3 s, API p95 < 200 ms).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { datasetFlags, parseFlags, wholeNumber, type DatasetArgs, type Flags } from './args';
import { BENCH_PG_PORT, BENCH_ROOT, openBenchDatabase } from './dataset';
import { runLoad, type LatencyStats } from './load';
import { runScreenLoad, type ScreenDocument, type ScreenLoadStats } from './screen-load';
import { startGateway } from './processes';
import { gitCommit, machineInfo, type MachineInfo } from './report';
import { writeResultFiles } from './results-file';

interface Args extends DatasetArgs {
  /** Measured requests per screen (after WARMUP_REQUESTS). */
  requests: number;
  /** Concurrent users opening the main screen; undefined measures every screen one request at a time. */
  users: number | undefined;
  /** Openings of the main screen by each user, one after the other (with --users). */
  loads: number;
}

const USAGE = 'usage: npm run bench:screens -- [--scale N] [--seed N] [--as-of YYYY-MM-DD] [--requests N | --users N [--loads N]] [--pg-port N] [--tag NAME]';
const WARMUP_REQUESTS = 5;
export const OPERATIONS_DIR = path.resolve(__dirname, '../test/operations');

/**
 * The documents the dashboard's main screen (Credit Health Overview) sends together when it opens: the KPI strip,
 * the officers table, the filter dropdowns and the "data as of" line (README's table of screens and queries).
 */
export const MAIN_SCREEN_DOCUMENTS = ['portfolioKpis', 'dashboard', 'filterOptions', 'syncStatus'] as const;

/** The main screen's requests: each of MAIN_SCREEN_DOCUMENTS with its default variables. */
export function mainScreenDocuments(dir: string = OPERATIONS_DIR): ScreenDocument[] {
  return MAIN_SCREEN_DOCUMENTS.map((name) => ({ name, body: JSON.stringify({ query: fs.readFileSync(path.join(dir, `${name}.graphql`), 'utf8') }) }));
}

export function parseScreenArgs(argv: readonly string[]): Args {
  const initial: Args = { scale: 1, seed: 42, asOf: '2025-12-10', requests: 50, pgPort: BENCH_PG_PORT, tag: undefined, users: undefined, loads: 5 };
  const values: Flags<Args>['values'] = {
    ...datasetFlags<Args>(),
    '--requests': (a, v) => (a.requests = wholeNumber('--requests', v, 1)),
    '--users': (a, v) => (a.users = wholeNumber('--users', v, 1)),
    '--loads': (a, v) => (a.loads = wholeNumber('--loads', v, 1)),
  };
  return parseFlags(argv, initial, { values, switches: {} }, USAGE);
}

/** The ids the documents that need one get: the heaviest of each kind in the dataset. */
export interface HeaviestIds {
  officerId: string;
  loanId: string;
  customerId: string;
}

export interface Screen {
  /** The document's file name without .graphql, with the variant after a colon. */
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Second runs of a document with the arguments that cost the most. */
const HEAVY_VARIANTS: Record<string, { label: string; variables: Record<string, unknown> }> = {
  officersPage: { label: 'by risk score', variables: { orderBy: { field: 'RISK_SCORE', direction: 'ASC' } } },
  portfolioKpis: { label: 'wave 2', variables: { wave: 'WAVE_2' } },
};

/**
 * Every query document of `dir` as screens to measure (subscriptions are live feeds, not requests), in file
 * order. A document with a required variable this function cannot fill is an error naming it, so a new screen
 * is measured from the day its document lands.
 */
export function screensOf(dir: string, ids: HeaviestIds): Screen[] {
  const screens: Screen[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const query = fs.readFileSync(path.join(dir, file), 'utf8');
    const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    if (!operation) throw new Error(`${file}: expected a GraphQL operation; found none`);
    if (operation.operation !== 'query') continue;
    const name = file.replace(/\.graphql$/, '');
    const variables: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      if (definition.type.kind !== 'NonNullType' || definition.defaultValue) continue;
      const variable = definition.variable.name.value;
      const value = requiredValue(name, variable, ids);
      if (value === undefined) throw new Error(`${file}: bench:screens has no value for its required variable $${variable}; add one to screens.ts`);
      variables[variable] = value;
    }
    screens.push({ name, query, variables });
    const heavy = HEAVY_VARIANTS[name];
    if (heavy) screens.push({ name: `${name}: ${heavy.label}`, query, variables: { ...variables, ...heavy.variables } });
  }
  return screens;
}

/** The value of a required variable: `$officerId`, or `$id` of the record a `<kind>ById` document reads. */
function requiredValue(document: string, variable: string, ids: HeaviestIds): string | undefined {
  if (variable === 'officerId') return ids.officerId;
  if (variable !== 'id') return undefined;
  return { officerById: ids.officerId, loanById: ids.loanId, customerById: ids.customerId }[document];
}

async function heaviestIds(metrics: pg.Pool): Promise<HeaviestIds> {
  const one = async (sql: string): Promise<string> => (await metrics.query<{ id: string }>(sql)).rows[0]!.id;
  return {
    officerId: await one(`SELECT officer_id AS id FROM loans GROUP BY officer_id ORDER BY count(*) DESC, officer_id LIMIT 1`),
    loanId: await one(`SELECT loan_id AS id FROM repayments GROUP BY loan_id ORDER BY count(*) DESC, loan_id LIMIT 1`),
    customerId: await one(`SELECT customer_id AS id FROM loans GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1`),
  };
}

/** One export of the whole All Loans list through the `loansExport` document. */
export interface ExportRun {
  loans: number;
  pages: number;
  /** Of JSON, uncompressed. */
  megabytes: number;
  ms: number;
}

const EXPORT_RUNS = 3;

/**
 * Reads the whole default All Loans list through the export document, page after page on its end cursor (each
 * page's request waits for the one before: the next cursor is in it), as the dashboard's export does.
 */
export async function exportWholeList(url: string, query: string): Promise<ExportRun> {
  const started = performance.now();
  const run: ExportRun = { loans: 0, pages: 0, megabytes: 0, ms: 0 };
  let after: string | null = null;
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: unknown[]; data?: { loans: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    if (!response.ok || body.errors !== undefined || body.data === undefined) {
      throw new Error(`loansExport page ${run.pages + 1}: HTTP ${response.status}, ${JSON.stringify(body.errors?.[0] ?? text.slice(0, 200))}`);
    }
    run.pages += 1;
    run.loans += body.data.loans.nodes.length;
    run.megabytes += Buffer.byteLength(text) / 1e6;
    if (!body.data.loans.pageInfo.hasNextPage) break;
    after = body.data.loans.pageInfo.endCursor;
  }
  run.ms = performance.now() - started;
  return run;
}

export interface ScreenResult {
  date: string;
  commit: string;
  machine: MachineInfo;
  scale: number;
  requests: number;
  ids: HeaviestIds;
  screens: Record<string, Pick<LatencyStats, 'p50Ms' | 'p95Ms' | 'maxMs'>>;
  /** The whole-list exports, in the order run (absent from results written before they were measured). */
  exports?: ExportRun[];
}

export function markdownTable(result: ScreenResult): string {
  const ms = (n: number): string => n.toFixed(2);
  return [
    `Screens at concurrency 1, commit ${result.commit}, scale ${result.scale}: ${result.requests} requests each after ${WARMUP_REQUESTS} warm-up requests; ids: officer ${result.ids.officerId}, loan ${result.ids.loanId}, customer ${result.ids.customerId}`,
    '',
    '| screen (test/operations) | p50 ms | p95 ms | max ms |',
    '|---|---:|---:|---:|',
    ...Object.entries(result.screens).map(([name, s]) => `| ${name} | ${ms(s.p50Ms)} | ${ms(s.p95Ms)} | ${ms(s.maxMs)} |`),
    ...(result.exports === undefined || result.exports.length === 0
      ? []
      : [
          '',
          `All Loans export (loansExport, page after page, gzip): ${result.exports[0]!.loans} loans in ${result.exports[0]!.pages} pages, ` +
            `${result.exports[0]!.megabytes.toFixed(1)} MB of JSON; ${result.exports.map((run) => `${(run.ms / 1000).toFixed(2)} s`).join(', ')}`,
        ]),
  ].join('\n');
}

/** Pool size of each database in the --users run: the gateway's default (DJANGO_POOL_SIZE, METRICS_POOL_SIZE). */
const DEFAULT_POOL_SIZE = 10;

export interface MainScreenResult {
  date: string;
  commit: string;
  machine: MachineInfo;
  scale: number;
  /** Connections of each of the gateway's two request pools. */
  poolSize: number;
  documents: readonly string[];
  load: ScreenLoadStats;
}

export function mainScreenTable(result: MainScreenResult): string {
  const ms = (n: number): string => n.toFixed(1);
  const { load } = result;
  return [
    `Main screen (${result.documents.join(', ')}) at ${load.users} concurrent users, commit ${result.commit}, scale ${result.scale}: ` +
      `each user opens it ${load.loadsPerUser} times in a row, its documents in parallel on its own keep-alive sockets; ` +
      `gateway pools of ${result.poolSize} connections per database; ${load.screensLoaded} of ${load.users * load.loadsPerUser} screens loaded in ${(load.elapsedMs / 1000).toFixed(1)} s`,
    '',
    '| users wait for | p50 ms | p95 ms | max ms | errors |',
    '|---|---:|---:|---:|---:|',
    `| the whole screen | ${ms(load.screen.p50Ms)} | ${ms(load.screen.p95Ms)} | ${ms(load.screen.maxMs)} | |`,
    ...Object.entries(load.documents).map(([name, d]) => `| ${name} | ${ms(d.p50Ms)} | ${ms(d.p95Ms)} | ${ms(d.maxMs)} | ${d.errors} |`),
    ...(load.firstError === null ? [] : ['', `First error: ${load.firstError}`]),
  ].join('\n');
}

/** The --users run: the main screen opened by that many users at once, after one opening alone to warm up. */
async function measureMainScreen(args: Args & { users: number }, db: { djangoUrl: string; metricsUrl: string }, pgVersion: string, commit: string): Promise<void> {
  const documents = mainScreenDocuments();
  const gateway = await startGateway('gateway-main-screen', { djangoUrl: db.djangoUrl, metricsUrl: db.metricsUrl, batching: true, syncEnabled: false, poolSize: DEFAULT_POOL_SIZE }, path.join(BENCH_ROOT, 'logs'));
  let load: ScreenLoadStats;
  try {
    const warm = await runScreenLoad({ url: gateway.url, documents, users: 1, loadsPerUser: 1 });
    if (warm.errors > 0) throw new Error(`the warm-up opening of the main screen failed: ${warm.firstError}`);
    load = await runScreenLoad({ url: gateway.url, documents, users: args.users, loadsPerUser: args.loads });
  } finally {
    await gateway.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const result: MainScreenResult = { date, commit, machine: machineInfo(pgVersion), scale: args.scale, poolSize: DEFAULT_POOL_SIZE, documents: documents.map(({ name }) => name), load };
  const table = mainScreenTable(result);
  const tag = `screens-users${args.users}${args.tag ? `-${args.tag}` : ''}`;
  const base = writeResultFiles(path.resolve('bench/results'), { date, scale: args.scale, quick: false, tag }, result, table);
  console.log(table);
  log(`results: ${path.relative(process.cwd(), base)}.json / .md`);
}

const log = (line: string): void => console.log(`[bench:screens ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const args = parseScreenArgs(process.argv.slice(2));
  const commit = gitCommit();
  const db = await openBenchDatabase({ scale: args.scale, seed: args.seed, asOf: args.asOf }, { rebuild: false, port: args.pgPort, log });
  try {
    const metricsPool = new pg.Pool({ connectionString: db.metricsUrl, max: 1 });
    const pgVersion = (await metricsPool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    if (args.users !== undefined) {
      await metricsPool.end();
      await measureMainScreen({ ...args, users: args.users }, db, pgVersion, commit);
      return;
    }
    const ids = await heaviestIds(metricsPool);
    await metricsPool.end();
    const screens = screensOf(OPERATIONS_DIR, ids);
    const gateway = await startGateway('gateway-screens', { djangoUrl: db.djangoUrl, metricsUrl: db.metricsUrl, batching: true, syncEnabled: false, poolSize: 16 }, path.join(BENCH_ROOT, 'logs'));
    const measured: ScreenResult['screens'] = {};
    const exports: ExportRun[] = [];
    try {
      for (const screen of screens) {
        const body = JSON.stringify({ query: screen.query, variables: screen.variables });
        const stats = await runLoad({ url: gateway.url, body: () => body, concurrency: 1, durationMs: 3_600_000, maxRequests: args.requests, warmupRequests: WARMUP_REQUESTS });
        if (stats.errors > 0) throw new Error(`${screen.name}: ${stats.errors} requests failed, first: ${stats.firstError}`);
        measured[screen.name] = { p50Ms: stats.p50Ms, p95Ms: stats.p95Ms, maxMs: stats.maxMs };
        log(`${screen.name}: p50 ${stats.p50Ms.toFixed(2)} ms`);
      }
      const exportQuery = screens.find((screen) => screen.name === 'loansExport')!.query;
      for (let i = 0; i < EXPORT_RUNS; i += 1) {
        const run = await exportWholeList(gateway.url, exportQuery);
        exports.push(run);
        log(`loansExport, the whole list: ${run.loans} loans in ${run.pages} pages, ${(run.ms / 1000).toFixed(2)} s`);
      }
    } finally {
      await gateway.stop();
    }
    const date = new Date().toISOString().slice(0, 10);
    const result: ScreenResult = { date, commit, machine: machineInfo(pgVersion), scale: args.scale, requests: args.requests, ids, screens: measured, exports };
    const table = markdownTable(result);
    const base = writeResultFiles(path.resolve('bench/results'), { date, scale: args.scale, quick: false, tag: args.tag ? `screens-${args.tag}` : 'screens' }, result, table);
    console.log(table);
    log(`results: ${path.relative(process.cwd(), base)}.json / .md`);
  } finally {
    await db.server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench:screens failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
