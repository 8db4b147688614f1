/**
 * A closed-loop HTTP load generator: `concurrency` workers, each sending one POST after another on its own
 * keep-alive socket, until a time limit or a request count is reached. Latencies are measured with
 * process.hrtime per request and kept whole, so percentiles are exact (autocannon's histogram rounds to
 * whole milliseconds, too coarse for sub-millisecond point lookups), and every request body can differ
 * (a different loan or officer id each time). A response that is not 200, or whose JSON carries GraphQL
 * `errors`, counts as an error and its latency is not recorded.
 */
import http from 'node:http';

export interface LoadOptions {
  url: string;
  /** Body of the i-th request (JSON text). */
  body: (i: number) => string;
  concurrency: number;
  /** Stop after this many milliseconds of measurement. */
  durationMs: number;
  /** Stop after this many measured requests. */
  maxRequests: number;
  /** Requests sent (and not measured) first, at the same concurrency. */
  warmupRequests: number;
  /** The warm-up also ends after this many milliseconds (slow variants). @default no limit */
  warmupMs?: number;
}

export interface LatencyStats {
  count: number;
  errors: number;
  /** First error text seen, to make failures diagnosable. */
  firstError: string | null;
  elapsedMs: number;
  /** Completed requests per second over the measured window. */
  rps: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function summarise(latencies: number[], errors: number, firstError: string | null, elapsedMs: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    count: sorted.length,
    errors,
    firstError,
    elapsedMs: Math.round(elapsedMs),
    rps: round(sorted.length / (elapsedMs / 1000)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/** One POST of `body` on `agent`; the answer's status and text. */
export function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Why an answer is a failure (not 200, or GraphQL `errors`), or null for a good one. */
export function failure(status: number, text: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  // Cheap test first; parse only when the word appears.
  if (text.includes('"errors"')) {
    const parsed = JSON.parse(text) as { errors?: unknown[] };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) return `GraphQL errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
  }
  return null;
}

/** Sends one request and returns the parsed JSON (for correctness checks and statement counts). */
export async function postJson(url: string, body: string): Promise<unknown> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const { status, text } = await post(agent, new URL(url), body);
    const problem = failure(status, text);
    if (problem) throw new Error(`${url}: ${problem}`);
    return JSON.parse(text);
  } finally {
    agent.destroy();
  }
}

/** What one load window adds to: latencies of good answers, failures, and the time it ran. */
interface Tally {
  latencies: number[];
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  /** Requests sent so far (the next request gets this number). */
  next: number;
}

/** Sends the warm-up requests (same path, results thrown away); a failing one stops with the reason. */
async function warmUp(agent: http.Agent, url: URL, options: LoadOptions, tally: Tally): Promise<void> {
  let warm = 0;
  const deadline = performance.now() + (options.warmupMs ?? Number.POSITIVE_INFINITY);
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (warm < options.warmupRequests && performance.now() < deadline) {
        warm += 1;
        const { status, text } = await post(agent, url, options.body(tally.next++));
        const problem = failure(status, text);
        if (problem) throw new Error(`warm-up request to ${options.url} failed: ${problem}`);
      }
    }),
  );
}

/** Runs `concurrency` closed-loop workers until `durationMs` or `maxRequests` (of this window), adding to `tally`. */
async function measureWindow(agent: http.Agent, url: URL, options: LoadOptions, durationMs: number, maxRequests: number, tally: Tally): Promise<void> {
  const started = performance.now();
  const deadline = started + durationMs;
  let sent = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (sent < maxRequests && performance.now() < deadline) {
        sent += 1;
        const body = options.body(tally.next++);
        const t0 = process.hrtime.bigint();
        try {
          const { status, text } = await post(agent, url, body);
          const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
          const problem = failure(status, text);
          if (problem) {
            tally.errors += 1;
            tally.firstError ??= problem;
          } else {
            tally.latencies.push(elapsed);
          }
        } catch (error) {
          tally.errors += 1;
          tally.firstError ??= String(error);
        }
      }
    }),
  );
  tally.elapsedMs += performance.now() - started;
}

const emptyTally = (): Tally => ({ latencies: [], errors: 0, firstError: null, elapsedMs: 0, next: 0 });

export async function runLoad(options: LoadOptions): Promise<LatencyStats> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const tally = emptyTally();
  try {
    await warmUp(agent, url, options, tally);
    await measureWindow(agent, url, options, options.durationMs, options.maxRequests, tally);
    return summarise(tally.latencies, tally.errors, tally.firstError, tally.elapsedMs);
  } finally {
    agent.destroy();
  }
}

/** One of the endpoints runInterleaved compares. */
export interface LoadTarget {
  url: string;
  body: (i: number) => string;
}

/**
 * Measures several endpoints under the same conditions: after each one's warm-up, `rounds` rounds in which every
 * target runs a window of durationMs / rounds (and at most maxRequests / rounds requests), the order rotating
 * each round. Load from outside (other processes, a neighbour on the host) drifts over seconds; measured one after
 * the other, each target would see a different share of it, while interleaved they all see the same mix, so their
 * ratios hold from run to run. The i-th request of every target gets body(i), as with runLoad. A target whose
 * warm-up fails is reported as that error and left out of the rounds.
 */
export async function runInterleaved(
  targets: readonly LoadTarget[],
  options: Omit<LoadOptions, 'url' | 'body'> & { rounds: number },
): Promise<Array<LatencyStats | Error>> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: options.concurrency }));
  const tallies = targets.map(emptyTally);
  const failed: Array<Error | undefined> = [];
  const windowMs = options.durationMs / options.rounds;
  const windowRequests = Math.ceil(options.maxRequests / options.rounds);
  try {
    for (const [i, target] of targets.entries()) {
      failed[i] = await warmUp(agents[i]!, new URL(target.url), { ...options, ...target }, tallies[i]!).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
    }
    for (let round = 0; round < options.rounds; round += 1) {
      for (let k = 0; k < targets.length; k += 1) {
        const i = (round + k) % targets.length;
        if (failed[i]) continue;
        await measureWindow(agents[i]!, new URL(targets[i]!.url), { ...options, ...targets[i]! }, windowMs, windowRequests, tallies[i]!);
      }
    }
    return tallies.map((t, i) => failed[i] ?? summarise(t.latencies, t.errors, t.firstError, t.elapsedMs));
  } finally {
    for (const agent of agents) agent.destroy();
  }
}
