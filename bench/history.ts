/**
 * `npm run bench:history`: rewrites the table of every committed full run in BENCHMARKS.md (between the
 * `runs:begin` and `runs:end` markers) from the result files in bench/results, so the history of runs is read off
 * the files themselves instead of being copied by hand (bench/history.test.ts fails when the two drift apart).
 */
import fs from 'node:fs';
import path from 'node:path';
import { OPERATION_NAMES, type OperationName } from './operations';
import type { BenchResult } from './report';

export const RESULTS_DIR = path.join(__dirname, 'results');
export const BENCHMARKS_FILE = path.join(__dirname, '..', 'BENCHMARKS.md');
export const BEGIN_MARKER = '<!-- runs:begin: written by `npm run bench:history` from bench/results; do not edit by hand -->';
export const END_MARKER = '<!-- runs:end -->';

/** What the table shows of one run. */
export interface RunSummary {
  /** The result file's name without `.json`. */
  name: string;
  commit: string;
  cpu: string;
  /** c=1 p50 of `{ __typename }` on the gateway and of /raw/ping on the SQL server (ms); absent in early runs. */
  transportFloor?: { gateway: number; sql: number };
  /** The simulated network hop between the variants and PostgreSQL (`--db-rtt-ms`); 0 on loopback. */
  dbRoundTripMs: number;
  /** Gateway p50 over the floor's p50 (c=1), per operation. */
  overFloor: Partial<Record<OperationName, number>>;
  initialSyncMs: number;
  /** True when the dataset (and so the initial-sync figure) came from an earlier run's build. */
  datasetCached: boolean;
  targetsMet: number;
  targetsChecked: number;
}

type StoredResult = Partial<BenchResult> & { mode?: string };

/** The full (not quick) runs among the files of `dir`, in date order, then by tag with numbers in numeric order. */
export function readRunSummaries(dir: string): RunSummary[] {
  const names = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  const runs: RunSummary[] = [];
  for (const name of names) {
    const result = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8')) as StoredResult;
    // Screens and instruction counts share the directory; quick runs use 1.5 s windows and are not comparable.
    if (result.mode !== 'full' || !result.latency || !result.dataset || !result.machine || !result.targets) continue;
    const overFloor: RunSummary['overFloor'] = {};
    for (const operation of OPERATION_NAMES) {
      const c1 = result.latency[operation]?.c1;
      if (c1?.a && c1.b) overFloor[operation] = c1.a.p50Ms / c1.b.p50Ms;
    }
    runs.push({
      name,
      commit: result.commit ?? '',
      cpu: result.machine.cpuModel,
      transportFloor: result.transportFloor && { gateway: result.transportFloor.gateway.p50Ms, sql: result.transportFloor.sql.p50Ms },
      dbRoundTripMs: result.dbRoundTripMs ?? 0,
      overFloor,
      initialSyncMs: result.dataset.initialSyncMs,
      datasetCached: result.dataset.cached,
      targetsMet: result.targets.filter((target) => target.met === true).length,
      targetsChecked: result.targets.length,
    });
  }
  return runs;
}

/** "AMD EPYC 7B13" → "AMD EPYC"; "Intel(R) Xeon(R) Processor" → "Intel Xeon". */
function cpuFamily(model: string): string {
  const plain = model.replace(/\((R|TM)\)/g, '');
  if (/EPYC/i.test(plain)) return 'AMD EPYC';
  if (/Xeon/i.test(plain)) return 'Intel Xeon';
  return plain.trim() || 'unknown';
}

const RATIO_COLUMNS: OperationName[] = ['officerById', 'loanById', 'loansPage', 'fimrDrilldown', 'officersList', 'dashboard'];

/** A ratio to two decimals, in bold when it misses the 1.5× target. */
function overFloorCell(ratio: number | undefined): string {
  if (ratio === undefined) return '—';
  const text = ratio.toFixed(2);
  return ratio > 1.5 ? `**${text}**` : text;
}

/** The Markdown table of `runs` (no markers). */
export function runsTable(runs: readonly RunSummary[]): string {
  const header = ['run', 'commit', 'CPU', 'floor a / b ms', 'hop ms', ...RATIO_COLUMNS.map((operation) => `${operation} a/b`), 'initial sync s', 'targets met'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const run of runs) {
    const floor = run.transportFloor ? `${run.transportFloor.gateway.toFixed(2)} / ${run.transportFloor.sql.toFixed(2)}` : '—';
    const sync = (run.initialSyncMs / 1000).toFixed(1);
    lines.push(
      `| ${[
        `\`${run.name}\``,
        run.commit.slice(0, 7),
        cpuFamily(run.cpu),
        floor,
        run.dbRoundTripMs > 0 ? String(run.dbRoundTripMs) : '—',
        ...RATIO_COLUMNS.map((operation) => overFloorCell(run.overFloor[operation])),
        run.datasetCached ? `(${sync})` : sync,
        `${run.targetsMet} of ${run.targetsChecked}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** `document` with the text between the markers replaced by `table`; throws naming a missing marker. */
export function withRunsTable(document: string, table: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0) throw new Error(`BENCHMARKS.md: expected the line ${BEGIN_MARKER}, found none`);
  if (end < begin) throw new Error(`BENCHMARKS.md: expected the line ${END_MARKER} after ${BEGIN_MARKER}, found none`);
  return `${document.slice(0, begin + BEGIN_MARKER.length)}\n${table}\n${document.slice(end)}`;
}

if (require.main === module) {
  const document = fs.readFileSync(BENCHMARKS_FILE, 'utf8');
  const runs = readRunSummaries(RESULTS_DIR);
  fs.writeFileSync(BENCHMARKS_FILE, withRunsTable(document, runsTable(runs)));
  console.log(`BENCHMARKS.md: ${runs.length} runs written between the runs markers`);
}
