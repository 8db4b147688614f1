/** Which repeated failures get a log line: the first of each cause, then one per cause and minute, and the end of the run. */
import { causeKey, FAILURE_LOG_INTERVAL_MS, RepeatedFailures } from '../../src/repeated-failures';

function clocked(): { failures: RepeatedFailures; advance(ms: number): void } {
  let now = 1_000_000;
  return { failures: new RepeatedFailures(() => now), advance: (ms) => (now += ms) };
}

const refused = causeKey(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
const missing = causeKey(Object.assign(new Error('relation "loans_ajoloan" does not exist'), { code: '42P01' }));

test('logs the first failure of a cause, then one per interval saying how many went unlogged', () => {
  const { failures, advance } = clocked();
  expect(failures.failed(refused)).toEqual({ failuresSinceLastLine: 0 });
  for (let i = 0; i < 29; i += 1) {
    advance(2000);
    expect(failures.failed(refused)).toBeUndefined();
  }
  advance(2000);
  expect(failures.failed(refused)).toEqual({ failuresSinceLastLine: 29 });
  advance(FAILURE_LOG_INTERVAL_MS - 1);
  expect(failures.failed(refused)).toBeUndefined();
});

test('a new cause is logged at once, whatever the other causes are doing', () => {
  const { failures, advance } = clocked();
  failures.failed(refused);
  advance(1000);
  expect(failures.failed(missing)).toEqual({ failuresSinceLastLine: 0 });
  expect(failures.failed(refused)).toBeUndefined();
  expect(failures.failed(missing)).toBeUndefined();
});

test('a success reports the run it ended, once, and the next failure is logged again', () => {
  const { failures, advance } = clocked();
  expect(failures.succeeded()).toBeUndefined();
  failures.failed(refused);
  advance(2000);
  failures.failed(missing);
  advance(2000);
  failures.failed(refused);
  advance(500);
  expect(failures.failuresInRun).toBe(3);
  expect(failures.succeeded()).toEqual({ failures: 3, failingForMs: 4500 });
  expect(failures.failuresInRun).toBe(0);
  expect(failures.succeeded()).toBeUndefined();
  expect(failures.failed(refused)).toEqual({ failuresSinceLastLine: 0 });
});

test('causes are told apart by code, message and context; a thrown non-error is its own cause', () => {
  const timeout = new Error('Query read timeout');
  expect(causeKey(timeout, 'timeout')).toBe(causeKey(new Error('Query read timeout'), 'timeout'));
  expect(causeKey(timeout, 'timeout')).not.toBe(causeKey(timeout, 'unreachable'));
  expect(causeKey(Object.assign(new Error('x'), { code: 'A' }))).not.toBe(causeKey(Object.assign(new Error('x'), { code: 'B' })));
  expect(causeKey('boom')).toBe(causeKey('boom'));
  expect(causeKey('boom')).not.toBe(causeKey('bang'));
});

test('past 100 remembered causes, those quiet for an interval are forgotten; the recent ones stay suppressed', () => {
  const { failures, advance } = clocked();
  for (let i = 0; i < 60; i += 1) failures.failed(causeKey(new Error(`old ${i}`)));
  advance(FAILURE_LOG_INTERVAL_MS);
  for (let i = 0; i < 40; i += 1) failures.failed(causeKey(new Error(`recent ${i}`)));
  expect(failures.rememberedCauses).toBe(100);
  expect(failures.failed(causeKey(new Error('one more')))).toEqual({ failuresSinceLastLine: 0 });
  expect(failures.rememberedCauses).toBe(41);
  expect(failures.failed(causeKey(new Error('recent 0')))).toBeUndefined();
});
