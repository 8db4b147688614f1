import pg from 'pg';
import { RAW } from './sql-variants';
(async () => {
  const url = process.argv[2]!;
  const metrics = new pg.Pool({ connectionString: url + '/seedsmetrics', max: 2 });
  const django = new pg.Pool({ connectionString: url + '/django', max: 2 });
  const orig = metrics.query.bind(metrics);
  const texts: string[] = [];
  (metrics as any).query = (t: string, v?: unknown[]) => { texts.push(t); return orig(t, v); };
  const id = (await orig(`SELECT officer_id FROM officers WHERE user_type='STAFF_AGENT' AND EXISTS (SELECT 1 FROM loans l WHERE l.officer_id = officers.officer_id) LIMIT 1`)).rows[0].officer_id;
  for (let i = 0; i < 3; i++) { const t = performance.now(); await RAW.officerById({ metrics, django }, { id }); console.log('raw officerById', (performance.now() - t).toFixed(1)); }
  const r = await orig('EXPLAIN (ANALYZE) ' + texts[0], [id]);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
  await metrics.end(); await django.end();
})();
