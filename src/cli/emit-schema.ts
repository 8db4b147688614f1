/**
 * Writes the schema, sorted, to schema/schema.graphql and Apollo Client's type policies for it to
 * schema/apollo-type-policies.json (`npm run schema:emit`); a test fails when either file drifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { printApolloTypePolicies, printAppSchema } from '../schema-print';
import { repoRoot } from '../paths';

async function main(): Promise<void> {
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
