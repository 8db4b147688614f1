/**
 * SQL statements per operation for variants a (batched) and d (batching off), counted in-process: the gateway's
 * own schema and context factory over pools whose every statement is observed (src/pg-pool.ts onStatement).
 * Counting here rather than in the child process keeps the latency runs free of any instrumentation.
 */
import 'reflect-metadata';
import { execute, parse, type DocumentNode } from 'graphql';
import { ANONYMOUS_VIEWER } from '../src/auth';
import { createContextFactory, type ContextDeps } from '../src/context';
import { openDatabases } from '../src/databases';
import { createAppPubSub } from '../src/events/pubsub';
import { buildAppSchema } from '../src/schema';
import { GRAPHQL_DOCUMENTS, OPERATION_NAMES, type OperationName, type OperationParams } from './operations';

export interface StatementCount {
  django: number;
  metrics: number;
  total: number;
}

export interface StatementReport {
  /** Per operation: batched (a) and unbatched (d) counts at the benchmark parameters. */
  perOperation: Record<OperationName, { batched: StatementCount; unbatched: StatementCount }>;
  /** Batched counts of the list operations at two page sizes (they must be equal). */
  pageSizes: Array<{ operation: OperationName; sizes: [number, number]; counts: [number, number] }>;
  /** False when the batching switch made no difference (the option is missing or ignored). */
  batchingSwitchEffective: boolean;
}

export async function countStatements(
  urls: { djangoUrl: string; metricsUrl: string },
  paramsOf: (name: OperationName) => OperationParams,
  pageSizeParams: (name: OperationName, size: number) => OperationParams,
  pageSizes: [number, number],
): Promise<StatementReport> {
  const dbs = openDatabases(urls, { djangoPoolSize: 4, metricsPoolSize: 4 });
  try {
    const schema = await buildAppSchema({ pubSub: createAppPubSub() });
    const deps = (batching: boolean): ContextDeps => ({ django: dbs.django, metrics: dbs.metrics, maxPageSize: 500, batching }) as ContextDeps;
    const factories = { batched: createContextFactory(deps(true)), unbatched: createContextFactory(deps(false)) };
    const documents = new Map<OperationName, DocumentNode>(OPERATION_NAMES.map((n) => [n, parse(GRAPHQL_DOCUMENTS[n])]));

    const run = async (name: OperationName, params: OperationParams, mode: keyof typeof factories): Promise<StatementCount> => {
      const count = { django: 0, metrics: 0, total: 0 };
      const offDjango = dbs.django.pool.onStatement(() => (count.django += 1));
      const offMetrics = dbs.metrics.pool.onStatement(() => (count.metrics += 1));
      try {
        const result = await execute({ schema, document: documents.get(name)!, variableValues: params, contextValue: factories[mode](ANONYMOUS_VIEWER) });
        if (result.errors?.length) throw new Error(`${name} (${mode}) failed: ${result.errors.map((e) => e.message).join('; ')}`);
      } finally {
        offDjango();
        offMetrics();
      }
      count.total = count.django + count.metrics;
      return count;
    };

    const perOperation = {} as StatementReport['perOperation'];
    for (const name of OPERATION_NAMES) {
      const params = paramsOf(name);
      perOperation[name] = { batched: await run(name, params, 'batched'), unbatched: await run(name, params, 'unbatched') };
    }
    const pageSizesReport: StatementReport['pageSizes'] = [];
    for (const name of ['officersList', 'loansPage', 'fimrDrilldown', 'dashboard'] as const) {
      const a = await run(name, pageSizeParams(name, pageSizes[0]), 'batched');
      const b = await run(name, pageSizeParams(name, pageSizes[1]), 'batched');
      pageSizesReport.push({ operation: name, sizes: pageSizes, counts: [a.total, b.total] });
    }
    const batchingSwitchEffective = OPERATION_NAMES.some((n) => perOperation[n].unbatched.total !== perOperation[n].batched.total);
    return { perOperation, pageSizes: pageSizesReport, batchingSwitchEffective };
  } finally {
    await dbs.close();
  }
}
