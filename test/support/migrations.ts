import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metricsMigrationsDir } from '../../src/paths';

/**
 * The repository's seedsmetrics migrations up to (not including) `tag`, in a temporary folder: a database migrated
 * with them is one from before that migration, to test the upgrade on rows it already holds. The caller removes it.
 */
export function migrationsBefore(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(metricsMigrationsDir, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
  const cut = journal.entries.findIndex((entry) => entry.tag === tag);
  if (cut < 0) throw new Error(`migration ${tag} not found in the journal`);
  const kept = journal.entries.slice(0, cut);
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: kept }));
  for (const entry of kept) fs.copyFileSync(path.join(metricsMigrationsDir, `${entry.tag}.sql`), path.join(dir, `${entry.tag}.sql`));
  return dir;
}
