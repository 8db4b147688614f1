/**
 * `npm start` from nothing: the process starts an embedded PostgreSQL, migrates, seeds demo data, syncs and
 * answers /health/ready; SIGTERM stops it with exit code 0 and leaves no postgres process behind. A bad
 * configuration, or a value found unusable at start-up, ends it with exit code 1 and one line naming the variable.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { redactUrl } from '../../src/config';
import { repoRoot } from '../../src/paths';
import { createEmptyDatabase, createTestDatabases, type TestDatabases } from '../support/databases';
import { embeddedGatewayEnv, postgresProcessesUsing, scratchDataDir } from '../support/embedded-processes';
import { freePort } from '../support/free-port';
import { withDatabase } from '../support/test-env';

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

/** Runs src/index.ts (as `npm run dev` does, without --watch) with only `env`, until it exits. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
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
    dataDir = scratchDataDir('gateway-start-').dataDir;
    const [port, pgPort] = [await freePort(), await freePort()];
    // As `npm start` runs it: npm hands the script to sh and forwards a SIGTERM to that shell, so the shell must have
    // become the gateway (exec). Before, sh died of the signal and the gateway ran on, orphaned, never stopping.
    const script = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(script.startsWith('npm run build && ')).toBe(true);
    child = spawn('sh', ['-c', script.slice('npm run build && '.length).replace('dist/src/index.js', builtEntry)], {
      cwd: repoRoot,
      // The simulator on (as embeddedGatewayEnv sets it): live writes and events must not disturb the ordered stop.
      env: embeddedGatewayEnv({ port, pgPort, dataDir }),
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
    const result = await runToExit({ PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Configuration error: PORT must be an integer from 0 to 65535; got "eighty"\n');
  }, 60_000);

  it('refuses an EMBEDDED_PG_DATA_DIR under a regular file the same way, before PostgreSQL starts', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-file-'));
    try {
      const file = path.join(parent, 'file');
      fs.writeFileSync(file, '');
      const result = await runToExit({ EMBEDDED_PG_DATA_DIR: path.join(file, 'pg') });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Configuration error: EMBEDDED_PG_DATA_DIR must be a directory, or a path where one can be created; got "${file}/pg" (${file} is a file, not a directory)\n`);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('values found unusable at start-up, against configured databases', () => {
  let dbs: TestDatabases;
  let taken: net.Server;
  let takenPort: number;
  beforeAll(async () => {
    dbs = await createTestDatabases();
    taken = net.createServer();
    takenPort = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as net.AddressInfo).port)));
  });
  afterAll(async () => {
    await new Promise((resolve) => taken?.close(resolve));
    await dbs?.drop();
  });

  const start = (env: Record<string, string>) =>
    runToExit({ DJANGO_DATABASE_URL: dbs.djangoUrl, METRICS_DATABASE_URL: dbs.metricsUrl, HOST: '127.0.0.1', SYNC_ENABLED: 'false', LOG_LEVEL: 'warn', AUTH_DISABLED: 'true', ...env });

  /** Exit code 1, the one stderr line, and no stack or graphql-ws "Internal error" anywhere. */
  function expectOneLine(result: { code: number | null; stdout: string; stderr: string }): string {
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toHaveLength(2); // the line and its newline
    expect(result.stdout + result.stderr).not.toMatch(/Internal error emitted|\n\s+at |"stack"/);
    return result.stderr;
  }

  it('a PORT another process listens on, before anything is written', async () => {
    const empty = await createEmptyDatabase('port_taken');
    try {
      const stderr = expectOneLine(await start({ PORT: String(takenPort), METRICS_DATABASE_URL: empty.url }));
      expect(stderr).toBe(`Configuration error: PORT must be a port no other process listens on; got "${takenPort}" (listen EADDRINUSE: address already in use 127.0.0.1:${takenPort})\n`);
      expect(await empty.tableCount()).toBe(0); // not migrated: the port was tried first
    } finally {
      await empty.drop();
    }
  }, 60_000);

  it('authentication left off (a secret forgotten, a variable misspelt), before anything is written', async () => {
    const empty = await createEmptyDatabase('auth_off');
    try {
      // The loans and customers of real databases would be served to every caller as the anonymous reader.
      const stderr = expectOneLine(await start({ AUTH_DISABLED: '', AUTH_JWT_SECRETS: 's'.repeat(40), METRICS_DATABASE_URL: empty.url, PORT: String(await freePort()) }));
      expect(stderr).toBe(
        'Configuration error: AUTH_JWT_SECRET must be set, or AUTH_JWKS_URL, to serve real databases (AUTH_DISABLED=true lets every caller in as the anonymous reader); got nothing\n',
      );
      expect(await empty.tableCount()).toBe(0);
    } finally {
      await empty.drop();
    }
  }, 60_000);

  it('a HOST that is not an address of this machine, or does not resolve', async () => {
    const port = await freePort();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a machine.
    expect(expectOneLine(await start({ HOST: '192.0.2.1', PORT: String(port) }))).toBe(
      `Configuration error: HOST must be an address of this machine to listen on; got "192.0.2.1" (listen EADDRNOTAVAIL: address not available 192.0.2.1:${port})\n`,
    );
    expect(expectOneLine(await start({ HOST: 'no-such-host.invalid', PORT: String(port) }))).toMatch(
      /^Configuration error: HOST must be an address of this machine to listen on; got "no-such-host.invalid" \(getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host.invalid\)\n$/,
    );
  }, 60_000);

  it('a METRICS_DATABASE_URL naming a database that does not exist', async () => {
    const missing = withDatabase(dbs.metricsUrl, 'no_such_seedsmetrics');
    expect(expectOneLine(await start({ METRICS_DATABASE_URL: missing, PORT: String(await freePort()) }))).toBe(
      `Configuration error: METRICS_DATABASE_URL must be a database the gateway can connect to; got ${JSON.stringify(redactUrl(missing))} (database "no_such_seedsmetrics" does not exist)\n`,
    );
  }, 60_000);
});
