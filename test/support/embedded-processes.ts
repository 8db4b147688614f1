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

/**
 * The environment of a gateway child in embedded mode on `dataDir` and `pgPort`, listening on `port`: a small demo
 * world (scale 0.01) with the simulator writing every 200 ms, so live writes go on while a test stops it.
 */
export function embeddedGatewayEnv(options: { port: number; pgPort: number; dataDir: string }): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    EMBEDDED_PG_DATA_DIR: options.dataDir,
    EMBEDDED_PG_PORT: String(options.pgPort),
    DEMO_SCALE: '0.01',
    DEMO_AS_OF: '2025-12-10',
    SIMULATOR_ENABLED: 'true',
    SIMULATOR_INTERVAL_MS: '200',
    LOG_LEVEL: 'info',
  };
}
