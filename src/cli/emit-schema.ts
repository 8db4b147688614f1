/**
 * Writes the schema, sorted, to schema/schema.graphql and Apollo Client's type policies for it to
 * schema/apollo-type-policies.json (`npm run schema:emit`); a test fails when either file drifts. It takes no
 * arguments: one (`--help`, `--check`) is refused with the usage exit code, rather than ignored while the files are written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { printApolloTypePolicies, printAppSchema } from '../schema-print';
import { repoRoot } from '../paths';
import { USAGE_EXIT_CODE } from './usage';

const USAGE = 'usage: npm run schema:emit (no arguments; writes schema/schema.graphql and schema/apollo-type-policies.json)';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length > 0) {
    process.stderr.write(`unknown argument ${args.join(' ')}; ${USAGE}\n`);
    process.exitCode = USAGE_EXIT_CODE;
    return;
  }
  const files: [string, () => Promise<string>][] = [
    ['schema/schema.graphql', printAppSchema],
    ['schema/apollo-type-policies.json', printApolloTypePolicies],
  ];
  for (const [file, print] of files) {
    const target = path.join(repoRoot, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await print());
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
