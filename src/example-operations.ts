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

/** Reads the example operations once at start-up (they ship with the repository). */
export function loadExampleOperations(dir = path.join(repoRoot, 'test/operations')): ExampleOperation[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => ({ name: file.replace(/\.graphql$/, ''), query: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

/** The names of the operations the example documents define. */
export function exampleOperationNames(examples: readonly ExampleOperation[] = loadExampleOperations()): string[] {
  return examples.flatMap((example) =>
    parse(example.query).definitions.flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [])),
  );
}
