/**
 * Which cache entry an argument's spellings land in, in the dashboard's Apollo cache (real InMemoryCache with the
 * generated type policies, against the running gateway), for every field with arguments the example operations of
 * test/operations use. Apollo keys a field by the arguments it was given, as written (`canonicalStringify`, keys
 * sorted, `undefined` dropped): a variable left unset is the argument left out, while an explicit null, an empty
 * input object or a default spelled out is another entry holding the same answer. No two different answers share one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLObjectType,
} from 'graphql';
import typePolicies from '../../schema/apollo-type-policies.json';
import { DashboardDocument, OfficerByIdDocument } from '../__generated__/graphql';
import { demoWorldAppForFile } from '../support/demo-world-app';

const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const world = demoWorldAppForFile();

const newClient = () => {
  const cache = new InMemoryCache({ typePolicies });
  return { cache, client: new ApolloClient({ link: new HttpLink({ uri: `${world.app.server.url}/graphql` }), cache }) };
};

async function someIds() {
  const { rows } = await world.dbs.metrics.pool.query<{ loan_id: string; officer_id: string; customer_id: string }>(
    `SELECT loan_id, officer_id, customer_id FROM loans WHERE current_dpd > 0 ORDER BY loan_id LIMIT 1`,
  );
  return rows[0]!;
}

it("stores the Dashboard's portfolio(wave: $wave) with $wave unset and the Officer page's bare portfolio as one entry; wave: null is another", async () => {
  const { officer_id: id } = await someIds();
  const { cache, client } = newClient();
  try {
    await client.query({ query: DashboardDocument, variables: { first: 500, loansFirst: 1 } });
    await client.query({ query: OfficerByIdDocument, variables: { id } });
    const portfolioKeys = () => Object.keys((cache.extract() as Record<string, object>)[`Officer:${id}`]!).filter((key) => key.startsWith('portfolio'));
    expect(portfolioKeys()).toEqual(['portfolio']);
    await client.query({ query: DashboardDocument, variables: { first: 500, loansFirst: 1, wave: undefined } });
    expect(portfolioKeys()).toEqual(['portfolio']);
    await client.query({ query: DashboardDocument, variables: { first: 500, loansFirst: 1, wave: null } });
    expect(portfolioKeys()).toEqual(['portfolio', 'portfolio({"wave":null})']);
    await client.query({ query: DashboardDocument, variables: { first: 500, loansFirst: 1, wave: 'WAVE_2' } });
    expect(portfolioKeys()).toEqual(['portfolio', 'portfolio({"wave":null})', 'portfolio({"wave":"WAVE_2"})']);
  } finally {
    client.stop();
  }
});

/** `Type.field` of every field with arguments the example queries select. */
function fieldsWithArguments(): string[] {
  const used = new Set<string>();
  for (const file of readdirSync('test/operations')) {
    const info = new TypeInfo(schema);
    visit(parse(readFileSync(`test/operations/${file}`, 'utf8')), visitWithTypeInfo(info, {
      Field() {
        const parent = info.getParentType();
        const field = info.getFieldDef();
        if (parent && field?.args.length && parent !== schema.getSubscriptionType()) used.add(`${parent.name}.${field.name}`);
      },
    }));
  }
  return [...used].sort();
}

/** The leaf fields of a type, and one level of the objects under it (their id only when they have one). */
function selectionOf(type: GraphQLObjectType, depth = 1): string {
  const parts = Object.values(type.getFields()).flatMap((field) => {
    if (field.args.length) return [];
    const named = getNamedType(field.type);
    if (isLeafType(named)) return [field.name];
    if (!isObjectType(named) || depth === 0) return [];
    return [`${field.name} ${'id' in named.getFields() ? '{ id }' : selectionOf(named, depth - 1)}`];
  });
  return `{ ${parts.join(' ')} }`;
}

interface Spelling {
  readonly name: string;
  readonly argument?: string;
  readonly variable?: string;
  readonly variables?: Record<string, unknown>;
}

it('maps equal arguments to one answer and different answers to different entries, for every field with arguments of the example operations', async () => {
  const ids = await someIds();
  const parents: Record<string, { wrap: (inner: string) => string; dataId: string }> = {
    Query: { wrap: (inner) => inner, dataId: 'ROOT_QUERY' },
    Officer: { wrap: (inner) => `officer(id: "${ids.officer_id}") { id ${inner} }`, dataId: `Officer:${ids.officer_id}` },
    Customer: { wrap: (inner) => `customer(id: "${ids.customer_id}") { id ${inner} }`, dataId: `Customer:${ids.customer_id}` },
    Loan: { wrap: (inner) => `loan(id: "${ids.loan_id}") { id ${inner} }`, dataId: `Loan:${ids.loan_id}` },
  };
  const idOf: Record<string, string> = { 'Query.customer': ids.customer_id, 'Query.loan': ids.loan_id, 'Query.officer': ids.officer_id };
  const coordinates = fieldsWithArguments();
  // Every parent type of the operations' fields with arguments is reached above.
  expect(coordinates.map((c) => c.split('.')[0]).filter((t) => !(t! in parents))).toEqual([]);

  const observed: string[] = [];
  for (const coordinate of coordinates) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
    const selection = selectionOf(getNamedType(field.type) as GraphQLObjectType);
    const identified = coordinate in idOf;
    const ask = async (spelling: Spelling) => {
      const args = [...(identified ? [`id: "${idOf[coordinate]}"`] : []), ...(spelling.argument ? [spelling.argument] : [])];
      const text = `query Q${spelling.variable ? `(${spelling.variable})` : ''} { ${parents[typeName]!.wrap(`${fieldName}${args.length ? `(${args.join(', ')})` : ''} ${selection}`)} }`;
      const { cache, client } = newClient();
      try {
        const { data, error } = await client.query({ query: parse(text), variables: spelling.variables ?? {} });
        expect([coordinate, spelling.name, error]).toEqual([coordinate, spelling.name, undefined]);
        const stored = (cache.extract() as Record<string, Record<string, unknown>>)[parents[typeName]!.dataId]!;
        const keys = Object.keys(stored).filter((key) => key === fieldName || key.startsWith(`${fieldName}(`));
        expect([coordinate, spelling.name, keys.length]).toEqual([coordinate, spelling.name, 1]);
        return { key: keys[0]!, answer: createHash('sha256').update(JSON.stringify(data)).digest('hex') };
      } finally {
        client.stop();
      }
    };
    for (const arg of field.args) {
      if (identified && arg.name === 'id') continue;
      const type = String(arg.type);
      const named = getNamedType(arg.type);
      const spellings: Spelling[] = [
        { name: 'left out' },
        ...(isNonNullType(arg.type)
          ? []
          : [
              { name: 'a variable left unset', argument: `${arg.name}: $v`, variable: `$v: ${type}` },
              { name: 'a variable given as undefined', argument: `${arg.name}: $v`, variable: `$v: ${type}`, variables: { v: undefined } },
              { name: 'a variable given as null', argument: `${arg.name}: $v`, variable: `$v: ${type}`, variables: { v: null } },
              { name: 'null', argument: `${arg.name}: null` },
            ]),
        ...(arg.defaultValue !== undefined
          ? [
              { name: 'its schema default', argument: `${arg.name}: ${String(arg.defaultValue)}` },
              { name: 'a variable defaulting to its schema default', argument: `${arg.name}: $v`, variable: `$v: ${type} = ${String(arg.defaultValue)}` },
            ]
          : []),
        // The server's default page size, which the schema tells in a description only.
        ...(arg.name === 'first' ? [{ name: 'the default page size', argument: 'first: 50' }] : []),
        ...(isInputObjectType(named) && Object.values(named.getFields()).every((f) => !isNonNullType(f.type)) ? [{ name: 'an empty object', argument: `${arg.name}: {}` }] : []),
        ...(isEnumType(named) && !isListType(isNonNullType(arg.type) ? arg.type.ofType : arg.type)
          ? named.getValues().slice(0, 2).map((value) => ({ name: value.name, argument: `${arg.name}: ${value.name}` }))
          : []),
      ];
      const answers = new Map<string, { spelling: string; answer: string }>();
      for (const spelling of spellings) {
        const { key, answer } = await ask(spelling);
        observed.push(`${coordinate} ${arg.name}, ${spelling.name}: ${key}`);
        const before = answers.get(key);
        // Never two different answers under one key.
        if (before) expect([coordinate, spelling.name, answer]).toEqual([coordinate, spelling.name, before.answer]);
        else answers.set(key, { spelling: spelling.name, answer });
      }
      const keyOf = (name: string) => observed.find((line) => line.startsWith(`${coordinate} ${arg.name}, ${name}: `))?.split(': ').slice(1).join(': ');
      // An unset variable and `undefined` are the argument left out: the same entry, the bare field name.
      if (!isNonNullType(arg.type)) {
        expect([coordinate, arg.name, keyOf('a variable left unset'), keyOf('a variable given as undefined')]).toEqual([coordinate, arg.name, fieldName, fieldName]);
        // An explicit null is an entry of its own (the same answer, held twice).
        expect([coordinate, arg.name, keyOf('a variable given as null'), keyOf('null')]).toEqual([coordinate, arg.name, `${fieldName}({"${arg.name}":null})`, `${fieldName}({"${arg.name}":null})`]);
      }
      // A default spelled out is an entry of its own too, whether the document or a variable's default spells it.
      if (arg.defaultValue !== undefined) {
        expect([coordinate, arg.name, keyOf('its schema default'), keyOf('a variable defaulting to its schema default')]).toEqual([
          coordinate,
          arg.name,
          `${fieldName}(${JSON.stringify({ [arg.name]: arg.defaultValue })})`,
          `${fieldName}(${JSON.stringify({ [arg.name]: arg.defaultValue })})`,
        ]);
      }
    }
  }
  // The survey covers every field with arguments of the operations (coordinates listed for the README's notes).
  expect(coordinates).toEqual([
    'Customer.loans',
    'Loan.dpdHistory',
    'Officer.customers',
    'Officer.loans',
    'Officer.portfolio',
    'Officer.topRiskLoans',
    'Query.agentActivity',
    'Query.agentActivityTiles',
    'Query.branches',
    'Query.collectionsByBranch',
    'Query.collectionsByOfficer',
    'Query.customer',
    'Query.customers',
    'Query.dailyCollections',
    'Query.earlyIndicatorLoans',
    'Query.filterOptions',
    'Query.fimrLoans',
    'Query.loan',
    'Query.loans',
    'Query.officer',
    'Query.officers',
    'Query.portfolioKpis',
    'Query.repaymentWatch',
    'Query.verticalLeads',
  ]);
}, 300_000);
