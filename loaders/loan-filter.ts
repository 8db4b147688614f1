/**
 * The loan filter grammar of §4.7 as a typed value, and its translation into one SQL condition over seedsmetrics
 * `loans` (aliased `l`). Every value of the filter is a bound parameter; the thresholds are the constants of
 * src/engine/thresholds.ts (D14), interpolated.
 */
import { keysMatch, type Params } from './sql';
import { visibleOfficerSql } from './visible-officers';
import {
  LIVE_OUTSTANDING_ABOVE,
  PAR15_MIN_DPD,
  QUIET_MIN_DAYS,
  RISKY_DELAY_RATE_BELOW,
  ROT_LATE_MIN_LOAN_AGE,
  ROT_MIN_DPD,
} from '../src/engine/thresholds';

/** A set of text values plus, optionally, "NULL or empty" (the upstream `__MISSING__` sentinel). */
export interface TextSet {
  values?: readonly string[];
  missing?: boolean;
}

export type LoanBehaviour = 'active' | 'inactive' | 'overdue_15d';
export type RotType = 'early' | 'late';
export type DelayType = 'risky';

export interface LoanFilter {
  ids?: readonly string[];
  officerIds?: readonly string[];
  customerIds?: readonly string[];
  /**
   * The customers whose Django phone contains the caller's `customerPhone` text (phones live in Django): looked up by
   * the resolvers before any loader runs (resolvers/phone-filter.ts), as the two databases meet only there.
   */
  phoneCustomerIds?: readonly string[];
  branches?: readonly string[];
  regions?: readonly string[];
  channels?: readonly string[];
  /** Normalised statuses (Active, Closed, ...). */
  statuses?: readonly string[];
  djangoStatuses?: TextSet;
  performanceStatuses?: TextSet;
  loanTypes?: TextSet;
  verificationStatuses?: TextSet;
  waves?: readonly string[];
  verticalLeadEmails?: readonly string[];
  dpdMin?: number;
  dpdMax?: number;
  dpdBuckets?: readonly string[];
  quiet?: boolean;
  behaviour?: LoanBehaviour;
  rotType?: RotType;
  delayType?: DelayType;
  fimrTagged?: boolean;
  earlyIndicatorTagged?: boolean;
  disbursedFrom?: string;
  disbursedTo?: string;
  /** Restrict to loans of officers in VISIBLE_UT (§1.8). */
  visibleOfficersOnly?: boolean;
}

/** A quiet loan of `loans l` (§4.7): no counted repayment for QUIET_MIN_DAYS days or more, or none at all. */
export const QUIET_LOAN_SQL = `(l.days_since_last_repayment >= ${QUIET_MIN_DAYS} OR l.days_since_last_repayment IS NULL)`;

function textSetSql(column: string, set: TextSet, params: Params): string | null {
  const parts: string[] = [];
  if (set.values !== undefined && set.values.length > 0) parts.push(keysMatch(column, set.values, 'text', params));
  if (set.missing === true) parts.push(`(${column} IS NULL OR ${column} = '')`);
  if (parts.length === 0) return set.values !== undefined ? 'false' : null;
  return `(${parts.join(' OR ')})`;
}

/**
 * `column` in `values`. One value (the usual filter: one branch, one status) is an equality: the generic plan of
 * `= ANY($n)` is costed for an array of unknown length and chose a plan three times as slow for a branch's count.
 */
function anyText(column: string, values: readonly string[], params: Params): string {
  return keysMatch(column, values, 'text', params);
}

/** The conditions of a filter over `loans l`. Returns [] when nothing filters. */
export function loanFilterSql(filter: LoanFilter, params: Params): string[] {
  const where: string[] = [];
  const f = filter;
  if (f.ids !== undefined) where.push(anyText('l.loan_id', f.ids, params));
  if (f.officerIds !== undefined) where.push(anyText('l.officer_id', f.officerIds, params));
  if (f.customerIds !== undefined) where.push(anyText('l.customer_id', f.customerIds, params));
  if (f.phoneCustomerIds !== undefined) where.push(anyText('l.customer_id', f.phoneCustomerIds, params));
  if (f.branches !== undefined) where.push(anyText('l.branch', f.branches, params));
  if (f.regions !== undefined) where.push(anyText('l.region', f.regions, params));
  if (f.channels !== undefined) where.push(anyText('l.channel', f.channels, params));
  if (f.statuses !== undefined) where.push(anyText('l.status', f.statuses, params));
  for (const [column, set] of [
    ['l.django_status', f.djangoStatuses],
    ['l.performance_status', f.performanceStatuses],
    ['l.loan_type', f.loanTypes],
    ['l.verification_status', f.verificationStatuses],
  ] as const) {
    if (set === undefined) continue;
    const condition = textSetSql(column, set, params);
    if (condition !== null) where.push(condition);
  }
  if (f.waves !== undefined) where.push(anyText('l.wave', f.waves, params));
  if (f.verticalLeadEmails !== undefined) where.push(anyText('l.vertical_lead_email', f.verticalLeadEmails, params));
  if (f.dpdMin !== undefined) where.push(`l.current_dpd >= ${params.add(f.dpdMin)}::int`);
  if (f.dpdMax !== undefined) where.push(`l.current_dpd <= ${params.add(f.dpdMax)}::int`);
  if (f.dpdBuckets !== undefined) where.push(anyText('l.dpd_bucket', f.dpdBuckets, params));
  if (f.quiet === true) where.push(QUIET_LOAN_SQL);
  if (f.quiet === false) where.push(`l.days_since_last_repayment < ${QUIET_MIN_DAYS}`);
  if (f.behaviour === 'active') {
    where.push(`(l.total_outstanding > ${LIVE_OUTSTANDING_ABOVE} AND COALESCE(l.days_since_last_repayment, 0) < ${QUIET_MIN_DAYS})`);
  } else if (f.behaviour === 'inactive') {
    where.push(`(l.total_outstanding <= ${LIVE_OUTSTANDING_ABOVE} OR COALESCE(l.days_since_last_repayment, 0) >= ${QUIET_MIN_DAYS})`);
  } else if (f.behaviour === 'overdue_15d') {
    // D14: PAR15's ≥ 15 here too (upstream's "Overdue >15 Days" drilldown used > 15, leaving out loans that PAR15 counts).
    where.push(`l.current_dpd >= ${PAR15_MIN_DPD}`);
  }
  if (f.rotType === 'early') where.push(`(l.loan_age < ${ROT_LATE_MIN_LOAN_AGE} AND l.current_dpd >= ${ROT_MIN_DPD})`);
  if (f.rotType === 'late') where.push(`(l.loan_age >= ${ROT_LATE_MIN_LOAN_AGE} AND l.current_dpd >= ${ROT_MIN_DPD})`);
  if (f.delayType === 'risky') {
    where.push(`(l.status = 'Active' AND l.total_outstanding > ${LIVE_OUTSTANDING_ABOVE} AND l.repayment_delay_rate IS NOT NULL AND l.repayment_delay_rate < ${RISKY_DELAY_RATE_BELOW})`);
  }
  if (f.fimrTagged !== undefined) where.push(f.fimrTagged ? 'l.fimr_tagged' : 'NOT l.fimr_tagged');
  if (f.earlyIndicatorTagged !== undefined) where.push(f.earlyIndicatorTagged ? 'l.early_indicator_tagged' : 'NOT l.early_indicator_tagged');
  if (f.disbursedFrom !== undefined) where.push(`l.disbursement_date >= ${params.add(f.disbursedFrom)}::date`);
  if (f.disbursedTo !== undefined) where.push(`l.disbursement_date <= ${params.add(f.disbursedTo)}::date`);
  if (f.visibleOfficersOnly === true) {
    where.push(`EXISTS (SELECT 1 FROM officers vo WHERE vo.officer_id = l.officer_id AND ${visibleOfficerSql('vo')})`);
  }
  return where;
}
