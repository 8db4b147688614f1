/**
 * The Django tables the gateway reads, and whether a connection can read them: start-up refuses a
 * DJANGO_DATABASE_URL without them, /health/ready reports them, and start-up refuses a METRICS_DATABASE_URL that
 * has them (it would be Django's database under another name).
 */
import { getTableName } from 'drizzle-orm';
import { djangoSchema } from '../drizzle/django/schema';
import { ConfigError, redactUrl } from './config';
import type { Queryable } from './queryable';

/** Every Django table the gateway reads (the read-only mapping in drizzle/django/schema.ts). */
export const DJANGO_TABLES: readonly string[] = Object.values(djangoSchema).map((table) => getTableName(table));

/**
 * Why the gateway cannot read Django through this connection — tables missing, or present without SELECT for
 * this role — or undefined when it can. Catalog lookups only: cheap enough for every readiness probe.
 */
export async function djangoTablesProblem(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ name: string; present: boolean; readable: boolean }>(
    `SELECT t AS name, to_regclass(t) IS NOT NULL AS present,
            coalesce(has_table_privilege(to_regclass(t), 'SELECT'), false) AS readable
       FROM unnest($1::text[]) AS t`,
    [DJANGO_TABLES],
  );
  const missing = rows.filter((r) => !r.present).map((r) => r.name);
  if (missing.length > 0) return `the database has no table ${missing.join(', ')}`;
  const unreadable = rows.filter((r) => !r.readable).map((r) => r.name);
  if (unreadable.length > 0) return `this role may not SELECT from ${unreadable.join(', ')}`;
  return undefined;
}

/**
 * Refuses `db`, named by METRICS_DATABASE_URL `url`, when it holds any of Django's tables (in its search path): it is
 * then the Django database under another name, and the gateway's tables must not be written into it.
 */
export async function refuseDjangoDatabase(db: Queryable, url: string): Promise<void> {
  const { rows } = await db.query<{ name: string }>(`SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NOT NULL`, [DJANGO_TABLES]);
  if (rows.length > 0) {
    throw new ConfigError('METRICS_DATABASE_URL', 'the seedsmetrics database, not the Django database', redactUrl(url), `it holds Django's tables ${rows.map((r) => r.name).join(', ')}`);
  }
}
