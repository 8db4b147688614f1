/**
 * The Django column mappings of src/django-columns.ts read alike on both paths: the same Django rows read by the
 * request-time loaders (loaders/*.django.ts) and by the sync's reader (src/sync/django-reader.ts) give the same
 * names, statuses, KYC, hire dates, money and rates, each as DOMAIN §1.1–§1.3, §1.7 and D1 define it, over every
 * branch of each rule. A copy that drifts from the live read fails here.
 */
import { fetchDjangoCustomers } from '../../../loaders/customer.django';
import { fetchDjangoLoans } from '../../../loaders/loan.django';
import { fetchDjangoOfficers } from '../../../loaders/officer.django';
import { DjangoReader } from '../../../src/sync/django-reader';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { djangoRows } from './django-rows';

const TZ = 'Africa/Lagos';

/** Officers (accounts_customuser values) with the name, employment status and hire date both paths must read. */
const OFFICERS: Array<{ id: number; row: Record<string, unknown>; name: string; employment: string; hired: string }> = [
  // 23:30 UTC is 00:30 the next day in Lagos (D1).
  { id: 1, row: { username: 'ada', performance_status: 'Active', date_joined: '2025-09-30T23:30:00Z' }, name: 'ada', employment: 'Active', hired: '2025-10-01' },
  // No username: the e-mail. 22:59:59 UTC is still the same day in Lagos.
  { id: 2, row: { username: null, email: 'bola@seeds.test', performance_status: null, date_joined: '2025-10-01T22:59:59Z' }, name: 'bola@seeds.test', employment: 'Inactive', hired: '2025-10-01' },
  { id: 3, row: { username: 'chi', performance_status: 'active', date_joined: '2025-01-01T00:00:00+01:00' }, name: 'chi', employment: 'Inactive', hired: '2025-01-01' },
  { id: 4, row: { username: 'dayo', performance_status: 'Suspended', date_joined: '2024-12-31T23:00:00Z' }, name: 'dayo', employment: 'Inactive', hired: '2025-01-01' },
];

/** Customers: the expected name (§1.2: the phone when either part is NULL) and KYC status. */
const CUSTOMERS: Array<{ id: number; row: Record<string, unknown>; name: string; kyc: string }> = [
  { id: 11, row: { first_name: 'Ada', last_name: 'Obi', bvn_verified: true, onboarding_verified: true }, name: 'Ada Obi', kyc: 'Verified' },
  { id: 12, row: { first_name: ' Bola ', last_name: 'Ade ', bvn_verified: true, onboarding_verified: false }, name: 'Bola  Ade', kyc: 'Partial' },
  { id: 13, row: { first_name: null, last_name: 'Eze', phone_number: '07000000013', bvn_verified: false, onboarding_verified: true }, name: '07000000013', kyc: 'Pending' },
  { id: 14, row: { first_name: 'Uche', last_name: null, phone_number: '07000000014', bvn_verified: false, onboarding_verified: false }, name: '07000000014', kyc: 'Pending' },
];

/** §1.7: every raw status Django is known to write, and some it is not, with the normalised status. */
const STATUSES: Array<[raw: string, normalised: string]> = [
  ['OPEN', 'Active'], ['OPEN_TO_SUPERVISOR', 'Active'], ['APPROVED', 'Active'], ['ACTIVE', 'Active'],
  ['PAST_MATURITY', 'Defaulted'], ['DEFAULTED', 'Defaulted'], ['COMPLETED', 'Closed'], ['CLOSED', 'Closed'],
  ['DECLINED_BY_SUPERVISOR', 'Rejected'], ['REJECTED', 'Rejected'], ['NOT_TAKEN', 'Cancelled'],
  ['PENDING', 'Active'], ['DISBURSED', 'Active'], ['closed', 'Active'], ['', 'Active'],
];

/** Amounts (float8 in Django) and rates (percent) with the exact decimals both paths read. */
const MONEY: Array<{ row: Record<string, unknown>; amount: string | null; repayment: string | null; fee: string | null; rate: string }> = [
  { row: { amount: 53000.1, repayment_amount: 70900.13, processing_fee: 0, interest_rate: 30 }, amount: '53000.10', repayment: '70900.13', fee: '0.00', rate: '0.3000' },
  { row: { amount: 20000.5, repayment_amount: 26000.65, processing_fee: 1234.565, interest_rate: 12.345 }, amount: '20000.50', repayment: '26000.65', fee: '1234.57', rate: '0.1235' },
  // No exact decimal: NULL on both paths (the sync also rejects the loan, which is another matter).
  { row: { amount: 'NaN', repayment_amount: 'Infinity', processing_fee: 1e14, interest_rate: 0 }, amount: null, repayment: null, fee: null, rate: '0.0000' },
];

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
  const django = djangoRows(dbs.djangoWriter);
  for (const o of OFFICERS) await django.user(o.id, o.row);
  for (const c of CUSTOMERS) await django.customer(c.id, c.row);
  let id = 100;
  for (const [raw] of STATUSES) {
    const officer = OFFICERS[id % OFFICERS.length]!.id;
    const customer = CUSTOMERS[id % CUSTOMERS.length]!.id;
    await django.loan(id, officer, customer, { status: raw, ...MONEY[id % MONEY.length]!.row });
    id += 1;
  }
});
afterAll(async () => {
  await dbs.drop();
});

const ids = (rows: Array<{ id: number }>): string[] => rows.map((r) => String(r.id));
const byId = <R extends { id: string }>(rows: readonly R[]): Map<string, R> => new Map(rows.map((r) => [r.id, r]));

it('officers: name, employment status and hire date', async () => {
  const reader = new DjangoReader(dbs.django.pool, TZ);
  const copied = byId(await reader.page('officers', { ids: ids(OFFICERS) }));
  const live = byId(await fetchDjangoOfficers(dbs.django.pool, ids(OFFICERS), TZ));
  for (const o of OFFICERS) {
    const expected = { name: o.name, employmentStatus: o.employment, hireDate: o.hired };
    expect({ id: o.id, ...pick(live.get(String(o.id))!, ['name', 'employmentStatus', 'hireDate']) }).toEqual({ id: o.id, ...expected });
    const copy = copied.get(String(o.id))!;
    expect({ id: o.id, name: copy.officer_name, employmentStatus: copy.employment_status, hireDate: copy.hire_date }).toEqual({ id: o.id, ...expected });
  }
});

it('customers: name and KYC status', async () => {
  const reader = new DjangoReader(dbs.django.pool, TZ);
  const copied = byId(await reader.page('customers', { ids: ids(CUSTOMERS) }));
  const live = byId(await fetchDjangoCustomers(dbs.django.pool, ids(CUSTOMERS)));
  for (const c of CUSTOMERS) {
    const expected = { id: c.id, name: c.name, kycStatus: c.kyc };
    expect({ id: c.id, ...pick(live.get(String(c.id))!, ['name', 'kycStatus']) }).toEqual(expected);
    const copy = copied.get(String(c.id))!;
    expect({ id: c.id, name: copy.customer_name, kycStatus: copy.kyc_status }).toEqual(expected);
  }
});

it('loans: normalised status, money and rate, and the officer and customer read with them', async () => {
  const loanIds = STATUSES.map((_, i) => String(100 + i));
  const reader = new DjangoReader(dbs.django.pool, TZ);
  const copied = byId(await reader.loansByIds(loanIds));
  const live = byId(await fetchDjangoLoans(dbs.django.pool, loanIds, TZ));
  expect([copied.size, live.size]).toEqual([STATUSES.length, STATUSES.length]);
  STATUSES.forEach(([raw, normalised], i) => {
    const id = 100 + i;
    const money = MONEY[id % MONEY.length]!;
    const officer = OFFICERS[id % OFFICERS.length]!;
    const customer = CUSTOMERS[id % CUSTOMERS.length]!;
    const expected = {
      id, raw, status: normalised, amount: money.amount, repaymentAmount: money.repayment, fee: money.fee, interestRate: money.rate,
      officer: { name: officer.name, employmentStatus: officer.employment, hireDate: officer.hired },
      customer: { name: customer.name, kycStatus: customer.kyc },
    };
    const l = live.get(String(id))!;
    expect({
      id, raw: l.djangoStatus, ...pick(l, ['status', 'amount', 'repaymentAmount', 'fee', 'interestRate']),
      officer: pick(l.officer!, ['name', 'employmentStatus', 'hireDate']), customer: pick(l.customer!, ['name', 'kycStatus']),
    }).toEqual(expected);
    const c = copied.get(String(id))!;
    expect({
      id, raw: c.django_status, status: c.status, amount: c.loan_amount, repaymentAmount: c.repayment_amount, fee: c.fee_amount, interestRate: c.interest_rate,
      officer: { name: c.officer!.officer_name, employmentStatus: c.officer!.employment_status, hireDate: c.officer!.hire_date },
      customer: { name: c.customer!.customer_name, kycStatus: c.customer!.kyc_status },
    }).toEqual(expected);
  });
});

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Pick<T, K>;
}
