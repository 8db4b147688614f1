/** The table of runs in BENCHMARKS.md is the one the committed result files give, and reads them as they are. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEGIN_MARKER, BENCHMARKS_FILE, END_MARKER, readRunSummaries, RESULTS_DIR, runsTable, withRunsTable } from './history';

function fullRun(overrides: { commit: string; cpuModel: string; aOverB: number; cached: boolean; met: (boolean | null)[]; floor?: boolean; hopMs?: number }): object {
  const latency = Object.fromEntries(
    ['officersList', 'officerById', 'loansPage', 'loanById', 'fimrDrilldown', 'dashboard'].map((operation) => [
      operation,
      { c1: { a: { p50Ms: 2 * overrides.aOverB }, b: { p50Ms: 2 } } },
    ]),
  );
  return {
    date: '2026-11-27',
    commit: overrides.commit,
    mode: 'full',
    machine: { cpuModel: overrides.cpuModel },
    dataset: { initialSyncMs: 61_581, cached: overrides.cached },
    latency,
    ...(overrides.floor === false ? {} : { transportFloor: { gateway: { p50Ms: 0.339 }, sql: { p50Ms: 0.121 } } }),
    ...(overrides.hopMs === undefined ? {} : { dbRoundTripMs: overrides.hopMs }),
    targets: overrides.met.map((met, i) => ({ target: `t${i}`, measured: '', met })),
  };
}

test('summarises the full runs only, in date order and then by tag with numbers in numeric order', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-history-'));
  try {
    const write = (name: string, content: object): void => fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(content));
    write('2026-11-27-scale1-session10', fullRun({ commit: 'bbbbbbbbbb', cpuModel: 'AMD EPYC 7B13', aOverB: 1.25, cached: true, met: [true, false, null], hopMs: 1 }));
    write('2026-11-27-scale1-session9', fullRun({ commit: 'aaaaaaaaaa', cpuModel: 'Intel(R) Xeon(R) Processor', aOverB: 1.75, cached: false, met: [true, true], floor: false }));
    write('2026-11-27-scale1-quick-x', { ...fullRun({ commit: 'c', cpuModel: 'x', aOverB: 1, cached: false, met: [] }), mode: 'quick' });
    write('2026-11-27-scale1-screens-x', { date: '2026-11-27', screens: [] });
    fs.writeFileSync(path.join(dir, '2026-11-27-scale1-session9.md'), '| tables |');

    const runs = readRunSummaries(dir);
    expect(runs.map((run) => run.name)).toEqual(['2026-11-27-scale1-session9', '2026-11-27-scale1-session10']);
    expect(runsTable(runs).split('\n')).toEqual([
      '| run | commit | CPU | floor a / b ms | hop ms | officerById a/b | loanById a/b | loansPage a/b | fimrDrilldown a/b | officersList a/b | dashboard a/b | initial sync s | targets met |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      '| `2026-11-27-scale1-session9` | aaaaaaa | Intel Xeon | — | — | **1.75** | **1.75** | **1.75** | **1.75** | **1.75** | **1.75** | 61.6 | 2 of 2 |',
      '| `2026-11-27-scale1-session10` | bbbbbbb | AMD EPYC | 0.34 / 0.12 | 1 | 1.25 | 1.25 | 1.25 | 1.25 | 1.25 | 1.25 | (61.6) | 1 of 3 |',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('replaces only the text between the markers, and names a missing marker', () => {
  const document = `# B\n\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\nafter\n`;
  expect(withRunsTable(document, '| new |')).toBe(`# B\n\n${BEGIN_MARKER}\n| new |\n${END_MARKER}\n\nafter\n`);
  expect(() => withRunsTable('# B\n', '| new |')).toThrow(`BENCHMARKS.md: expected the line ${BEGIN_MARKER}, found none`);
  expect(() => withRunsTable(`${END_MARKER}\n${BEGIN_MARKER}\n`, '| new |')).toThrow(`expected the line ${END_MARKER} after`);
});

test('BENCHMARKS.md holds the table of the committed result files (run `npm run bench:history` after a run)', () => {
  const document = fs.readFileSync(BENCHMARKS_FILE, 'utf8');
  expect(withRunsTable(document, runsTable(readRunSummaries(RESULTS_DIR)))).toBe(document);
});
