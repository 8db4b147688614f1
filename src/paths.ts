/** Locates files that ship beside the code (migrations, fixtures, static assets) from source or from dist/. */
import fs from 'node:fs';
import path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'drizzle'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root (package.json beside drizzle/) above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const metricsMigrationsDir = path.join(repoRoot, 'drizzle/metrics/migrations');
export const djangoFixturePath = path.join(repoRoot, 'drizzle/django/fixture.sql');
