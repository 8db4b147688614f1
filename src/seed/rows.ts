/**
 * The generated Django rows and their COPY text encoding. Money is integer kobo, timestamps are seconds since
 * the epoch (UTC), dates are day numbers; encoding turns them into the text PostgreSQL reads.
 */
import { formatDay, formatTimestampUtc, type Day } from './calendar';
import { koboToNaira } from './money';

export interface UserRow {
  id: number;
  email: string;
  username: string | null;
  userPhone: string | null;
  userBranch: string | null;
  userType: string | null;
  performanceStatus: string | null;
  accountType: string;
  kycLevel: number | null;
  isActive: boolean;
  dateJoined: number;
  customerUserId: number | null;
  lastLogin: number | null;
  updatedAt: number;
}

export interface CustomerRow {
  id: number;
  userId: number | null;
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string;
  dob: Day | null;
  gender: string | null;
  state: string | null;
  lga: string | null;
  address: string | null;
  bvnVerified: boolean;
  onboardingVerified: boolean;
  onboardingComplete: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface LoanRow {
  id: number;
  agentId: number | null;
  borrowerId: number;
  borrowerFullName: string | null;
  borrowerPhoneNumber: string | null;
  amountKobo: number;
  amountDisbursedKobo: number;
  repaymentAmountKobo: number;
  dailyRepaymentAmountKobo: number;
  /** Percent, an integer (30 = 30 %). */
  interestRate: number;
  interestAmountKobo: number;
  processingFeeKobo: number;
  nemFeeKobo: number;
  tenor: string;
  tenorInDays: number;
  repaymentType: string;
  isDisbursed: boolean;
  dateDisbursed: number | null;
  startDate: Day | null;
  endDate: Day | null;
  actualEndDate: Day | null;
  dateCompleted: number | null;
  status: string;
  performanceStatus: string | null;
  loanType: string;
  verificationStage: string | null;
  totalPaidKobo: number;
  totalOutstandingKobo: number;
  countOfRecordedRepayments: number;
  createdAt: number;
  updatedAt: number;
}

export interface RepaymentRow {
  id: number;
  loanId: number;
  agentId: number | null;
  borrowerId: number | null;
  paidDate: number | null;
  amountKobo: number;
  repaymentType: string | null;
  healthInsuranceKobo: number;
  markedAs: string | null;
  appliedToLoan: boolean | null;
  loanAmountKobo: number | null;
  repaymentRef: string | null;
  settlementStatus: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface HolidayRow {
  id: number;
  date: Day;
  name: string;
  type: string;
  agentId: number | null;
  branchId: number | null;
  createdById: number | null;
  salaryWaver: boolean;
  createdAt: number;
  updatedAt: number;
}

// ---- COPY text encoding -------------------------------------------------------------------------------

const NULL = '\\N';
const NEEDS_ESCAPE = /[\\\t\n\r]/;

function text(value: string | null): string {
  if (value === null) return NULL;
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
/** For values the generator controls (enums, uuids, e-mails, phone numbers): never contain tab, newline or backslash. */
const raw = (value: string | null): string => (value === null ? NULL : value);
const int = (value: number | null): string => (value === null ? NULL : String(value));
const bool = (value: boolean | null): string => (value === null ? NULL : value ? 't' : 'f');
const ts = (value: number | null): string => (value === null ? NULL : formatTimestampUtc(value));
const day = (value: Day | null): string => (value === null ? NULL : formatDay(value));
const money = (kobo: number | null): string => (kobo === null ? NULL : koboToNaira(kobo));

export interface TableEncoding<T> {
  table: string;
  columns: readonly string[];
  encode(row: T): string;
}

export const userEncoding: TableEncoding<UserRow> = {
  table: 'accounts_customuser',
  columns: ['id', 'password', 'last_login', 'is_superuser', 'email', 'username', 'user_phone', 'user_branch', 'user_type', 'performance_status', 'account_type', 'kyc_level', 'is_active', 'is_staff', 'date_joined', 'customer_user_id', 'created_at', 'updated_at'],
  encode: (u) =>
    // '!' is Django's marker for an unusable password.
    [int(u.id), '!', ts(u.lastLogin), 'f', text(u.email), text(u.username), text(u.userPhone), text(u.userBranch), text(u.userType), text(u.performanceStatus), text(u.accountType), int(u.kycLevel), bool(u.isActive), 'f', ts(u.dateJoined), int(u.customerUserId), ts(u.dateJoined), ts(u.updatedAt)].join('\t'),
};

export const customerEncoding: TableEncoding<CustomerRow> = {
  table: 'ajo_ajouser',
  columns: ['id', 'user_id', 'first_name', 'last_name', 'phone_number', 'dob', 'gender', 'state', 'lga', 'address', 'bvn_verified', 'onboarding_verified', 'onboarding_complete', 'created_at', 'updated_at'],
  encode: (c) =>
    [int(c.id), int(c.userId), text(c.firstName), text(c.lastName), text(c.phoneNumber), day(c.dob), text(c.gender), text(c.state), text(c.lga), text(c.address), bool(c.bvnVerified), bool(c.onboardingVerified), bool(c.onboardingComplete), ts(c.createdAt), ts(c.updatedAt)].join('\t'),
};

export const loanEncoding: TableEncoding<LoanRow> = {
  table: 'loans_ajoloan',
  columns: [
    'id', 'agent_id', 'borrower_id', 'borrower_full_name', 'borrower_phone_number', 'amount', 'amount_disbursed', 'repayment_amount', 'daily_repayment_amount', 'interest_rate', 'interest_amount', 'processing_fee', 'nem_fee',
    'tenor', 'tenor_in_days', 'repayment_type', 'is_disbursed', 'date_disbursed', 'start_date', 'end_date', 'expected_end_date', 'actual_end_date', 'date_completed', 'status', 'performance_status', 'loan_type', 'verification_stage',
    'total_paid_amount', 'total_outstanding_balance', 'count_of_recorded_repayments', 'created_at', 'updated_at',
  ],
  encode: (l) =>
    [
      int(l.id), int(l.agentId), int(l.borrowerId), text(l.borrowerFullName), text(l.borrowerPhoneNumber), money(l.amountKobo), money(l.amountDisbursedKobo), money(l.repaymentAmountKobo), money(l.dailyRepaymentAmountKobo), int(l.interestRate), money(l.interestAmountKobo), money(l.processingFeeKobo), money(l.nemFeeKobo),
      text(l.tenor), int(l.tenorInDays), text(l.repaymentType), bool(l.isDisbursed), ts(l.dateDisbursed), day(l.startDate), day(l.endDate), day(l.endDate), day(l.actualEndDate), ts(l.dateCompleted), text(l.status), text(l.performanceStatus), text(l.loanType), text(l.verificationStage),
      money(l.totalPaidKobo), money(l.totalOutstandingKobo), int(l.countOfRecordedRepayments), ts(l.createdAt), ts(l.updatedAt),
    ].join('\t'),
};

export const repaymentEncoding: TableEncoding<RepaymentRow> = {
  table: 'loans_ajoloanrepayment',
  columns: ['id', 'ajo_loan_id', 'agent_id', 'borrower_id', 'paid_date', 'repayment_amount', 'repayment_type', 'health_insurance', 'marked_as', 'applied_to_loan', 'loan_amount', 'repayment_ref', 'settlement_status', 'created_at', 'updated_at'],
  // A template literal rather than an array join: this runs once per repayment (~470,000 times at scale 1).
  encode: (r) =>
    `${r.id}\t${r.loanId}\t${int(r.agentId)}\t${int(r.borrowerId)}\t${ts(r.paidDate)}\t${money(r.amountKobo)}\t${raw(r.repaymentType)}\t${money(r.healthInsuranceKobo)}\t${raw(r.markedAs)}\t${bool(r.appliedToLoan)}\t${money(r.loanAmountKobo)}\t${raw(r.repaymentRef)}\t${raw(r.settlementStatus)}\t${ts(r.createdAt)}\t${ts(r.updatedAt)}`,
};

export const holidayEncoding: TableEncoding<HolidayRow> = {
  table: 'loans_holiday',
  columns: ['id', 'date', 'name', 'type', 'agent_id', 'branch_id', 'created_by_id', 'salary_waver', 'created_at', 'updated_at'],
  encode: (h) => [int(h.id), day(h.date), text(h.name), text(h.type), int(h.agentId), int(h.branchId), int(h.createdById), bool(h.salaryWaver), ts(h.createdAt), ts(h.updatedAt)].join('\t'),
};
