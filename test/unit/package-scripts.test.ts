/** Every npm script that runs one of our files names a file that exists (README documents them all). */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

it.each(Object.entries(scripts))('npm run %s names files that exist', (_name, command) => {
  const files = command.split(/\s+/).filter((word) => /^(src|bench|dist)\/.+\.(ts|js)$/.test(word) && !word.startsWith('dist/'));
  for (const file of files) expect({ file, exists: fs.existsSync(path.join(root, file)) }).toEqual({ file, exists: true });
});

it('README documents only scripts that package.json defines', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const documented = [...new Set([...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!))];
  expect(documented.filter((name) => !(name in scripts))).toEqual([]);
});
