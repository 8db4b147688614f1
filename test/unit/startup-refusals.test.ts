/**
 * Which failures to reach the Django database stop start-up (no retry fixes them) and which only delay it
 * (the database may come back): the classifier behind the start-up check, over errors shaped as node-postgres
 * and Node's TLS raise them. The integration test (startup-checks) shows one of each against a real server.
 */
import { isPermanentRefusal } from '../../src/startup-checks';

const failure = (message: string, code?: string): Error => Object.assign(new Error(message), code === undefined ? {} : { code });

describe('isPermanentRefusal', () => {
  it.each([
    ['a wrong password', failure('password authentication failed for user "django"', '28P01')],
    ['an unknown database', failure('database "nope" does not exist', '3D000')],
    ['TLS asked of a server without it', failure('The server does not support SSL connections')],
    ['a self-signed server certificate', failure('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')],
    ['a certificate for another host', failure("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID')],
    ['an expired certificate', failure('certificate has expired', 'CERT_HAS_EXPIRED')],
  ])('stops start-up for %s', (_case, error) => {
    expect(isPermanentRefusal(error)).toBe(true);
  });

  it.each([
    ['a refused connection (server down)', failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a name that does not resolve yet', failure('getaddrinfo ENOTFOUND django-db', 'ENOTFOUND')],
    ['a server starting up', failure('the database system is starting up', '57P03')],
    ['no answer in time', failure('no answer within 10000 ms')],
    ['a connection reset during the TLS handshake', failure('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET')],
  ])('only delays start-up for %s', (_case, error) => {
    expect(isPermanentRefusal(error)).toBe(false);
  });
});
