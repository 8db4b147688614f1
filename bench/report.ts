/** Machine description, target checks and the printed / Markdown tables of a bench run. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { BuildRecord } from './dataset';
import type { LatencyStats } from './load';
import type { RssGrowth } from './memory';
import { OPERATION_NAMES, type OperationName } from './operations';
import type { StatementReport } from './statements';
import type { SubscriptionFigures } from './subscriptions';
import type { SyncFigures } from './sync-cycle';

export const VARIANTS = ['a', 'b', 'c', 'd'] as const;
export type Variant = (typeof VARIANTS)[number];
export const VARIANT_LABELS: Record<Variant, string> = {
  a: 'gateway (GraphQL, batched)',
  b: 'raw SQL (floor)',
  c: 'FDW design (views)',
  d: 'naive resolvers (batching off)',
};
export const CONCURRENCIES = [1, 16] as const;

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverageAtStart: number[];
  node: string;
  postgres: string;
  platform: string;
}

export function machineInfo(postgresVersion: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
    node: process.version,
    postgres: postgresVersion,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    // Uncommitted changes to tracked files mean the code measured is not exactly HEAD.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/**
 * Gateway RSS during the memory phase. The target is checked against `medianGrowthPct` (median of the first
 * window vs median of the last, see memory.ts); the raw first/last readings and their `growthPct` stay for
 * transparency and for comparison with results written before the windows existed.
 */
export interface MemoryFigures extends RssGrowth {
  loadMs: number;
  concurrency: number;
  requests: number;
  errors: number;
  /** The first reading (load start, after warm-up) and the last (load end). */
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** Raw last vs first reading, in %: lands on either phase of the GC sawtooth. */
  growthPct: number;
  /**
   * Every RSS reading during the load, the first and last included (results written before sampleIntervalMs
   * existed hold only the readings every 15 s, without the first and last).
   */
  samplesMiB: number[];
  /** When each of samplesMiB was read, ms after the first. */
  sampleOffsetsMs: number[];
  sampleIntervalMs: number;
}

/** How the memory target is measured, for the targets row and the memory table. */
export function memoryMethod(m: Pick<MemoryFigures, 'windowMs'>): string {
  const minutes = m.windowMs / 60_000;
  const window = minutes === 1 ? 'minute' : Number.isInteger(minutes) ? `${minutes} minutes` : `${m.windowMs / 1000} s`;
  return `median of first vs last ${window}`;
}

export type LatencyTable = Record<OperationName, Record<`c${(typeof CONCURRENCIES)[number]}`, Partial<Record<Variant, LatencyStats>>>>;

export interface BenchResult {
  date: string;
  commit: string;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  dataset: BuildRecord & { cached: boolean; fdwSetupMs: number };
  sync: SyncFigures | null;
  statements: StatementReport | null;
  latency: LatencyTable;
  /** c=1 latency of a request that runs no SQL, per transport (absent in results written before it existed). */
  transportFloor?: TransportFloor;
  /** Added to every round trip from the measured variants to PostgreSQL (`--db-rtt-ms`); absent in results written before it existed (none). */
  dbRoundTripMs?: number;
  correctness: string[];
  memory: MemoryFigures | null;
  subscriptions: SubscriptionFigures | null;
  targets: TargetCheck[];
  notes: string[];
}

/** The gateway answering `{ __typename }` and the SQL server answering /raw/ping: HTTP, JSON and (gateway) Apollo. */
export interface TransportFloor {
  gateway: LatencyStats;
  sql: LatencyStats;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const ratio = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined || y === undefined || y === 0 ? undefined : x / y);

const LIST_OPS: OperationName[] = ['officersList', 'loansPage', 'fimrDrilldown', 'dashboard'];
const POINT_OPS: OperationName[] = ['officerById', 'loanById'];

export function checkTargets(result: Omit<BenchResult, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const p50 = (op: OperationName, v: Variant): number | undefined => result.latency[op]?.c1?.[v]?.p50Ms;
  for (const op of OPERATION_NAMES) {
    const r = ratio(p50(op, 'a'), p50(op, 'b'));
    checks.push({ target: `${op}: gateway p50 ≤ 1.5× raw SQL (c=1)`, measured: `${fmt(r)}×`, met: r === undefined ? null : r <= 1.5 });
  }
  for (const op of [...LIST_OPS, ...POINT_OPS]) {
    const want = POINT_OPS.includes(op) ? 20 : 5;
    const r = ratio(p50(op, 'c'), p50(op, 'a'));
    checks.push({ target: `${op}: gateway ≥ ${want}× faster than the FDW design (p50, c=1)`, measured: `${fmt(r, 1)}×`, met: r === undefined ? null : r >= want });
  }
  const naive = ratio(p50('loansPage', 'd'), p50('loansPage', 'a'));
  checks.push({ target: 'loansPage: gateway ≥ 10× faster than naive resolvers (p50, c=1)', measured: `${fmt(naive, 1)}×`, met: naive === undefined ? null : naive >= 10 });
  if (result.statements) {
    const grows = result.statements.pageSizes.filter((p) => p.counts[0] !== p.counts[1]);
    checks.push({
      target: 'statement count independent of page size',
      measured: result.statements.pageSizes.map((p) => `${p.operation} ${p.counts[0]}/${p.counts[1]}`).join(', '),
      met: grows.length === 0,
    });
  }
  if (result.subscriptions) {
    const missed = result.subscriptions.notifyToClient.missed + result.subscriptions.djangoCommitToClient.missed;
    checks.push({ target: '0 missed events', measured: String(missed), met: missed === 0 });
  }
  if (result.memory) {
    const m = result.memory;
    checks.push({
      target: `RSS growth < 10% after warm-up (${memoryMethod(m)})`,
      measured: `${fmt(m.medianGrowthPct, 1)}% (${m.firstWindowMedianMiB} → ${m.lastWindowMedianMiB} MiB; raw ${m.rssBeforeMiB} → ${m.rssAfterMiB} MiB ${fmt(m.growthPct, 1)}%)`,
      met: m.medianGrowthPct < 10,
    });
  }
  checks.push({ target: 'initial sync + full recompute < 60 s', measured: `${fmt(result.dataset.initialSyncMs / 1000, 1)} s`, met: result.dataset.initialSyncMs < 60_000 });
  if (result.sync) {
    const s = result.sync;
    // Both cycles count: the loop's usual one and the one every 30 s that also looks for edits.
    const slowest = Math.max(s.incrementalCycleMs, s.incrementalWithEditScanMs ?? 0);
    const recomputed = Math.max(s.incrementalLoansRecomputed, s.incrementalWithEditScanLoansRecomputed ?? 0);
    checks.push({
      target: 'incremental cycle (new repayments) < 1 s, only their loans recomputed',
      measured:
        s.incrementalWithEditScanMs === undefined
          ? `${s.incrementalCycleMs} ms, ${s.incrementalLoansRecomputed} loans for ${s.distinctLoans}`
          : `${s.incrementalCycleMs} ms (${s.incrementalWithEditScanMs} ms with the edit scan), ${recomputed} loans for ${s.distinctLoans}`,
      met: slowest < 1000 && recomputed <= s.distinctLoans,
    });
  }
  return checks;
}

/** The latency table as Markdown (also printed at the end of a run). */
export function markdownTables(result: BenchResult): string {
  const lines: string[] = [];
  if ((result.dbRoundTripMs ?? 0) > 0) {
    lines.push(`Network hop (\`--db-rtt-ms ${result.dbRoundTripMs}\`): every answer PostgreSQL sent to variants a–d, and to postgres_fdw in c, was held ${result.dbRoundTripMs} ms, as from a database on another host; the engine and live-feed figures are on loopback.`, '');
  }
  for (const c of CONCURRENCIES) {
    lines.push(`#### Concurrency ${c} (latency ms p50 / p95 / p99, throughput req/s)`, '');
    lines.push(`| operation | ${VARIANTS.map((v) => `${v}: ${VARIANT_LABELS[v]}`).join(' | ')} | a/b | a/c | a/d |`);
    lines.push(`|---|${VARIANTS.map(() => '---').join('|')}|---|---|---|`);
    for (const op of OPERATION_NAMES) {
      const row = result.latency[op]?.[`c${c}`] ?? {};
      const cell = (v: Variant): string => {
        const s = row[v];
        if (!s) return '—';
        const err = s.errors > 0 ? ` (${s.errors} err)` : '';
        return `${fmt(s.p50Ms)} / ${fmt(s.p95Ms)} / ${fmt(s.p99Ms)} · ${fmt(s.rps, 0)}/s${err}`;
      };
      const r = (x: Variant, y: Variant): string => fmt(ratio(row[x]?.p50Ms, row[y]?.p50Ms), 3);
      lines.push(`| ${op} | ${VARIANTS.map(cell).join(' | ')} | ${r('a', 'b')} | ${r('a', 'c')} | ${r('a', 'd')} |`);
    }
    lines.push('');
  }
  if (result.transportFloor) {
    const f = result.transportFloor;
    lines.push('#### Transport floor (c=1, no SQL: HTTP + JSON; for the gateway also Apollo and GraphQL execution)', '');
    lines.push('| request | p50 / p95 / p99 ms |', '|---|---|');
    lines.push(`| gateway \`{ __typename }\` | ${fmt(f.gateway.p50Ms)} / ${fmt(f.gateway.p95Ms)} / ${fmt(f.gateway.p99Ms)} |`);
    lines.push(`| SQL server /raw/ping | ${fmt(f.sql.p50Ms)} / ${fmt(f.sql.p95Ms)} / ${fmt(f.sql.p99Ms)} |`, '');
  }
  if (result.statements) {
    lines.push('#### SQL statements per operation (Django + seedsmetrics)', '');
    lines.push('| operation | a: batched | d: batching off |', '|---|---|---|');
    for (const op of OPERATION_NAMES) {
      const s = result.statements.perOperation[op];
      lines.push(`| ${op} | ${s.batched.total} (${s.batched.django} + ${s.batched.metrics}) | ${s.unbatched.total} (${s.unbatched.django} + ${s.unbatched.metrics}) |`);
    }
    lines.push('', '| operation (a) | page sizes | statements |', '|---|---|---|');
    for (const p of result.statements.pageSizes) lines.push(`| ${p.operation} | ${p.sizes[0]} → ${p.sizes[1]} | ${p.counts[0]} → ${p.counts[1]} |`);
    lines.push('');
  }
  if (result.memory) {
    const m = result.memory;
    lines.push(`#### Memory (gateway a RSS, ${Math.round(m.loadMs / 1000)} s of mixed load at concurrency ${m.concurrency}, sampled every ${m.sampleIntervalMs / 1000} s)`, '');
    lines.push('| figure | value |', '|---|---|');
    lines.push(`| growth (${memoryMethod(m)}) | ${fmt(m.medianGrowthPct, 1)}% (${m.firstWindowMedianMiB} → ${m.lastWindowMedianMiB} MiB; ${m.firstWindowSamples} / ${m.lastWindowSamples} samples) |`);
    lines.push(`| raw first → last reading | ${m.rssBeforeMiB} → ${m.rssAfterMiB} MiB (${fmt(m.growthPct, 1)}%) |`);
    lines.push(`| min / max over the load | ${m.minMiB} / ${m.maxMiB} MiB (${m.samplesMiB.length} samples) |`);
    lines.push(`| requests / errors | ${m.requests} / ${m.errors} |`, '');
  }
  if (result.subscriptions) {
    const s = result.subscriptions;
    lines.push(`#### Live feed: ${s.connectedSubscribers} of ${s.subscribers} graphql-ws subscribers to \`dpdTransitioned\` (ready in ${s.readyMs} ms)`, '');
    lines.push('| phase | p50 / p95 / p99 ms | missed | deliveries/s | gateway CPU per delivery |', '|---|---|---|---|---|');
    for (const [label, phase] of [
      [`NOTIFY → client (${s.notifyToClient.events} transitions, ${s.notifyToClient.deliveries} deliveries)`, s.notifyToClient],
      [`Django commit → client (${s.djangoCommitToClient.events} repayments, sync every ${s.djangoCommitToClient.syncIntervalMs} ms)`, s.djangoCommitToClient],
    ] as const) {
      const cpuPerDelivery = phase.deliveries > 0 ? fmt(phase.gatewayCpuMs / phase.deliveries, 3) : '—';
      lines.push(`| ${label} | ${fmt(phase.p50Ms)} / ${fmt(phase.p95Ms)} / ${fmt(phase.p99Ms)} | ${phase.missed} | ${phase.deliveriesPerSecond} | ${cpuPerDelivery} ms |`);
    }
    lines.push('');
  }
  lines.push('#### Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const t of result.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines.join('\n');
}

export function printSummary(result: BenchResult): void {
  const out: string[] = ['', `=== bench ${result.mode} · scale ${result.dataset.key.scale} · ${result.date} · ${result.commit} ===`];
  const d = result.dataset;
  out.push(`dataset: ${JSON.stringify(d.rows)}; initial sync + full recompute ${d.initialSyncMs} ms${d.cached ? ` (measured when built, ${d.builtAt})` : ''}`);
  if (result.sync) {
    const s = result.sync;
    out.push(`sync: start-up cycle ${s.startupCycleMs} ms; full recompute ${s.fullRecomputeMs} ms (${s.fullRecomputeLoans} loans); incremental ${s.incrementalCycleMs} ms for ${s.newRepayments} repayments → ${s.incrementalLoansRecomputed} loans recomputed${s.incrementalWithEditScanMs === undefined ? '' : `; with the edit scan ${s.incrementalWithEditScanMs} ms → ${s.incrementalWithEditScanLoansRecomputed} loans`}${s.quietReconcileMs === undefined ? '' : `; a quiet reconciliation ${s.quietReconcileMs} ms`}${s.scheduledReconcileMs === undefined ? '' : ` (every loan fingerprinted; a scheduled one, slice ${s.scheduledReconcileSlice}: ${s.scheduledReconcileMs} ms${s.scheduledSurveyMs === undefined ? '' : ` in its cycle after ${s.scheduledSurveyMs} ms beside the loop`})`}`);
  }
  // The tables carry the latency, statement, memory, live-feed and target figures.
  out.push('', markdownTables(result));
  for (const c of result.correctness) out.push(`check: ${c}`);
  for (const n of result.notes) out.push(`note: ${n}`);
  console.log(out.join('\n'));
}
