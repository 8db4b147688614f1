/** syncStatus: how fresh the computed data is, read from the sync worker's log (sync_runs) in one statement. */
import { fetchSyncStatus } from '../../../loaders/sync-status.metrics';
import { countStatements } from '../../support/databases';
import { createApiHarness, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api.dbs.drop();
});

const QUERY = '{ syncStatus { syncedThrough lastCycleAt lagSeconds failingSince businessDate } }';
type Status = { syncedThrough: string | null; lastCycleAt: string | null; lagSeconds: number | null; failingSince: string | null; businessDate: string };

async function status(): Promise<Status> {
  return (await api.data<{ syncStatus: Status }>(QUERY)).syncStatus;
}

/** A sync_runs row that started `agoSeconds` before now and took a second; `failed` sets its error. */
async function run(agoSeconds: number, failed = false): Promise<string> {
  const { rows } = await api.dbs.metrics.pool.query<{ started: string }>(
    `INSERT INTO sync_runs (kind, started_at, finished_at, error_message)
     VALUES ('cycle', now() - make_interval(secs => $1), now() - make_interval(secs => $1 - 1), $2)
     RETURNING to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started`,
    [agoSeconds, failed ? 'connect ECONNREFUSED 10.0.0.5:5432' : null],
  );
  return rows[0]!.started;
}

it('is empty before the first cycle, but for the business date', async () => {
  const { rows } = await api.dbs.metrics.pool.query<{ d: string }>(`SELECT business_today()::text AS d`);
  expect(await status()).toEqual({ syncedThrough: null, lastCycleAt: null, lagSeconds: null, failingSince: null, businessDate: rows[0]!.d });
});

it('dates the data from the last successful cycle, says since when cycles fail (never why), in one statement', async () => {
  await run(600);
  const lastGood = await run(120);
  // The lag of the last good run on the database's clock, as the API rounds it, read just before and just after.
  const lagNow = async (): Promise<number> =>
    (await api.dbs.metrics.pool.query<{ lag: number }>(
      `SELECT round(extract(epoch FROM now() - started_at)::numeric, 1)::float8 AS lag FROM sync_runs WHERE error_message IS NULL ORDER BY started_at DESC LIMIT 1`,
    )).rows[0]!.lag;
  const lagBefore = await lagNow();
  const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () => status());
  const lagAfter = await lagNow();
  expect(counts).toEqual({ django: 0, metrics: 1 });
  expect(result).toMatchObject({ syncedThrough: lastGood, failingSince: null });
  expect(Date.parse(result.lastCycleAt!) - Date.parse(lastGood)).toBe(1000);
  expect(typeof result.lagSeconds).toBe('number');
  expect(result.lagSeconds).toBeGreaterThanOrEqual(lagBefore);
  expect(result.lagSeconds).toBeLessThanOrEqual(lagAfter);

  const firstFailure = await run(60, true);
  await run(30, true);
  const failing = await status();
  expect(failing).toMatchObject({ syncedThrough: lastGood, failingSince: firstFailure });
  expect(JSON.stringify(failing)).not.toContain('10.0.0.5');

  const recovered = await run(10);
  expect(await status()).toMatchObject({ syncedThrough: recovered, failingSince: null });
});

it('counts the lag from the start of the last successful cycle to the database\'s now(), in tenths of a second', async () => {
  // Inside one transaction now() stands still, so rows dated from it give exact lags (the loader behind syncStatus).
  const client = await api.dbs.metrics.pool.connect();
  const insert = (ago: string, failed = false) =>
    client.query(`INSERT INTO sync_runs (kind, started_at, finished_at, error_message) VALUES ('cycle', now() - $1::interval, now() - $1::interval + interval '1 second', $2)`, [
      ago,
      failed ? 'connect ECONNREFUSED 10.0.0.5:5432' : null,
    ]);
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM sync_runs');
    await insert('120.04 seconds');
    await insert('60 seconds', true);
    expect((await fetchSyncStatus(client)).lagSeconds).toBe(120);
    await insert('7.25 seconds');
    expect((await fetchSyncStatus(client)).lagSeconds).toBe(7.3);
    await insert('1 hour 30 minutes', true);
    expect((await fetchSyncStatus(client)).lagSeconds).toBe(7.3);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});
