/**
 * The only reader of the process environment. `loadConfig` validates every variable once at start-up
 * and throws a ConfigError whose one-line message names the variable, what was expected and what was given.
 * Start-up throws the same error for a value that is well-formed but unusable (a port in use, a database that
 * refuses the password), with the cause appended.
 */
import net from 'node:net';
import path from 'node:path';
import { isCalendarDate } from './calendar-date';
import { futureDemoDayExpected } from './seed/calendar';
import { DEMO_SCALE_MAX, DEMO_SCALE_MIN, DEMO_SEED_MAX } from './seed/limits';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly given: string | undefined,
    /** Why a well-formed value does not work, e.g. the database's or the operating system's answer. */
    readonly reason?: string,
  ) {
    // One line whatever the cause says: an operator reads it as the last line of a failed start.
    const because = reason === undefined ? '' : ` (${reason.replace(/\s+/g, ' ').trim()})`;
    super(`${variable} must be ${expected}; got ${given === undefined ? 'nothing' : JSON.stringify(given)}${because}`);
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
  /** Days of PAR changes (the parChanged replay and parChanges history) kept; undefined keeps every change. @default undefined */
  parChangesRetentionDays: number | undefined;
  /** Days of sync_runs rows (one per cycle) kept. @default 30 */
  syncRunsRetentionDays: number;
  /** Longest statement of the worker (its reads and transactions; a full recompute takes tens of seconds at scale); 0 for none. @default 600000 */
  statementTimeoutMs: number;
}

/** HTTP_KEEP_ALIVE_TIMEOUT_MS when unset: above the 60 s idle timeout of common load balancers. */
export const DEFAULT_HTTP_KEEP_ALIVE_MS = 65_000;

/** GRAPHQL_MAX_PAGE_SIZE when unset; the schema's descriptions of `first` quote it. */
export const DEFAULT_MAX_PAGE_SIZE = 500;

/** GRAPHQL_SLOW_OPERATION_MS when unset: a dashboard screen's queries take tens of milliseconds at scale 1. */
export const DEFAULT_SLOW_OPERATION_MS = 1000;

/**
 * LIVE_MAX_PENDING_EVENTS_PER_CONNECTION when unset: two subscriptions' worth of the per-subscription bound
 * (100,000, DEFAULT_MAX_PENDING_EVENTS in src/events/slow-consumers.ts), so a dashboard's few feeds ride out a
 * midnight recompute, while one client's 100 subscriptions can no longer hold 100 times the per-subscription bound
 * (~10 million entries, near a gigabyte).
 */
export const DEFAULT_MAX_PENDING_EVENTS_PER_CONNECTION = 200_000;

/**
 * LIVE_MAX_OPERATIONS_PER_CONNECTION when unset: operations (subscriptions, and queries while they run) one WebSocket
 * connection may hold at once. A dashboard holds a few; the bound keeps one client from making the server hold
 * thousands of feeds and their replays.
 */
export const DEFAULT_MAX_OPERATIONS_PER_CONNECTION = 100;

/** How long the gateway waits for a database, and for itself to stop (src/pg-pool.ts, src/index.ts). */
export interface TimeoutsConfig {
  /** Longest wait for a database connection: opening one, or a free one of a busy pool. @default 10000 */
  dbConnectMs: number;
  /** Longest statement of a request (PostgreSQL statement_timeout of the request pools); 0 for none. @default 30000 */
  dbStatementMs: number;
  /** Time from SIGTERM to a forced exit (code 1) when something does not stop; below Kubernetes' 30 s grace. @default 25000 */
  shutdownMs: number;
  /**
   * How long an idle HTTP keep-alive connection stays open. Longer than the idle timeout of a load balancer in front
   * (60 s on AWS ALB, GCP, nginx's default keepalive_timeout 75 s: set it above that one), so the balancer never
   * reuses a connection the gateway is closing at the same moment (a 502 for the caller). @default 65000
   */
  httpKeepAliveMs: number;
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
  /** Required `aud` claim (one of the token's audiences), when set; always set with jwksUrl. */
  audience: string | undefined;
  /**
   * AUTH_DISABLED: authentication off on purpose. Without a secret or JWKS URL, start-up against real databases
   * refuses unless this is set (the embedded demo needs no login). @default false
   */
  disabled: boolean;
  /**
   * AUTH_CLOCK_TOLERANCE_SECONDS: how far the identity provider's clock may run from ours. A token is still taken
   * this long after its `exp`, before its `nbf`, and with an `iat` this far ahead. @default 30
   */
  clockToleranceSeconds: number;
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
    /** Operations over HTTP that take this long or longer are logged (src/slow-operations.ts); 0 logs every one. @default 1000 */
    slowOperationMs: number;
    /** Schema introspection and GraphiQL (which needs it); off where the API faces the public (src/introspection.ts). @default true */
    introspection: boolean;
  };
  auth: AuthConfig;
  liveFeeds: {
    /**
     * Published events all subscriptions of one WebSocket connection may have waiting (undelivered) at once; past it
     * the client is closed as a slow consumer (4008). @default 200000
     */
    maxPendingEventsPerConnection: number;
    /** Operations one WebSocket connection may hold at once; one more is refused (TOO_MANY_OPERATIONS). @default 100 */
    maxOperationsPerConnection: number;
  };
  /**
   * Browser origins allowed to call the API from another origin (CORS), e.g. the dashboard's; ['*'] allows any.
   * Empty: no CORS headers, so browsers allow same-origin pages only (GraphiQL is served by this server). @default []
   */
  corsOrigins: readonly string[];
  /** Gzip large GraphQL responses for clients that accept it; false when a proxy in front compresses. @default true */
  httpCompression: boolean;
  timeouts: TimeoutsConfig;
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

/** Days of a history kept (1 to 100 years' worth), or undefined to keep all of it when the variable is unset. */
function retentionDays(env: Env, name: string): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, 1, 36_500);
}

/** A decimal number as people write one: 2, 0.5, .5, 5e-1 (not hex, Infinity or NaN, which Number() also reads). */
const DECIMAL_NUMBER = /^(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!DECIMAL_NUMBER.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `a decimal number from ${min} to ${max}, such as 0.5`, raw);
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

/** The port of a URL's authority (after the last @ of user:password), as written; undefined when none is written. */
function writtenPort(raw: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw)?.[1];
  const hostPort = authority?.slice(authority.lastIndexOf('@') + 1);
  return hostPort === undefined ? undefined : /:([^:\]]*)$/.exec(hostPort)?.[1];
}

/** The sslmode values node-postgres knows; it treats any other as "use SSL", which fails later and obscurely. */
const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const port = writtenPort(raw);
  if (port !== undefined && /^\d+$/.test(port) && (Number(port) < 1 || Number(port) > 65535)) {
    throw new ConfigError(name, 'a URL whose port is a number from 1 to 65535', redactUrl(raw));
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    // With a scheme, the usual culprit is a password holding one of / ? # @ : unencoded (then read as a port).
    const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? ' (with special characters in the user name and password percent-encoded)' : '';
    throw new ConfigError(name, `a postgres:// or postgresql:// URL${hint}`, redactUrl(raw));
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'a postgres:// or postgresql:// URL', redactUrl(raw));
  }
  if (parsed.pathname.length <= 1) {
    throw new ConfigError(name, 'a URL that names a database (postgres://host/dbname)', redactUrl(raw));
  }
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw new ConfigError(name, `a URL whose sslmode is one of ${SSL_MODES.join(', ')}`, redactUrl(raw));
  }
  return raw;
}

/** Host names that reach this machine's own server. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Which database a URL reaches: server (host and port, with localhost and 127.0.0.1 taken as one) and database
 * name. Two URLs with the same identity are the same database however they are spelled.
 */
function databaseIdentity(url: string): string {
  const parsed = new URL(url);
  const hostParam = parsed.searchParams.get('host'); // libpq-style ?host= overrides the authority (e.g. a socket)
  const host = (hostParam ?? parsed.hostname).toLowerCase().replace(/\.$/, '');
  const port = parsed.searchParams.get('port') ?? (parsed.port === '' ? '5432' : parsed.port);
  return JSON.stringify([LOOPBACK.has(host) ? 'loopback' : host, Number(port), decodeURIComponent(parsed.pathname.slice(1))]);
}

/** HOST: what `listen` accepts, an IP address or a host name (RFC 1123 labels). */
function listenHost(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
  const hostName = raw.length <= 253 && raw.replace(/\.$/, '').split('.').every((part) => label.test(part));
  if (net.isIP(raw) === 0 && !hostName) {
    throw new ConfigError(name, 'an IP address or host name of this machine to listen on, such as 0.0.0.0, 127.0.0.1, :: or localhost', raw);
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
  // These two are refused as a whole: the entry alone ("*", "") would not say what is wrong with it.
  if (entries.includes('*')) throw new ConfigError(name, '* on its own (it allows every origin) or a list of origins without it', raw);
  if (entries.includes('')) throw new ConfigError(name, 'a comma-separated list of origins without an empty entry (a stray comma?)', raw);
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
  // The password runs to the last '@' (it may hold an unencoded '@', '/' or '#'; a later '@' elsewhere hides more,
  // never less), and may also come as a query parameter (password=, sslpassword=).
  return raw.replace(/(\/\/[^:/@]+:).*@/, '$1***@').replace(/([?&][^=&#]*password=)[^&#]*/gi, '$1***');
}

/**
 * Why the gateway may not serve `config`'s databases without authentication, or undefined. Real databases hold real
 * loans and customers: a forgotten or misspelt AUTH_JWT_SECRET must not serve them to every caller. Checked when
 * the server starts, not in loadConfig: the command lines (sync, seed, hierarchy import) serve nothing.
 */
export function authenticationLeftOff(config: Pick<Config, 'embeddedMode' | 'auth'>): ConfigError | undefined {
  const { jwtSecret, jwksUrl, disabled } = config.auth;
  if (config.embeddedMode || disabled || jwtSecret !== undefined || jwksUrl !== undefined) return undefined;
  return new ConfigError('AUTH_JWT_SECRET', 'set, or AUTH_JWKS_URL, to serve real databases (AUTH_DISABLED=true lets every caller in as the anonymous reader)', undefined);
}

/**
 * Clocks of two hosts synchronised by NTP agree within a second; an identity provider's tokens are usually issued
 * the instant they are used, so a clock a little ahead of ours made fresh tokens "not yet valid" at random.
 */
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Past five minutes the tolerance stops excusing drift and starts extending every token's life. */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/** An HMAC key shorter than the hash (256 bits) weakens HS256; the value is never echoed. */
const MIN_JWT_SECRET_LENGTH = 32;

function authConfig(env: Env): AuthConfig {
  const jwtSecret = text(env, 'AUTH_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError('AUTH_JWT_SECRET', `a shared secret of at least ${MIN_JWT_SECRET_LENGTH} characters`, `${jwtSecret.length} characters (not shown)`);
  }
  const jwksUrl = text(env, 'AUTH_JWKS_URL');
  if (jwksUrl !== undefined) {
    const url = URL.canParse(jwksUrl) ? new URL(jwksUrl) : undefined;
    // Keys fetched in the clear could be swapped on the way for an attacker's, who could then sign any token;
    // plain http is for a key set on this machine (a sidecar, a test).
    const trusted = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK.has(url.hostname.toLowerCase()));
    if (!trusted) throw new ConfigError('AUTH_JWKS_URL', 'an https:// URL of a JSON Web Key Set (http:// only on this machine: localhost, 127.0.0.1 or [::1])', jwksUrl);
  }
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('AUTH_JWKS_URL', 'unset when AUTH_JWT_SECRET is set (tokens are verified one way)', jwksUrl);
  }
  const issuer = text(env, 'AUTH_ISSUER');
  const audience = text(env, 'AUTH_AUDIENCE');
  if (jwksUrl !== undefined && audience === undefined) {
    // An identity provider signs the tokens of every application it serves with the same keys: without an audience,
    // a token it issued for any of them (a customer app's, another team's API) would be let in.
    throw new ConfigError('AUTH_AUDIENCE', "set when AUTH_JWKS_URL is (the identity provider's name for this API, which its tokens must carry in aud)", undefined);
  }
  if (jwtSecret === undefined && jwksUrl === undefined) {
    for (const [name, value] of [['AUTH_ISSUER', issuer], ['AUTH_AUDIENCE', audience]] as const) {
      if (value !== undefined) throw new ConfigError(name, 'unset unless AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on', value);
    }
  }
  const clockToleranceSeconds = integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', DEFAULT_CLOCK_TOLERANCE_SECONDS, 0, MAX_CLOCK_TOLERANCE_SECONDS);
  const disabled = bool(env, 'AUTH_DISABLED', false);
  if (disabled && (jwtSecret !== undefined || jwksUrl !== undefined)) {
    throw new ConfigError('AUTH_DISABLED', 'unset or false when AUTH_JWT_SECRET or AUTH_JWKS_URL turns authentication on', text(env, 'AUTH_DISABLED'));
  }
  return { jwtSecret, jwksUrl, issuer, audience, disabled, clockToleranceSeconds };
}

/**
 * An IANA zone, in the spelling Intl resolves it to: Node accepts any letter case ("africa/lagos") and some
 * retired aliases, PostgreSQL only the exact name, so the canonical one is kept. Whether PostgreSQL knows it is
 * checked at start-up, before anything is written (src/startup-checks.ts).
 */
function timeZone(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    throw new ConfigError(name, 'an IANA time zone such as Africa/Lagos', raw);
  }
}

function isoDate(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!isCalendarDate(raw)) throw new ConfigError(name, 'a calendar date YYYY-MM-DD', raw);
  return raw;
}

/** DEMO_AS_OF: a day up to today (src/seed/calendar.ts futureDemoDayExpected says why). */
function demoAsOf(env: Env, name: string): string | undefined {
  const day = isoDate(env, name);
  const future = day === undefined ? undefined : futureDemoDayExpected(day);
  if (future !== undefined) throw new ConfigError(name, future, day);
  return day;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  // Any letter case, as the booleans and BUSINESS_TZ take it (LOG_LEVEL=INFO).
  const value = allowed.find((option) => option.toLowerCase() === raw.toLowerCase());
  if (value === undefined) throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return value;
}

/**
 * METRICS_DATABASE_URL alone, checked as loadConfig checks it: for `npm run db:migrate`, which touches no other
 * database (a migration job need not be given Django's credentials).
 */
export function loadMetricsDatabaseUrl(env: Env = process.env): string | undefined {
  return postgresUrl(env, 'METRICS_DATABASE_URL');
}

export function loadConfig(env: Env = process.env): Config {
  const djangoDatabaseUrl = postgresUrl(env, 'DJANGO_DATABASE_URL');
  const metricsDatabaseUrl = postgresUrl(env, 'METRICS_DATABASE_URL');
  if ((djangoDatabaseUrl === undefined) !== (metricsDatabaseUrl === undefined)) {
    const missing = djangoDatabaseUrl === undefined ? 'DJANGO_DATABASE_URL' : 'METRICS_DATABASE_URL';
    throw new ConfigError(missing, 'set together with the other database URL (or neither, for the embedded PostgreSQL)', undefined);
  }
  if (djangoDatabaseUrl !== undefined && metricsDatabaseUrl !== undefined && databaseIdentity(djangoDatabaseUrl) === databaseIdentity(metricsDatabaseUrl)) {
    // The gateway migrates and writes METRICS_DATABASE_URL: the same database as Django's would get its tables.
    throw new ConfigError('METRICS_DATABASE_URL', 'a different database from DJANGO_DATABASE_URL (seedsmetrics is written, Django never)', redactUrl(metricsDatabaseUrl), `DJANGO_DATABASE_URL names the same database: ${redactUrl(djangoDatabaseUrl)}`);
  }
  const embeddedMode = djangoDatabaseUrl === undefined;
  const syncIntervalMs = integer(env, 'SYNC_INTERVAL_MS', 2000, 100, 86_400_000);
  const maxLagMs = integer(env, 'SYNC_MAX_LAG_MS', 120_000, 1000, 86_400_000);
  const editScanIntervalMs = integer(env, 'SYNC_EDIT_SCAN_INTERVAL_MS', 30_000, 0, 86_400_000);
  // The sync lag counts from the last cycle's edit scan: an interval this long would read as degraded between them.
  // Whichever of the pair was set is named; with both set, the interval (the lag bounds it).
  const below = (name: string, value: number): void => {
    if (value < maxLagMs) return;
    if (text(env, name) === undefined) throw new ConfigError('SYNC_MAX_LAG_MS', `an integer above ${name} (${value}, its default)`, String(maxLagMs));
    throw new ConfigError(name, `an integer below SYNC_MAX_LAG_MS (${maxLagMs})`, String(value));
  };
  below('SYNC_INTERVAL_MS', syncIntervalMs);
  below('SYNC_EDIT_SCAN_INTERVAL_MS', editScanIntervalMs);
  return {
    djangoDatabaseUrl,
    metricsDatabaseUrl,
    embeddedMode,
    host: listenHost(env, 'HOST', '0.0.0.0'),
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
      seed: integer(env, 'DEMO_SEED', 42, 0, DEMO_SEED_MAX),
      scale: decimal(env, 'DEMO_SCALE', 1, DEMO_SCALE_MIN, DEMO_SCALE_MAX),
      asOf: demoAsOf(env, 'DEMO_AS_OF'),
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
      dpdHistoryRetentionDays: retentionDays(env, 'DPD_HISTORY_RETENTION_DAYS'),
      parChangesRetentionDays: retentionDays(env, 'PAR_CHANGES_RETENTION_DAYS'),
      syncRunsRetentionDays: integer(env, 'SYNC_RUNS_RETENTION_DAYS', 30, 1, 36_500),
      statementTimeoutMs: integer(env, 'SYNC_STATEMENT_TIMEOUT_MS', 600_000, 0, 86_400_000),
    },
    graphql: {
      maxPageSize: integer(env, 'GRAPHQL_MAX_PAGE_SIZE', DEFAULT_MAX_PAGE_SIZE, 1, 10_000),
      maxComplexity: integer(env, 'GRAPHQL_MAX_COMPLEXITY', 50_000, 100, 10_000_000),
      batching: bool(env, 'GRAPHQL_BATCHING', true),
      slowOperationMs: integer(env, 'GRAPHQL_SLOW_OPERATION_MS', DEFAULT_SLOW_OPERATION_MS, 0, 3_600_000),
      introspection: bool(env, 'GRAPHQL_INTROSPECTION', true),
    },
    auth: authConfig(env),
    liveFeeds: {
      maxPendingEventsPerConnection: integer(env, 'LIVE_MAX_PENDING_EVENTS_PER_CONNECTION', DEFAULT_MAX_PENDING_EVENTS_PER_CONNECTION, 1, 100_000_000),
      maxOperationsPerConnection: integer(env, 'LIVE_MAX_OPERATIONS_PER_CONNECTION', DEFAULT_MAX_OPERATIONS_PER_CONNECTION, 1, 100_000),
    },
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    httpCompression: bool(env, 'HTTP_COMPRESSION', true),
    timeouts: {
      dbConnectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 10_000, 100, 600_000),
      dbStatementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 86_400_000),
      shutdownMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 100, 3_600_000),
      httpKeepAliveMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_KEEP_ALIVE_MS, 1000, 3_600_000),
    },
  };
}
