/**
 * `npm run bench:instructions [-- --scale N] [--warmup N] [--windows N] [--requests N] [--operations A,B] [--tag NAME] [--pg-port N]`
 *
 * How many CPU instructions the gateway executes per request of each bench operation, counted by valgrind's
 * callgrind. Latency ratios on a shared VM move by tens of percent from one run to the next; an instruction count
 * of the same code on the same data moves by a few, so a change to the request path can be judged by it (the
 * eighth session could not tell from latencies whether its pre-execution checks cost anything).
 *
 * The gateway (batched, sync off) runs under callgrind with instrumentation off and gets `--warmup` requests of
 * each operation; then, operation by operation, instrumentation is switched on for `--windows` windows of
 * `--requests` sequential requests each, the counters dumped after each window. Only the gateway process is
 * counted: PostgreSQL and the load generator are not. Node runs with --single-threaded, so V8 compiles and
 * collects garbage on the counted thread, where their cost belongs, instead of on helper threads.
 *
 * Windows differ from one another by tens of percent, and not in the same way from run to run: after thousands
 * of requests V8 still optimises some functions again (TurboFan's graph reduction fills a window), and a major
 * collection lands in some windows and not others. The figure is therefore the cheapest window: the steady cost
 * of a request, minor collections included; the range of the windows is reported beside it. Run to run, the
 * cheapest window repeated within 1 % for `{ __typename }` and loan(id) and within 5 % for officer(id) (two runs
 * of one commit on 2026-11-26): a difference smaller than that says nothing.
 */
import 'reflect-metadata';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { datasetFlags, parseFlags, wholeNumber, type DatasetArgs } from './args';
import { BENCH_PG_PORT, BENCH_ROOT, openBenchDatabase } from './dataset';
import { runLoad } from './load';
import { graphqlBody, OPERATION_NAMES, paramsFor, sampleParams, type OperationName } from './operations';
import { startGateway } from './processes';
import { gitCommit, machineInfo, type MachineInfo } from './report';
import { writeResultFiles } from './results-file';

interface Args extends DatasetArgs {
  warmup: number;
  windows: number;
  /** Requests per window. */
  requests: number;
  /** The operations counted besides `typename`. */
  operations: OperationName[];
}

const USAGE =
  'usage: npm run bench:instructions -- [--scale N] [--seed N] [--as-of YYYY-MM-DD] [--warmup N] [--windows N] [--requests N] [--operations NAME,NAME] [--pg-port N] [--tag NAME]';

function operationList(flag: string, value: string): OperationName[] {
  const names = value.split(',');
  const unknown = names.filter((name) => !(OPERATION_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`${flag} must be a comma-separated list of ${OPERATION_NAMES.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return OPERATION_NAMES.filter((name) => names.includes(name));
}

export function parseInstructionArgs(argv: readonly string[]): Args {
  const initial: Args = { scale: 1, seed: 42, asOf: '2025-12-10', warmup: 2000, windows: 9, requests: 100, pgPort: BENCH_PG_PORT, tag: undefined, operations: [...OPERATION_NAMES] };
  return parseFlags(
    argv,
    initial,
    {
      values: {
        ...datasetFlags<Args>(),
        '--warmup': (a, v) => (a.warmup = wholeNumber('--warmup', v, 0)),
        '--windows': (a, v) => (a.windows = wholeNumber('--windows', v, 1)),
        '--requests': (a, v) => (a.requests = wholeNumber('--requests', v, 1)),
        '--operations': (a, v) => (a.operations = operationList('--operations', v)),
      },
      switches: {},
    },
    USAGE,
  );
}

/** The instructions a callgrind dump counted (its `totals:` line, the sum of every event of the part). */
export function callgrindTotal(dumpText: string, file: string): number {
  const match = /^totals:\s*(\d+)/m.exec(dumpText) ?? /^summary:\s*(\d+)/m.exec(dumpText);
  if (!match) throw new Error(`${file} is not a callgrind dump: it has no "totals:" or "summary:" line`);
  return Number(match[1]);
}

/** `typename` (HTTP and Apollo alone) is counted first, then the operations asked for. */
type Counted = 'typename' | OperationName;

export interface InstructionResult {
  date: string;
  commit: string;
  machine: MachineInfo;
  valgrind: string;
  scale: number;
  warmup: number;
  windows: number;
  /** Requests per window. */
  requests: number;
  /** Instructions per request, by operation (those counted): the cheapest window's. */
  perRequest: Partial<Record<Counted, number>>;
  /** Instructions per request of every window, in order. */
  windowsPerRequest: Partial<Record<Counted, number[]>>;
}

/** The cheapest window's figure (see the head of this file for why not the mean or the median). */
export function cheapestWindow(figures: readonly number[]): number {
  if (figures.length === 0) throw new Error('no window was measured');
  return Math.min(...figures);
}

export function markdownTable(result: InstructionResult): string {
  const base = result.perRequest.typename ?? 0;
  const thousands = (n: number): string => Math.round(n / 1000).toLocaleString('en-US');
  const rows = Object.entries(result.perRequest).map(([op, n]) => {
    const windows = result.windowsPerRequest[op as Counted] ?? [];
    return `| ${op} | ${n.toLocaleString('en-US')} | ${op === 'typename' ? '' : (n - base).toLocaleString('en-US')} | ${thousands(Math.min(...windows))}–${thousands(Math.max(...windows))} |`;
  });
  return [
    `Instructions per request (callgrind), commit ${result.commit}, scale ${result.scale}: ${result.warmup} warm-up requests, then the cheapest of ${result.windows} windows of ${result.requests} requests per operation; ${result.valgrind}, node ${result.machine.node}`,
    '',
    '| operation | instructions / request | beyond `{ __typename }` | windows (thousands) |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

const log = (line: string): void => console.log(`[bench:instructions ${new Date().toISOString().slice(11, 19)}] ${line}`);

function valgrindVersion(): string {
  try {
    return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('bench:instructions needs valgrind on the PATH (Debian: apt-get install valgrind); `valgrind --version` did not run');
  }
}

async function main(): Promise<void> {
  const args = parseInstructionArgs(process.argv.slice(2));
  const valgrind = valgrindVersion();
  const commit = gitCommit();
  const logDir = path.join(BENCH_ROOT, 'logs');
  fs.mkdirSync(BENCH_ROOT, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(BENCH_ROOT, 'callgrind-'));
  const dumpFile = path.join(workDir, 'callgrind.out');
  const vgdbPrefix = path.join(workDir, 'vgdb');
  // vgdb finds the valgrind process through files named after the prefix, the pid and the USER/LOGNAME and HOST
  // variables of each side: callgrind_control gets the gateway's (startGateway passes neither user variable, and
  // HOST is the gateway's listen address). It says when it failed only in what it prints, and exits 0.
  const control = (pid: number, command: string): void => {
    const run = spawnSync('callgrind_control', [`--vgdb-prefix=${vgdbPrefix}`, command, String(pid)], { encoding: 'utf8', env: { PATH: process.env.PATH, HOST: '127.0.0.1' } });
    const said = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    if (run.status !== 0 || !said.includes('sending command')) throw new Error(`callgrind_control ${command} ${pid} failed: ${said.trim() || run.error?.message}`);
  };

  const db = await openBenchDatabase({ scale: args.scale, seed: args.seed, asOf: args.asOf }, { rebuild: false, port: args.pgPort, log });
  try {
    const metricsPool = new pg.Pool({ connectionString: db.metricsUrl, max: 1 });
    const pgVersion = (await metricsPool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const samples = await sampleParams(metricsPool, 100);
    await metricsPool.end();

    log('starting the gateway under callgrind (instrumentation off)');
    const gateway = await startGateway(
      'gateway-callgrind',
      {
        djangoUrl: db.djangoUrl,
        metricsUrl: db.metricsUrl,
        batching: true,
        syncEnabled: false,
        poolSize: 4,
        wrapper: {
          command: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--vgdb-prefix=${vgdbPrefix}`, `--callgrind-out-file=${dumpFile}`],
          nodeFlags: ['--single-threaded'],
          startTimeoutMs: 600_000,
        },
      },
      logDir,
    );
    const counted: Counted[] = ['typename', ...args.operations];
    const perRequest: Partial<Record<Counted, number>> = {};
    const windowsPerRequest: Partial<Record<Counted, number[]>> = {};
    try {
      const bodyOf = (op: Counted) => (i: number): string => (op === 'typename' ? JSON.stringify({ query: '{ __typename }' }) : graphqlBody(op, paramsFor(op, samples, i)));
      const send = async (op: Counted, count: number): Promise<void> => {
        const stats = await runLoad({ url: gateway.url, body: bodyOf(op), concurrency: 1, durationMs: 3_600_000, maxRequests: count, warmupRequests: 0 });
        if (stats.errors > 0) throw new Error(`${op}: ${stats.errors} requests failed, first: ${stats.firstError}`);
      };
      // Every operation is warmed up before any is counted: code they share (HTTP, Apollo, the loaders) would
      // otherwise be compiled inside the first one's window.
      log(`warming up: ${args.warmup} requests of each operation`);
      for (const op of counted) await send(op, args.warmup);
      let part = 0;
      for (const op of counted) {
        const windows: number[] = [];
        for (let w = 0; w < args.windows; w += 1) {
          control(gateway.pid, '--instr=on');
          await send(op, args.requests);
          control(gateway.pid, '--instr=off');
          control(gateway.pid, '--dump');
          const file = `${dumpFile}.${(part += 1)}`;
          windows.push(Math.round(callgrindTotal(fs.readFileSync(file, 'utf8'), file) / args.requests));
        }
        windowsPerRequest[op] = windows;
        perRequest[op] = cheapestWindow(windows);
        log(`${op}: ${perRequest[op]!.toLocaleString('en-US')} instructions per request (windows: ${windows.map((n) => n.toLocaleString('en-US')).join(' ')})`);
      }
    } finally {
      await gateway.stop();
    }

    const date = new Date().toISOString().slice(0, 10);
    const result: InstructionResult = { date, commit, machine: machineInfo(pgVersion), valgrind, scale: args.scale, warmup: args.warmup, windows: args.windows, requests: args.requests, perRequest, windowsPerRequest };
    const table = markdownTable(result);
    const base = writeResultFiles(path.resolve('bench/results'), { date, scale: args.scale, quick: false, tag: args.tag ? `instructions-${args.tag}` : 'instructions' }, result, table);
    console.log(table);
    log(`results: ${path.relative(process.cwd(), base)}.json / .md`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
    await db.server.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench:instructions failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
