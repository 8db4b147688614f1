/**
 * The dashboard's operations as the repository ships them (test/operations/*.graphql): GraphiQL opens them as tabs,
 * the tests run them, and the operation metrics always report their names as themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { repoRoot } from './paths';

export interface ExampleOperation {
  name: string;
  query: string;
}

const EXAMPLES_DIR = path.join(repoRoot, 'test/operations');

let shipped: readonly ExampleOperation[] | undefined;

/**
 * The example operations, read once per process (they ship with the repository): the playground and the operation
 * metrics both ask for them at start-up.
 */
export function loadExampleOperations(): readonly ExampleOperation[] {
  shipped ??= fs.existsSync(EXAMPLES_DIR)
    ? fs
        .readdirSync(EXAMPLES_DIR)
        .filter((file) => file.endsWith('.graphql'))
        .sort()
        .map((file) => ({ name: file.replace(/\.graphql$/, ''), query: fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8') }))
    : [];
  return shipped;
}

/** The names of the operations the example documents define. */
export function exampleOperationNames(examples: readonly ExampleOperation[] = loadExampleOperations()): string[] {
  return examples.flatMap((example) =>
    parse(example.query).definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [])),
  );
}
