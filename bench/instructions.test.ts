/**
 * bench:instructions' pure parts: its flags (shared readers of bench/args.ts), reading a callgrind dump, and
 * the table it prints. The counting itself needs valgrind and minutes; `npm run bench:instructions` runs it.
 */
import { callgrindTotal, markdownTable, cheapestWindow, parseInstructionArgs, type InstructionResult } from './instructions';

test('takes the defaults, and each flag with its value', () => {
  expect(parseInstructionArgs([])).toEqual({
    scale: 1,
    seed: 42,
    asOf: '2025-12-10',
    warmup: 2000,
    windows: 9,
    requests: 100,
    pgPort: 54339,
    tag: undefined,
    operations: ['officersList', 'officerById', 'loansPage', 'loanById', 'fimrDrilldown', 'dashboard'],
  });
  expect(parseInstructionArgs(['--operations', 'loanById,officerById']).operations).toEqual(['officerById', 'loanById']);
  expect(parseInstructionArgs(['--scale', '10', '--warmup', '0', '--requests', '50', '--tag', 'after-fix', '--pg-port', '55000'])).toMatchObject({
    scale: 10,
    warmup: 0,
    requests: 50,
    tag: 'after-fix',
    pgPort: 55000,
  });
});

test('refuses a bad flag naming what it expected and what arrived', () => {
  expect(() => parseInstructionArgs(['--requests', '0'])).toThrow('--requests must be a whole number of at least 1; got "0"');
  expect(() => parseInstructionArgs(['--warmup', '1e3'])).toThrow('--warmup must be a whole number of at least 0; got "1e3"');
  expect(() => parseInstructionArgs(['--tag', 'After'])).toThrow('--tag must be lower-case letters, digits and dashes; got "After"');
  // The demo generator's bounds (src/seed/limits.ts), refused before the bench's PostgreSQL starts.
  expect(() => parseInstructionArgs(['--scale', '0'])).toThrow('--scale must be a number from 0.001 to 100 such as 1 or 10; got "0"');
  expect(() => parseInstructionArgs(['--seed', '4294967296'])).toThrow('--seed must be a whole number from 0 to 4294967295; got "4294967296"');
  expect(() => parseInstructionArgs(['--requests'])).toThrow(/^--requests needs a value; usage: npm run bench:instructions/);
  expect(() => parseInstructionArgs(['--operations', 'loanById,loans'])).toThrow(
    '--operations must be a comma-separated list of officersList, officerById, loansPage, loanById, fimrDrilldown, dashboard; got "loanById,loans"',
  );
  expect(() => parseInstructionArgs(['--quick'])).toThrow(/^unknown argument "--quick"; usage: npm run bench:instructions/);
});

test('reads the instruction total of a callgrind dump part', () => {
  const dump = ['# callgrind format', 'version: 1', 'creator: callgrind-3.19.0', 'part: 2', 'events: Ir', 'summary: 1234567', '', 'fn=(1) main', '16 3', 'totals: 1234567', ''].join('\n');
  expect(callgrindTotal(dump, 'callgrind.out.2')).toBe(1234567);
  expect(() => callgrindTotal('events: Ir\n', 'callgrind.out.3')).toThrow('callgrind.out.3 is not a callgrind dump: it has no "totals:" or "summary:" line');
});

test('the figure of an operation is its cheapest window, so windows that caught a compilation or a major GC do not move it', () => {
  expect(cheapestWindow([1_409_183, 1_474_081, 2_181_000, 1_548_348, 1_537_342, 1_925_359, 1_540_494])).toBe(1_409_183);
  expect(cheapestWindow([7])).toBe(7);
  expect(() => cheapestWindow([])).toThrow('no window was measured');
});

test('tabulates instructions per request and what each operation adds to { __typename }', () => {
  const result: InstructionResult = {
    date: '2026-11-26',
    commit: 'abc1234',
    machine: { cpus: 2, cpuModel: 'x', memoryGiB: 24, loadAverageAtStart: [0, 0, 0], node: 'v20.20.2', postgres: '18.0', platform: 'Linux' },
    valgrind: 'valgrind-3.19.0',
    scale: 1,
    warmup: 2000,
    windows: 3,
    requests: 100,
    perRequest: { typename: 564000, officerById: 1440000, loanById: 1500000 },
    windowsPerRequest: { typename: [565000, 566400, 564000], officerById: [1450000, 1900000, 1440000], loanById: [1500000, 1500000, 1500000] },
  };
  const table = markdownTable(result);
  expect(table).toContain('| typename | 564,000 |  | 564–566 |');
  expect(table).toContain('| officerById | 1,440,000 | 876,000 | 1,440–1,900 |');
  expect(table).toContain('| loanById | 1,500,000 | 936,000 | 1,500–1,500 |');
  expect(table).toContain('the cheapest of 3 windows of 100 requests');
  expect(table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| operation'))).toHaveLength(3);
});
