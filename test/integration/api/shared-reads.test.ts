/**
 * Identical whole-portfolio reads of requests running at the same time run once (loaders/shared-reads.ts): the KPI
 * strip asked by two dashboards at once costs one seedsmetrics statement, and each gets the answer it would have got
 * alone. A live event published meanwhile ends the joining; other arguments, and a read that failed, are not shared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import pg from 'pg';
import { SharedReads } from '../../../loaders/shared-reads';
import { createContextFactory, type AppContext } from '../../../src/context';
import { createAppPubSub, TOPICS, type AppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';
import { countStatements, createTestDatabases, type TestDatabases } from '../../support/databases';
import { MAX_PAGE_SIZE, seedPortfolio } from './harness';

const KPIS = fs.readFileSync(path.join(__dirname, '../../operations/portfolioKpis.graphql'), 'utf8');

let dbs: TestDatabases;
let schema: GraphQLSchema;
let pubSub: AppPubSub;
let sharedReads: SharedReads;
let newContext: () => AppContext;

beforeAll(async () => {
  dbs = await createTestDatabases();
  await seedPortfolio(dbs, { officers: 4, loansPerOfficer: 6, customers: 10 });
  sharedReads = new SharedReads();
  pubSub = createAppPubSub({ onPublish: () => sharedReads.dataChanged() });
  schema = await buildAppSchema({ pubSub });
  const factory = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: MAX_PAGE_SIZE, sharedReads });
  newContext = () => factory(null);
});

afterAll(async () => {
  await dbs?.drop();
});

const ask = (variableValues: Record<string, unknown> = {}): Promise<ExecutionResult> => graphql({ schema, source: KPIS, variableValues, contextValue: newContext() });

/**
 * Holds seedsmetrics' loans table locked, so reads of it wait until `release`. Its own connections, outside the pools
 * whose statements the tests count.
 */
async function lockLoans(): Promise<{ release(): Promise<void>; waiting(): Promise<number>; cancelWaiting(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: dbs.metricsUrl });
  const watcher = new pg.Client({ connectionString: dbs.metricsUrl });
  await Promise.all([holder.connect(), watcher.connect()]);
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE loans IN ACCESS EXCLUSIVE MODE');
  const notGranted = `FROM pg_locks WHERE relation = 'loans'::regclass AND NOT granted`;
  return {
    waiting: async () => (await watcher.query<{ n: number }>(`SELECT count(*)::int AS n ${notGranted}`)).rows[0]!.n,
    cancelWaiting: async () => {
      await watcher.query(`SELECT pg_cancel_backend(pid) ${notGranted}`);
    },
    release: async () => {
      await holder.query('ROLLBACK');
      await Promise.all([holder.end(), watcher.end()]);
    },
  };
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await condition()); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!(await condition())) throw new Error('condition not reached');
}

let alone: { answer: ExecutionResult; counts: Record<string, number> };

beforeAll(async () => {
  const { result, counts } = await countStatements({ django: dbs.django.pool, metrics: dbs.metrics.pool }, () => ask());
  alone = { answer: result, counts };
  expect(result.errors).toBeUndefined();
  expect(counts.metrics).toBeGreaterThan(0);
  expect(counts.django).toBeGreaterThan(0);
});

/**
 * Starts `first`; once its read waits on the locked loans table, runs `between` and starts `second`; lets the table go
 * once `waiting` reads wait on it (1: the second joined the first; 2: it read for itself). Answers both results and the
 * statements sent through the pools meanwhile.
 */
async function twoRequests(
  first: () => Promise<ExecutionResult>,
  second: () => Promise<ExecutionResult>,
  options: { waiting: 1 | 2; between?: () => void },
): Promise<{ result: ExecutionResult[]; counts: Record<string, number> }> {
  const lock = await lockLoans();
  return countStatements({ django: dbs.django.pool, metrics: dbs.metrics.pool }, async () => {
    const started = first();
    await until(async () => (await lock.waiting()) === 1);
    options.between?.();
    const joined = second();
    await until(async () => (await lock.waiting()) === options.waiting);
    await lock.release();
    return Promise.all([started, joined]);
  });
}

test('two requests asking at the same time share the seedsmetrics read and each get the answer they would alone', async () => {
  const { result, counts } = await twoRequests(ask, ask, { waiting: 1 });
  expect(result).toEqual([alone.answer, alone.answer]);
  // The KPI figures are read once; the top officer's Django row is each request's own (a per-request loader).
  expect(counts).toEqual({ metrics: alone.counts.metrics, django: 2 * alone.counts.django });
  expect(sharedReads.size).toBe(0);
});

test('a live event published while a read runs: requests after it read afresh', async () => {
  const { result, counts } = await twoRequests(ask, ask, { waiting: 2, between: () => pubSub.publish(TOPICS.PAR_CHANGE, { id: '1' }) });
  expect(result).toEqual([alone.answer, alone.answer]);
  expect(counts.metrics).toBe(2 * alone.counts.metrics);
});

test('other arguments are another read', async () => {
  const { counts } = await twoRequests(ask, () => ask({ wave: 'WAVE_2' }), { waiting: 2 });
  expect(counts.metrics).toBe(2 * alone.counts.metrics);
});

test('a read that fails fails the requests that joined it, and is not kept', async () => {
  const lock = await lockLoans();
  const first = ask();
  await until(async () => (await lock.waiting()) === 1);
  const second = ask();
  // Cancel the one waiting statement: the shared read fails.
  await lock.cancelWaiting();
  const [a, b] = await Promise.all([first, second]);
  await lock.release();
  expect([a.data, b.data]).toEqual([null, null]);
  expect([a.errors?.[0]?.message, b.errors?.[0]?.message]).toEqual([expect.stringContaining('canceling statement'), expect.stringContaining('canceling statement')]);
  expect(await ask()).toEqual(alone.answer);
});

test('without shared reads (the naive benchmark) every request reads for itself', async () => {
  const factory = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: MAX_PAGE_SIZE });
  const run = () => graphql({ schema, source: KPIS, contextValue: factory(null) });
  const { result, counts } = await twoRequests(run, run, { waiting: 2 });
  expect(result).toEqual([alone.answer, alone.answer]);
  expect(counts.metrics).toBe(2 * alone.counts.metrics);
});
