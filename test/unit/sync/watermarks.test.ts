import { isPositiveDecimal } from '../../../src/sync/batch-writers';
import { maxId, maxTime, windowStart } from '../../../src/sync/watermarks';

describe('windowStart', () => {
  it('is null (ids only) before the first complete scan', () => {
    expect(windowStart(null, 60_000)).toBeNull();
  });
  it('is the watermark minus the overlap, rounded down to the millisecond (the window only grows)', () => {
    expect(windowStart('2025-12-10T00:00:30.123456Z', 60_000)).toBe('2025-12-09T23:59:30.123Z');
    expect(windowStart('2025-12-10T00:00:30.000999Z', 0)).toBe('2025-12-10T00:00:30.000Z');
  });
});

describe('maxId and maxTime', () => {
  it('compare ids as integers, not text', () => {
    expect(maxId('9', '10')).toBe('10');
    expect(maxId('9007199254740993', '9007199254740992')).toBe('9007199254740993');
  });
  it('compare UTC ISO timestamps and ignore nulls', () => {
    expect(maxTime(null, '2025-01-01T00:00:00.000000Z')).toBe('2025-01-01T00:00:00.000000Z');
    expect(maxTime('2025-01-02T00:00:00.000000Z', '2025-01-01T23:59:59.999999Z')).toBe('2025-01-02T00:00:00.000000Z');
    expect(maxTime(null, null)).toBeNull();
  });
});

describe('isPositiveDecimal', () => {
  it.each([
    ['0.01', true],
    ['20000.00', true],
    ['0.00', false],
    ['0', false],
    ['-5.00', false],
    ['-0.00', false],
  ])('%s → %s', (value, expected) => {
    expect(isPositiveDecimal(value)).toBe(expected);
  });
});
