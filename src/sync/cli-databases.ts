/**
 * The databases a sync command line works on: the configured URLs, or (embedded mode) an embedded PostgreSQL
 * this process starts on EMBEDDED_PG_DATA_DIR. A running `npm start` already owns that directory, so next to
 * it set DJANGO_DATABASE_URL and METRICS_DATABASE_URL (the embedded server's URLs) instead. Statements are not
 * bounded by DB_STATEMENT_TIMEOUT_MS, which is for requests: a validation may read for minutes.
 */
import type { Config } from '../config';
import { commandLineTimeouts, createDatabases, openDatabases, type Databases } from '../databases';
import { configureBusinessClock } from '../engine/clock';
import type { Logger } from '../logger';
import { migrateMetrics } from '../migrate';
import { runStartupChecks } from '../startup-checks';

export async function openCliDatabases(config: Config, log: Logger): Promise<Pick<Databases, 'django' | 'metrics' | 'close'>> {
  const onLog = (message: string): void => log.debug(message);
  const dbs =
    config.djangoDatabaseUrl !== undefined && config.metricsDatabaseUrl !== undefined
      ? openDatabases(
          { djangoUrl: config.djangoDatabaseUrl, metricsUrl: config.metricsDatabaseUrl },
          { djangoPoolSize: config.djangoPoolSize, metricsPoolSize: config.metricsPoolSize, ...commandLineTimeouts(config), onError: (e) => onLog(`pool error: ${e.message}`) },
        )
      : await createDatabases(config, onLog, commandLineTimeouts(config));
  try {
    // The same checks as `npm start` before anything is written (a ConfigError naming the variable).
    await runStartupChecks(dbs, config, log);
    // Idempotent and serialised by its own lock: a standalone run brings the schema and the clock zone up first.
    await migrateMetrics(dbs.metrics.url);
    await configureBusinessClock(dbs.metrics.pool, { businessTz: config.businessTz });
  } catch (error) {
    await dbs.close();
    throw error;
  }
  return dbs;
}
