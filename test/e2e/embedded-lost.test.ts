/**
 * The embedded PostgreSQL's process ending under a running gateway (killed, crashed) is not left to fail every
 * request: nothing would restart it, so the gateway says so in one line and stops, with exit code 1, for whatever
 * supervises it to start it again.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { repoRoot } from '../../src/paths';
import { embeddedGatewayEnv, postgresProcessesUsing, scratchDataDir } from '../support/embedded-processes';
import { freePort } from '../support/free-port';

it('stops with exit code 1 and one error line when its embedded PostgreSQL is killed', async () => {
  const { parent, dataDir } = scratchDataDir('gateway-lost-');
  const [port, pgPort] = [await freePort(), await freePort()];
  let output = '';
  const gateway = spawn(process.execPath, ['-r', '@swc-node/register', 'src/index.ts'], {
    cwd: repoRoot,
    env: embeddedGatewayEnv({ port, pgPort, dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => gateway.once('exit', resolve));
  try {
    const deadline = Date.now() + 120_000;
    while (!output.includes('"msg":"gateway ready"')) {
      if (gateway.exitCode !== null || Date.now() > deadline) throw new Error(`no "gateway ready" (exit ${gateway.exitCode})\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const postmaster = postgresProcessesUsing(dataDir);
    expect(postmaster).toHaveLength(1);
    process.kill(Number(postmaster[0]!.trim().split(/\s+/)[0]), 'SIGKILL');

    expect(await exited).toBe(1);
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; code?: number | null; signal?: string | null; reason?: string });
    expect(lines.filter((line) => line.msg.startsWith('the embedded PostgreSQL'))).toEqual([
      expect.objectContaining({ level: 50, msg: 'the embedded PostgreSQL stopped unexpectedly; the gateway cannot serve without it and stops', code: null, signal: 'SIGKILL' }),
    ]);
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'shutting down', reason: 'the embedded PostgreSQL stopped' }));
    // An orderly stop of everything else, not the shutdown deadline.
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'stopped' });
  } finally {
    if (gateway.exitCode === null) gateway.kill('SIGKILL');
    for (const line of postgresProcessesUsing(dataDir)) process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    fs.rmSync(parent, { recursive: true, force: true });
  }
}, 180_000);
