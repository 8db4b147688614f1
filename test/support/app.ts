/** Starts the whole gateway (as `npm start` does) against a test database pair, on a free port. */
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import type { TestDatabases } from './databases';

export async function startTestApp(dbs: Pick<TestDatabases, 'djangoUrl' | 'metricsUrl'>, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({
    DJANGO_DATABASE_URL: dbs.djangoUrl,
    METRICS_DATABASE_URL: dbs.metricsUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SYNC_INTERVAL_MS: '200',
    ...env,
  });
  return startApp(config, silentLogger());
}
