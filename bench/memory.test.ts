/**
 * RSS growth as median of the first window vs median of the last (bench/memory.ts) on concrete sample series:
 * a GC sawtooth without a climb reads ~0% however the raw first/last readings fall, a steady climb reads its
 * real percentage; and the report checks the target against the medians, not the raw readings.
 */
import { growthPct, median, rssGrowth, startRssSampler, type RssSample } from './memory';
import { checkTargets, markdownTables, type BenchResult, type MemoryFigures } from './report';

/** One sample every 2 s for `seconds` (inclusive of 0), value from the sample index. */
const series = (seconds: number, value: (i: number) => number): RssSample[] =>
  Array.from({ length: seconds / 2 + 1 }, (_, i) => ({ atMs: i * 2000, rssMiB: value(i) }));

test('median of odd and even counts, unsorted input left as it was', () => {
  const values = [5, 1, 3];
  expect(median(values)).toBe(3);
  expect(values).toEqual([5, 1, 3]);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(() => median([])).toThrow('median of no values');
});

test('a sawtooth without a climb: raw first → last says +23%, the window medians say 0%', () => {
  // 300 → 370 MiB in six 2 s steps, then collected back to 300; 298 s of load ends on a peak.
  const samples = series(298, (i) => 300 + 14 * (i % 6));
  expect(samples[0]!.rssMiB).toBe(300);
  expect(samples[samples.length - 1]!.rssMiB).toBe(370);
  expect(growthPct(300, 370)).toBe(23.3);

  const growth = rssGrowth(samples, 60_000);
  expect(growth).toEqual({
    windowMs: 60_000,
    firstWindowMedianMiB: 335,
    lastWindowMedianMiB: 335,
    medianGrowthPct: 0,
    firstWindowSamples: 30,
    lastWindowSamples: 30,
    minMiB: 300,
    maxMiB: 370,
  });
});

test('a sawtooth whose window holds a partial tooth still stays within a few percent', () => {
  // Period 14 s (7 samples) does not divide the 60 s window; the series starts in a trough and ends at a peak.
  const samples = series(292, (i) => 300 + (70 / 6) * (i % 7));
  const growth = rssGrowth(samples, 60_000);
  expect(Math.abs(growth.medianGrowthPct)).toBeLessThan(4);
  expect(growthPct(samples[0]!.rssMiB, samples[samples.length - 1]!.rssMiB)).toBeGreaterThan(15);
});

test('a steady climb reads its real growth between the window centres', () => {
  // 200 MiB + 0.2 MiB/s for 300 s: first window centred on 29 s (205.8), last on 271 s (254.2).
  const samples = series(300, (i) => 200 + 0.2 * i * 2);
  const growth = rssGrowth(samples, 60_000);
  expect(growth).toMatchObject({ firstWindowMedianMiB: 205.8, lastWindowMedianMiB: 254.2, medianGrowthPct: 23.5, minMiB: 200, maxMiB: 260 });
});

test('windows are chosen by time, not by count, so late or irregular timer ticks do not shift them', () => {
  const samples: RssSample[] = [
    { atMs: 0, rssMiB: 100 },
    { atMs: 2500, rssMiB: 102 },
    { atMs: 9900, rssMiB: 104 }, // last one of the first 10 s window
    { atMs: 10_000, rssMiB: 500 }, // in neither window
    { atMs: 20_100, rssMiB: 120 }, // first of the last 10 s window (ends at 30 s)
    { atMs: 30_000, rssMiB: 130 },
  ];
  expect(rssGrowth(samples, 10_000)).toMatchObject({ firstWindowMedianMiB: 102, firstWindowSamples: 3, lastWindowMedianMiB: 125, lastWindowSamples: 2, medianGrowthPct: 22.5, maxMiB: 500 });
});

test('a load shorter than two windows compares overlapping windows; no samples is an error', () => {
  expect(rssGrowth([{ atMs: 0, rssMiB: 80 }], 60_000)).toMatchObject({ firstWindowMedianMiB: 80, lastWindowMedianMiB: 80, medianGrowthPct: 0 });
  expect(() => rssGrowth([], 60_000)).toThrow('no RSS samples');
});

test('the sampler reads at start, every interval and at stop, with offsets; a failed reading is skipped', () => {
  jest.useFakeTimers();
  try {
    const readings = [10, 11, Number.NaN, 13, 14];
    let call = 0;
    const sampler = startRssSampler(() => {
      const value = readings[call++]!;
      if (Number.isNaN(value)) throw new Error('ENOENT /proc/1/status');
      return value;
    }, 1000);
    jest.advanceTimersByTime(3500);
    expect(sampler.stop()).toEqual([
      { atMs: 0, rssMiB: 10 },
      { atMs: 1000, rssMiB: 11 },
      { atMs: 3000, rssMiB: 13 },
      { atMs: 3500, rssMiB: 14 },
    ]);
    jest.advanceTimersByTime(5000);
    expect(call).toBe(5);
  } finally {
    jest.useRealTimers();
  }
});

test('the report checks the memory target against the window medians and names the method', () => {
  const samples = series(298, (i) => 300 + 14 * (i % 6));
  const memory: MemoryFigures = {
    loadMs: 300_000,
    concurrency: 8,
    requests: 6000,
    errors: 0,
    rssBeforeMiB: 300,
    rssAfterMiB: 370,
    growthPct: 23.3,
    samplesMiB: samples.map((s) => s.rssMiB),
    sampleOffsetsMs: samples.map((s) => s.atMs),
    sampleIntervalMs: 2000,
    ...rssGrowth(samples, 60_000),
  };
  const partial = { latency: {}, dataset: { initialSyncMs: 1000 }, statements: null, subscriptions: null, sync: null, memory } as unknown as Omit<BenchResult, 'targets'>;
  const row = checkTargets(partial).find((t) => t.target.startsWith('RSS growth'));
  expect(row).toEqual({
    target: 'RSS growth < 10% after warm-up (median of first vs last minute)',
    measured: '0.0% (335 → 335 MiB; raw 300 → 370 MiB 23.3%)',
    met: true,
  });
  const markdown = markdownTables({ ...partial, targets: [row!] } as BenchResult);
  expect(markdown).toContain('| growth (median of first vs last minute) | 0.0% (335 → 335 MiB; 30 / 30 samples) |');
  expect(markdown).toContain('| raw first → last reading | 300 → 370 MiB (23.3%) |');
  expect(markdown).toContain('| min / max over the load | 300 / 370 MiB (150 samples) |');
  expect(markdown).toContain('| RSS growth < 10% after warm-up (median of first vs last minute) | 0.0% (335 → 335 MiB; raw 300 → 370 MiB 23.3%) | yes |');
});
