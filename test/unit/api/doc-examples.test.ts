/**
 * The GraphQL a newcomer copies from the docs runs: every ```graphql block of README.md, docs/ and src/*\/README.md,
 * and every whole operation written inline (`query { viewer { id roles } }`), parses and validates against the
 * schema. A renamed field or argument otherwise leaves the README's first example failing in GraphiQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { createAppPubSub } from '../../../src/events/pubsub';
import { repoRoot } from '../../../src/paths';
import { buildAppSchema } from '../../../src/schema';

const docs = [
  'README.md',
  ...fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...fs
    .readdirSync(path.join(repoRoot, 'src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(repoRoot, 'src', entry.name, 'README.md')))
    .map((entry) => `src/${entry.name}/README.md`),
];

/** The examples of one document: fenced graphql blocks, and inline operations without an elision (…). */
function examples(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const fenced = [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const inline = [...text.matchAll(/`((?:query|subscription) \{[^`]*\})`/g)].map((m) => m[1]!).filter((op) => !op.includes('…'));
  return [...fenced, ...inline];
}

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema({ pubSub: createAppPubSub() });
});

it('the docs hold examples to check (README.md and src/events/README.md at least)', () => {
  expect(docs).toEqual(expect.arrayContaining(['README.md', 'src/events/README.md']));
  expect(examples('README.md').length).toBeGreaterThanOrEqual(3);
});

it.each(docs)('every GraphQL example of %s is valid against the schema', (file) => {
  for (const example of examples(file)) {
    expect({ example, errors: validate(schema, parse(example)).map((error) => error.message) }).toEqual({ example, errors: [] });
  }
});
