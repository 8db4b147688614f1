/** The bounds on waiting for the databases and for shutdown: documented defaults, and refusals that name the variable. */
import { ConfigError, loadConfig } from '../../src/config';

it('bounds database connections at 10 s, request statements at 30 s, the sync worker statements at 10 min and shutdown at 25 s by default; idle HTTP connections stay 65 s', () => {
  const config = loadConfig({});
  expect(config.timeouts).toEqual({ dbConnectMs: 10_000, dbStatementMs: 30_000, shutdownMs: 25_000, httpKeepAliveMs: 65_000 });
  expect(config.sync.statementTimeoutMs).toBe(600_000);
});

it('takes other bounds, 0 switching a statement bound off', () => {
  const config = loadConfig({ DB_CONNECT_TIMEOUT_MS: '2500', DB_STATEMENT_TIMEOUT_MS: '0', SYNC_STATEMENT_TIMEOUT_MS: '0', SHUTDOWN_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '90000' });
  expect(config.timeouts).toEqual({ dbConnectMs: 2500, dbStatementMs: 0, shutdownMs: 1000, httpKeepAliveMs: 90_000 });
  expect(config.sync.statementTimeoutMs).toBe(0);
});

it.each([
  [{ DB_CONNECT_TIMEOUT_MS: '0' }, 'DB_CONNECT_TIMEOUT_MS must be an integer from 100 to 600000; got "0"'],
  [{ DB_STATEMENT_TIMEOUT_MS: '30s' }, 'DB_STATEMENT_TIMEOUT_MS must be an integer from 0 to 86400000; got "30s"'],
  [{ SYNC_STATEMENT_TIMEOUT_MS: '-1' }, 'SYNC_STATEMENT_TIMEOUT_MS must be an integer from 0 to 86400000; got "-1"'],
  [{ SHUTDOWN_TIMEOUT_MS: '25s' }, 'SHUTDOWN_TIMEOUT_MS must be an integer from 100 to 3600000; got "25s"'],
  [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' }, 'HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer from 1000 to 3600000; got "500"'],
])('refuses %j with one line naming the variable', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});
