/**
 * The filter is written twice — SQL for replay and history pages, TypeScript for live events — so both must
 * select the same rows: every bucket pair, both directions, and each list filter, over real rows.
 */
import {
  fetchDpdTransitionsAfter,
  matchesDpdTransitionFilter,
  type DpdTransitionFilter,
} from '../../../loaders/dpd-transition.metrics';
import { DPD_BUCKET_LABELS } from '../../../src/engine/thresholds';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { insertTransitions } from './harness';

let dbs: TestDatabases;

beforeAll(async () => {
  dbs = await createTestDatabases();
  // 36 rows: every (from, to) pair, spread over three officers, two branches (one row without a branch) and regions.
  const specs = DPD_BUCKET_LABELS.flatMap((from, i) =>
    DPD_BUCKET_LABELS.map((to, j) => ({
      from,
      to,
      officerId: String(501 + ((i + j) % 3)),
      branch: (i + j) % 5 === 0 ? null : (i + j) % 2 === 0 ? 'YABA' : 'EPE',
      region: i % 2 === 0 ? 'Crystal' : 'Jade',
    })),
  );
  await insertTransitions(dbs, specs);
});

afterAll(async () => {
  await dbs?.drop();
});

const filters: [string, DpdTransitionFilter][] = [
  ['none', {}],
  ['worsening', { direction: 'WORSENING' }],
  ['improving', { direction: 'IMPROVING' }],
  ['from 7-30 and 90+', { fromBuckets: ['7-30', '90+'] }],
  ['to 0, improving', { toBuckets: ['0'], direction: 'IMPROVING' }],
  ['officer 502', { officerIds: ['502'] }],
  ['branch EPE', { branches: ['EPE'] }],
  ['region Crystal', { regions: ['Crystal'] }],
  // Regions follow the from bucket in these rows: a region with a to bucket, so that every part narrows.
  ['region Jade, worsening, to 90+', { regions: ['Jade'], direction: 'WORSENING', toBuckets: ['90+'] }],
  ['officers 501 and 503 in YABA to 61-90 or 90+', { officerIds: ['501', '503'], branches: ['YABA'], toBuckets: ['61-90', '90+'] }],
];

test.each(filters)('SQL and TypeScript agree: %s', async (_name, filter) => {
  const all = await fetchDpdTransitionsAfter(dbs.metrics.pool, {}, '0', 1000);
  expect(all).toHaveLength(36);
  const bySql = (await fetchDpdTransitionsAfter(dbs.metrics.pool, filter, '0', 1000)).map((r) => r.id);
  const byTs = all.filter((row) => matchesDpdTransitionFilter(row, filter)).map((r) => r.id);
  expect(bySql).toEqual(byTs);
  // Each filter really filters (and still matches something), and each of its parts narrows it: agreement is not
  // trivial, and a part the SQL ignored would show.
  if (Object.keys(filter).length > 0) {
    expect(bySql.length).toBeGreaterThan(0);
    expect(bySql.length).toBeLessThan(36);
  }
  for (const part of Object.keys(filter) as (keyof DpdTransitionFilter)[]) {
    const { [part]: _left, ...rest } = filter;
    expect([part, (await fetchDpdTransitionsAfter(dbs.metrics.pool, rest, '0', 1000)).length > bySql.length]).toEqual([part, true]);
  }
});

test('direction counts: 15 worsening and 15 improving pairs of 36', async () => {
  expect(await fetchDpdTransitionsAfter(dbs.metrics.pool, { direction: 'WORSENING' }, '0', 1000)).toHaveLength(15);
  expect(await fetchDpdTransitionsAfter(dbs.metrics.pool, { direction: 'IMPROVING' }, '0', 1000)).toHaveLength(15);
});
