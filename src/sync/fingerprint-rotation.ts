/**
 * Which loans' repayments each reconciliation fingerprints. Hashing every Django repayment row is most of a
 * reconciliation's cost on Django (~1.5 s of CPU at scale 1, every 5 minutes), while the edits only a fingerprint
 * catches (a paid_date corrected with QuerySet.update(), which leaves count, sums and updated_at alone) are rare.
 * So the scheduled reconciliations take the loans in slices, in turn, and every loan is fingerprinted at least once
 * per FINGERPRINT_ROUND_MS; counts, sums and newest changes are still compared for every loan every time. The first
 * reconciliation of a worker, and one forced (reconcileNow()), fingerprint every loan.
 */
import { EVERY_LOAN, type FingerprintSlice } from './django-reader';

/** How long an edit that only a fingerprint tells may stay uncopied at most, between scheduled reconciliations. */
export const FINGERPRINT_ROUND_MS = 3_600_000;

/** More slices save little more (the rest of the statement stays) and lengthen the round. */
export const MAX_FINGERPRINT_SLICES = 12;

export class FingerprintRotation {
  /** Slices of a round: as many reconciliations as fit in FINGERPRINT_ROUND_MS, 1 to MAX_FINGERPRINT_SLICES. */
  readonly slices: number;
  private nextIndex = 0;
  private everyLoanFingerprinted = false;

  constructor(reconcileIntervalMs: number) {
    this.slices = Math.max(1, Math.min(MAX_FINGERPRINT_SLICES, Math.floor(FINGERPRINT_ROUND_MS / Math.max(reconcileIntervalMs, 1))));
  }

  /** The slice the next reconciliation fingerprints; `forced` for one asked for outside the schedule. */
  next(forced: boolean): FingerprintSlice {
    // With one slice, { index: 0, of: 1 } is every loan already.
    if (forced || !this.everyLoanFingerprinted) return EVERY_LOAN;
    return { index: this.nextIndex, of: this.slices };
  }

  /** A reconciliation of `slice` went through: the turn moves on (a failed one is taken again). */
  completed(slice: FingerprintSlice): void {
    if (slice.of === 1) this.everyLoanFingerprinted = true;
    else this.nextIndex = (slice.index + 1) % slice.of;
  }
}
