/**
 * The only reader of the process environment. `loadConfig` validates every variable once at start-up
 * and throws a ConfigError whose one-line message names the variable, what was expected and what was given.
 */
import path from 'node:path';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly given: string | undefined,
  ) {
    super(`${variable} must be ${expected}; got ${given === undefined ? 'nothing' : JSON.stringify(given)}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface EmbeddedConfig {
  /** Data directory of the embedded PostgreSQL. @default ".data/pg" (relative to the working directory) */
  dataDir: string;
  /** Port of the embedded PostgreSQL. @default 54329 */
  port: number;
}

export interface DemoConfig {
  /** Seed of the demo-data generator. @default 42 */
  seed: number;
  /** Scale of the demo data (1 ≈ the real database). @default 1 */
  scale: number;
  /** Business day the demo data is built around (YYYY-MM-DD); undefined means today. */
  asOf: string | undefined;
  /** Whether the live simulator writes new activity into Django. @default true when embedded, else false */
  simulator: boolean;
  /** Milliseconds between simulator ticks. @default 3000 */
  simulatorIntervalMs: number;
}

export interface SyncConfig {
  /** Whether the sync worker runs inside the server. @default true */
  enabled: boolean;
  /** Milliseconds between sync cycles. @default 2000 */
  intervalMs: number;
  /** How far back the updated_at watermark re-reads, to catch rows committed out of order. @default 60000 */
  overlapMs: number;
  /** Milliseconds between scans for edited Django rows (whole-table reads of updated_at); 0 scans every cycle. @default 30000 */
  editScanIntervalMs: number;
  /** Milliseconds between per-loan count/sum reconciliations. @default 300000 */
  reconcileIntervalMs: number;
  /** Sync lag above which /health/ready reports "degraded". @default 120000 */
  maxLagMs: number;
  /** Days of daily DPD snapshots kept (each loan's latest always stays); undefined keeps every snapshot. @default undefined */
  dpdHistoryRetentionDays: number | undefined;
  /** Days of sync_runs rows (one per cycle) kept. @default 30 */
  syncRunsRetentionDays: number;
}

/**
 * Bearer-token authentication of API callers (src/auth.ts). With neither a secret nor a JWKS URL, every request
 * is the anonymous reader (the demo and local development); set one of them in production.
 */
export interface AuthConfig {
  /** Shared secret of HMAC-signed tokens (HS256/384/512); at least 32 characters. */
  jwtSecret: string | undefined;
  /** URL of the identity provider's JSON Web Key Set (asymmetrically signed tokens). */
  jwksUrl: string | undefined;
  /** Required `iss` claim, when set. */
  issuer: string | undefined;
  /** Required `aud` claim (one of the token's audiences), when set. */
  audience: string | undefined;
}

export interface Config {
  /** Django database URL; undefined together with metricsDatabaseUrl means "embedded". */
  djangoDatabaseUrl: string | undefined;
  metricsDatabaseUrl: string | undefined;
  /** True when both databases live in an embedded PostgreSQL started by this process. */
  embeddedMode: boolean;
  host: string;
  /** @default 4000 */
  port: number;
  /** IANA zone of business dates. @default "Africa/Lagos" */
  businessTz: string;
  /** @default "info" */
  logLevel: LogLevel;
  /** @default 10 */
  djangoPoolSize: number;
  /** @default 10 */
  metricsPoolSize: number;
  embedded: EmbeddedConfig;
  demo: DemoConfig;
  sync: SyncConfig;
  graphql: {
    /** Maximum page size of a connection. @default 500 */
    maxPageSize: number;
    /** Maximum query complexity (graphql-query-complexity estimate). @default 50000 */
    maxComplexity: number;
    /** DataLoader batching; off only to benchmark naive one-query-per-row resolvers. @default true */
    batching: boolean;
  };
  auth: AuthConfig;
  /**
   * Browser origins allowed to call the API from another origin (CORS), e.g. the dashboard's; ['*'] allows any.
   * Empty: no CORS headers, so browsers allow same-origin pages only (GraphiQL is served by this server). @default []
   */
  corsOrigins: readonly string[];
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `a number from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(name, 'one of true, false, 1, 0, yes, no, on, off', raw);
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'a postgres:// or postgresql:// URL', redactUrl(raw));
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'a postgres:// or postgresql:// URL', redactUrl(raw));
  }
  if (parsed.pathname.length <= 1) {
    throw new ConfigError(name, 'a URL that names a database (postgres://host/dbname)', redactUrl(raw));
  }
  return raw;
}

const ORIGIN_EXAMPLE = 'a comma-separated list of origins such as https://dashboard.example.com (scheme://host[:port], no path), or *';

/** CORS_ORIGINS: `*`, or origins exactly as browsers send them in the Origin header. */
function origins(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === '*') return ['*'];
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    // URL.origin drops paths, default ports and upper case: an entry that differs would never match a browser's header.
    if (origin !== entry || !/^https?:/.test(entry)) throw new ConfigError(name, ORIGIN_EXAMPLE, entry); // names the bad entry
  }
  return entries;
}

/** Hides a password before a URL is echoed in an error or a log line. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** An HMAC key shorter than the hash (256 bits) weakens HS256; the value is never echoed. */
const MIN_JWT_SECRET_LENGTH = 32;

function authConfig(env: Env): AuthConfig {
  const jwtSecret = text(env, 'AUTH_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError('AUTH_JWT_SECRET', `a shared secret of at least ${MIN_JWT_SECRET_LENGTH} characters`, `${jwtSecret.length} characters (not shown)`);
  }
  const jwksUrl = text(env, 'AUTH_JWKS_URL');
  if (jwksUrl !== undefined) {
    const protocol = URL.canParse(jwksUrl) ? new URL(jwksUrl).protocol : undefined;
    if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError('AUTH_JWKS_URL', 'an http:// or https:// URL of a JSON Web Key Set', jwksUrl);
  }
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('AUTH_JWKS_URL', 'unset when AUTH_JWT_SECRET is set (tokens are verified one way)', jwksUrl);
  }
  const issuer = text(env, 'AUTH_ISSUER');
  const audience = text(env, 'AUTH_AUDIENCE');
  if (jwtSecret === undefined && jwksUrl === undefined) {
    for (const [name, value] of [['AUTH_ISSUER', issuer], ['AUTH_AUDIENCE', audience]] as const) {
      if (value !== undefined) throw new ConfigError(name, 'unset unless AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on', value);
    }
  }
  return { jwtSecret, jwksUrl, issuer, audience };
}

function timeZone(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: raw });
  } catch {
    throw new ConfigError(name, 'an IANA time zone such as Africa/Lagos', raw);
  }
  return raw;
}

function isoDate(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) throw new ConfigError(name, 'a calendar date YYYY-MM-DD', raw);
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return raw as T;
}

export function loadConfig(env: Env = process.env): Config {
  const djangoDatabaseUrl = postgresUrl(env, 'DJANGO_DATABASE_URL');
  const metricsDatabaseUrl = postgresUrl(env, 'METRICS_DATABASE_URL');
  if ((djangoDatabaseUrl === undefined) !== (metricsDatabaseUrl === undefined)) {
    const missing = djangoDatabaseUrl === undefined ? 'DJANGO_DATABASE_URL' : 'METRICS_DATABASE_URL';
    throw new ConfigError(missing, 'set together with the other database URL (or neither, for the embedded PostgreSQL)', undefined);
  }
  const embeddedMode = djangoDatabaseUrl === undefined;
  const syncIntervalMs = integer(env, 'SYNC_INTERVAL_MS', 2000, 100, 86_400_000);
  const maxLagMs = integer(env, 'SYNC_MAX_LAG_MS', 120_000, 1000, 86_400_000);
  const editScanIntervalMs = integer(env, 'SYNC_EDIT_SCAN_INTERVAL_MS', 30_000, 0, 86_400_000);
  if (editScanIntervalMs >= maxLagMs) {
    // The sync lag counts from the last edit scan: an interval this long would read as degraded between scans.
    throw new ConfigError('SYNC_EDIT_SCAN_INTERVAL_MS', `an integer below SYNC_MAX_LAG_MS (${maxLagMs})`, String(editScanIntervalMs));
  }
  return {
    djangoDatabaseUrl,
    metricsDatabaseUrl,
    embeddedMode,
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 4000, 0, 65535),
    businessTz: timeZone(env, 'BUSINESS_TZ', 'Africa/Lagos'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    djangoPoolSize: integer(env, 'DJANGO_POOL_SIZE', 10, 1, 500),
    metricsPoolSize: integer(env, 'METRICS_POOL_SIZE', 10, 1, 500),
    embedded: {
      dataDir: path.resolve(text(env, 'EMBEDDED_PG_DATA_DIR') ?? '.data/pg'),
      port: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    },
    demo: {
      seed: integer(env, 'DEMO_SEED', 42, 0, 2 ** 31 - 1),
      scale: decimal(env, 'DEMO_SCALE', 1, 0.001, 100),
      asOf: isoDate(env, 'DEMO_AS_OF'),
      simulator: bool(env, 'SIMULATOR_ENABLED', embeddedMode),
      simulatorIntervalMs: integer(env, 'SIMULATOR_INTERVAL_MS', 3000, 100, 3_600_000),
    },
    sync: {
      enabled: bool(env, 'SYNC_ENABLED', true),
      intervalMs: syncIntervalMs,
      overlapMs: integer(env, 'SYNC_OVERLAP_MS', 60_000, 0, 86_400_000),
      editScanIntervalMs,
      reconcileIntervalMs: integer(env, 'SYNC_RECONCILE_INTERVAL_MS', 300_000, 1000, 86_400_000),
      maxLagMs,
      dpdHistoryRetentionDays: text(env, 'DPD_HISTORY_RETENTION_DAYS') === undefined ? undefined : integer(env, 'DPD_HISTORY_RETENTION_DAYS', 0, 1, 36_500),
      syncRunsRetentionDays: integer(env, 'SYNC_RUNS_RETENTION_DAYS', 30, 1, 36_500),
    },
    graphql: {
      maxPageSize: integer(env, 'GRAPHQL_MAX_PAGE_SIZE', 500, 1, 10_000),
      maxComplexity: integer(env, 'GRAPHQL_MAX_COMPLEXITY', 50_000, 100, 10_000_000),
      batching: bool(env, 'GRAPHQL_BATCHING', true),
    },
    auth: authConfig(env),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
