/**
 * Who is asking: turns a request's bearer token into the `Viewer` resolvers see (`context.viewer`). With
 * authentication off (no AUTH_JWT_SECRET or AUTH_JWKS_URL: the demo, local development) every caller is the
 * anonymous reader. With it on, a caller must send a JWT with an expiry, signed with the shared secret or by a key
 * of the identity provider's JWKS; one that does not gets an AuthenticationError that names what was expected and what
 * arrived (the token itself is never echoed). Verification is jose's, pinned to 5.x: jose 6 ships ES modules
 * only, which this CommonJS build and jest's module registry cannot load.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { AuthConfig } from './config';
import type { Viewer } from './context';
import type { Logger } from './logger';
import { causeKey, RepeatedFailures } from './repeated-failures';

/** Roles of the anonymous reader, and of a token that carries no `roles` claim. */
const DEFAULT_ROLES: readonly string[] = Object.freeze(['reader']);

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ id: 'anonymous', roles: DEFAULT_ROLES as string[] });
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const REALM = 'seedsmetrics';
/** Distinct viewers kept for reuse before the table starts afresh (see `intern`). */
const MAX_INTERNED_VIEWERS = 10_000;

/**
 * A caller that may not in: `status` 401 (no token, or one that does not verify) or 503 (the signing keys could
 * not be fetched: not the caller's fault, worth a retry).
 */
export class AuthenticationError extends Error {
  readonly code: 'UNAUTHENTICATED' | 'AUTHENTICATION_UNAVAILABLE';
  /** HTTP headers of the answer: the challenge RFC 6750 asks of a 401. */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly status: 401 | 503,
    message: string,
    /** Whether a token arrived (and failed), as opposed to none. */
    tokenGiven = false,
  ) {
    super(message);
    this.name = 'AuthenticationError';
    this.code = status === 401 ? 'UNAUTHENTICATED' : 'AUTHENTICATION_UNAVAILABLE';
    this.headers = status === 401 ? { 'www-authenticate': `Bearer realm="${REALM}"${tokenGiven ? ', error="invalid_token"' : ''}` } : { 'retry-after': String(KEY_SET_RETRY_AFTER_S) };
  }
}

export interface Authenticator {
  /** False when every caller is the anonymous reader. */
  readonly enabled: boolean;
  /**
   * The viewer behind an `Authorization` header value (`Bearer <JWT>`), when its token expires (`exp`, epoch ms) and
   * until when this server takes it (`exp` plus the clock tolerance; a live connection closes then); both undefined:
   * never. Throws AuthenticationError.
   */
  authenticate(authorization: string | undefined): Promise<Authenticated>;
}

export interface Authenticated {
  viewer: Viewer;
  expiresAt: number | undefined;
  acceptedUntil: number | undefined;
}

/** Authentication off: every caller is the anonymous reader. */
export const NO_AUTHENTICATION: Authenticator = {
  enabled: false,
  authenticate: async () => ({ viewer: ANONYMOUS_VIEWER, expiresAt: undefined, acceptedUntil: undefined }),
};

/** The refusal while the signing keys cannot be read: the caller's token may be fine. */
function keySetUnreadable(): AuthenticationError {
  return new AuthenticationError(503, 'Authentication is unavailable: the signing keys could not be read; try again shortly');
}

function refused(message: string, tokenGiven = true): AuthenticationError {
  return new AuthenticationError(401, message, tokenGiven);
}

function bearerToken(authorization: string | undefined): string {
  const expected = 'expected an Authorization header "Bearer <JWT>"';
  if (authorization === undefined || authorization.trim() === '') throw refused(`Authentication required: ${expected}; got none`, false);
  const [scheme, token, ...rest] = authorization.trim().split(/\s+/);
  if (scheme!.toLowerCase() !== 'bearer') throw refused(`Authentication required: ${expected}; got a ${JSON.stringify(scheme)} credential`, false);
  if (token === undefined || rest.length > 0) throw refused(`Authentication required: ${expected}; got "Bearer" followed by ${rest.length > 0 ? `${rest.length + 1} words` : 'nothing'}`, false);
  return token;
}

/** Why a token past its `exp` is refused, on a request or on a live connection it outlived. */
export function expiredMessage(expiredAtMs: number): string {
  return `The bearer token must be unexpired; it expired at ${new Date(expiredAtMs).toISOString()}`;
}

function isoOfSeconds(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : JSON.stringify(seconds);
}

/** The token's protected header, or nothing when it does not decode (only used to word a refusal). */
function headerOf(token: string): { alg?: unknown; kid?: unknown } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

/** Rewords jose's verification failures as "expected …; got …", without echoing the token. */
function explain(error: unknown, token: string, config: AuthConfig, algorithms: string[]): AuthenticationError {
  const keySource = config.jwtSecret !== undefined ? 'AUTH_JWT_SECRET' : 'the keys published at AUTH_JWKS_URL';
  if (error instanceof errors.JWTExpired) return refused(expiredMessage(Number(error.payload.exp) * 1000));
  if (error instanceof errors.JWTClaimValidationFailed) {
    const got = error.payload[error.claim];
    if (error.claim === 'iss') return refused(`The bearer token's "iss" claim must be ${JSON.stringify(config.issuer)}; got ${JSON.stringify(got) ?? 'none'}`);
    if (error.claim === 'aud') return refused(`The bearer token's "aud" claim must include ${JSON.stringify(config.audience)}; got ${JSON.stringify(got) ?? 'none'}`);
    if (error.claim === 'exp' && error.reason === 'missing') return refused('The bearer token must carry an "exp" claim (when it expires); got none');
    if (error.claim === 'nbf') return refused(`The bearer token is not valid before ${isoOfSeconds(got)}; it arrived earlier`);
    return refused(`The bearer token's "${error.claim}" claim is invalid (${error.reason}); got ${JSON.stringify(got) ?? 'none'}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refused(`The bearer token must be signed with one of ${algorithms.join(', ')}; got alg ${JSON.stringify(headerOf(token).alg) ?? 'none'}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused(`The bearer token's signature must verify against ${keySource}; it does not`);
  if (error instanceof errors.JWKSNoMatchingKey) {
    return refused(`The bearer token must name a key published at AUTH_JWKS_URL; no key matches its header (kid ${JSON.stringify(headerOf(token).kid) ?? 'none'})`);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return refused(`The bearer token must be a JWS compact JWT (header.claims.signature, base64url JSON); got one that does not parse (${error.message})`);
  }
  // Anything else is the key source failing (the JWKS could not be fetched or read), not the caller.
  return keySetUnreadable();
}

function rolesOf(payload: JWTPayload): readonly string[] {
  const roles = payload['roles'];
  if (roles === undefined) return DEFAULT_ROLES;
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw refused(`The bearer token's "roles" claim must be a list of strings; got ${JSON.stringify(roles)}`);
  }
  return roles as string[];
}

/**
 * jwtVerify against the key set, trying in turn each published key that fits a token naming no key id (`kid`):
 * while an identity provider rotates its keys it publishes two of one algorithm, and jose then leaves the choice
 * to the caller. Unhandled, that error read as the key set failing: a 503 for valid tokens without a kid, and a
 * forged one (any header without kid, any signature) shut every caller out for KEY_SET_RETRY_AFTER_S.
 */
async function verifyWithKeySet(token: string, keySet: ReturnType<typeof createRemoteJWKSet>, options: JWTVerifyOptions): Promise<JWTVerifyResult> {
  try {
    return await jwtVerify(token, keySet, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return await jwtVerify(token, key, options);
      } catch (tried) {
        if (!(tried instanceof errors.JWSSignatureVerificationFailed)) throw tried;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/**
 * Seconds a caller is told to wait when the signing keys could not be read, and for which the key set is not asked
 * again: while the identity provider is down, every request fetched it anew (and logged a line).
 */
const KEY_SET_RETRY_AFTER_S = 5;

/**
 * `log` hears why the signing keys could not be read (the caller only learns that they could not), once a minute
 * per cause while it lasts, and when they can be read again; `now` is the clock of both waits.
 */
export function createAuthenticator(config: AuthConfig, log?: Pick<Logger, 'warn' | 'info'>, now: () => number = Date.now): Authenticator {
  if (config.jwtSecret === undefined && config.jwksUrl === undefined) return NO_AUTHENTICATION;
  const algorithms = config.jwtSecret !== undefined ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  // exp is required: a token without one would stay valid, and a graphql-ws connection on it open, for good
  // (until the secret or the key is replaced), however it leaked.
  const tolerance = config.clockToleranceSeconds;
  const options: JWTVerifyOptions = { algorithms, issuer: config.issuer, audience: config.audience, requiredClaims: ['exp'], clockTolerance: tolerance };
  let verify: (token: string) => Promise<JWTVerifyResult>;
  if (config.jwtSecret !== undefined) {
    const secret = new TextEncoder().encode(config.jwtSecret);
    verify = (token) => jwtVerify(token, secret, options);
  } else {
    // Fetched on first use, cached, and fetched again when a token names a key id it has not seen.
    const keySet = createRemoteJWKSet(new URL(config.jwksUrl!));
    verify = (token) => verifyWithKeySet(token, keySet, options);
  }
  // The same caller gets the same Viewer object, so live subscribers sharing a token share executions too
  // (src/events/ws-server.ts shares per viewer object). Bounded: the table starts afresh past its limit.
  const interned = new Map<string, Viewer>();
  const intern = (id: string, roles: readonly string[]): Viewer => {
    const signature = JSON.stringify([id, roles]);
    let viewer = interned.get(signature);
    if (viewer === undefined) {
      if (interned.size >= MAX_INTERNED_VIEWERS) interned.clear();
      viewer = Object.freeze({ id, roles: Object.freeze([...roles]) as string[] });
      interned.set(signature, viewer);
    }
    return viewer;
  };
  const keySetFailures = new RepeatedFailures(now);
  let keySetUnreadableUntil = 0;
  return {
    enabled: true,
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (now() < keySetUnreadableUntil) throw keySetUnreadable();
      let payload: JWTPayload;
      try {
        payload = (await verify(token)).payload;
      } catch (error) {
        const refusal = explain(error, token, config, algorithms);
        if (refusal.status === 503) {
          keySetUnreadableUntil = now() + KEY_SET_RETRY_AFTER_S * 1000;
          const line = keySetFailures.failed(causeKey(error));
          if (line !== undefined) log?.warn({ err: error, ...line }, 'could not read the signing keys at AUTH_JWKS_URL');
        }
        throw refusal;
      }
      const outage = keySetFailures.succeeded();
      if (outage !== undefined) log?.info({ ...outage }, 'the signing keys at AUTH_JWKS_URL can be read again');
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw refused(`The bearer token must carry a "sub" claim naming the caller; got ${JSON.stringify(payload.sub) ?? 'none'}`);
      }
      // jose checks `iat` against the clock only with a maximum token age; a token issued in the future comes from
      // a clock far off (or a minter signing ahead), and would outlive what its issuer meant by its lifetime.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + tolerance) {
        throw refused(`The bearer token's "iat" claim must not be in the future (beyond ${tolerance} s of clock tolerance); got ${isoOfSeconds(payload.iat)}`);
      }
      const expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
      return { viewer: intern(payload.sub, rolesOf(payload)), expiresAt, acceptedUntil: expiresAt === undefined ? undefined : expiresAt + tolerance * 1000 };
    },
  };
}
