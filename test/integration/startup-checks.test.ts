/**
 * Start-up against databases that are not what their variables claim: refused in one line naming the variable,
 * before anything is written (no migration lands in Django); a Django that does not answer is started without,
 * and /health/ready reports a Django database that lacks the gateway's tables.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { startApp, type App } from '../../src/app';
import { ConfigError, loadConfig, redactUrl, type Config } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { openCliDatabases } from '../../src/sync/cli-databases';
import { startTestApp } from '../support/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { freePort } from '../support/free-port';
import { requireEnv, withDatabase } from '../support/test-env';

let pair: TestDatabases;
let other: TestDatabases;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  [pair, other] = await Promise.all([createTestDatabases(), createTestDatabases()]);
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await Promise.all([pair?.drop(), other?.drop()]);
});

async function admin<T extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: requireEnv('TEST_PG_ADMIN_URL') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query<T>(sql, values);
  } finally {
    await client.end();
  }
}

/** A new, empty database (no template): whatever start-up writes there shows. */
async function emptyDatabase(suffix: string): Promise<string> {
  const name = `t_${requireEnv('TEST_RUN_ID')}_${process.pid}_${suffix}`;
  await admin(`CREATE DATABASE ${name}`);
  cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return withDatabase(requireEnv('TEST_PG_ADMIN_URL'), name);
}

/** The tables and schemas a database holds besides PostgreSQL's own. */
async function contents(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
       UNION ALL SELECT nspname || '/' FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')
       ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

function configFor(urls: { django: string; metrics: string }, env: Record<string, string> = {}): Config {
  return loadConfig({ DJANGO_DATABASE_URL: urls.django, METRICS_DATABASE_URL: urls.metrics, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', SYNC_ENABLED: 'false', AUTH_DISABLED: 'true', ...env });
}

async function startupError(config: Config, log = silentLogger()): Promise<ConfigError> {
  let app: App | undefined;
  try {
    app = await startApp(config, log);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  await app.stop();
  throw new Error('expected start-up to fail with a ConfigError');
}

const DJANGO_TABLES = 'accounts_customuser, ajo_ajouser, loans_ajoloan, loans_ajoloanrepayment, loans_ajoloanschedule, loans_holiday';

describe('start-up refuses, before writing anything,', () => {
  it('a METRICS_DATABASE_URL that reaches the Django database under another spelling', async () => {
    const before = await contents(pair.djangoUrl);
    // loadConfig already refuses the same host, port and database; a second host name for one server gets here.
    const config = { ...configFor({ django: pair.djangoUrl, metrics: other.metricsUrl }), metricsDatabaseUrl: pair.djangoUrl };
    const error = await startupError(config);
    expect(error.message).toBe(
      `METRICS_DATABASE_URL must be the seedsmetrics database, not the Django database; got ${JSON.stringify(redactUrl(pair.djangoUrl))} (it holds Django's tables ${DJANGO_TABLES})`,
    );
    expect(await contents(pair.djangoUrl)).toEqual(before);
    expect(before).not.toContain('drizzle/');
  });

  it('the same mistake in `npm run sync` and `npm run validate`, which migrate too', async () => {
    const before = await contents(pair.djangoUrl);
    const config = { ...configFor({ django: pair.djangoUrl, metrics: other.metricsUrl }), metricsDatabaseUrl: pair.djangoUrl };
    await expect(openCliDatabases(config, silentLogger())).rejects.toThrow(
      new ConfigError('METRICS_DATABASE_URL', 'the seedsmetrics database, not the Django database', redactUrl(pair.djangoUrl), `it holds Django's tables ${DJANGO_TABLES}`),
    );
    expect(await contents(pair.djangoUrl)).toEqual(before);
  });

  it('a DJANGO_DATABASE_URL that reaches a database without the Django tables (here: a seedsmetrics)', async () => {
    const error = await startupError(configFor({ django: other.metricsUrl, metrics: pair.metricsUrl }));
    expect(error.message).toBe(
      `DJANGO_DATABASE_URL must be the Django database, with the tables the gateway reads; got ${JSON.stringify(redactUrl(other.metricsUrl))} (the database has no table ${DJANGO_TABLES})`,
    );
  });

  it('a METRICS_DATABASE_URL the gateway cannot connect to', async () => {
    const missing = withDatabase(requireEnv('TEST_PG_ADMIN_URL'), 'no_such_seedsmetrics');
    const error = await startupError(configFor({ django: pair.djangoUrl, metrics: missing }));
    expect(error.message).toBe(`METRICS_DATABASE_URL must be a database the gateway can connect to; got ${JSON.stringify(redactUrl(missing))} (database "no_such_seedsmetrics" does not exist)`);
  });

  it('a DJANGO_DATABASE_URL that can never log in: unknown database, unknown role', async () => {
    const metrics = await emptyDatabase('refused_metrics');
    const missing = withDatabase(requireEnv('TEST_PG_ADMIN_URL'), 'no_such_django');
    expect((await startupError(configFor({ django: missing, metrics }))).message).toBe(
      `DJANGO_DATABASE_URL must be a database the gateway can log in to; got ${JSON.stringify(redactUrl(missing))} (database "no_such_django" does not exist)`,
    );
    const stranger = new URL(pair.djangoUrl);
    stranger.username = 'no_such_role';
    // PostgreSQL says which depending on its authentication method (password: it does not reveal unknown roles).
    const refusal = (await startupError(configFor({ django: stranger.toString(), metrics }))).message;
    expect(refusal.startsWith(`DJANGO_DATABASE_URL must be a database the gateway can log in to; got ${JSON.stringify(redactUrl(stranger.toString()))} (`)).toBe(true);
    expect(refusal).toMatch(/ \((password authentication failed for user "no_such_role"|role "no_such_role" does not exist)\)$/);
    expect(await contents(metrics)).toEqual([]);
  });

  it('a DJANGO_DATABASE_URL asking for TLS the server does not give (retrying never fixes it)', async () => {
    const metrics = await emptyDatabase('tls_metrics');
    const tls = new URL(pair.djangoUrl);
    tls.searchParams.set('sslmode', 'verify-full');
    const refusal = (await startupError(configFor({ django: tls.toString(), metrics }))).message;
    expect(refusal.startsWith(`DJANGO_DATABASE_URL must be a database the gateway can log in to; got ${JSON.stringify(redactUrl(tls.toString()))} (`)).toBe(true);
    // The test servers offer no TLS; one that did would present a certificate this client cannot trust.
    expect(refusal).toMatch(/ \((The server does not support SSL connections|self[- ]signed certificate.*)\)$/);
    expect(await contents(metrics)).toEqual([]);
  });

  it('a Django role that may not read one of the tables', async () => {
    const role = `t_reader_${process.pid}`;
    await admin(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pw'`);
    cleanups.push(async () => {
      await pair.djangoWriter.query(`DROP OWNED BY ${role}`);
      await admin(`DROP ROLE IF EXISTS ${role}`);
    });
    await pair.djangoWriter.query(`GRANT SELECT ON accounts_customuser, ajo_ajouser, loans_ajoloan, loans_ajoloanrepayment, loans_ajoloanschedule TO ${role}`);
    const asReader = new URL(pair.djangoUrl);
    asReader.username = role;
    asReader.password = 'reader-pw';
    const error = await startupError(configFor({ django: asReader.toString(), metrics: other.metricsUrl }));
    expect(error.message).toBe(
      `DJANGO_DATABASE_URL must be the Django database, with the tables the gateway reads; got ${JSON.stringify(redactUrl(asReader.toString()))} (this role may not SELECT from loans_holiday)`,
    );
  });

  it('a BUSINESS_TZ that Node accepts and PostgreSQL does not know', async () => {
    const metrics = await emptyDatabase('zone_metrics');
    // loadConfig now keeps the spelling Intl resolves ("Africa/Lagos"); this is the value as Node accepts it.
    const config = { ...configFor({ django: pair.djangoUrl, metrics }), businessTz: 'africa/lagos' };
    expect((await startupError(config)).message).toBe('BUSINESS_TZ must be an IANA time zone PostgreSQL knows, such as Africa/Lagos; got "africa/lagos"');
    expect(await contents(metrics)).toEqual([]);
  });
});

describe('a PORT another process takes after the early probe', () => {
  it("is refused by the server's own listen in the same words as the probe's, and what had started is stopped", async () => {
    const port = await freePort();
    const taker = net.createServer();
    let stopping: string[] = [];
    // Taken while the migrations run: after the probe found the port free, before the server listens on it.
    const onStep = (step: string): void => {
      if (step === 'migrating seedsmetrics') taker.listen(port, '127.0.0.1');
      if (step.startsWith('stopping')) stopping.push(step);
    };
    try {
      const error = await startApp(configFor({ django: pair.djangoUrl, metrics: pair.metricsUrl }, { PORT: String(port) }), silentLogger(), { onStep }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(`PORT must be a port no other process listens on; got "${port}" (listen EADDRINUSE: address already in use 127.0.0.1:${port})`);
      expect(stopping).toEqual(['stopping the event bridge', 'stopping the databases']);
    } finally {
      stopping = [];
      await new Promise((resolve) => taker.close(resolve));
    }
  });
});

describe('a Django database that does not answer at start-up', () => {
  it('is started without, with a warning, and /health/ready says 503 naming the cause', async () => {
    const down = new URL(pair.djangoUrl);
    down.port = '1';
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
    const app = await startApp(configFor({ django: down.toString(), metrics: other.metricsUrl }), log);
    try {
      const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string; database: string; err: string });
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 40,
          msg: 'the Django database does not answer; starting without it (/health/ready says 503 until it does)',
          database: redactUrl(down.toString()),
          err: expect.stringContaining('ECONNREFUSED'),
        }),
        expect.objectContaining({ msg: expect.stringContaining('authentication is off (AUTH_DISABLED)') }),
      ]);
      const response = await fetch(`${app.server.url}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', django: { ok: false, error: expect.stringContaining('ECONNREFUSED') }, metrics: { ok: true } });
    } finally {
      await app.stop();
    }
  });
});

describe('/health/ready', () => {
  it('says 503 when the Django database lacks a table the gateway reads, and 200 once it is back', async () => {
    const app = await startTestApp(pair, { SYNC_ENABLED: 'false' });
    try {
      await pair.djangoWriter.query('ALTER TABLE loans_holiday RENAME TO loans_holiday_moved');
      const response = await fetch(`${app.server.url}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable', django: { ok: false, error: 'the database has no table loans_holiday' }, metrics: { ok: true } });
      await pair.djangoWriter.query('ALTER TABLE loans_holiday_moved RENAME TO loans_holiday');
      const again = await fetch(`${app.server.url}/health/ready`);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ status: 'ok', django: { ok: true }, metrics: { ok: true } });
    } finally {
      await app.stop();
    }
  });
});
