/**
 * `npm run bench [-- --scale N] [--quick] [--rebuild] [--skip-memory] [--skip-subscriptions]`
 *
 * One run, one machine, comparable numbers (issue 6): dataset (cached) → engine figures → statement counts →
 * latency of six operations × four variants × concurrency 1 and 16 → gateway RSS under five minutes of mixed
 * load → 1,000 graphql-ws subscribers → bench/results/<date>-scale<N>.json (+ .md) and a printed table.
 * Everything runs on its own embedded PostgreSQL (port 54339, data under .data/bench) and on loopback.
 * `--db-rtt-ms N` puts a simulated network hop (bench/delay-proxy.ts) between the four variants and that server,
 * postgres_fdw's link to the Django database included: the deployment shape, where the databases are other hosts.
 */
import 'reflect-metadata';
import path from 'node:path';
import pg from 'pg';
import { datasetFlags, parseFlags, wholeNumber, type DatasetArgs } from './args';
import { BENCH_PG_PORT, BENCH_ROOT, openBenchDatabase } from './dataset';
import { pointFdwAtPort } from './fdw';
import { postJson, runInterleaved, runLoad } from './load';
import { growthPct, rssGrowth, startRssSampler } from './memory';
import { graphqlBody, OPERATION_NAMES, paramsFor, sampleParams, withPageSize, type OperationName, type Samples } from './operations';
import { startDelayProxy, startGateway, startSqlServer, waitForSyncCycle, type Child, type DelayProxy } from './processes';
import { checkTargets, CONCURRENCIES, gitCommit, machineInfo, markdownTables, printSummary, VARIANTS, type BenchResult, type LatencyTable, type MemoryFigures, type TransportFloor, type Variant } from './report';
import { writeResultFiles } from './results-file';
import { countStatements } from './statements';
import { measureSubscriptions } from './subscriptions';
import { measureSync } from './sync-cycle';

interface Args extends DatasetArgs {
  quick: boolean;
  rebuild: boolean;
  skipMemory: boolean;
  skipSubscriptions: boolean;
  /** Added to every round trip the measured variants make to PostgreSQL; 0: none (loopback). */
  dbRttMs: number;
}

const USAGE = 'usage: npm run bench -- [--scale N] [--seed N] [--as-of YYYY-MM-DD] [--quick] [--rebuild] [--skip-memory] [--skip-subscriptions] [--pg-port N] [--tag NAME] [--db-rtt-ms N]';

function parseArgs(argv: readonly string[]): Args {
  const initial: Args = { scale: NaN, seed: 42, asOf: '2025-12-10', quick: false, rebuild: false, skipMemory: false, skipSubscriptions: false, pgPort: BENCH_PG_PORT, tag: undefined, dbRttMs: 0 };
  const args = parseFlags(
    argv,
    initial,
    {
      values: { ...datasetFlags<Args>(), '--db-rtt-ms': (a, v) => (a.dbRttMs = wholeNumber('--db-rtt-ms', v, 0)) },
      switches: {
        '--quick': (a) => (a.quick = true),
        '--rebuild': (a) => (a.rebuild = true),
        '--skip-memory': (a) => (a.skipMemory = true),
        '--skip-subscriptions': (a) => (a.skipSubscriptions = true),
      },
    },
    USAGE,
  );
  if (Number.isNaN(args.scale)) args.scale = args.quick ? 0.05 : 1;
  return args;
}

/** How long and how hard each phase runs. */
interface Profile {
  /** Measured time per variant and operation, split into `rounds` turns taken with the other variants. */
  durationMs: number;
  rounds: number;
  maxRequests: number;
  warmupRequests: number;
  warmupMs: number;
  memoryWarmupMs: number;
  memoryLoadMs: number;
  memoryConcurrency: number;
  /** RSS sampling period, and the width of the first and last windows whose medians give the growth. */
  memorySampleMs: number;
  memoryWindowMs: number;
  subscribers: number;
  transitions: number;
  djangoCommits: number;
  newRepayments: number;
  sampleSize: number;
}

const FULL: Profile = {
  durationMs: 6000,
  maxRequests: 5000,
  warmupRequests: 32,
  warmupMs: 2000,
  rounds: 6,
  memoryWarmupMs: 20_000,
  memoryLoadMs: 300_000,
  memoryConcurrency: 8,
  memorySampleMs: 2000,
  memoryWindowMs: 60_000,
  subscribers: 1000,
  transitions: 100,
  djangoCommits: 20,
  newRepayments: 1000,
  sampleSize: 500,
};
const QUICK: Profile = {
  durationMs: 1500,
  maxRequests: 300,
  warmupRequests: 16,
  warmupMs: 1000,
  rounds: 3,
  memoryWarmupMs: 3000,
  memoryLoadMs: 15_000,
  memoryConcurrency: 4,
  memorySampleMs: 500,
  memoryWindowMs: 5000,
  subscribers: 50,
  transitions: 10,
  djangoCommits: 3,
  newRepayments: 100,
  sampleSize: 100,
};

const POOL_SIZE = 16;
const log = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function ids(value: unknown, path: string[]): string[] {
  let node: unknown = value;
  for (const key of path) node = (node as Record<string, unknown> | null)?.[key];
  return Array.isArray(node) ? node.map((n) => String((n as Record<string, unknown>).id ?? (n as Record<string, unknown>).loan_id ?? (n as Record<string, unknown>).officer_id)) : [];
}

/** Same rows from every variant for the first parameters of each list operation (a, b, c); mismatches are reported, not fatal. */
async function checkSameRows(urls: Record<Variant, (op: OperationName) => string>, body: Record<Variant, (op: OperationName) => string>): Promise<string[]> {
  const notes: string[] = [];
  const lists: Array<[OperationName, string[], string[]]> = [
    ['loansPage', ['data', 'loans', 'nodes'], ['data', 'nodes']],
    ['fimrDrilldown', ['data', 'fimrLoans', 'nodes'], ['data', 'nodes']],
    ['officersList', ['data', 'officers', 'nodes'], ['data', 'nodes']],
  ];
  for (const [op, gqlPath, sqlPath] of lists) {
    const [a, b, c] = await Promise.all((['a', 'b', 'c'] as const).map((v) => postJson(urls[v](op), body[v](op))));
    const ia = ids(a, gqlPath);
    const ib = ids(b, sqlPath);
    const ic = ids(c, sqlPath);
    const same = (x: string[], y: string[]): boolean => x.length === y.length && x.every((id, k) => id === y[k]);
    notes.push(`${op}: a returned ${ia.length} rows; b ${same(ia, ib) ? 'same rows' : `DIFFERENT rows (${ib.length})`}; c ${same(ia, ic) ? 'same rows' : `different rows (${ic.length})${op === 'officersList' ? ' — expected: officers_live keeps only the six officer user types' : ''}`}`);
  }
  return notes;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const profile = args.quick ? QUICK : FULL;
  const started = Date.now();
  // The code measured is the code at the start (commits made while a run goes on must not be credited to it).
  const commit = gitCommit();
  const notes: string[] = [];
  const logDir = path.join(BENCH_ROOT, 'logs');
  log(`mode ${args.quick ? 'quick' : 'full'}, scale ${args.scale}, seed ${args.seed}, as of ${args.asOf}`);

  const db = await openBenchDatabase({ scale: args.scale, seed: args.seed, asOf: args.asOf }, { rebuild: args.rebuild, port: args.pgPort, log });
  const children: Child[] = [];
  let proxy: DelayProxy | undefined;
  const stopChild = async (child: Child | undefined): Promise<void> => {
    if (!child) return;
    await child.stop();
    children.splice(children.indexOf(child), 1);
  };
  try {
    const urls = { djangoUrl: db.djangoUrl, metricsUrl: db.metricsUrl };
    const metricsPool = new pg.Pool({ connectionString: db.metricsUrl, max: 2 });
    metricsPool.on('error', () => undefined);
    const pgVersion = (await metricsPool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const machine = machineInfo(pgVersion);
    log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, PostgreSQL ${pgVersion}, load ${machine.loadAverageAtStart.join(' ')}`);

    log('engine: start-up cycle, full recompute, incremental cycle');
    const sync = await measureSync(urls, args.asOf, profile.newRepayments);
    log(`engine: full recompute ${sync.fullRecomputeMs} ms (${sync.fullRecomputeLoans} loans); incremental ${sync.incrementalCycleMs} ms → ${sync.incrementalLoansRecomputed} loans, with the edit scan ${sync.incrementalWithEditScanMs} ms → ${sync.incrementalWithEditScanLoansRecomputed} loans; quiet reconciliation ${sync.quietReconcileMs} ms (every loan fingerprinted), a scheduled one ${sync.scheduledReconcileMs} ms in its cycle (slice ${sync.scheduledReconcileSlice}) after a survey of ${sync.scheduledSurveyMs} ms beside the loop`);
    await metricsPool.query('ANALYZE loans');

    const samples: Samples = await sampleParams(metricsPool, profile.sampleSize);
    // The engine figures above and the subscriptions below are measured on loopback; the network hop applies to
    // the six operations (and the memory run), where the issue's ratios compare the variants.
    let requestUrls = urls;
    if (args.dbRttMs > 0) {
      proxy = await startDelayProxy(args.pgPort, args.dbRttMs, logDir);
      requestUrls = { djangoUrl: proxy.via(db.djangoUrl), metricsUrl: proxy.via(db.metricsUrl) };
      await pointFdwAtPort(metricsPool, proxy.port);
      log(`network hop: every answer PostgreSQL sends to a measured variant (and to postgres_fdw) is held ${args.dbRttMs} ms (proxy on port ${proxy.port})`);
    }
    await metricsPool.end();
    if (samples.officerIds.length === 0 || samples.loanIds.length === 0 || samples.loanBranches.length === 0 || samples.fimrBranches.length === 0) {
      throw new Error(`the dataset gave no parameters to benchmark with: ${JSON.stringify({ officers: samples.officerIds.length, loans: samples.loanIds.length })}`);
    }

    log('statement counts (in-process)');
    const statements = await countStatements(
      urls,
      (name) => paramsFor(name, samples, 0),
      (name, size) => withPageSize(name, paramsFor(name, samples, 0), size),
      [10, 100],
    );
    if (!statements.batchingSwitchEffective) notes.push('createContextFactory ignored { batching: false }: variant d statement counts equal a (the switch is missing)');

    log('starting the SQL server and the gateways (a: batched, d: batching off)');
    const sqlServer = await startSqlServer({ ...requestUrls, poolSize: POOL_SIZE }, logDir);
    children.push(sqlServer);
    const gatewayA = await startGateway('gateway-a', { ...requestUrls, batching: true, syncEnabled: false, poolSize: POOL_SIZE }, logDir);
    children.push(gatewayA);
    let gatewayD: Child | undefined = await startGateway('gateway-d', { ...requestUrls, batching: false, syncEnabled: false, poolSize: POOL_SIZE }, logDir);
    children.push(gatewayD);

    const urlOf: Record<Variant, (op: OperationName) => string> = {
      a: () => gatewayA.url,
      b: (op) => `${sqlServer.url}/raw/${op}`,
      c: (op) => `${sqlServer.url}/fdw/${op}`,
      d: () => gatewayD!.url,
    };
    const bodyOf = (v: Variant, op: OperationName, i: number): string => (v === 'a' || v === 'd' ? graphqlBody(op, paramsFor(op, samples, i)) : JSON.stringify(paramsFor(op, samples, i)));
    const correctness = await checkSameRows(urlOf, { a: (op) => bodyOf('a', op, 0), b: (op) => bodyOf('b', op, 0), c: (op) => bodyOf('c', op, 0), d: (op) => bodyOf('d', op, 0) });
    for (const line of correctness) log(`check: ${line}`);

    // What each transport costs with no SQL at all (HTTP + JSON, and for the gateway Apollo's request pipeline and
    // GraphQL execution): the part of a point lookup's latency that no query tuning can remove.
    const { durationMs, maxRequests, warmupRequests, warmupMs, rounds } = profile;
    const [gatewayFloor, sqlFloor] = await runInterleaved(
      [
        { url: gatewayA.url, body: () => JSON.stringify({ query: '{ __typename }' }) },
        { url: `${sqlServer.url}/raw/ping`, body: () => '{}' },
      ],
      { concurrency: 1, durationMs, maxRequests, warmupRequests, warmupMs, rounds },
    );
    const transportFloor = {} as TransportFloor;
    for (const [side, stats] of [['gateway', gatewayFloor], ['sql', sqlFloor]] as const) {
      if (stats instanceof Error) throw new Error(`the transport floor of ${side} could not be measured: ${stats.message}`);
      transportFloor[side] = stats;
      log(`transport floor c=1 ${side}: p50 ${stats.p50Ms} ms p99 ${stats.p99Ms} · n=${stats.count}`);
    }

    const latency = {} as LatencyTable;
    for (const op of OPERATION_NAMES) {
      latency[op] = { c1: {}, c16: {} };
      for (const c of CONCURRENCIES) {
        // The four variants take turns (runInterleaved), so drifting background load falls on all of them alike.
        const measured = await runInterleaved(
          VARIANTS.map((v) => ({ url: urlOf[v](op), body: (i: number) => bodyOf(v, op, i) })),
          { concurrency: c, durationMs, maxRequests, warmupRequests, warmupMs, rounds },
        );
        VARIANTS.forEach((v, i) => {
          const stats = measured[i]!;
          if (stats instanceof Error) {
            notes.push(`${op} ${v} c=${c} failed: ${stats.message}`);
            return;
          }
          latency[op][`c${c}`][v] = stats;
          log(`${op.padEnd(14)} c=${String(c).padEnd(2)} ${v}: p50 ${stats.p50Ms} ms p95 ${stats.p95Ms} p99 ${stats.p99Ms} · ${stats.rps} req/s · n=${stats.count}${stats.errors ? ` · ${stats.errors} errors: ${stats.firstError}` : ''}`);
        });
      }
    }
    await stopChild(gatewayD);
    gatewayD = undefined;
    await stopChild(sqlServer);

    let memory: MemoryFigures | null = null;
    if (!args.skipMemory) {
      log(`memory: warm-up ${profile.memoryWarmupMs / 1000} s, then ${profile.memoryLoadMs / 1000} s of mixed load on gateway a`);
      const mixed = (i: number): string => {
        const op = OPERATION_NAMES[i % OPERATION_NAMES.length]!;
        return graphqlBody(op, paramsFor(op, samples, Math.floor(i / OPERATION_NAMES.length)));
      };
      await runLoad({ url: gatewayA.url, body: mixed, concurrency: profile.memoryConcurrency, durationMs: profile.memoryWarmupMs, maxRequests: Number.MAX_SAFE_INTEGER, warmupRequests: 0 });
      const sampler = startRssSampler(() => gatewayA.rssMiB(), profile.memorySampleMs);
      const load = await runLoad({ url: gatewayA.url, body: mixed, concurrency: profile.memoryConcurrency, durationMs: profile.memoryLoadMs, maxRequests: Number.MAX_SAFE_INTEGER, warmupRequests: 0 });
      const rss = sampler.stop();
      const growth = rssGrowth(rss, profile.memoryWindowMs);
      const rssBeforeMiB = rss[0]!.rssMiB;
      const rssAfterMiB = rss[rss.length - 1]!.rssMiB;
      memory = {
        loadMs: profile.memoryLoadMs,
        concurrency: profile.memoryConcurrency,
        requests: load.count,
        errors: load.errors,
        rssBeforeMiB,
        rssAfterMiB,
        growthPct: growthPct(rssBeforeMiB, rssAfterMiB),
        samplesMiB: rss.map((s) => s.rssMiB),
        sampleOffsetsMs: rss.map((s) => s.atMs),
        sampleIntervalMs: profile.memorySampleMs,
        ...growth,
      };
      log(
        `memory: RSS median ${growth.firstWindowMedianMiB} → ${growth.lastWindowMedianMiB} MiB (${growth.medianGrowthPct}%, first vs last ${growth.windowMs / 1000} s); ` +
          `raw ${rssBeforeMiB} → ${rssAfterMiB} MiB (${memory.growthPct}%), min ${growth.minMiB} max ${growth.maxMiB}, ${rss.length} samples, ${load.count} requests`,
      );
    }
    await stopChild(gatewayA);
    await proxy?.stop();
    proxy = undefined;

    let subscriptions = null;
    if (!args.skipSubscriptions) {
      log(`subscriptions: ${profile.subscribers} subscribers on a gateway with its sync worker at 2 s`);
      const gatewayS = await startGateway('gateway-s', { ...urls, batching: true, syncEnabled: true, syncIntervalMs: 2000, poolSize: POOL_SIZE }, logDir);
      children.push(gatewayS);
      // Let the worker's start-up cycle (full recompute) finish before measuring.
      if (!(await waitForSyncCycle(gatewayS, 180_000))) notes.push('the subscription gateway reported no finished sync cycle within 180 s');
      try {
        subscriptions = await measureSubscriptions({
          wsUrl: gatewayS.url.replace(/^http/, 'ws'),
          djangoUrl: db.djangoUrl,
          metricsUrl: db.metricsUrl,
          asOf: args.asOf,
          subscribers: profile.subscribers,
          transitions: profile.transitions,
          transitionSpacingMs: 100,
          djangoCommits: profile.djangoCommits,
          djangoSpacingMs: 700,
          gatewayPid: gatewayS.pid,
          log,
        });
      } catch (error) {
        notes.push(`subscriptions failed: ${String(error)}`);
      }
      await stopChild(gatewayS);
    }

    const date = new Date().toISOString().slice(0, 10);
    const partial: Omit<BenchResult, 'targets'> = {
      date,
      commit,
      mode: args.quick ? 'quick' : 'full',
      machine,
      dataset: { ...db.record, cached: !db.built, fdwSetupMs: db.fdwSetupMs },
      dbRoundTripMs: args.dbRttMs,
      sync,
      statements,
      latency,
      transportFloor,
      correctness,
      memory,
      subscriptions,
      notes: [...notes, `total bench time ${Math.round((Date.now() - started) / 1000)} s`],
    };
    const result: BenchResult = { ...partial, targets: checkTargets(partial) };
    const base = writeResultFiles(path.resolve('bench/results'), { date, scale: args.scale, quick: args.quick, tag: args.tag }, result, markdownTables(result));
    printSummary(result);
    log(`results: ${path.relative(process.cwd(), base)}.json / .md`);
  } finally {
    for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
    await proxy?.stop().catch(() => undefined);
    await db.server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
