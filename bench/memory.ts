/**
 * Memory growth of a process under load, robust against the garbage-collection sawtooth: RSS is sampled every
 * few seconds, and growth compares the median of the samples in the first window after warm-up with the median
 * of the last window. A single reading can land on a peak or a trough of the sawtooth (one run read +1.8%,
 * another +16.5% with samples swinging by 70 MiB without a steady climb); a window's median does not.
 */

/** One RSS reading, `atMs` after the first one (taken when the load starts, after warm-up). */
export interface RssSample {
  atMs: number;
  rssMiB: number;
}

export interface RssGrowth {
  /** Width of the first and of the last window. */
  windowMs: number;
  firstWindowMedianMiB: number;
  lastWindowMedianMiB: number;
  /** (last-window median − first-window median) / first-window median, in %, one decimal. */
  medianGrowthPct: number;
  firstWindowSamples: number;
  lastWindowSamples: number;
  minMiB: number;
  maxMiB: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

export function growthPct(fromMiB: number, toMiB: number): number {
  return oneDecimal(((toMiB - fromMiB) / fromMiB) * 100);
}

/**
 * The first window is the samples taken less than `windowMs` after the first sample; the last window is the
 * samples taken less than `windowMs` before the last sample. Both always hold at least one sample.
 */
export function rssGrowth(samples: readonly RssSample[], windowMs: number): RssGrowth {
  if (samples.length === 0) throw new Error('no RSS samples');
  const start = samples[0]!.atMs;
  const end = samples[samples.length - 1]!.atMs;
  const first = samples.filter((s) => s.atMs - start < windowMs).map((s) => s.rssMiB);
  const last = samples.filter((s) => end - s.atMs < windowMs).map((s) => s.rssMiB);
  const firstWindowMedianMiB = oneDecimal(median(first));
  const lastWindowMedianMiB = oneDecimal(median(last));
  const all = samples.map((s) => s.rssMiB);
  return {
    windowMs,
    firstWindowMedianMiB,
    lastWindowMedianMiB,
    medianGrowthPct: growthPct(firstWindowMedianMiB, lastWindowMedianMiB),
    firstWindowSamples: first.length,
    lastWindowSamples: last.length,
    minMiB: Math.min(...all),
    maxMiB: Math.max(...all),
  };
}

/**
 * Reads RSS now and then every `intervalMs` until stopped; `stop()` takes a last reading and returns them all.
 * A failed reading (the process gone) is skipped: the load phase reports the failure through its errors.
 */
export function startRssSampler(readMiB: () => number, intervalMs: number): { stop(): RssSample[] } {
  const started = Date.now();
  const samples: RssSample[] = [];
  const take = (): void => {
    try {
      samples.push({ atMs: Date.now() - started, rssMiB: readMiB() });
    } catch {
      // skipped, see above
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
