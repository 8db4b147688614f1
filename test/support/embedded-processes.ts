/** For end-to-end tests that start an embedded PostgreSQL in a child process: its data directory and processes. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh data directory path (not created: the embedded server creates it) under a temporary parent. */
export function scratchDataDir(prefix: string): { parent: string; dataDir: string } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(parent, 0o755); // PostgreSQL runs as the OS user "postgres", which must reach the data dir
  return { parent, dataDir: path.join(parent, 'pg') };
}

/** The `ps` lines of the postgres processes serving `dataDir`. */
export function postgresProcessesUsing(dataDir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(dataDir) && /postgres/.test(line));
}
