/**
 * Generated files are committed; these tests fail when one of them no longer matches its source:
 * the GraphQL schema and Apollo's type policies for it, the codegen output, and the drizzle migrations.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { printApolloTypePolicies, printAppSchema } from '../../src/schema-print';
import { repoRoot } from '../../src/paths';
import { runCli } from '../support/cli';

describe('generated files are in sync with their sources', () => {
  it('schema/schema.graphql equals what the code emits (run `npm run schema:emit`)', async () => {
    const committed = fs.readFileSync(path.join(repoRoot, 'schema/schema.graphql'), 'utf8');
    expect(await printAppSchema()).toBe(committed);
  });

  it('schema/apollo-type-policies.json equals what the code emits (run `npm run schema:emit`)', async () => {
    const committed = fs.readFileSync(path.join(repoRoot, 'schema/apollo-type-policies.json'), 'utf8');
    expect(await printApolloTypePolicies()).toBe(committed);
  });

  it('test/__generated__/graphql.ts equals the codegen output (run `npm run codegen`)', () => {
    // The codegen CLI is ESM inside; run it as a process in dry-run mode, which exits non-zero on drift.
    const run = () =>
      execFileSync(path.join(repoRoot, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.yml', '--check'], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  }, 60_000);

  it('drizzle/metrics/migrations match drizzle/metrics/schema.ts (run `npm run db:generate`)', () => {
    // drizzle-kit takes `out` relative to the project (it prefixes "./"), so the scratch copy lives under .data/.
    fs.mkdirSync(path.join(repoRoot, '.data'), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(repoRoot, '.data', 'migrations-drift-'));
    try {
      fs.cpSync(path.join(repoRoot, 'drizzle/metrics/migrations'), scratch, { recursive: true });
      const before = fs.readdirSync(scratch).sort();
      const output = execFileSync(path.join(repoRoot, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', 'drizzle.config.ts'], {
        cwd: repoRoot,
        env: { ...process.env, DRIZZLE_OUT: path.relative(repoRoot, scratch) },
        encoding: 'utf8',
      });
      expect(fs.readdirSync(scratch).sort()).toEqual(before);
      expect(output).toContain('No schema changes');
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});

it('schema:emit refuses an argument with the usage exit code 2 and writes nothing (`--help` used to write both files)', async () => {
  const target = path.join(repoRoot, 'schema/schema.graphql');
  const before = fs.statSync(target).mtimeMs;
  expect(await runCli('src/cli/emit-schema.ts', ['--help'], {})).toEqual({
    code: 2,
    stdout: '',
    stderr: 'unknown argument --help; usage: npm run schema:emit (no arguments; writes schema/schema.graphql and schema/apollo-type-policies.json)\n',
  });
  expect(fs.statSync(target).mtimeMs).toBe(before);
}, 60_000);
