/**
 * An interrupted bench command stops what it started: a script that started a child process through
 * stoppedOnInterrupt, sent SIGINT or SIGTERM, stops the child and exits 130 or 143.
 */
import { spawn } from 'node:child_process';

const SCRIPT = `
  const { spawn } = require('node:child_process');
  const { stoppedOnInterrupt } = require('./bench/interrupt.ts');
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  stoppedOnInterrupt(() => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }));
  const forgotten = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const stopForgotten = stoppedOnInterrupt(() => new Promise((resolve) => { forgotten.once('exit', () => resolve()); forgotten.kill('SIGTERM'); }));
  stopForgotten().then(() => process.stdout.write('ready ' + child.pid + ' ' + forgotten.pid + '\\n'));
  setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function interrupt(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; childAlive: boolean }> {
  const script = spawn(process.execPath, ['-r', '@swc-node/register', '-e', SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  script.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    script.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /ready (\d+) (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    script.once('exit', (code) => reject(new Error(`the script exited (${code}) before it was ready: ${stderr}`)));
  });
  expect(alive(pid)).toBe(true);
  const code = await new Promise<number | null>((resolve) => {
    script.once('exit', (exitCode) => resolve(exitCode));
    script.kill(signal);
  });
  return { code, stderr, childAlive: alive(pid) };
}

it.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s stops the processes it started (only those still running) and exits %i', async (signal, expectedCode) => {
  const result = await interrupt(signal);
  expect(result).toEqual({ code: expectedCode, stderr: `bench: ${signal}: stopping the 1 process(es) it started\n`, childAlive: false });
}, 30_000);
