/** The API's enums; their internal values are the exact strings stored in the databases (or the loaders' keys). */
import { registerEnumType } from 'type-graphql';

/** The schema's name of an enum's internal value (CURRENT for '0', WAVE_1 for 'Wave 1'), for messages quoting a caller's value. */
export function enumNameOf(values: Readonly<Record<string, string>>, value: string): string {
  return Object.entries(values).find(([, v]) => v === value)?.[0] ?? value;
}

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
  description:
    'DPD buckets of decision D7 (inclusive ranges), the same values in loans, snapshots, transitions and the filters. DPD_90_PLUS starts at 91 ' +
    '(upstream label "90+"), so a loan at DPD 90 is in DPD_61_90 while PAR90 (par90, par90Ratio: DPD ≥ 90, D8) counts it.',
  valuesConfig: {
    CURRENT: { description: 'DPD 0.' },
    DPD_1_6: { description: 'DPD 1–6.' },
    DPD_7_30: { description: 'DPD 7–30.' },
    DPD_31_60: { description: 'DPD 31–60.' },
    DPD_61_90: { description: 'DPD 61–90 (90 included).' },
    DPD_90_PLUS: { description: 'DPD 91 and above (not 90, despite the name).' },
  },
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
  REPAYMENT_AMOUNT = 'repaymentAmount',
  FIRST_DUE_DATE = 'firstDueDate',
  TENOR_DAYS = 'tenorDays',
  PREVIOUS_DPD = 'previousDpd',
  DPD_CHANGE = 'dpdChange',
  INTEREST_OUTSTANDING = 'interestOutstanding',
  FEES_OUTSTANDING = 'feesOutstanding',
  DAILY_REPAYMENT_AMOUNT = 'dailyRepaymentAmount',
  REPAYMENT_DAYS_PAID = 'repaymentDaysPaid',
  REPAYMENT_DAYS_DUE_TODAY = 'repaymentDaysDueToday',
  BUSINESS_DAYS_SINCE_DISBURSEMENT = 'businessDaysSinceDisbursement',
  TIMELINESS_SCORE = 'timelinessScore',
  REPAYMENT_HEALTH = 'repaymentHealth',
  REGION = 'region',
  BRANCH = 'branch',
  VERTICAL_LEAD_NAME = 'verticalLeadName',
  STATUS = 'status',
  DJANGO_STATUS = 'djangoStatus',
  PERFORMANCE_STATUS = 'performanceStatus',
  LOAN_TYPE = 'loanType',
  VERIFICATION_STATUS = 'verificationStatus',
  WAVE = 'wave',
}
registerEnumType(LoanOrderField, {
  name: 'LoanOrderField',
  description:
    'Sort keys of loan lists, named after the Loan field they sort by (LOAN_AMOUNT: amount; CUSTOMER_NAME and OFFICER_NAME: the names as copied onto the loan); ties are broken by loan id.',
});

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
  description: 'Sort keys of officer lists; ties are broken by officer id. Metric keys (RISK_SCORE … REPAYMENT_DELAY_RATE) sort on the §4.4 metrics over all waves, or of one wave with OfficerOrder.wave.',
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
registerEnumType(RepaymentPeriod, {
  name: 'RepaymentPeriod',
  description: "Window of business dates, both ends included, for a loans summary's repayment totals and for dailyCollections; \"today\" is the business date.",
  valuesConfig: {
    TODAY: { description: 'Today only.' },
    THIS_WEEK: { description: 'Monday of the current week through today.' },
    THIS_MONTH: { description: 'The 1st of the current month through today.' },
    LAST_MONTH: { description: 'The whole previous calendar month (its 1st through its last day).' },
    LAST_7_DAYS: { description: 'Today and the 6 calendar days before it (7 days, weekends included).' },
  },
});

/** Its values are the keys of EARLY_INDICATOR_DRILLDOWN_BANDS (src/engine/thresholds.ts), which holds their DPD ranges. */
export enum EarlyIndicatorBand {
  D1_3 = 'D1-3',
  D4_6 = 'D4-6',
  D7_15 = 'D7-15',
  D16_30 = 'D16-30',
}
registerEnumType(EarlyIndicatorBand, { name: 'EarlyIndicatorBand', description: 'DPD bands of the early-indicators drilldown (§4.1).' });
