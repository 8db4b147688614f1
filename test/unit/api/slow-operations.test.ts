/** The slow-operation log, on a real Apollo Server over a two-field schema, with a memory logger and a fake clock. */
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { AppContext } from '../../../src/context';
import { FAILURE_LOG_INTERVAL_MS } from '../../../src/repeated-failures';
import { slowOperationLogPlugin } from '../../../src/slow-operations';
import { memoryLogger } from '../../support/memory-logger';

const typeDefs = 'type Query { customer(phone: String, first: Int): String, refused: String, unavailable: String, broken: String }';
const resolvers = {
  Query: {
    customer: () => 'Ada',
    refused: () => {
      throw new GraphQLError('no', { extensions: { code: 'BAD_USER_INPUT' } });
    },
    // As pg fails a statement when the database is closed to connections, and as a bug fails.
    unavailable: () => {
      throw Object.assign(new Error('database "django" is not currently accepting connections'), { code: '55000' });
    },
    broken: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    },
  },
};

const servers: ApolloServer<AppContext>[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

async function serverWith(thresholdMs: number): Promise<{ run: (query: string, variables?: Record<string, unknown>) => Promise<void>; lines: Array<Record<string, unknown>>; clock: { now: number } }> {
  const { log, lines } = memoryLogger();
  const clock = { now: 1_000_000 };
  const server = new ApolloServer<AppContext>({ typeDefs, resolvers, plugins: [slowOperationLogPlugin({ thresholdMs, log, now: () => clock.now })] });
  await server.start();
  servers.push(server);
  const contextValue = { viewer: { id: 'analyst-7', roles: [] }, loaders: {}, maxPageSize: 500 } as unknown as AppContext;
  return { run: async (query, variables) => void (await server.executeOperation({ query, variables }, { contextValue })), lines, clock };
}

describe('with a threshold of 0 (every operation is slow)', () => {
  let s: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    s = await serverWith(0);
  });

  it('logs the operation with its signature (literals hidden), variable names without values, duration, error codes and viewer', async () => {
    await s.run('query Lookup($p: String) { a: customer(phone: $p, first: 20) other: customer(phone: "08031234567") refused }', { p: '08099999999' });
    expect(s.lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'slow GraphQL operation',
        operation: 'Lookup',
        type: 'query',
        durationMs: expect.any(Number),
        signature: 'query Lookup($p:String){customer(first:0,phone:$p)customer(phone:"")refused}',
        variables: ['p'],
        errors: ['BAD_USER_INPUT'],
        viewer: 'analyst-7',
        slowSinceLastLine: 0,
      }),
    ]);
    expect(JSON.stringify(s.lines)).not.toMatch(/0803|0809/);
  });

  it('names the codes the caller received: a database that did not answer is DATABASE_UNAVAILABLE, not an internal error', async () => {
    const before = s.lines.length;
    await s.run('query Outage { unavailable broken refused }');
    expect(s.lines.slice(before).map((line) => line['errors'])).toEqual([['DATABASE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'BAD_USER_INPUT']]);
  });

  it('logs one line per operation name and minute, the next one counting those held back', async () => {
    s.lines.length = 0;
    await s.run('query Again { customer }');
    await s.run('query Again { customer }');
    await s.run('query Again { customer }');
    await s.run('{ customer }');
    s.clock.now += FAILURE_LOG_INTERVAL_MS;
    await s.run('query Again { customer }');
    expect(s.lines.map((line) => [line['operation'], line['slowSinceLastLine']])).toEqual([
      ['Again', 0],
      ['_anonymous', 0],
      ['Again', 2],
    ]);
  });

  it('leaves out a document that did not parse or validate (it never ran)', async () => {
    s.lines.length = 0;
    await s.run('{ customer');
    await s.run('{ nope }');
    expect(s.lines).toEqual([]);
  });
});

it('logs nothing below the threshold', async () => {
  const s = await serverWith(3_600_000);
  await s.run('query Quick { customer }');
  expect(s.lines).toEqual([]);
});
