/** Writes the schema, sorted, to schema/schema.graphql (`npm run schema:emit`); a test fails when the file drifts. */
import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../schema-print';
import { repoRoot } from '../paths';

async function main(): Promise<void> {
  const target = path.join(repoRoot, 'schema/schema.graphql');
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, await printAppSchema());
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
