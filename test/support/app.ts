/** Starts the whole gateway (as `npm start` does) against a test database pair, on a free port. */
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger, type Logger } from '../../src/logger';
import { createTestDatabases, type TestDatabases } from './databases';

/** Authentication is off unless `env` turns it on: test databases hold no one's loans. */
export async function startTestApp(dbs: Pick<TestDatabases, 'djangoUrl' | 'metricsUrl'>, env: Record<string, string> = {}, log: Logger = silentLogger()): Promise<App> {
  const authOn = env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS_URL !== undefined;
  const config = loadConfig({
    DJANGO_DATABASE_URL: dbs.djangoUrl,
    METRICS_DATABASE_URL: dbs.metricsUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MS: '200',
    ...(authOn ? {} : { AUTH_DISABLED: 'true' }),
    ...env,
  });
  return startApp(config, log);
}

/** The app and databases of a test file, readable once its beforeAll has run. */
export interface FileApp {
  readonly app: App;
  readonly dbs: TestDatabases;
}

/**
 * One gateway over a fresh database pair for a whole test file: created and started before its first test, stopped
 * and dropped after its last (call at the top level of the file).
 */
export function appForFile(env: Record<string, string> = {}, log?: Logger): FileApp {
  let dbs: TestDatabases | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    dbs = await createTestDatabases();
    app = await startTestApp(dbs, env, log);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await dbs?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('appForFile: the app starts in beforeAll; read it inside a test');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get dbs() {
      return started(dbs);
    },
  };
}
