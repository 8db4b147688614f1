/** The README's "Error codes" table is the dashboard team's reference: it lists every code a caller can receive. */
import fs from 'node:fs';
import path from 'node:path';
import { CALLER_ERROR_CODES, DATABASE_UNAVAILABLE } from '../../../src/errors';
import { repoRoot } from '../../../src/paths';

it('lists every code the gateway sends', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Operating it'));
  const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  const sent = [...CALLER_ERROR_CODES, DATABASE_UNAVAILABLE, 'INTERNAL_SERVER_ERROR', 'AUTHENTICATION_UNAVAILABLE'];
  expect([...documented].sort()).toEqual([...new Set(sent)].sort());
});
