import { EVERY_LOAN, inSlice } from '../../../src/sync/django-reader';
import { FingerprintRotation, MAX_FINGERPRINT_SLICES } from '../../../src/sync/fingerprint-rotation';

describe('FingerprintRotation', () => {
  it.each([
    [300_000, 12],
    [600_000, 6],
    [1_000_000, 3],
    [3_600_000, 1],
    [86_400_000, 1],
    [1, MAX_FINGERPRINT_SLICES],
    [0, MAX_FINGERPRINT_SLICES],
  ])('a reconcile interval of %i ms fingerprints the loans in %i slice(s): every loan within the hour', (intervalMs, slices) => {
    expect(new FingerprintRotation(intervalMs).slices).toBe(slices);
  });

  it('fingerprints every loan first, then one slice per reconciliation in turn; a forced one takes every loan and leaves the turn', () => {
    const rotation = new FingerprintRotation(600_000);
    const taken: string[] = [];
    const reconcile = (forced = false): void => {
      const slice = rotation.next(forced);
      taken.push(`${slice.index}/${slice.of}`);
      rotation.completed(slice);
    };
    for (let i = 0; i < 4; i++) reconcile();
    reconcile(true);
    for (let i = 0; i < 5; i++) reconcile();
    expect(taken).toEqual(['0/1', '0/6', '1/6', '2/6', '0/1', '3/6', '4/6', '5/6', '0/6', '1/6']);
  });

  it('takes a slice again when its reconciliation failed (never completed)', () => {
    const rotation = new FingerprintRotation(600_000);
    rotation.completed(rotation.next(false));
    rotation.completed(rotation.next(false));
    const failed = rotation.next(false);
    expect(failed).toEqual({ index: 1, of: 6 });
    expect(rotation.next(false)).toEqual(failed);
  });

  it('a worker that reconciles hourly or less often fingerprints every loan every time', () => {
    const rotation = new FingerprintRotation(3_600_000);
    for (let i = 0; i < 3; i++) {
      const slice = rotation.next(false);
      expect(slice).toEqual(EVERY_LOAN);
      rotation.completed(slice);
    }
  });
});

describe('inSlice', () => {
  it("puts a loan in the slice PostgreSQL's id % of = index puts it in, ids beyond 2^53 included", () => {
    expect(inSlice('101', { index: 5, of: 12 })).toBe(true);
    expect(inSlice('101', { index: 4, of: 12 })).toBe(false);
    expect(inSlice('9007199254740993', { index: 9, of: 12 })).toBe(true); // 2^53 + 1: a Number would read 2^53 (slice 8)
    expect(inSlice('17533', EVERY_LOAN)).toBe(true);
    // Not a Django id (an upstream copy's): in every slice, as before slices, rather than a BigInt error.
    expect(inSlice('L-17', { index: 3, of: 12 })).toBe(true);
  });
});
