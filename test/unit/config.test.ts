import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { todayIn } from '../../src/seed/calendar';

const urls = {
  DJANGO_DATABASE_URL: 'postgres://reader:secret@db.internal:5432/savings',
  METRICS_DATABASE_URL: 'postgres://gateway@db.internal:5432/seedsmetrics',
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults and embedded mode when no URL is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      embeddedMode: true,
      port: 4000,
      businessTz: 'Africa/Lagos',
      logLevel: 'info',
      djangoPoolSize: 10,
      metricsPoolSize: 10,
      embedded: { dataDir: path.resolve('.data/pg'), port: 54329 },
      demo: { seed: 42, scale: 1, asOf: undefined, simulator: true, simulatorIntervalMs: 3000 },
      sync: { enabled: true, intervalMs: 2000, overlapMs: 60000, editScanIntervalMs: 30000, reconcileIntervalMs: 300000, maxLagMs: 120000, dpdHistoryRetentionDays: undefined, parChangesRetentionDays: undefined, syncRunsRetentionDays: 30 },
      graphql: { maxPageSize: 500, maxComplexity: 50000, batching: true, slowOperationMs: 1000, introspection: true },
      httpCompression: true,
      liveFeeds: { maxPendingEventsPerConnection: 200000, maxOperationsPerConnection: 100 },
      auth: { jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, disabled: false, clockToleranceSeconds: 30 },
    });
  });

  it('turns authentication on with a shared secret or a JWKS URL, with optional issuer and audience', () => {
    const secret = 's'.repeat(40);
    expect(loadConfig({ AUTH_JWT_SECRET: secret, AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'seedsmetrics' }).auth).toEqual({
      jwtSecret: secret,
      jwksUrl: undefined,
      issuer: 'https://idp.example',
      audience: 'seedsmetrics',
      disabled: false,
      clockToleranceSeconds: 30,
    });
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json', AUTH_AUDIENCE: 'seedsmetrics' }).auth).toEqual({
      jwtSecret: undefined,
      jwksUrl: 'https://idp.example/.well-known/jwks.json',
      issuer: undefined,
      audience: 'seedsmetrics',
      disabled: false,
      clockToleranceSeconds: 30,
    });
    expect(loadConfig({ AUTH_JWT_SECRET: secret, AUTH_CLOCK_TOLERANCE_SECONDS: '0' }).auth.clockToleranceSeconds).toBe(0);
    // A key set on this machine (a sidecar) may be read over plain http.
    expect(['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:9/jwks'].map((url) => loadConfig({ AUTH_JWKS_URL: url, AUTH_AUDIENCE: 'a' }).auth.jwksUrl)).toEqual([
      'http://127.0.0.1:8080/jwks',
      'http://localhost/jwks',
      'http://[::1]:9/jwks',
    ]);
    // Off on purpose: every caller is the anonymous reader (start-up refuses real databases without it).
    expect(loadConfig({ AUTH_DISABLED: 'true' }).auth.disabled).toBe(true);
  });

  it('uses both URLs and turns the simulator off against real databases', () => {
    const config = loadConfig({ ...urls, PORT: '8080', BUSINESS_TZ: 'UTC', SYNC_INTERVAL_MS: '5000', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ embeddedMode: false, port: 8080, businessTz: 'UTC', logLevel: 'debug', djangoDatabaseUrl: urls.DJANGO_DATABASE_URL });
    expect(config.sync.intervalMs).toBe(5000);
    expect(config.demo.simulator).toBe(false);
    expect(loadConfig({ DPD_HISTORY_RETENTION_DAYS: '400' }).sync.dpdHistoryRetentionDays).toBe(400);
    expect(loadConfig({ PAR_CHANGES_RETENTION_DAYS: '90' }).sync.parChangesRetentionDays).toBe(90);
    expect(loadConfig({ LIVE_MAX_OPERATIONS_PER_CONNECTION: '10' }).liveFeeds.maxOperationsPerConnection).toBe(10);
    expect(loadConfig({ SYNC_EDIT_SCAN_INTERVAL_MS: '0' }).sync.editScanIntervalMs).toBe(0);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: 'https://dashboard.seeds.test, http://localhost:5173' }).corsOrigins).toEqual(['https://dashboard.seeds.test', 'http://localhost:5173']);
    expect(loadConfig({ SYNC_EDIT_SCAN_INTERVAL_MS: '200000', SYNC_MAX_LAG_MS: '600000' }).sync).toMatchObject({ editScanIntervalMs: 200000, maxLagMs: 600000 });
    // In any letter case, as the booleans and BUSINESS_TZ.
    expect(loadConfig({ LOG_LEVEL: 'INFO' }).logLevel).toBe('info');
  });

  it.each([
    [{ DJANGO_DATABASE_URL: urls.DJANGO_DATABASE_URL }, 'METRICS_DATABASE_URL must be set together with the other database URL (or neither, for the embedded PostgreSQL); got nothing'],
    [{ METRICS_DATABASE_URL: urls.METRICS_DATABASE_URL }, 'DJANGO_DATABASE_URL must be set together with the other database URL (or neither, for the embedded PostgreSQL); got nothing'],
    [{ ...urls, DJANGO_DATABASE_URL: 'mysql://u:pw@h/db' }, 'DJANGO_DATABASE_URL must be a postgres:// or postgresql:// URL; got "mysql://u:***@h/db"'],
    [{ ...urls, METRICS_DATABASE_URL: 'not a url' }, 'METRICS_DATABASE_URL must be a postgres:// or postgresql:// URL; got "not a url"'],
    [{ ...urls, METRICS_DATABASE_URL: 'postgres://h:5432' }, 'METRICS_DATABASE_URL must be a URL that names a database (postgres://host/dbname); got "postgres://h:5432"'],
    [{ ...urls, DJANGO_DATABASE_URL: 'postgres://u:secretpw@127.0.0.1:99999/db' }, 'DJANGO_DATABASE_URL must be a URL whose port is a number from 1 to 65535; got "postgres://u:***@127.0.0.1:99999/db"'],
    [{ ...urls, METRICS_DATABASE_URL: 'postgres://u@h:0/db' }, 'METRICS_DATABASE_URL must be a URL whose port is a number from 1 to 65535; got "postgres://u@h:0/db"'],
    [{ ...urls, DJANGO_DATABASE_URL: 'postgres://u:p@ss@h:99999/db' }, 'DJANGO_DATABASE_URL must be a URL whose port is a number from 1 to 65535; got "postgres://u:***@h:99999/db"'],
    [{ ...urls, DJANGO_DATABASE_URL: 'postgres://u@h:99999/db?password=topsecret&sslmode=disable' }, 'DJANGO_DATABASE_URL must be a URL whose port is a number from 1 to 65535; got "postgres://u@h:99999/db?password=***&sslmode=disable"'],
    [{ ...urls, METRICS_DATABASE_URL: 'postgres://u:p#w@h/db' }, 'METRICS_DATABASE_URL must be a postgres:// or postgresql:// URL (with special characters in the user name and password percent-encoded); got "postgres://u:***@h/db"'],
    [
      { ...urls, DJANGO_DATABASE_URL: 'postgres://u:pw@h/db?sslmode=bogus' },
      'DJANGO_DATABASE_URL must be a URL whose sslmode is one of disable, prefer, require, verify-ca, verify-full, no-verify; got "postgres://u:***@h/db?sslmode=bogus"',
    ],
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535; got "abc"'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535; got "70000"'],
    [{ BUSINESS_TZ: 'Mars/Olympus' }, 'BUSINESS_TZ must be an IANA time zone such as Africa/Lagos; got "Mars/Olympus"'],
    [{ SYNC_INTERVAL_MS: '10' }, 'SYNC_INTERVAL_MS must be an integer from 100 to 86400000; got "10"'],
    [{ SYNC_INTERVAL_MS: '2s' }, 'SYNC_INTERVAL_MS must be an integer from 100 to 86400000; got "2s"'],
    [{ CORS_ORIGINS: 'https://dashboard.seeds.test/' }, 'CORS_ORIGINS must be a comma-separated list of origins such as https://dashboard.example.com (scheme://host[:port], no path), or *; got "https://dashboard.seeds.test/"'],
    [{ CORS_ORIGINS: 'http://localhost:5173, dashboard.seeds.test' }, 'CORS_ORIGINS must be a comma-separated list of origins such as https://dashboard.example.com (scheme://host[:port], no path), or *; got "dashboard.seeds.test"'],
    [{ CORS_ORIGINS: 'https://dashboard.seeds.test:443' }, 'CORS_ORIGINS must be a comma-separated list of origins such as https://dashboard.example.com (scheme://host[:port], no path), or *; got "https://dashboard.seeds.test:443"'],
    [{ CORS_ORIGINS: 'https://a.test,*' }, 'CORS_ORIGINS must be * on its own (it allows every origin) or a list of origins without it; got "https://a.test,*"'],
    [{ CORS_ORIGINS: '*,https://a.example.com' }, 'CORS_ORIGINS must be * on its own (it allows every origin) or a list of origins without it; got "*,https://a.example.com"'],
    [{ CORS_ORIGINS: 'https://a.example.com,' }, 'CORS_ORIGINS must be a comma-separated list of origins without an empty entry (a stray comma?); got "https://a.example.com,"'],
    [{ CORS_ORIGINS: 'https://a.example.com,,http://localhost:5173' }, 'CORS_ORIGINS must be a comma-separated list of origins without an empty entry (a stray comma?); got "https://a.example.com,,http://localhost:5173"'],
    [{ SYNC_EDIT_SCAN_INTERVAL_MS: '-1' }, 'SYNC_EDIT_SCAN_INTERVAL_MS must be an integer from 0 to 86400000; got "-1"'],
    [{ SYNC_EDIT_SCAN_INTERVAL_MS: '120000' }, 'SYNC_EDIT_SCAN_INTERVAL_MS must be an integer below SYNC_MAX_LAG_MS (120000); got "120000"'],
    [{ SYNC_EDIT_SCAN_INTERVAL_MS: '60000', SYNC_MAX_LAG_MS: '30000' }, 'SYNC_EDIT_SCAN_INTERVAL_MS must be an integer below SYNC_MAX_LAG_MS (30000); got "60000"'],
    [{ SYNC_INTERVAL_MS: '600000', SYNC_MAX_LAG_MS: '120000' }, 'SYNC_INTERVAL_MS must be an integer below SYNC_MAX_LAG_MS (120000); got "600000"'],
    [{ SYNC_INTERVAL_MS: '120000' }, 'SYNC_INTERVAL_MS must be an integer below SYNC_MAX_LAG_MS (120000); got "120000"'],
    // The lag alone set too low: it is the one named, beside the default it must exceed.
    [{ SYNC_MAX_LAG_MS: '1000' }, 'SYNC_MAX_LAG_MS must be an integer above SYNC_INTERVAL_MS (2000, its default); got "1000"'],
    [{ SYNC_MAX_LAG_MS: '20000' }, 'SYNC_MAX_LAG_MS must be an integer above SYNC_EDIT_SCAN_INTERVAL_MS (30000, its default); got "20000"'],
    [{ HOST: 'not a host!' }, 'HOST must be an IP address or host name of this machine to listen on, such as 0.0.0.0, 127.0.0.1, :: or localhost; got "not a host!"'],
    [{ HOST: '[::1]' }, 'HOST must be an IP address or host name of this machine to listen on, such as 0.0.0.0, 127.0.0.1, :: or localhost; got "[::1]"'],
    [{ HOST: 'http://localhost' }, 'HOST must be an IP address or host name of this machine to listen on, such as 0.0.0.0, 127.0.0.1, :: or localhost; got "http://localhost"'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"'],
    [{ DJANGO_POOL_SIZE: '0' }, 'DJANGO_POOL_SIZE must be an integer from 1 to 500; got "0"'],
    [{ METRICS_POOL_SIZE: '1.5' }, 'METRICS_POOL_SIZE must be an integer from 1 to 500; got "1.5"'],
    [{ EMBEDDED_PG_PORT: '80' }, 'EMBEDDED_PG_PORT must be an integer from 1024 to 65535; got "80"'],
    [{ DEMO_SCALE: '-1' }, 'DEMO_SCALE must be a decimal number from 0.001 to 100, such as 0.5; got "-1"'],
    [{ DEMO_SEED: '4294967296' }, 'DEMO_SEED must be an integer from 0 to 4294967295; got "4294967296"'],
    [{ DEMO_SCALE: '0.0001' }, 'DEMO_SCALE must be a decimal number from 0.001 to 100, such as 0.5; got "0.0001"'],
    [{ DEMO_SCALE: '0x10' }, 'DEMO_SCALE must be a decimal number from 0.001 to 100, such as 0.5; got "0x10"'],
    [{ DEMO_SCALE: 'Infinity' }, 'DEMO_SCALE must be a decimal number from 0.001 to 100, such as 0.5; got "Infinity"'],
    [{ DEMO_AS_OF: '2025-02-30' }, 'DEMO_AS_OF must be a calendar date YYYY-MM-DD; got "2025-02-30"'],
    [{ DEMO_AS_OF: '2025-13-01' }, 'DEMO_AS_OF must be a calendar date YYYY-MM-DD; got "2025-13-01"'],
    [{ DEMO_AS_OF: '2025-00-10' }, 'DEMO_AS_OF must be a calendar date YYYY-MM-DD; got "2025-00-10"'],
    [{ DEMO_AS_OF: '0000-01-01' }, 'DEMO_AS_OF must be a calendar date YYYY-MM-DD; got "0000-01-01"'],
    [{ SIMULATOR_ENABLED: 'maybe' }, 'SIMULATOR_ENABLED must be one of true, false, 1, 0, yes, no, on, off; got "maybe"'],
    [{ SYNC_ENABLED: '2' }, 'SYNC_ENABLED must be one of true, false, 1, 0, yes, no, on, off; got "2"'],
    [{ GRAPHQL_BATCHING: 'nope' }, 'GRAPHQL_BATCHING must be one of true, false, 1, 0, yes, no, on, off; got "nope"'],
    [{ HTTP_COMPRESSION: 'gzip' }, 'HTTP_COMPRESSION must be one of true, false, 1, 0, yes, no, on, off; got "gzip"'],
    [{ GRAPHQL_MAX_PAGE_SIZE: '0' }, 'GRAPHQL_MAX_PAGE_SIZE must be an integer from 1 to 10000; got "0"'],
    [{ GRAPHQL_SLOW_OPERATION_MS: '1s' }, 'GRAPHQL_SLOW_OPERATION_MS must be an integer from 0 to 3600000; got "1s"'],
    [{ DPD_HISTORY_RETENTION_DAYS: '0' }, 'DPD_HISTORY_RETENTION_DAYS must be an integer from 1 to 36500; got "0"'],
    [{ PAR_CHANGES_RETENTION_DAYS: '30d' }, 'PAR_CHANGES_RETENTION_DAYS must be an integer from 1 to 36500; got "30d"'],
    [{ LIVE_MAX_OPERATIONS_PER_CONNECTION: '0' }, 'LIVE_MAX_OPERATIONS_PER_CONNECTION must be an integer from 1 to 100000; got "0"'],
    [{ SYNC_RUNS_RETENTION_DAYS: '0' }, 'SYNC_RUNS_RETENTION_DAYS must be an integer from 1 to 36500; got "0"'],
    [{ DPD_HISTORY_RETENTION_DAYS: '1y' }, 'DPD_HISTORY_RETENTION_DAYS must be an integer from 1 to 36500; got "1y"'],
    [{ AUTH_JWT_SECRET: 'short-secret' }, 'AUTH_JWT_SECRET must be a shared secret of at least 32 characters; got "12 characters (not shown)"'],
    [{ AUTH_JWKS_URL: 'ftp://idp.example/jwks' }, 'AUTH_JWKS_URL must be an https:// URL of a JSON Web Key Set (http:// only on this machine: localhost, 127.0.0.1 or [::1]); got "ftp://idp.example/jwks"'],
    [{ AUTH_JWKS_URL: 'keys.json' }, 'AUTH_JWKS_URL must be an https:// URL of a JSON Web Key Set (http:// only on this machine: localhost, 127.0.0.1 or [::1]); got "keys.json"'],
    // In the clear from another host, the keys could be swapped on the way.
    [{ AUTH_JWKS_URL: 'http://idp.example/jwks', AUTH_AUDIENCE: 'seedsmetrics' }, 'AUTH_JWKS_URL must be an https:// URL of a JSON Web Key Set (http:// only on this machine: localhost, 127.0.0.1 or [::1]); got "http://idp.example/jwks"'],
    [
      { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://idp.example/jwks' },
      'AUTH_JWKS_URL must be unset when AUTH_JWT_SECRET is set (tokens are verified one way); got "https://idp.example/jwks"',
    ],
    // An identity provider signs the tokens of all its applications with the same keys: without an audience, a token
    // issued for any of them (a customer app's, say) would be let in.
    [
      { AUTH_JWKS_URL: 'https://idp.example/jwks' },
      "AUTH_AUDIENCE must be set when AUTH_JWKS_URL is (the identity provider's name for this API, which its tokens must carry in aud); got nothing",
    ],
    [
      { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_DISABLED: 'true' },
      'AUTH_DISABLED must be unset or false when AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on; got "true"',
    ],
    [{ AUTH_DISABLED: 'maybe' }, 'AUTH_DISABLED must be one of true, false, 1, 0, yes, no, on, off; got "maybe"'],
    [{ AUTH_ISSUER: 'https://idp.example' }, 'AUTH_ISSUER must be unset unless AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on; got "https://idp.example"'],
    [{ AUTH_AUDIENCE: 'seedsmetrics' }, 'AUTH_AUDIENCE must be unset unless AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on; got "seedsmetrics"'],
    [{ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_CLOCK_TOLERANCE_SECONDS: '600' }, 'AUTH_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300; got "600"'],
  ])('rejects %j with one line naming the variable', (env, message) => {
    const error = errorOf(env as Record<string, string>);
    expect(error.message).toBe(message);
    expect(error.message).not.toContain('\n');
  });

  it("refuses a DEMO_AS_OF after today, whose demo rows the sync would all refuse as dated after Django's clock", () => {
    const today = todayIn('Africa/Lagos');
    expect(errorOf({ DEMO_AS_OF: '2999-01-01' }).message).toBe(`DEMO_AS_OF must be a calendar date YYYY-MM-DD no later than today (${today} in Africa/Lagos); got "2999-01-01"`);
    expect(loadConfig({ DEMO_AS_OF: today }).demo.asOf).toBe(today);
  });

  it('reads HOST, DEMO_SCALE and DEMO_AS_OF in the forms people write, and BUSINESS_TZ in the spelling PostgreSQL knows', () => {
    expect(['0.0.0.0', '::', '127.0.0.1', 'localhost', 'gateway-1.internal', 'gateway-1.internal.'].map((host) => loadConfig({ HOST: host }).host)).toEqual([
      '0.0.0.0',
      '::',
      '127.0.0.1',
      'localhost',
      'gateway-1.internal',
      'gateway-1.internal.',
    ]);
    expect(['.5', '0.5', '5.', '1e-2', '2E1', '100', '0.001'].map((scale) => loadConfig({ DEMO_SCALE: scale }).demo.scale)).toEqual([0.5, 0.5, 5, 0.01, 20, 100, 0.001]);
    // Every seed db:seed --seed takes (the generator's 32-bit range), not half of them.
    expect(loadConfig({ DEMO_SEED: '4294967295' }).demo.seed).toBe(4294967295);
    expect(loadConfig({ DEMO_AS_OF: '2024-02-29' }).demo.asOf).toBe('2024-02-29');
    expect(loadConfig({ BUSINESS_TZ: 'africa/lagos' }).businessTz).toBe('Africa/Lagos');
    expect(loadConfig({ BUSINESS_TZ: 'utc' }).businessTz).toBe('UTC');
  });

  it('refuses two database URLs that name the same database, however they are spelled', () => {
    const same = [
      ['postgres://reader:pw@db.internal:5432/savings', 'postgres://gateway:pw2@db.internal:5432/savings'],
      ['postgres://reader@DB.internal/savings', 'postgresql://gateway@db.internal:5432/savings'],
      ['postgres://reader@localhost:54400/django', 'postgres://gateway@127.0.0.1:54400/django'],
      ['postgres://reader@[::1]/django', 'postgres://gateway@localhost:5432/django'],
      ['postgres://reader@h/my%20db', 'postgres://gateway@h/my db'],
    ];
    for (const [django, metrics] of same) {
      expect(errorOf({ DJANGO_DATABASE_URL: django!, METRICS_DATABASE_URL: metrics! }).message).toBe(
        `METRICS_DATABASE_URL must be a different database from DJANGO_DATABASE_URL (seedsmetrics is written, Django never); got ${JSON.stringify(metrics!.replace(':pw2@', ':***@'))} (DJANGO_DATABASE_URL names the same database: ${django!.replace(':pw@', ':***@')})`,
      );
    }
    const different = [
      ['postgres://u@h/savings', 'postgres://u@h/seedsmetrics'],
      ['postgres://u@h:5432/savings', 'postgres://u@h:5433/savings'],
      ['postgres://u@h1/savings', 'postgres://u@h2/savings'],
    ];
    for (const [django, metrics] of different) {
      expect(loadConfig({ DJANGO_DATABASE_URL: django!, METRICS_DATABASE_URL: metrics! }).metricsDatabaseUrl).toBe(metrics);
    }
  });

  it('never echoes a password or a secret', () => {
    const error = errorOf({ ...urls, DJANGO_DATABASE_URL: 'mysql://reader:hunter2@h/db' });
    expect(error.message).not.toContain('hunter2');
    expect(errorOf({ AUTH_JWT_SECRET: 'hunter2-hunter2' }).message).not.toContain('hunter2');
  });
});

describe("README's Configuration table", () => {
  const root = path.resolve(__dirname, '../..');
  const read = new Set([...readFileSync(path.join(root, 'src/config.ts'), 'utf8').matchAll(/\(env, '([A-Z_]+)'/g)].map((m) => m[1]!));
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  /** Each row's variables and, when the Default cell is only values (`a` / `b`), those values. */
  const rows = [...table.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \| ([^|]*) \|/gm)].map((m) => ({
    names: [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((n) => n[1]!),
    defaults: /^`[^`]*`( \/ `[^`]*`)*$/.test(m[2]!.trim()) ? [...m[2]!.matchAll(/`([^`]*)`/g)].map((d) => d[1]!) : undefined,
  }));

  it('documents every variable src/config.ts reads', () => {
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('lists only variables src/config.ts reads', () => {
    const listed = rows.flatMap((row) => row.names);
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((name) => !read.has(name))).toEqual([]);
  });

  it('states each default the code applies: setting a variable to its documented default changes nothing', () => {
    const withDefaults = rows.filter((row) => row.defaults !== undefined && row.defaults.length === row.names.length);
    expect(withDefaults.length).toBeGreaterThan(20);
    const defaults = loadConfig({});
    for (const { names, defaults: values } of withDefaults) {
      for (const [i, name] of names.entries()) {
        expect({ name, config: loadConfig({ [name]: values![i] }) }).toEqual({ name, config: defaults });
      }
    }
  });
});
