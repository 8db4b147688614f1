/** What the sync reported about a Django row (sync_rejects), shown on the row's own type. */
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Loaders } from '../loaders';
import type { SyncReportSubject } from '../loaders/sync-report.metrics';
import { DateTimeScalar } from './scalars';

export enum SyncReportKind {
  ROW = 'ROW',
  RECOMPUTE = 'RECOMPUTE',
}
registerEnumType(SyncReportKind, {
  name: 'SyncReportKind',
  description: 'What a sync report is about.',
  valuesConfig: {
    ROW: { description: 'The Django row itself: not copied (the reason ends in "not copied" or names a missing field), or copied as it is ("kept, …").' },
    RECOMPUTE: { description: "The loan's computed fields: the engine failed to recompute them, so they are those of its last recompute that succeeded." },
  },
});

/** The field's description, the same on every type that has it. */
export const SYNC_REPORTS_DESCRIPTION =
  'What the sync reported about this Django row: why it is not in the computed data, or what it found odd when copying it; empty when nothing. A report ends when Django fixes or deletes the row.';

@ObjectType({ description: 'A report of the sync about one Django row (sync_rejects).' })
export class SyncReport {
  @Field(() => ID, { description: 'Django id of the row reported on (of the repayment, in Loan.repaymentSyncReports).' })
  djangoId: string;

  @Field(() => SyncReportKind, { description: 'Whether it is about the Django row or the loan\'s recompute.' })
  kind: SyncReportKind;

  @Field(() => String, { description: 'What was expected and what arrived, e.g. "agent_id is NULL (a loan needs an officer)".' })
  reason: string;

  @Field(() => DateTimeScalar, { description: 'When the sync first reported it.' })
  firstSeenAt: string;

  @Field(() => DateTimeScalar, { description: 'When the sync last saw another version of the row still report it.' })
  lastSeenAt: string;

  @Field(() => Int, { description: 'How many versions of the Django row the sync saw with a report (an unchanged row read again does not count).' })
  seenCount: number;
}

/** The sync's reports on one Django row of `subject` (or on one loan's repayments), batched per request. */
export async function loadSyncReports(loaders: Loaders, subject: SyncReportSubject, key: string): Promise<SyncReport[]> {
  const rows = await loaders.syncReports(subject).load(key);
  return rows.map(({ key: _key, ...report }) => Object.assign(new SyncReport(), report, { kind: report.kind as SyncReportKind }));
}
