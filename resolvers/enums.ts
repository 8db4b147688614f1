/** The API's enums; their internal values are the exact strings stored in the databases (or the loaders' keys). */
import { registerEnumType } from 'type-graphql';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection', description: 'Sort direction; NULL values sort last either way.' });

/** Normalised loan status (§1.7). */
export enum LoanStatus {
  ACTIVE = 'Active',
  CLOSED = 'Closed',
  DEFAULTED = 'Defaulted',
  REJECTED = 'Rejected',
  CANCELLED = 'Cancelled',
}
registerEnumType(LoanStatus, {
  name: 'LoanStatus',
  description: 'Normalised from the raw Django status: COMPLETED/CLOSED → CLOSED; PAST_MATURITY/DEFAULTED → DEFAULTED; DECLINED_BY_SUPERVISOR/REJECTED → REJECTED; NOT_TAKEN → CANCELLED; anything else → ACTIVE.',
});

export enum Wave {
  WAVE_1 = 'Wave 1',
  WAVE_2 = 'Wave 2',
}
registerEnumType(Wave, { name: 'Wave', description: 'Wave 2 when the officer was hired on/after 2025-10-01 or the loan disbursed on/after 2025-10-20 (§3.7).' });

export enum DpdBucket {
  CURRENT = '0',
  DPD_1_6 = '1-6',
  DPD_7_30 = '7-30',
  DPD_31_60 = '31-60',
  DPD_61_90 = '61-90',
  DPD_90_PLUS = '90+',
}
registerEnumType(DpdBucket, {
  name: 'DpdBucket',
  description: 'DPD buckets (D7): CURRENT is DPD 0, then 1-6, 7-30, 31-60, 61-90 and 90+; the same values in loans, snapshots, transitions and the filters.',
});

export enum LoanOrderField {
  DISBURSEMENT_DATE = 'disbursementDate',
  MATURITY_DATE = 'maturityDate',
  LOAN_AMOUNT = 'loanAmount',
  CURRENT_DPD = 'currentDpd',
  MAX_DPD_EVER = 'maxDpdEver',
  ACTUAL_OUTSTANDING = 'actualOutstanding',
  TOTAL_OUTSTANDING = 'totalOutstanding',
  PRINCIPAL_OUTSTANDING = 'principalOutstanding',
  TOTAL_REPAYMENTS = 'totalRepayments',
  DAYS_SINCE_DUE = 'daysSinceDue',
  DAYS_SINCE_LAST_REPAYMENT = 'daysSinceLastRepayment',
  REPAYMENT_DELAY_RATE = 'repaymentDelayRate',
  CUSTOMER_NAME = 'customerName',
  OFFICER_NAME = 'officerName',
  ID = 'id',
}
registerEnumType(LoanOrderField, { name: 'LoanOrderField', description: 'Sort keys of loan lists; ties are broken by loan id.' });

export enum OfficerOrderField {
  NAME = 'name',
  REGION = 'region',
  BRANCH = 'branch',
  HIRE_DATE = 'hireDate',
  ID = 'id',
  RISK_SCORE = 'riskScore',
  DQI = 'dqi',
  PORR = 'porr',
  FIMR = 'fimr',
  AYR = 'ayr',
  TOTAL_PORTFOLIO = 'totalPortfolio',
  OVERDUE_15D = 'overdue15d',
  REPAYMENT_DELAY_RATE = 'repaymentDelayRate',
}
registerEnumType(OfficerOrderField, {
  name: 'OfficerOrderField',
  description: 'Sort keys of officer lists; ties are broken by officer id. Metric keys (RISK_SCORE … REPAYMENT_DELAY_RATE) sort on the §4.4 metrics over all waves.',
});

export enum LoanBehaviour {
  ACTIVE = 'active',
  INACTIVE = 'inactive',
  OVERDUE_15D = 'overdue_15d',
}
registerEnumType(LoanBehaviour, {
  name: 'LoanBehaviour',
  description:
    'ACTIVE: total outstanding > 2000 and the last counted repayment less than 6 days ago; INACTIVE: outstanding ≤ 2000 or the last repayment 6+ days ago; ' +
    'OVERDUE_15D: DPD ≥ 15, the loans PAR15 counts (D14; the upstream drilldown used > 15). As upstream, a loan never repaid counts as repaid today here (so it can be ACTIVE); the `quiet` filter counts it as quiet.',
});

export enum RotType {
  EARLY = 'early',
  LATE = 'late',
}
registerEnumType(RotType, { name: 'RotType', description: 'Risk of termination: DPD > 4 with loan age < 7 days (EARLY) or ≥ 7 days (LATE).' });

export enum DelayType {
  RISKY = 'risky',
}
registerEnumType(DelayType, { name: 'DelayType', description: 'RISKY: Active, total outstanding > 2000 and repayment delay rate < 60.' });

export enum RepaymentPeriod {
  TODAY = 'today',
  THIS_WEEK = 'this_week',
  THIS_MONTH = 'this_month',
  LAST_MONTH = 'last_month',
  LAST_7_DAYS = 'last_7_days',
}
registerEnumType(RepaymentPeriod, { name: 'RepaymentPeriod', description: 'Business-date window of the repayment totals of a loans summary (weeks start on Monday).' });

export enum EarlyIndicatorBand {
  D1_3 = 'D1-3',
  D4_6 = 'D4-6',
  D7_15 = 'D7-15',
  D16_30 = 'D16-30',
}
registerEnumType(EarlyIndicatorBand, { name: 'EarlyIndicatorBand', description: 'DPD bands of the early-indicators drilldown (§4.1).' });

export const EARLY_INDICATOR_BANDS: Record<EarlyIndicatorBand, [number, number]> = {
  [EarlyIndicatorBand.D1_3]: [1, 3],
  [EarlyIndicatorBand.D4_6]: [4, 6],
  [EarlyIndicatorBand.D7_15]: [7, 15],
  [EarlyIndicatorBand.D16_30]: [16, 30],
};
