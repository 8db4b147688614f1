/**
 * The costly half of a scheduled reconciliation, run beside the copy loop rather than inside a cycle: every loan's
 * repayments summed up in Django and in the copy, compared, name the loans that may have drifted. At scale 1 the
 * two aggregates take 2–4 s, during which a cycle copied nothing and live feeds stood still; the cycle that takes
 * the survey compares only the loans it named, again, before repairing them (reconcile's `survey`).
 *
 * The copy's side is read in one REPEATABLE READ snapshot together with the repayments watermark it reflects (the
 * worker writes both in one transaction), so the comparison leaves out what that copy could not have had yet: ids past
 * the watermark, and loans whose Django repayments changed since the last complete look for edits began.
 */
import type pg from 'pg';
import { LongStatementSession } from '../pg-pool';
import { DjangoReader, type FingerprintSlice } from './django-reader';
import { SYNC_APPLICATION_NAME } from './lock';
import { findDriftingLoans } from './drift';
import { NO_WATERMARK, readWatermarks } from './watermarks';
import { inTransaction } from '../pg-transaction';

export interface RepaymentSurvey {
  /** The loans whose repayments' fingerprints were compared (every loan's counts, sums and newest change were). */
  slice: FingerprintSlice;
  /** Loans of the copy compared. */
  checked: number;
  /** The loans whose repayments differed, in id order: to be compared again, and repaired, by a cycle. */
  candidates: string[];
  durationMs: number;
}

export interface SurveyOptions {
  djangoPool: pg.Pool;
  metricsPool: pg.Pool;
  businessTz: string;
  /** Bound of each of the two aggregates (the worker's statementTimeoutMs). */
  statementTimeoutMs: number;
  /** The worker's overlap: how far ahead of Django's clock a change may be dated and still be one on its way. */
  overlapMs: number;
}

/**
 * Compares every loan's repayments in Django and in the copy, on connections of its own (one per database). `stop`
 * cancels the statements under way (the survey only reads: nothing is lost), so a worker stopping does not wait for
 * aggregates that take tens of seconds at scale 10.
 */
export async function surveyRepayments(options: SurveyOptions, slice: FingerprintSlice, stop?: AbortSignal): Promise<RepaymentSurvey> {
  const started = performance.now();
  const django = new LongStatementSession(options.djangoPool, options.statementTimeoutMs, SYNC_APPLICATION_NAME);
  const metrics = new LongStatementSession(options.metricsPool, options.statementTimeoutMs, SYNC_APPLICATION_NAME);
  // The cancelling statements borrow a connection of each pool too: the survey ends only after they have, so a
  // stopped worker leaves no statement of its own running (the pools end next).
  let cancelling: Promise<unknown> | undefined;
  const cancel = (): void => {
    cancelling = Promise.all([django.cancel(), metrics.cancel()]).catch(() => undefined);
  };
  stop?.addEventListener('abort', cancel, { once: true });
  try {
    stop?.throwIfAborted();
    // Should Django's side fail, the snapshot's transaction must not go back to the pool with the connection.
    const { checked, drifting } = await inTransaction(
      metrics,
      async () => {
        const mark = (await readWatermarks(metrics)).get('repayments') ?? NO_WATERMARK;
        stop?.throwIfAborted();
        // Before the first complete look for edits the copy is not known to reflect anything: no loan is named. After it,
        // the comparison a cycle makes, as of that look (its watermark) instead of the cycle's own.
        if (mark.maxUpdatedAt === null) return { checked: 0, drifting: [] };
        const reader = new DjangoReader(django, options.businessTz);
        return findDriftingLoans({ reader, client: metrics, scanStartedAt: mark.maxUpdatedAt, overlapMs: options.overlapMs }, mark.maxId, slice);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    return { slice, checked, candidates: drifting, durationMs: Math.round(performance.now() - started) };
  } finally {
    stop?.removeEventListener('abort', cancel);
    // A session whose statement failed destroys its connection instead of handing it back.
    await Promise.all([django.end(), metrics.end(), cancelling]);
  }
}
