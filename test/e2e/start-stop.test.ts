/**
 * `npm start` from nothing: the process starts an embedded PostgreSQL, migrates, seeds demo data, syncs and
 * answers /health/ready; SIGTERM stops it with exit code 0 and leaves no postgres process behind.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/paths';
import { freePort } from '../support/free-port';

function postgresProcessesUsing(dataDir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dataDir) && /postgres/.test(line));
}

/** Polls until probe returns a value; a probe that throws a "process exited" error ends the wait at once. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch((error: Error) => {
      if (error.message.startsWith('the process exited')) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `npm start` runs the tsc build with node; build it the same way, into a scratch folder inside the project. */
function buildLikeNpmStart(): string {
  const outDir = path.join(repoRoot, '.data', `e2e-dist-${process.pid}`);
  execFileSync(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repoRoot, stdio: 'pipe' });
  return path.join(outDir, 'src/index.js');
}

describe('npm start on an embedded PostgreSQL', () => {
  let child: ChildProcess | undefined;
  let builtEntry: string;
  beforeAll(() => {
    builtEntry = buildLikeNpmStart();
  }, 120_000);
  let dataDir: string;
  let output = '';

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    if (builtEntry) fs.rmSync(path.dirname(path.dirname(builtEntry)), { recursive: true, force: true });
  });

  it('becomes ready with demo data in both databases, then stops cleanly on SIGTERM', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-start-'));
    fs.chmodSync(parent, 0o755); // PostgreSQL runs as the OS user "postgres", which must reach the data dir
    dataDir = path.join(parent, 'pg');
    const [port, pgPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [builtEntry], {
      cwd: repoRoot,
      env: {
        NODE_ENV: 'production',
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: '127.0.0.1',
        EMBEDDED_PG_DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
        DEMO_SCALE: '0.01',
        DEMO_AS_OF: '2025-12-10',
        // The simulator on: live writes and events must not disturb the ordered stop.
        SIMULATOR_ENABLED: 'true',
        SIMULATOR_INTERVAL_MS: '200',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const ready = await waitFor(
      '/health/ready 200',
      async () => {
        if (child!.exitCode !== null) throw new Error(`the process exited with code ${child!.exitCode}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
        return response.status === 200 ? ((await response.json()) as Record<string, { ok?: boolean }>) : undefined;
      },
      110_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- process output ---\n${output}`);
    });
    expect(ready).toMatchObject({ status: expect.stringMatching(/^(ok|degraded)$/), django: { ok: true }, metrics: { ok: true } });

    const loans = await waitFor(
      'synced loans visible through GraphQL',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ loans(first: 1) { totalCount } }' }),
        });
        const body = (await response.json()) as { data?: { loans: { totalCount: number } } };
        return body.data && body.data.loans.totalCount > 0 ? body.data.loans.totalCount : undefined;
      },
      60_000,
    );
    expect(loans).toBeGreaterThan(50);
    expect(postgresProcessesUsing(dataDir).length).toBeGreaterThan(0);

    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const hung = setTimeout(() => reject(new Error(`still running 60 s after SIGTERM\n--- process output ---\n${output.slice(-3000)}`)), 60_000);
      child!.once('exit', (code) => {
        clearTimeout(hung);
        resolve(code);
      });
      child!.kill('SIGTERM');
    });
    expect(exitCode).toBe(0);
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
    // Ordered: nothing complained that the database went away while something still used it.
    const afterSignal = output.slice(output.indexOf('"msg":"shutting down"'));
    expect(afterSignal).toContain('"msg":"stopped"');
    expect(afterSignal).not.toMatch(/"level":(50|60)|the database system is shutting down|terminating connection/);
  }, 180_000);

  it('refuses a bad configuration with exit code 1 and one line naming the variable', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const bad = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, PORT: 'eighty' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      bad.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      bad.once('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Configuration error: PORT must be an integer from 0 to 65535; got "eighty"\n');
  }, 60_000);
});
