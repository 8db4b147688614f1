/**
 * What start-up checks before it writes anything (migrations, the business clock): that each configured database
 * is the one its variable claims and lets the gateway in, and that PostgreSQL knows BUSINESS_TZ. A failure is a
 * ConfigError naming the variable and the cause, so a mistaken URL never gets the gateway's tables written into
 * Django, and never passes for a gateway that starts and then fails every query.
 *
 * One exception: a Django database that merely does not answer (down, restarting, not yet resolvable) does not
 * stop start-up, as that fixes itself; /health/ready says 503 until it answers. Refusals that never fix themselves
 * without an operator (wrong password, unknown role or database, no CONNECT privilege, TLS asked of a server that
 * offers none, a server certificate the client does not trust) stop it.
 */
import { ConfigError, redactUrl, type Config } from './config';
import type { Databases } from './databases';
import { djangoTablesProblem, refuseDjangoDatabase } from './django-tables';
import { isZoneKnownToPostgres } from './engine/clock';
import type { Queryable } from './queryable';
import type { Logger } from './logger';

/**
 * SQLSTATEs of a connection PostgreSQL refuses for good: invalid_password, invalid_authorization_specification
 * (unknown role, no pg_hba.conf entry), invalid_catalog_name (no such database), insufficient_privilege (no CONNECT).
 */
const PERMANENT_REFUSALS = new Set(['28P01', '28000', '3D000', '42501']);

/**
 * Node's codes for a server certificate the client does not trust (tls.TLSSocket's authorizationError and
 * checkServerIdentity): nothing on the server's side changes that without an operator either.
 */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** node-postgres's error when the URL asks for TLS (any sslmode but disable) and the server offers none. */
const NO_TLS_ON_SERVER = 'The server does not support SSL connections';

/** A refusal of the connection that no retry fixes: see PERMANENT_REFUSALS and the TLS failures above. */
export function isPermanentRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (PERMANENT_REFUSALS.has(code) || UNTRUSTED_CERTIFICATE_CODES.has(code))) return true;
  return messageOf(error) === NO_TLS_ON_SERVER;
}

/** How long start-up waits for the Django database before starting without it. */
export const DJANGO_STARTUP_WAIT_MS = 10_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** seedsmetrics: reachable, and not Django's database under another name (it would get the gateway's tables). */
async function checkMetricsDatabase(pool: Queryable, url: string): Promise<void> {
  try {
    await refuseDjangoDatabase(pool, url);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('METRICS_DATABASE_URL', 'a database the gateway can connect to', redactUrl(url), messageOf(error));
  }
}

/** Django: has the tables the gateway reads; a database that does not answer only gets a warning. */
async function checkDjangoDatabase(pool: Queryable, url: string, log: Logger): Promise<void> {
  const variable = 'DJANGO_DATABASE_URL';
  let timer: NodeJS.Timeout | undefined;
  let problem: string | undefined;
  try {
    problem = await Promise.race([
      djangoTablesProblem(pool),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DJANGO_STARTUP_WAIT_MS} ms`)), DJANGO_STARTUP_WAIT_MS);
      }),
    ]);
  } catch (error) {
    if (isPermanentRefusal(error)) {
      throw new ConfigError(variable, 'a database the gateway can log in to', redactUrl(url), messageOf(error));
    }
    log.warn({ database: redactUrl(url), err: messageOf(error) }, 'the Django database does not answer; starting without it (/health/ready says 503 until it does)');
    return;
  } finally {
    clearTimeout(timer);
  }
  if (problem !== undefined) {
    throw new ConfigError(variable, 'the Django database, with the tables the gateway reads', redactUrl(url), problem);
  }
}

/** Runs every check; call it after the pools are open and before anything is written. */
export async function runStartupChecks(dbs: Pick<Databases, 'django' | 'metrics' | 'embedded'>, config: Config, log: Logger): Promise<void> {
  // The embedded server's databases are created by this process under their own names; nothing to mistake.
  if (!dbs.embedded) {
    await checkMetricsDatabase(dbs.metrics.pool, dbs.metrics.url);
    await checkDjangoDatabase(dbs.django.pool, dbs.django.url, log);
  }
  // Node accepts zones PostgreSQL does not know; business_today() would fail on every call with one of them.
  if (!(await isZoneKnownToPostgres(dbs.metrics.pool, config.businessTz))) {
    throw new ConfigError('BUSINESS_TZ', 'an IANA time zone PostgreSQL knows, such as Africa/Lagos', config.businessTz);
  }
}
