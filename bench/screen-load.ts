/**
 * Many users opening one dashboard screen at once: each user has its own keep-alive sockets (a browser's six per
 * origin) and sends the screen's query documents in parallel, as the dashboard does when the screen opens, then
 * opens it again as soon as everything has answered. Measured per document and for the whole screen (from the
 * first request sent to the last answer received): the time a user waits for the screen.
 */
import http from 'node:http';
import { failure, post, summarise } from './load';

/** Sockets a browser opens to one origin (HTTP/1.1). */
const BROWSER_SOCKETS_PER_ORIGIN = 6;

export interface ScreenDocument {
  name: string;
  /** The JSON request body. */
  body: string;
}

export interface DocumentAnswer {
  name: string;
  status: number;
  text: string;
  ms: number;
}

/** One opening of the screen by the user behind `agent`: every document sent at once, each answer with its latency. */
export function loadScreenOnce(agent: http.Agent, url: URL, documents: readonly ScreenDocument[]): Promise<DocumentAnswer[]> {
  return Promise.all(
    documents.map(async ({ name, body }) => {
      const started = process.hrtime.bigint();
      const { status, text } = await post(agent, url, body);
      return { name, status, text, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    }),
  );
}

/** A keep-alive agent with the sockets of one browser. */
export function browserAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: BROWSER_SOCKETS_PER_ORIGIN });
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface ScreenLoadStats {
  users: number;
  loadsPerUser: number;
  /** Screen openings whose every document answered without error. */
  screensLoaded: number;
  /** Whole-screen time of those openings. */
  screen: Percentiles;
  /** Each document's answers without error. */
  documents: Record<string, Percentiles & { errors: number }>;
  /** Documents that failed: transport error, HTTP status other than 200, or GraphQL errors. */
  errors: number;
  firstError: string | null;
  elapsedMs: number;
}

/**
 * `users` users open the screen at the same moment, each `loadsPerUser` times one after the other; a failed
 * document counts as an error (its latency and its screen's are left out) and the run goes on.
 */
export async function runScreenLoad(options: { url: string; documents: readonly ScreenDocument[]; users: number; loadsPerUser: number }): Promise<ScreenLoadStats> {
  const url = new URL(options.url);
  const screenMs: number[] = [];
  const documentMs = new Map<string, number[]>(options.documents.map(({ name }) => [name, []]));
  const documentErrors = new Map<string, number>(options.documents.map(({ name }) => [name, 0]));
  let firstError: string | null = null;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.users }, async () => {
      const agent = browserAgent();
      try {
        for (let load = 0; load < options.loadsPerUser; load += 1) {
          const opened = process.hrtime.bigint();
          const answers = await loadScreenOnce(agent, url, options.documents).catch((error: unknown) => error);
          if (!Array.isArray(answers)) {
            for (const { name } of options.documents) documentErrors.set(name, documentErrors.get(name)! + 1);
            firstError ??= String(answers);
            continue;
          }
          const shown = Number(process.hrtime.bigint() - opened) / 1e6;
          let failed = false;
          for (const answer of answers as DocumentAnswer[]) {
            const problem = failure(answer.status, answer.text);
            if (problem === null) {
              documentMs.get(answer.name)!.push(answer.ms);
            } else {
              failed = true;
              documentErrors.set(answer.name, documentErrors.get(answer.name)! + 1);
              firstError ??= `${answer.name}: ${problem}`;
            }
          }
          if (!failed) screenMs.push(shown);
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const percentiles = (latencies: number[]): Percentiles => {
    const { p50Ms, p95Ms, maxMs } = summarise(latencies, 0, null, elapsedMs);
    return { p50Ms, p95Ms, maxMs };
  };
  const documents: ScreenLoadStats['documents'] = {};
  for (const [name, latencies] of documentMs) documents[name] = { ...percentiles(latencies), errors: documentErrors.get(name)! };
  return {
    users: options.users,
    loadsPerUser: options.loadsPerUser,
    screensLoaded: screenMs.length,
    screen: percentiles(screenMs),
    documents,
    errors: [...documentErrors.values()].reduce((a, b) => a + b, 0),
    firstError,
    elapsedMs: Math.round(elapsedMs),
  };
}
