/** The API's enums; their internal values are the exact strings stored in the databases (or the loaders' keys). */
import { registerEnumType } from 'type-graphql';
import {
  EARLY_INDICATOR_DRILLDOWN_BANDS,
  LIVE_OUTSTANDING_ABOVE,
  PAR15_MIN_DPD,
  QUIET_MIN_DAYS,
  RISKY_DELAY_RATE_BELOW,
  ROT_LATE_MIN_LOAN_AGE,
  ROT_MIN_DPD,
} from '../src/engine/thresholds';

/** The schema's name of an enum's internal value (CURRENT for '0', WAVE_1 for 'Wave 1'), for messages quoting a caller's value. */
export function enumNameOf(values: Readonly<Record<string, string>>, value: string): string {
  return Object.entries(values).find(([, v]) => v === value)?.[0] ?? value;
}

/**
 * The valuesConfig of a sort-key enum: each value names the field it sorts on, so GraphiQL shows it beside the value.
 * `fieldOf` gives that field's schema coordinate (Loan.amount) from the value's internal value, the field's own name
 * unless said otherwise; a test checks that every coordinate a description names exists.
 */
export function sortKeyDescriptions(values: Readonly<Record<string, string>>, fieldOf: (value: string) => string): Record<string, { description: string }> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { description: `Sorts by ${fieldOf(value)}.` }]));
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Sort direction; NULL values sort last either way.',
  valuesConfig: {
    ASC: { description: 'Ascending: smallest, earliest or alphabetically first at the top.' },
    DESC: { description: 'Descending: largest, latest or alphabetically last at the top.' },
  },
});

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
  valuesConfig: {
    ACTIVE: { description: 'Any raw status not listed below (OPEN, …), or none.' },
    CLOSED: { description: 'Raw status COMPLETED or CLOSED.' },
    DEFAULTED: { description: 'Raw status PAST_MATURITY or DEFAULTED.' },
    REJECTED: { description: 'Raw status DECLINED_BY_SUPERVISOR or REJECTED.' },
    CANCELLED: { description: 'Raw status NOT_TAKEN.' },
  },
});

export enum Wave {
  WAVE_1 = 'Wave 1',
  WAVE_2 = 'Wave 2',
}
registerEnumType(Wave, {
  name: 'Wave',
  description: 'Wave 2 when the officer was hired on/after 2025-10-01 or the loan disbursed on/after 2025-10-20 (§3.7).',
  valuesConfig: {
    WAVE_1: { description: 'Disbursed before 2025-10-20 by an officer hired before 2025-10-01 (or with no hire date).' },
    WAVE_2: { description: 'Disbursed on/after 2025-10-20, or by an officer hired on/after 2025-10-01.' },
  },
});

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
  valuesConfig: sortKeyDescriptions(
    LoanOrderField,
    (value) =>
      ({
        loanAmount: 'Loan.amount',
        customerName: "the customer's name as seedsmetrics copied it onto the loan (Customer.name)",
        officerName: "the officer's name as seedsmetrics copied it onto the loan (Officer.name)",
      })[value] ?? `Loan.${value}`,
  ),
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
  valuesConfig: sortKeyDescriptions(OfficerOrderField, (value) =>
    ['name', 'region', 'branch', 'hireDate', 'id'].includes(value) ? `Officer.${value}` : `OfficerPortfolio.${value} (a metric key)`,
  ),
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
  valuesConfig: {
    ACTIVE: { description: `Total outstanding above ${LIVE_OUTSTANDING_ABOVE} and the last counted repayment less than ${QUIET_MIN_DAYS} days ago (never repaid counts as today).` },
    INACTIVE: { description: `Total outstanding ${LIVE_OUTSTANDING_ABOVE} or less, or the last counted repayment ${QUIET_MIN_DAYS} or more days ago.` },
    OVERDUE_15D: { description: `DPD ${PAR15_MIN_DPD} or more: the loans PAR15 counts (D14).` },
  },
});

export enum RotType {
  EARLY = 'early',
  LATE = 'late',
}
registerEnumType(RotType, {
  name: 'RotType',
  description: 'Risk of termination: DPD > 4 with loan age < 7 days (EARLY) or ≥ 7 days (LATE).',
  valuesConfig: {
    EARLY: { description: `DPD ${ROT_MIN_DPD} or more on a loan less than ${ROT_LATE_MIN_LOAN_AGE} days old.` },
    LATE: { description: `DPD ${ROT_MIN_DPD} or more on a loan ${ROT_LATE_MIN_LOAN_AGE} or more days old.` },
  },
});

export enum DelayType {
  RISKY = 'risky',
}
registerEnumType(DelayType, {
  name: 'DelayType',
  description: 'RISKY: Active, total outstanding > 2000 and repayment delay rate < 60.',
  valuesConfig: {
    RISKY: { description: `Status ACTIVE, total outstanding above ${LIVE_OUTSTANDING_ABOVE} and a repayment delay rate below ${RISKY_DELAY_RATE_BELOW} (a loan without one is not risky).` },
  },
});

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
registerEnumType(EarlyIndicatorBand, {
  name: 'EarlyIndicatorBand',
  description: 'DPD bands of the early-indicators drilldown (§4.1).',
  valuesConfig: Object.fromEntries(
    Object.entries(EarlyIndicatorBand).map(([name, value]) => {
      const { min, max } = EARLY_INDICATOR_DRILLDOWN_BANDS[value];
      return [name, { description: `DPD ${min}–${max}.` }];
    }),
  ),
});
