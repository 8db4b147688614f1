/** Every npm script that runs one of our files names a file that exists, and README's Scripts table documents them all. */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

it.each(Object.entries(scripts))('npm run %s names files that exist', (_name, command) => {
  const files = command.split(/\s+/).filter((word) => /^(src|bench|dist)\/.+\.(ts|js)$/.test(word) && !word.startsWith('dist/'));
  for (const file of files) expect({ file, exists: fs.existsSync(path.join(root, file)) }).toEqual({ file, exists: true });
});

it('README documents only scripts that package.json defines', () => {
  const documented = [...new Set([...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!))];
  expect(documented.filter((name) => !(name in scripts))).toEqual([]);
});

it("README's Scripts table has a row for every script package.json defines", () => {
  const table = readme.slice(readme.indexOf('## Scripts'), readme.indexOf('\n## ', readme.indexOf('## Scripts') + 1));
  const rows = new Set([...table.matchAll(/^\| `npm (?:run )?([a-z:]+)\b/gm)].map((m) => m[1]!));
  expect(Object.keys(scripts).filter((name) => !rows.has(name))).toEqual([]);
});

it.each(Object.entries(scripts).filter(([, command]) => /(^|&& )(NODE_ENV=\S+ )?(exec )?node /.test(command)))(
  'npm run %s execs node, so the signal npm forwards to its script reaches the process that handles it',
  (_name, command) => {
    // npm passes SIGTERM and SIGINT to the shell running the script; a shell that did not exec node died of it and
    // left node running, orphaned (`npm run sync` kept its worker, its lock and an embedded PostgreSQL).
    expect(command).toMatch(/(^|&& )(NODE_ENV=\S+ )?exec node /);
  },
);
