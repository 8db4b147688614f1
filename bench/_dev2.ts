import 'reflect-metadata';
import { execute, parse } from 'graphql';
import { ANONYMOUS_VIEWER } from '../src/auth';
import { createContextFactory } from '../src/context';
import { openDatabases } from '../src/databases';
import { createAppPubSub } from '../src/events/pubsub';
import { buildAppSchema } from '../src/schema';
(async () => {
  const base = 'postgres://postgres:postgres@127.0.0.1:54339/';
  const dbs = openDatabases({ djangoUrl: base + 'django', metricsUrl: base + 'seedsmetrics' });
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  const factory = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: 500 });
  const seen: Array<[string, unknown[] | undefined]> = [];
  const pool = dbs.metrics.pool as any;
  const orig = pool.query.bind(pool);
  pool.query = (t: any, v: any) => { if (typeof t === 'string') seen.push([t, v]); return orig(t, v); };
  await execute({ schema, document: parse(process.argv[2]!), contextValue: factory(ANONYMOUS_VIEWER) });
  for (const [t, v] of seen) {
    const r = await orig('EXPLAIN (ANALYZE, BUFFERS OFF, SUMMARY ON) ' + t, v);
    const lines = r.rows.map((x: any) => x['QUERY PLAN']);
    console.log('=== ' + t.replace(/\s+/g, ' ').slice(0, 100));
    console.log(lines.slice(0, 3).join('\n') + '\n ...\n' + lines.slice(-3).join('\n'));
  }
  await dbs.close();
})();
