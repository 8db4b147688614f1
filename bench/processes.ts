/**
 * Child processes of a bench run: the gateway (`src/index.ts`, exactly what `npm run dev` runs, so its RSS is
 * its own) and the SQL JSON server of variants b and c. Each is started with an explicit environment, waited
 * for with a timeout, and stopped by its own pid (SIGTERM, then SIGKILL after a grace period), also when the bench
 * command itself is interrupted (bench/interrupt.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../test/support/free-port';
import { stoppedOnInterrupt } from './interrupt';

export interface Child {
  name: string;
  /** The endpoint requests go to (…/graphql for a gateway). */
  url: string;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  pid: number;
  /** Resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  stop(): Promise<void>;
}

export function rssMiBOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round((Number(match[1]) / 1024) * 10) / 10;
}

function getText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', () => resolve({ status: 0, text: '' }));
    request.setTimeout(5000, () => {
      request.destroy();
      resolve({ status: 0, text: '' });
    });
  });
}

async function get(url: string): Promise<number> {
  return (await getText(url)).status;
}

/** Waits until the gateway's sync worker has finished a cycle (its start-up cycle recomputes every open loan). */
export async function waitForSyncCycle(gateway: Child, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { text } = await getText(`${gateway.baseUrl}/health/ready`);
    try {
      const body = JSON.parse(text) as { sync?: { lastCycleAt?: string | null; lastError?: string | null } };
      if (body.sync?.lastCycleAt) return true;
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function stopper(child: ChildProcess, name: string): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!child.kill('SIGTERM')) {
        clearTimeout(timer);
        resolve();
      }
    }).catch(() => {
      throw new Error(`could not stop ${name}`);
    });
}

/** Runs node with args, under `wrapper` (a command and its arguments, such as valgrind's) when one is given. */
function spawnLogged(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, wrapper: readonly string[] = []): ChildProcess {
  fs.mkdirSync(logDir, { recursive: true });
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const [command, ...commandArgs] = [...wrapper, process.execPath, ...args];
  const child = spawn(command!, commandArgs, { env, stdio: ['ignore', 'pipe', log] });
  child.stdout!.on('data', (chunk: Buffer) => fs.writeSync(log, chunk));
  return child;
}

export interface GatewayEnv {
  djangoUrl: string;
  metricsUrl: string;
  /** GRAPHQL_BATCHING: false for variant d. */
  batching: boolean;
  syncEnabled: boolean;
  syncIntervalMs?: number;
  poolSize: number;
  /** Runs the gateway under this command (bench/instructions.ts: valgrind), with node's own flags first, and this much time to start. */
  wrapper?: { command: readonly string[]; nodeFlags: readonly string[]; startTimeoutMs: number };
}

export async function startGateway(name: string, options: GatewayEnv, logDir: string): Promise<Child> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DJANGO_DATABASE_URL: options.djangoUrl,
    METRICS_DATABASE_URL: options.metricsUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    SYNC_ENABLED: String(options.syncEnabled),
    SYNC_INTERVAL_MS: String(options.syncIntervalMs ?? 2000),
    SYNC_RECONCILE_INTERVAL_MS: '86400000',
    SIMULATOR_ENABLED: 'false',
    GRAPHQL_BATCHING: String(options.batching),
    DJANGO_POOL_SIZE: String(options.poolSize),
    METRICS_POOL_SIZE: String(options.poolSize),
  };
  const child = spawnLogged(name, [...(options.wrapper?.nodeFlags ?? []), '-r', '@swc-node/register', 'src/index.ts'], env, logDir, options.wrapper?.command);
  const base = `http://127.0.0.1:${port}`;
  const startTimeoutMs = options.wrapper?.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start-up; see ${path.join(logDir, `${name}.log`)}`);
    if ((await get(`${base}/health/live`)) === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${base}/health/live within ${startTimeoutMs / 1000} s; see ${path.join(logDir, `${name}.log`)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { name, url: `${base}/graphql`, baseUrl: base, pid: child.pid!, rssMiB: () => rssMiBOf(child.pid!), stop: stoppedOnInterrupt(stopper(child, name)) };
}

/** Resolves with what follows `listening ` on the child's first such stdout line; rejects when it exits first or takes over 60 s. */
function listeningAddress(child: ChildProcess, name: string, logDir: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${name} did not start within 60 s`)), 60_000);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = /listening (\S+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} exited with code ${code}; see ${path.join(logDir, `${name}.log`)}`));
    });
  });
}

export async function startSqlServer(options: { djangoUrl: string; metricsUrl: string; poolSize: number }, logDir: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BENCH_DJANGO_URL: options.djangoUrl,
    BENCH_METRICS_URL: options.metricsUrl,
    BENCH_POOL_SIZE: String(options.poolSize),
    PORT: '0',
  };
  const child = spawnLogged('sql-server', ['-r', '@swc-node/register', 'bench/sql-server.ts'], env, logDir);
  const url = await listeningAddress(child, 'sql-server', logDir);
  return { name: 'sql-server', url, baseUrl: url, pid: child.pid!, rssMiB: () => rssMiBOf(child.pid!), stop: stoppedOnInterrupt(stopper(child, 'sql-server')) };
}

export interface DelayProxy {
  /** Where clients connect instead of the PostgreSQL server. */
  port: number;
  /** `url` (a postgres:// URL) with its port replaced by the proxy's. */
  via(url: string): string;
  stop(): Promise<void>;
}

/** Starts bench/delay-proxy.ts in front of the PostgreSQL on 127.0.0.1:`targetPort`, holding every answer `delayMs`. */
export async function startDelayProxy(targetPort: number, delayMs: number, logDir: string): Promise<DelayProxy> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BENCH_PROXY_TARGET_PORT: String(targetPort),
    BENCH_PROXY_DELAY_MS: String(delayMs),
  };
  const child = spawnLogged('delay-proxy', ['-r', '@swc-node/register', 'bench/delay-proxy.ts'], env, logDir);
  const address = await listeningAddress(child, 'delay-proxy', logDir);
  const port = Number(address.split(':')[1]);
  const via = (url: string): string => {
    const parsed = new URL(url);
    if (parsed.port !== String(targetPort)) throw new Error(`${parsed.host} is not the server the delay proxy forwards to (port ${targetPort})`);
    parsed.port = String(port);
    return parsed.toString();
  };
  return { port, via, stop: stoppedOnInterrupt(stopper(child, 'delay-proxy')) };
}
