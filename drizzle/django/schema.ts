/**
 * Read-only drizzle mapping of the Django tables the gateway reads (DOMAIN.md §1).
 * We never own this database: there are no migrations for it, and the connection itself is read-only
 * (`default_transaction_read_only=on`, see src/databases.ts). Money columns are float8 in Django; they are
 * read as text (`::text` casts in loaders) and turned into exact decimals before any arithmetic.
 */
import { bigint, boolean, date, doublePrecision, integer, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

const id = () => bigint('id', { mode: 'number' }).primaryKey();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const customUser = pgTable('accounts_customuser', {
  id: id(),
  email: varchar('email', { length: 254 }).notNull(),
  username: varchar('username', { length: 100 }),
  userPhone: varchar('user_phone', { length: 100 }),
  userBranch: varchar('user_branch', { length: 150 }),
  userType: varchar('user_type', { length: 100 }),
  performanceStatus: varchar('performance_status', { length: 100 }),
  accountType: varchar('account_type', { length: 100 }).notNull(),
  isActive: boolean('is_active').notNull(),
  dateJoined: ts('date_joined').notNull(),
  customerUserId: bigint('customer_user_id', { mode: 'number' }),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
});

export const ajoUser = pgTable('ajo_ajouser', {
  id: id(),
  userId: bigint('user_id', { mode: 'number' }),
  firstName: varchar('first_name', { length: 100 }),
  lastName: varchar('last_name', { length: 100 }),
  phoneNumber: varchar('phone_number', { length: 100 }).notNull(),
  dob: date('dob', { mode: 'string' }),
  gender: varchar('gender', { length: 20 }),
  state: varchar('state', { length: 100 }),
  lga: varchar('lga', { length: 100 }),
  address: varchar('address', { length: 255 }),
  bvnVerified: boolean('bvn_verified').notNull(),
  onboardingVerified: boolean('onboarding_verified').notNull(),
  onboardingComplete: boolean('onboarding_complete').notNull(),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
});

export const ajoLoan = pgTable('loans_ajoloan', {
  id: id(),
  agentId: bigint('agent_id', { mode: 'number' }),
  borrowerId: bigint('borrower_id', { mode: 'number' }).notNull(),
  borrowerFullName: varchar('borrower_full_name', { length: 100 }),
  borrowerPhoneNumber: varchar('borrower_phone_number', { length: 100 }),
  amount: doublePrecision('amount').notNull(),
  amountDisbursed: doublePrecision('amount_disbursed').notNull(),
  repaymentAmount: doublePrecision('repayment_amount').notNull(),
  dailyRepaymentAmount: doublePrecision('daily_repayment_amount').notNull(),
  interestRate: doublePrecision('interest_rate').notNull(),
  interestAmount: doublePrecision('interest_amount').notNull(),
  processingFee: doublePrecision('processing_fee').notNull(),
  nemFee: doublePrecision('nem_fee').notNull(),
  tenor: varchar('tenor', { length: 50 }).notNull(),
  tenorInDays: integer('tenor_in_days').notNull(),
  repaymentType: varchar('repayment_type', { length: 50 }).notNull(),
  isDisbursed: boolean('is_disbursed').notNull(),
  dateDisbursed: ts('date_disbursed'),
  startDate: date('start_date', { mode: 'string' }),
  endDate: date('end_date', { mode: 'string' }),
  expectedEndDate: date('expected_end_date', { mode: 'string' }),
  actualEndDate: date('actual_end_date', { mode: 'string' }),
  dateCompleted: ts('date_completed'),
  status: varchar('status', { length: 100 }).notNull(),
  performanceStatus: varchar('performance_status', { length: 100 }),
  loanType: varchar('loan_type', { length: 100 }).notNull(),
  verificationStage: varchar('verification_stage', { length: 100 }),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
});

export const ajoLoanRepayment = pgTable('loans_ajoloanrepayment', {
  id: id(),
  ajoLoanId: bigint('ajo_loan_id', { mode: 'number' }).notNull(),
  agentId: bigint('agent_id', { mode: 'number' }),
  borrowerId: bigint('borrower_id', { mode: 'number' }),
  paidDate: ts('paid_date'),
  repaymentAmount: doublePrecision('repayment_amount').notNull(),
  repaymentType: varchar('repayment_type', { length: 100 }),
  healthInsurance: doublePrecision('health_insurance').notNull(),
  markedAs: varchar('marked_as', { length: 255 }),
  appliedToLoan: boolean('applied_to_loan'),
  repaymentRef: uuid('repayment_ref'),
  comment: text('comment'),
  settlementStatus: varchar('settlement_status', { length: 100 }),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
});

export const ajoLoanSchedule = pgTable('loans_ajoloanschedule', {
  id: id(),
  loanId: bigint('loan_id', { mode: 'number' }).notNull(),
  dueAmount: doublePrecision('due_amount').notNull(),
  amountLeft: doublePrecision('amount_left').notNull(),
  paidAmount: doublePrecision('paid_amount').notNull(),
  dueDate: date('due_date', { mode: 'string' }),
  paidDate: ts('paid_date'),
  fullyPaid: boolean('fully_paid').notNull(),
  fullyPaidDate: ts('fully_paid_date'),
  isLate: boolean('is_late').notNull(),
  lateDays: integer('late_days').notNull(),
  dateCreated: ts('date_created'),
  dateModified: ts('date_modified'),
});

export const holiday = pgTable('loans_holiday', {
  id: id(),
  date: date('date', { mode: 'string' }),
  name: varchar('name', { length: 255 }),
  type: varchar('type', { length: 255 }).notNull(),
  agentId: bigint('agent_id', { mode: 'number' }),
  branchId: bigint('branch_id', { mode: 'number' }),
  createdById: bigint('created_by_id', { mode: 'number' }),
  salaryWaver: boolean('salary_waver').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const djangoSchema = { customUser, ajoUser, ajoLoan, ajoLoanRepayment, ajoLoanSchedule, holiday };
