/**
 * Bearer-token authentication (src/auth.ts) with real tokens signed by jose: a shared secret, and an identity
 * provider's key set served over loopback HTTP. Every refusal names what was expected and what arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { ANONYMOUS_VIEWER, AuthenticationError, createAuthenticator, NO_AUTHENTICATION, type Authenticator } from '../../src/auth';
import type { AuthConfig } from '../../src/config';
import { memoryLogger } from '../support/memory-logger';

const SECRET = 'a-shared-secret-of-forty-characters-long';
const OFF: AuthConfig = { jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, disabled: false, clockToleranceSeconds: 30 };
const WITH_SECRET: AuthConfig = { ...OFF, jwtSecret: SECRET };
/** 2023-11-14T22:13:20Z. */
const PAST = 1_700_000_000;
const IN_AN_HOUR = () => Math.floor(Date.now() / 1000) + 3600;

/** A token of `claims`, expiring in an hour unless they say otherwise (`exp: undefined` for none). */
function hmacToken(claims: JWTPayload, secret = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT({ exp: IN_AN_HOUR(), ...claims }).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

async function refusal(authenticator: Authenticator, authorization: string | undefined): Promise<AuthenticationError> {
  try {
    await authenticator.authenticate(authorization);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected an AuthenticationError');
}

describe('authentication off', () => {
  it('lets every caller in as the anonymous reader, whatever it sends', async () => {
    const authenticator = createAuthenticator(OFF);
    expect(authenticator).toBe(NO_AUTHENTICATION);
    expect(authenticator.enabled).toBe(false);
    await expect(authenticator.authenticate(undefined)).resolves.toEqual({ viewer: ANONYMOUS_VIEWER, expiresAt: undefined, acceptedUntil: undefined });
    await expect(authenticator.authenticate('Bearer whatever')).resolves.toEqual({ viewer: { id: 'anonymous', roles: ['reader'] }, expiresAt: undefined, acceptedUntil: undefined });
  });
});

describe('authentication with a shared secret (HS256/384/512)', () => {
  const authenticator = createAuthenticator(WITH_SECRET);

  it('turns a valid token into its subject and roles, and the same caller into the same viewer object', async () => {
    const exp = IN_AN_HOUR();
    const token = await hmacToken({ sub: 'analyst-7', roles: ['reader', 'analyst'], exp });
    const first = await authenticator.authenticate(`Bearer ${token}`);
    expect(first).toEqual({ viewer: { id: 'analyst-7', roles: ['reader', 'analyst'] }, expiresAt: exp * 1000, acceptedUntil: (exp + 30) * 1000 });
    const again = await authenticator.authenticate(`bearer  ${await hmacToken({ sub: 'analyst-7', roles: ['reader', 'analyst'] }, SECRET, 'HS512')}`);
    expect(again.viewer).toBe(first.viewer);
    const noRoles = await authenticator.authenticate(`Bearer ${await hmacToken({ sub: 'ops' })}`);
    expect(noRoles.viewer).toEqual({ id: 'ops', roles: ['reader'] });
  });

  it.each([
    [undefined, 'Authentication required: expected an Authorization header "Bearer <JWT>"; got none'],
    ['  ', 'Authentication required: expected an Authorization header "Bearer <JWT>"; got none'],
    ['Basic dXNlcjpwdw==', 'Authentication required: expected an Authorization header "Bearer <JWT>"; got a "Basic" credential'],
    ['Bearer', 'Authentication required: expected an Authorization header "Bearer <JWT>"; got "Bearer" followed by nothing'],
    ['Bearer one two', 'Authentication required: expected an Authorization header "Bearer <JWT>"; got "Bearer" followed by 2 words'],
  ])('refuses the header %j without a token challenge error', async (authorization, message) => {
    const error = await refusal(authenticator, authorization);
    expect({ status: error.status, code: error.code, message: error.message, headers: error.headers }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message,
      headers: { 'www-authenticate': 'Bearer realm="seedsmetrics"' },
    });
  });

  it('refuses tokens that do not verify, saying why, with error="invalid_token" and never the token', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const cases: Array<[string, string]> = [
      [await hmacToken({ sub: 'a', exp: PAST }), 'The bearer token must be unexpired; it expired at 2023-11-14T22:13:20.000Z'],
      [await hmacToken({ sub: 'a', exp: undefined }), 'The bearer token must carry an "exp" claim (when it expires); got none'],
      [await hmacToken({ sub: 'a', nbf: 4_102_444_800 }), 'The bearer token is not valid before 2100-01-01T00:00:00.000Z; it arrived earlier'],
      [await hmacToken({ sub: 'a' }, 'another-secret-that-is-forty-characters!'), "The bearer token's signature must verify against AUTH_JWT_SECRET; it does not"],
      [await new SignJWT({ sub: 'a' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey), 'The bearer token must be signed with one of HS256, HS384, HS512; got alg "ES256"'],
      [await hmacToken({ sub: 'a', roles: 'admin' }), 'The bearer token\'s "roles" claim must be a list of strings; got "admin"'],
      [await hmacToken({ roles: ['reader'] }), 'The bearer token must carry a "sub" claim naming the caller; got none'],
      [await hmacToken({ sub: '' }), 'The bearer token must carry a "sub" claim naming the caller; got ""'],
    ];
    for (const [token, message] of cases) {
      const error = await refusal(authenticator, `Bearer ${token}`);
      expect({ status: error.status, code: error.code, message: error.message, headers: error.headers }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
        message,
        headers: { 'www-authenticate': 'Bearer realm="seedsmetrics", error="invalid_token"' },
      });
      expect(error.message).not.toContain(token);
    }
    const garbled = await refusal(authenticator, 'Bearer not-a.jwt');
    expect(garbled.message).toMatch(/^The bearer token must be a JWS compact JWT \(header\.claims\.signature, base64url JSON\); got one that does not parse \(.+\)$/);
  });

  it('checks the issuer and the audience when they are configured', async () => {
    const strict = createAuthenticator({ ...WITH_SECRET, issuer: 'https://idp.example', audience: 'seedsmetrics' });
    const good = await hmacToken({ sub: 'a', iss: 'https://idp.example', aud: ['other-api', 'seedsmetrics'] });
    await expect(strict.authenticate(`Bearer ${good}`)).resolves.toMatchObject({ viewer: { id: 'a' } });
    const cases: Array<[JWTPayload, string]> = [
      [{ sub: 'a', iss: 'https://evil.example', aud: 'seedsmetrics' }, 'The bearer token\'s "iss" claim must be "https://idp.example"; got "https://evil.example"'],
      [{ sub: 'a', aud: 'seedsmetrics' }, 'The bearer token\'s "iss" claim must be "https://idp.example"; got none'],
      [{ sub: 'a', iss: 'https://idp.example', aud: 'billing' }, 'The bearer token\'s "aud" claim must include "seedsmetrics"; got "billing"'],
      [{ sub: 'a', iss: 'https://idp.example' }, 'The bearer token\'s "aud" claim must include "seedsmetrics"; got none'],
    ];
    for (const [claims, message] of cases) {
      expect((await refusal(strict, `Bearer ${await hmacToken(claims)}`)).message).toBe(message);
    }
  });
});

describe('clock tolerance between the identity provider and this server (AUTH_CLOCK_TOLERANCE_SECONDS)', () => {
  // Claims sit 10 s inside or outside the 30 s tolerance of the wall clock jose reads: the test would have to stall
  // for 20 s between signing and checking to read either side wrong.
  const nowS = (): number => Math.floor(Date.now() / 1000);
  const tolerant = createAuthenticator(WITH_SECRET);
  const strict = createAuthenticator({ ...WITH_SECRET, clockToleranceSeconds: 0 });

  it('takes a token up to the tolerance past its exp, before its nbf, or with an iat ahead, and keeps it until exp + tolerance', async () => {
    const exp = nowS() - 20;
    await expect(tolerant.authenticate(`Bearer ${await hmacToken({ sub: 'a', exp })}`)).resolves.toEqual({
      viewer: { id: 'a', roles: ['reader'] },
      expiresAt: exp * 1000,
      acceptedUntil: (exp + 30) * 1000,
    });
    await expect(tolerant.authenticate(`Bearer ${await hmacToken({ sub: 'a', nbf: nowS() + 20, iat: nowS() + 20 })}`)).resolves.toMatchObject({ viewer: { id: 'a' } });
  });

  it('refuses them past the tolerance, and at once without one', async () => {
    const exp = nowS() - 40;
    const cases: Array<[Authenticator, JWTPayload, string]> = [
      [tolerant, { sub: 'a', exp }, `The bearer token must be unexpired; it expired at ${new Date(exp * 1000).toISOString()}`],
      [strict, { sub: 'a', exp: exp + 20 }, `The bearer token must be unexpired; it expired at ${new Date((exp + 20) * 1000).toISOString()}`],
      [tolerant, { sub: 'a', nbf: nowS() + 40 }, `The bearer token is not valid before ${new Date((nowS() + 40) * 1000).toISOString()}; it arrived earlier`],
      [tolerant, { sub: 'a', iat: 4_102_444_800 }, 'The bearer token\'s "iat" claim must not be in the future (beyond 30 s of clock tolerance); got 2100-01-01T00:00:00.000Z'],
      [strict, { sub: 'a', iat: nowS() + 20 }, `The bearer token's "iat" claim must not be in the future (beyond 0 s of clock tolerance); got ${new Date((nowS() + 20) * 1000).toISOString()}`],
    ];
    for (const [authenticator, claims, message] of cases) {
      const error = await refusal(authenticator, `Bearer ${await hmacToken(claims)}`);
      expect({ status: error.status, message: error.message }).toEqual({ status: 401, message });
    }
  });
});

describe("authentication with an identity provider's key set (AUTH_JWKS_URL)", () => {
  let server: http.Server;
  let jwksUrl: string;
  let signingKey: KeyLike;
  let answerWith: 'keys' | 'failure' = 'keys';
  let publishedKeys: object;
  let fetches = 0;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    signingKey = privateKey;
    publishedKeys = { keys: [{ ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }] };
    server = http.createServer((_request, response) => {
      fetches += 1;
      response.statusCode = answerWith === 'keys' ? 200 : 500;
      response.setHeader('content-type', 'application/json');
      response.end(answerWith === 'keys' ? JSON.stringify(publishedKeys) : '{"error":"down"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const signed = (kid: string, claims: JWTPayload = { sub: 'dashboard', exp: IN_AN_HOUR() }) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(signingKey);

  it('accepts a token signed by a published key and refuses one whose key id is not published', async () => {
    answerWith = 'keys';
    const authenticator = createAuthenticator({ ...OFF, jwksUrl });
    const exp = IN_AN_HOUR();
    await expect(authenticator.authenticate(`Bearer ${await signed('key-1', { sub: 'dashboard', exp })}`)).resolves.toEqual({ viewer: { id: 'dashboard', roles: ['reader'] }, expiresAt: exp * 1000, acceptedUntil: (exp + 30) * 1000 });
    const error = await refusal(authenticator, `Bearer ${await signed('key-9')}`);
    expect([error.status, error.message]).toEqual([401, 'The bearer token must name a key published at AUTH_JWKS_URL; no key matches its header (kid "key-9")']);
    const hmac = await refusal(authenticator, `Bearer ${await hmacToken({ sub: 'a' })}`);
    expect(hmac.message).toBe('The bearer token must be signed with one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA; got alg "HS256"');
  });

  it('tries each published key that fits a token without a key id (a rotation publishes two), and refuses a forged one 401 without shutting others out', async () => {
    answerWith = 'keys';
    const oneKey = publishedKeys;
    const [retiring, current] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    publishedKeys = { keys: [{ ...(await exportJWK(retiring.publicKey)), kid: 'old' }, { ...(await exportJWK(current.publicKey)), kid: 'new' }] };
    try {
      const authenticator = createAuthenticator({ ...OFF, jwksUrl });
      const withoutKid = await new SignJWT({ sub: 'no-kid', exp: IN_AN_HOUR() }).setProtectedHeader({ alg: 'ES256' }).sign(current.privateKey);
      await expect(authenticator.authenticate(`Bearer ${withoutKid}`)).resolves.toMatchObject({ viewer: { id: 'no-kid' } });
      // Anyone can send this: a header naming no key, any claims, a signature of nothing.
      const forged = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.AAAA`;
      const error = await refusal(authenticator, `Bearer ${forged}`);
      expect([error.status, error.code, error.message]).toEqual([401, 'UNAUTHENTICATED', "The bearer token's signature must verify against the keys published at AUTH_JWKS_URL; it does not"]);
      const valid = await new SignJWT({ sub: 'dashboard', exp: IN_AN_HOUR() }).setProtectedHeader({ alg: 'ES256', kid: 'new' }).sign(current.privateKey);
      await expect(authenticator.authenticate(`Bearer ${valid}`)).resolves.toMatchObject({ viewer: { id: 'dashboard' } });
    } finally {
      publishedKeys = oneKey;
    }
  });

  it('answers 503 AUTHENTICATION_UNAVAILABLE, not 401, when the key set cannot be fetched', async () => {
    answerWith = 'failure';
    const authenticator = createAuthenticator({ ...OFF, jwksUrl });
    const error = await refusal(authenticator, `Bearer ${await signed('key-1')}`);
    expect({ status: error.status, code: error.code, message: error.message, headers: error.headers }).toEqual({
      status: 503,
      code: 'AUTHENTICATION_UNAVAILABLE',
      message: 'Authentication is unavailable: the signing keys could not be read; try again shortly',
      headers: { 'retry-after': '5' },
    });
  });

  it('while the key set cannot be read, asks for it again only after Retry-After, logs once, and says when it is back', async () => {
    answerWith = 'failure';
    const { log, lines } = memoryLogger();
    const clock = { now: 1_000_000 };
    const authenticator = createAuthenticator({ ...OFF, jwksUrl }, log, () => clock.now);
    const token = `Bearer ${await signed('key-1')}`;
    fetches = 0;
    for (let i = 0; i < 5; i += 1) expect((await refusal(authenticator, token)).status).toBe(503);
    expect(fetches).toBe(1);
    clock.now += 5_000;
    expect((await refusal(authenticator, token)).status).toBe(503);
    expect(fetches).toBe(2);
    expect(lines.filter((l) => l.msg === 'could not read the signing keys at AUTH_JWKS_URL')).toHaveLength(1);
    answerWith = 'keys';
    clock.now += 5_000;
    await expect(authenticator.authenticate(token)).resolves.toMatchObject({ viewer: { id: 'dashboard' } });
    expect(lines.filter((l) => l.msg === 'the signing keys at AUTH_JWKS_URL can be read again')).toEqual([expect.objectContaining({ level: 30, failures: 2, failingForMs: 10_000 })]);
  });
});
