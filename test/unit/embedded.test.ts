/**
 * EMBEDDED_PG_DATA_DIR mistakes are refused in one line naming the variable before PostgreSQL is touched, and a
 * directory that holds other files is never deleted to make room for initdb.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { startEmbeddedPostgres } from '../../src/embedded';

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-dir-'));
  fs.chmodSync(scratch, 0o755); // as root, the OS user "postgres" must reach what is under it
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function refusal(dataDir: string): Promise<ConfigError> {
  const error: unknown = await startEmbeddedPostgres({ dataDir, port: 1, databases: [] }).then(
    () => new Error('expected a ConfigError'),
    (e: unknown) => e,
  );
  if (error instanceof ConfigError) return error;
  throw error;
}

it('refuses a data directory under a regular file, naming the file', async () => {
  const file = path.join(scratch, 'notes.txt');
  fs.writeFileSync(file, 'not a directory');
  const error = await refusal(path.join(file, 'pg'));
  expect(error.message).toBe(`EMBEDDED_PG_DATA_DIR must be a directory, or a path where one can be created; got ${JSON.stringify(path.join(file, 'pg'))} (${file} is a file, not a directory)`);
});

it('refuses a data directory this process cannot create, with the operating system\'s reason', async () => {
  const error = await refusal('/sys/no-such-dir/pg');
  expect(error.message).toMatch(/^EMBEDDED_PG_DATA_DIR must be a directory this process can create and write; got "\/sys\/no-such-dir\/pg" \((EPERM|EACCES|ENOENT|EROFS): [^\n]*mkdir '\/sys\/no-such-dir'\)$/);
  // Directly under a directory that exists and that root may write by its mode, yet refuses new directories.
  const direct = await refusal('/sys/no-such-dir');
  expect(direct.message).toMatch(/^EMBEDDED_PG_DATA_DIR must be a directory this process can create and write; got "\/sys\/no-such-dir" \((EPERM|EACCES|ENOENT|EROFS): [^\n]*mkdir '\/sys\/no-such-dir'\)$/);
});

it('refuses, and keeps, a directory that holds other files and no PostgreSQL data', async () => {
  const dir = path.join(scratch, 'project');
  fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), 'keep me');
  const error = await refusal(dir);
  expect(error.message).toBe(
    `EMBEDDED_PG_DATA_DIR must be a PostgreSQL data directory, or an empty or missing directory to create one in; got ${JSON.stringify(dir)} (it holds 2 other entries, such as README.md, and no PG_VERSION)`,
  );
  expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toBe('keep me');
  expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'src']);
});

it('refuses a data directory a running PostgreSQL uses, saying where its databases are', async () => {
  const dir = path.join(scratch, 'in-use');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'PG_VERSION'), '18\n');
  // This test's own process stands in for the running server: its pid is alive.
  fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${process.pid}\n${dir}\n1795735873\n54329\n\n127.0.0.1\n`);
  const error = await refusal(dir);
  expect(error.message).toBe(
    `EMBEDDED_PG_DATA_DIR must be a data directory no running PostgreSQL uses (stop it, choose another directory, or to work beside it set ` +
      `DJANGO_DATABASE_URL and METRICS_DATABASE_URL to its databases); got ${JSON.stringify(dir)} (PostgreSQL pid ${process.pid} runs on it, on ` +
      `port 54329; its databases are postgres://postgres:postgres@127.0.0.1:54329/<database>)`,
  );
  expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(true);
});

it('refuses an EMBEDDED_PG_PORT another process listens on before initdb writes a new data directory', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const dataDir = path.join(scratch, 'port-taken');
  try {
    const error: unknown = await startEmbeddedPostgres({ dataDir, port, databases: [] }).then(
      () => new Error('expected a ConfigError'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `EMBEDDED_PG_PORT must be a free port for the embedded PostgreSQL (is it taken? LOG_LEVEL=trace shows PostgreSQL's own log); got "${port}" ` +
        `(EADDRINUSE: listen EADDRINUSE: address already in use 127.0.0.1:${port})`,
    );
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
