import 'reflect-metadata';
import { execute, parse } from 'graphql';
import { ANONYMOUS_VIEWER } from '../src/auth';
import { createContextFactory } from '../src/context';
import { openDatabases } from '../src/databases';
import { createAppPubSub } from '../src/events/pubsub';
import { buildAppSchema } from '../src/schema';
const parts: Record<string, string> = {
  officers: `{ officers(first: 100) { totalCount nodes { id name branch region portfolio { totalPortfolio overdue15d par15 fimr ayr slippage roll dqi riskScore riskBand activeLoansCount disbursed } } } }`,
  officersNoPortfolio: `{ officers(first: 100) { totalCount nodes { id name branch region } } }`,
  summary: `{ loans(first: 1) { totalCount summary { totalLoans totalPortfolioAmount atRiskCount atRiskAmount criticalCount totalAmountInDpd } } }`,
  loansCount: `{ loans(first: 1) { totalCount } }`,
  fimr: `{ fimrLoans(first: 1) { totalCount } }`,
  early: `{ earlyIndicatorLoans(first: 20) { totalCount nodes { id currentDpd actualOutstanding officer { id name } customer { id name } } } }`,
};
(async () => {
  const base = 'postgres://postgres:postgres@127.0.0.1:54339/';
  const server = { stop: async () => undefined };
  const dbs = openDatabases({ djangoUrl: base + 'django', metricsUrl: base + 'seedsmetrics' });
  try {
    const schema = await buildAppSchema({ pubSub: createAppPubSub() });
    const factory = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: 500 });
    let current: string[] = [];
    dbs.metrics.pool.onStatement((s) => current.push('M ' + s.replace(/\s+/g, ' ').slice(0, 140)));
    dbs.django.pool.onStatement((s) => current.push('D ' + s.replace(/\s+/g, ' ').slice(0, 140)));
    for (const [name, q] of Object.entries(parts)) {
      const doc = parse(q);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        current = [];
        const t = performance.now();
        const r = await execute({ schema, document: doc, contextValue: factory(ANONYMOUS_VIEWER) });
        times.push(performance.now() - t);
        if (r.errors) console.log(r.errors);
      }
      console.log(name, times.map((t) => t.toFixed(1)).join(' '));
      if (process.argv[2] === 'v') for (const s of current) console.log('   ', s);
    }
  } finally {
    await dbs.close();
    await server.stop();
  }
})();
