/** `npm run sync -- --once` and `npm run validate` as operators run them: exit codes and output. */
import { runCli, type CliResult } from '../../support/cli';
import { freePort } from '../../support/free-port';
import { syncHarness, type SyncHarness } from './harness';

const run = (script: string, args: string[], h: SyncHarness): Promise<CliResult> =>
  runCli(script, args, { DJANGO_DATABASE_URL: h.dbs.djangoUrl, METRICS_DATABASE_URL: h.dbs.metricsUrl });

let h: SyncHarness;
beforeAll(async () => {
  h = await syncHarness();
  await h.django.user(7);
  await h.django.customer(11);
  await h.django.loan(100, 7, 11);
  await h.django.repayment(1000, 100, 20000, '2025-11-04T10:00:00+01:00');
});
afterAll(async () => {
  await h.close();
});

it('sync --once copies and exits 0; validate then finds nothing and exits 0; an injected mismatch makes it exit 1', async () => {
  const sync = await run('src/cli/sync.ts', ['--once'], h);
  expect(sync).toMatchObject({ code: 0, stderr: '' });
  expect(await h.rows(`SELECT repayment_id, payment_amount FROM repayments`)).toEqual([{ repayment_id: '1000', payment_amount: '20000.00' }]);

  expect(await run('src/cli/validate.ts', [], h)).toEqual({ code: 0, stdout: 'validate: no mismatches\n', stderr: '' });

  await h.django.repayment(1001, 100, 100, '2025-11-05T10:00:00+01:00');
  expect(await run('src/cli/validate.ts', [], h)).toEqual({
    code: 1,
    stdout:
      'counted_repayments 100 count: expected 2 (Django or recompute), seedsmetrics has 1\n' +
      'counted_repayments 100 sum: expected 20100.00 (Django or recompute), seedsmetrics has 20000.00\n' +
      'watermark repayments max_id: expected 1001 (Django or recompute), seedsmetrics has 1000\n' +
      'validate: no sync worker is running, so differences from Django may be rows not copied yet (`npm run sync -- --once` copies them)\n' +
      'validate: 3 mismatch(es): counted_repayments 2, watermark 1\n',
    stderr: '',
  });
  // --no-wait: the first pass alone, without asking about the worker.
  expect((await run('src/cli/validate.ts', ['--no-wait'], h)).stdout).toBe(
    'counted_repayments 100 count: expected 2 (Django or recompute), seedsmetrics has 1\n' +
      'counted_repayments 100 sum: expected 20100.00 (Django or recompute), seedsmetrics has 20000.00\n' +
      'watermark repayments max_id: expected 1001 (Django or recompute), seedsmetrics has 1000\n' +
      'validate: 3 mismatch(es): counted_repayments 2, watermark 1\n',
  );
}, 300_000);

it('validate refuses arguments it does not know, and a wait that is not a whole number of milliseconds', async () => {
  const usage = 'usage: npm run validate [-- --wait-ms <milliseconds> | --no-wait]';
  expect(await run('src/cli/validate.ts', ['--wait-ms', '2m'], h)).toEqual({ code: 2, stdout: '', stderr: `--wait-ms must be a whole number of milliseconds; got "2m"; ${usage}\n` });
  expect(await run('src/cli/validate.ts', ['--fast'], h)).toEqual({ code: 2, stdout: '', stderr: `unknown arguments --fast; ${usage}\n` });
}, 300_000);

it('sync --once --exit-if-locked exits 1 naming the lock while another worker holds it', async () => {
  const holder = h.worker();
  await holder.runOnce();
  const result = await run('src/cli/sync.ts', ['--once', '--exit-if-locked'], h);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^sync failed: another sync worker holds the advisory lock "seedsmetrics\.sync_worker" \(pg_advisory_lock\(7301003\)\) on database "[^"]+" \(backend pid \d+\); only one worker may run at a time\n$/);
  await holder.stop();
}, 300_000);

it('rejects an unknown argument with the usage line', async () => {
  expect(await run('src/cli/sync.ts', ['--twice'], h)).toEqual({ code: 2, stdout: '', stderr: 'unknown argument --twice; usage: npm run sync [-- [--once] [--exit-if-locked]]\n' });
}, 300_000);

it('validate against a Django database that does not answer fails in one line saying why, with exit code 1', async () => {
  const closed = await freePort(); // nothing listens there
  const django = new URL(h.dbs.djangoUrl);
  django.hostname = '127.0.0.1';
  django.port = String(closed);
  expect(await runCli('src/cli/validate.ts', ['--no-wait'], { DJANGO_DATABASE_URL: django.toString(), METRICS_DATABASE_URL: h.dbs.metricsUrl })).toEqual({
    code: 1,
    stdout: '',
    stderr: `validate failed: connect ECONNREFUSED 127.0.0.1:${closed}\n`,
  });
}, 300_000);
