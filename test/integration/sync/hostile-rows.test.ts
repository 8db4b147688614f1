/**
 * Every Django table the sync reads, every column it uses, with the values a real Django database can hold and a
 * careful Django never writes (NULLs, empty and blank text, unicode, zero, negative and huge numbers, NaN, dates at
 * and past both ends of the calendar, ±infinity, naive timestamps, rows whose parents are missing, ids of unusual
 * forms), table-driven: each row is copied, or reported in sync_rejects with a reason naming the column, what was
 * expected and what arrived (README "Bad Django rows"); no cycle fails, and no field of the API fails on what the
 * sync took. The engine runs for real.
 */
import { getNamedType, graphql, isEnumType, isNonNullType, isObjectType, isScalarType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { createContextFactory, type AppContext } from '../../../src/context';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';
import { NO_UPDATED_AT } from '../../../src/sync/batch-writers';
import type pg from 'pg';
import { djangoRows } from './django-rows';
import { syncHarness, type SyncHarness } from './harness';

type Django = SyncHarness['django'];
type Entity = 'officers' | 'customers' | 'loans' | 'repayments' | 'loan_schedule' | 'holiday';

/** One hostile Django row: how to write it, and what the sync must do with it. */
interface HostileRow {
  entity: Entity;
  id: string;
  what: string;
  seed(django: Django): Promise<unknown>;
  /** Whether seedsmetrics holds a copy of the row after the sync. */
  copied: boolean;
  /** The row's sync_rejects reason, or null for none. */
  report: string | null;
}

/** A long-settled version, so a repayment of a loan Django lacks is not waited for (missingLoanWaitMs). */
const SETTLED = '2025-12-01T08:00:00Z';
const LAGOS_LAST_DAY = '9999-12-31T23:30:00Z'; // Python's latest datetimes: 10000-01-01 in Lagos (D1)
const LATE = 'date_disbursed must be a point in time on a business date from 0001-01-01 to 9999-12-31; got 9999-12-31T23:30:00.000000Z (business date 10000-01-01)';
const PAID = '2025-11-05T10:00:00+01:00';

const officer = (id: number, what: string, values: Record<string, unknown>, report: string | null = null): HostileRow => ({
  entity: 'officers', id: String(id), what, seed: (d) => d.user(id, values), copied: true, report,
});
const customer = (id: number, what: string, values: Record<string, unknown>, report: string | null = null): HostileRow => ({
  entity: 'customers', id: String(id), what, seed: (d) => d.customer(id, values), copied: true, report,
});
const loan = (id: number | string, what: string, parties: [number, number], values: Record<string, unknown>, copied: boolean, report: string | null = null): HostileRow => ({
  entity: 'loans', id: String(id), what, seed: (d) => d.loan(id as number, parties[0], parties[1], values), copied, report,
});
const repayment = (id: number, what: string, loanId: number, amount: number | string | null, paid: string | null, copied: boolean, report: string | null = null, values: Record<string, unknown> = {}): HostileRow => ({
  entity: 'repayments', id: String(id), what, seed: (d) => d.repayment(id, loanId, amount as number, paid, values), copied, report,
});

const ROWS: HostileRow[] = [
  officer(7, 'an ordinary officer', {}),
  officer(20, 'empty username and e-mail', { username: '', email: '' }),
  officer(21, 'unicode name and phone', { username: 'Ọlá 👩🏾‍💼 مرحبا', user_phone: '☎ 0803' }),
  officer(22, 'joined on 9999-12-31 late in the UTC day', { date_joined: LAGOS_LAST_DAY },
    'date_joined must be a point in time on a business date from 0001-01-01 to 9999-12-31; got 9999-12-31T23:30:00.000000Z (business date 10000-01-01): kept, hire_date left empty'),
  officer(23, 'joined at infinity', { date_joined: 'infinity' },
    'date_joined must be a point in time on a business date from 0001-01-01 to 9999-12-31; got infinity: kept, hire_date left empty'),
  officer(24, 'joined on 0001-01-01', { date_joined: '0001-01-01T00:00:00Z' }),
  officer(25, 'inactive, blank username, whitespace around its status', { is_active: false, username: '   ', performance_status: ' Active ' }),
  officer(27, 'updated at infinity', { updated_at: 'infinity' }, 'updated_at must be a point in time; got infinity: kept; its later edits are copied by the reconciliation only (SYNC_RECONCILE_INTERVAL_MS)'),
  officer(26, 'every optional column NULL', { username: null, user_phone: null, user_branch: null, user_type: null, performance_status: null }),
  customer(11, 'an ordinary customer', {}),
  customer(30, 'empty first and last name', { first_name: '', last_name: '' }),
  customer(31, 'blank names, born 0001-01-01', { first_name: '  ', last_name: ' ', dob: '0001-01-01' }),
  customer(32, 'born at infinity', { dob: 'infinity' }),
  customer(33, 'born 9999-12-31', { dob: '9999-12-31' }),
  customer(34, 'born in a year BC', { dob: '0044-03-15 BC' }),
  customer(35, 'every optional column NULL, empty phone', { first_name: null, last_name: null, phone_number: '', dob: null, gender: null, state: null, lga: null, address: null }),
  loan(100, 'an ordinary loan', [7, 11], {}, true),
  loan(101, 'an officer Django does not have', [999, 11], {}, true),
  loan(102, 'a borrower Django does not have', [7, 998], {}, false, 'borrower 998 does not exist in Django'),
  loan(103, 'disbursed on 9999-12-31 late in the UTC day', [7, 11], { date_disbursed: LAGOS_LAST_DAY, start_date: '9999-12-01', end_date: '9999-12-31' }, false, LATE),
  loan(104, 'every amount zero', [7, 11], { amount: 0, repayment_amount: 0, interest_rate: 0, processing_fee: 0 }, true),
  loan(105, 'amounts below a cent', [7, 11], { amount: 0.004, repayment_amount: 0.004 }, true),
  loan(106, 'negative zero', [7, 11], { amount: '-0', processing_fee: '-0', interest_rate: '-0' }, true),
  loan(107, 'the largest tenor', [7, 11], { tenor_in_days: 2147483647 }, true,
    'tenor_in_days 2147483647 is more daily instalments than the 42 days from start_date 2025-11-04 to end_date 2025-12-15: kept, computed as given'),
  loan(108, 'a contract from 0001-01-01 to 9999-12-31', [7, 11], { start_date: '0001-01-01', end_date: '9999-12-31' }, true),
  loan(109, 'empty and unicode texts', [7, 11], { status: '', loan_type: '', verification_stage: 'ok ✓', performance_status: '' }, true),
  loan(110, 'the parties with empty names', [20, 30], {}, true),
  loan(111, 'the parties with unicode and blank names', [21, 31], {}, true),
  loan(112, 'the parties with dates past 9999', [22, 32], {}, true),
  loan(113, 'the parties with dates at infinity and 9999', [23, 33], {}, true),
  loan(114, 'the parties with dates at 0001 and BC', [24, 34], {}, true),
  loan(115, 'an inactive officer', [25, 35], {}, true),
  loan(116, 'an officer with NULLs', [26, 11], {}, true),
  loan(118, 'disbursed on 0001-01-01', [7, 11], { date_disbursed: '0001-01-01T00:00:00Z', start_date: '0001-01-02', end_date: '0001-02-01' }, true,
    'date_disbursed 0001-01-01 is before 2000-01-01: kept, computed as given'),
  loan(119, 'one daily instalment', [7, 11], { tenor_in_days: 1, start_date: '2025-11-04', end_date: '2025-11-04' }, true),
  loan(120, 'no first instalment date', [7, 11], { start_date: null }, true),
  loan(121, 'the largest interest rate', [7, 11], { interest_rate: 999.99, amount: 1e6, processing_fee: 0 }, true),
  loan(122, 'updated at infinity', [7, 11], { updated_at: 'infinity' }, true, NO_UPDATED_AT.replace('is NULL', 'must be a point in time; got infinity')),
  loan(123, 'updated at -infinity', [7, 11], { updated_at: '-infinity' }, true, NO_UPDATED_AT.replace('is NULL', 'must be a point in time; got -infinity')),
  loan(124, 'updated on 0001-01-01', [7, 11], { updated_at: '0001-01-01T00:00:00Z' }, true),
  loan(125, 'a start date BC', [7, 11], { start_date: '0001-06-01 BC' }, false, 'start_date must be a calendar date from 0001-01-01 to 9999-12-31 or NULL; got 0001-06-01 BC'),
  loan(126, 'a maturity past 9999', [7, 11], { end_date: '10000-01-01' }, false, 'end_date must be a calendar date from 0001-01-01 to 9999-12-31; got 10000-01-01'),
  loan('9223372036854775807', 'the largest bigint id', [7, 11], {}, true),
  repayment(1000, 'an ordinary repayment', 100, 4400, '2025-11-04T10:00:00+01:00', true),
  repayment(1001, 'its exact duplicate under another id', 100, 4400, '2025-11-04T10:00:00+01:00', true),
  repayment(1002, 'an amount below a cent', 100, 1e-9, PAID, true, 'repayment_amount must be > 0; got 1e-09: kept, never counted'),
  repayment(1003, 'paid on 9999-12-31 late in the UTC day', 100, 4400, LAGOS_LAST_DAY, true,
    'paid_date 10000-01-01 is in the future (today is TODAY): kept, not counted until then'),
  repayment(1004, 'paid on 0001-01-01', 100, 4400, '0001-01-01T00:00:00Z', true, "paid_date 0001-01-01 is before its loan's date_disbursed 2025-11-03: kept, counted"),
  repayment(1005, 'paid at -infinity', 100, 4400, '-infinity', true, 'paid_date must be a point in time; got -infinity: kept, never counted'),
  repayment(1006, 'NaN', 100, 'NaN', PAID, false, 'repayment_amount must be a number between -1e10 and 1e10; got NaN: not copied'),
  repayment(1007, '-Infinity', 100, '-Infinity', PAID, false, 'repayment_amount must be a number between -1e10 and 1e10; got -Infinity: not copied'),
  repayment(1008, 'an empty channel, a reversal marked in lower case with a space', 100, 4400, PAID, true, null, { repayment_type: '', marked_as: 'reversal ' }),
  repayment(1009, 'no channel, an empty marking', 100, 4400, PAID, true, null, { repayment_type: null, marked_as: '' }),
  repayment(1010, 'a loan Django does not have', 777, 4400, PAID, false,
    'loan 777 does not exist in Django: repayment not copied (it is copied with the loan if the loan appears)', { updated_at: SETTLED }),
  repayment(1011, 'a loan the sync rejected', 103, 4400, PAID, false, `loan 103 is not synced (${LATE}): repayment not copied`),
  repayment(1012, 'a loan running from 0001 to 9999', 108, 4400, PAID, true),
  repayment(1013, 'a loan of the largest tenor', 107, 4400, PAID, true),
  repayment(1014, 'a large negative amount', 100, -9.99e9, PAID, true, 'repayment_amount must be > 0; got -9990000000: kept, never counted'),
  repayment(1015, 'a loan of zero amounts', 104, 4400, PAID, true),
  repayment(1016, 'updated at infinity', 100, 4400, PAID, true, NO_UPDATED_AT.replace('is NULL', 'must be a point in time; got infinity'), { updated_at: 'infinity' }),
  repayment(1017, 'no updated_at', 100, 4400, PAID, true, NO_UPDATED_AT, { updated_at: null }),
  ...([
    [5000, 'no due date, a NaN due', { due_date: null, due_amount: 'NaN' }],
    [5001, 'due at infinity, an amount no numeric(15,2) holds', { due_date: 'infinity', due_amount: 1e14, paid_date: 'infinity' }],
    [5002, 'due on 0001-01-01, a negative payment', { due_date: '0001-01-01', paid_amount: -5 }],
    [5004, 'due and paid past 9999 in Lagos', { due_date: '9999-12-31', paid_date: LAGOS_LAST_DAY }],
  ] as const).map(([id, what, values]): HostileRow => ({
    entity: 'loan_schedule', id: String(id), what, seed: (d) => d.schedule(id, id === 5004 ? 108 : 100, values), copied: true, report: null,
  })),
  { entity: 'loan_schedule', id: '5003', what: 'a loan Django does not have', seed: (d) => d.schedule(5003, 777, { due_date: '2025-11-04' }), copied: false, report: null },
  ...([
    [1, 'no date, no name', { date: null, name: null }],
    [2, 'at infinity, empty name', { date: 'infinity', name: '' }],
    [3, 'a date another holiday has', { date: '2025-12-25', name: 'dup' }],
    [4, 'on 0001-01-01, an empty type', { date: '0001-01-01', type: '' }],
  ] as const).map(([id, what, values]): HostileRow => ({ entity: 'holiday', id: String(id), what, seed: (d) => d.holiday(id, values), copied: true, report: null })),
];

/** Where each entity's copy keeps the Django id. */
const COPY_ID: Record<Entity, string> = {
  officers: 'SELECT officer_id AS id FROM officers',
  customers: 'SELECT customer_id AS id FROM customers',
  loans: 'SELECT loan_id AS id FROM loans',
  repayments: 'SELECT repayment_id AS id FROM repayments',
  loan_schedule: 'SELECT django_schedule_id AS id FROM loan_schedule',
  holiday: 'SELECT id::text AS id FROM holiday',
};

let h: SyncHarness;
let today: string;
beforeAll(async () => {
  h = await syncHarness();
  const writer = await h.dbs.djangoWriter.connect();
  try {
    // A row written around Django (a bulk import) may have no updated_at where the column allows it.
    await writer.query(`ALTER TABLE loans_ajoloanrepayment ALTER COLUMN updated_at DROP NOT NULL`);
    // Rows whose parents Django does not have: its foreign keys would refuse them; a database written around Django holds them.
    await writer.query(`SET session_replication_role = replica`);
    const django = djangoRows(writer as unknown as pg.Pool);
    for (const row of ROWS) await row.seed(django);
    // A naive timestamp, as Django with USE_TZ = False writes it: local time in its TIME_ZONE, stored as that instant.
    await writer.query(`SET TIME ZONE 'Africa/Lagos'; INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate,
      processing_fee, tenor_in_days, is_disbursed, date_disbursed, start_date, end_date) VALUES (117, 7, 11, 100000, 132000, 30, 2000, 30, true,
      '2025-11-03 23:30:00', '2025-11-04', '2025-12-15')`);
  } finally {
    writer.release(true);
  }
  // The gateway's reads must not depend on the Django server's zone (Kiritimati is UTC+14, so any read that leaned on
  // the session zone would move a date).
  await h.django.query(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Pacific/Kiritimati'); END $$`);
  today = (await h.django.query(`SELECT (now() AT TIME ZONE 'Africa/Lagos')::date::text AS d`)).rows[0].d;
});
afterAll(async () => h.close());

let worker: ReturnType<SyncHarness['worker']>;

describe('the sync over hostile rows', () => {
  beforeAll(async () => {
    worker = h.worker();
    await worker.runOnce();
    await worker.runOnce();
    await worker.reconcileNow();
  });

  it('never fails a cycle, and a cycle after them writes nothing again (no row is taken for changed every time)', async () => {
    expect(worker.health()).toMatchObject({ status: 'ok', lastError: null, cycles: { failed: 0 } });
    const again = await worker.runOnce();
    expect(Object.entries(again.entities).filter(([, stats]) => stats.rowsWritten !== 0 || stats.loansRecomputed !== 0)).toEqual([]);
  });

  it('copies each row or reports it as README "Bad Django rows" says, once', async () => {
    const copies = new Map<Entity, Set<string>>();
    for (const [entity, sql] of Object.entries(COPY_ID) as Array<[Entity, string]>) copies.set(entity, new Set((await h.rows<{ id: string }>(sql)).map((r) => r.id)));
    const reports = await h.rows<{ entity: Entity; django_id: string; reason: string; seen_count: number }>(`SELECT entity, django_id, reason, seen_count FROM sync_rejects`);
    const reportOf = (entity: Entity, id: string) => reports.find((r) => r.entity === entity && r.django_id === id)?.reason ?? null;
    const outcome = (row: HostileRow) => ({ row: `${row.entity} ${row.id}: ${row.what}`, copied: copies.get(row.entity)!.has(row.id), report: reportOf(row.entity, row.id) });
    const expected = ROWS.map((row) => ({ row: `${row.entity} ${row.id}: ${row.what}`, copied: row.copied, report: row.report?.replace('TODAY', today) ?? null }));
    expect(ROWS.map(outcome)).toEqual(expected);
    // Nothing else is reported, and nothing twice.
    expect(reports.filter((r) => !ROWS.some((row) => row.entity === r.entity && row.id === r.django_id))).toEqual([]);
    expect(reports.filter((r) => r.seen_count !== 1)).toEqual([]);
  });

  it('copies ids Django never gives (0 and below, which the scan of new ids starts above) at the reconciliation', async () => {
    await h.django.loan(0, 7, 11);
    await h.django.loan(-5, 7, 11);
    await h.django.repayment(0, 100, 100, PAID);
    await worker.reconcileNow();
    expect(await h.rows(`SELECT loan_id FROM loans WHERE loan_id IN ('0', '-5') ORDER BY loan_id`)).toEqual([{ loan_id: '-5' }, { loan_id: '0' }]);
    expect(await h.rows(`SELECT repayment_id, payment_amount FROM repayments WHERE repayment_id = '0'`)).toEqual([{ repayment_id: '0', payment_amount: '100.00' }]);
  });

  it('computes the copied rows exactly, and reads dates as business dates whatever the Django server zone', async () => {
    expect(await h.rows(`SELECT loan_id, disbursement_date::text, total_repayments::text, total_outstanding::text FROM loans WHERE loan_id IN ('100', '104', '105', '117') ORDER BY loan_id`)).toEqual([
      // 1000, 1001, 1004, 1008 (D3 reverses only marked_as 'REVERSAL' as written), 1009, 1016, 1017 and 0; 1003 counts
      // from its date on (never), 1002, 1005 and 1014 never.
      { loan_id: '100', disbursement_date: '2025-11-03', total_repayments: '30900.00', total_outstanding: '101100.00' },
      { loan_id: '104', disbursement_date: '2025-11-03', total_repayments: '4400.00', total_outstanding: '0.00' },
      { loan_id: '105', disbursement_date: '2025-11-03', total_repayments: '0.00', total_outstanding: '2000.00' },
      { loan_id: '117', disbursement_date: '2025-11-03', total_repayments: '0.00', total_outstanding: '132000.00' },
    ]);
    expect(await h.rows(`SELECT officer_id, hire_date::text FROM officers WHERE officer_id IN ('22', '23', '24') ORDER BY officer_id`)).toEqual([
      { officer_id: '22', hire_date: null },
      { officer_id: '23', hire_date: null },
      { officer_id: '24', hire_date: '0001-01-01' },
    ]);
  });
});

/** Every field selectable without a required argument, `depth` object levels deep. */
function everyField(type: GraphQLObjectType, depth: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth > 0) {
      const inner = everyField(named, depth - 1);
      if (inner !== '') parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

describe('the API over what the sync took', () => {
  let schema: GraphQLSchema;
  let context: () => AppContext;
  beforeAll(async () => {
    schema = await buildAppSchema({ pubSub: createAppPubSub() });
    const factory = createContextFactory({ django: h.dbs.django, metrics: h.dbs.metrics, maxPageSize: 500 });
    context = () => factory(null);
  });

  const errorsOf = async (source: string) => {
    const result = await graphql({ schema, source, contextValue: context() });
    return (result.errors ?? []).map((e) => ({ source: source.slice(0, 60), path: e.path?.join('.'), message: e.message }));
  };

  it('answers every list and summary the schema has, every field three levels deep, without an error', async () => {
    const errors: unknown[] = [];
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
      const named = getNamedType(field.type);
      const filter = field.args.find((a) => a.name === 'filter' && getNamedType(a.type).name === 'LoanFilterInput') ? '(filter: { visibleOfficersOnly: false })' : '';
      errors.push(...(await errorsOf(`{ ${field.name}${filter} ${isObjectType(named) ? `{ ${everyField(named, 3)} }` : ''} }`)));
    }
    expect(errors).toEqual([]);
  });

  it('answers each copied loan, officer and customer by id, every field two levels deep, without an error', async () => {
    const errors: unknown[] = [];
    for (const row of ROWS.filter((r) => r.copied && ['loans', 'officers', 'customers'].includes(r.entity))) {
      const type = row.entity === 'loans' ? 'Loan' : row.entity === 'officers' ? 'Officer' : 'Customer';
      errors.push(...(await errorsOf(`{ ${type.toLowerCase()}(id: "${row.id}") { ${everyField(schema.getType(type) as GraphQLObjectType, 2)} } }`)));
    }
    expect(errors).toEqual([]);
  });

  it('shows a date no YYYY-MM-DD can hold as null, in its own field only', async () => {
    const data = await graphql({
      schema,
      contextValue: context(),
      source: `{ officer(id: "22") { hireDate } loan(id: "100") { repayments { id paymentDate } } customer(id: "34") { dob } other: customer(id: "32") { dob } }`,
    });
    expect(data.errors).toBeUndefined();
    expect(data.data).toMatchObject({ officer: { hireDate: null }, customer: { dob: null }, other: { dob: null } });
    expect((data.data as { loan: { repayments: Array<{ id: string; paymentDate: string | null }> } }).loan.repayments.filter((r) => ['1003', '1004'].includes(r.id))).toEqual([
      { id: '1003', paymentDate: null },
      { id: '1004', paymentDate: '0001-01-01' },
    ]);
  });
});

describe('rows edited into bad states, or deleted, after their copy', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema({ pubSub: createAppPubSub() });
    const writer = await h.dbs.djangoWriter.connect();
    try {
      await writer.query(`UPDATE loans_ajoloan SET date_disbursed = '${LAGOS_LAST_DAY}', updated_at = now() WHERE id = 119`);
      await writer.query(`UPDATE accounts_customuser SET date_joined = 'infinity', updated_at = now() WHERE id = 24`);
      await writer.query(`UPDATE loans_ajoloanrepayment SET repayment_amount = 'NaN', updated_at = now() WHERE id = 1015`);
      // Deleted around Django's foreign keys: loans still name them.
      await writer.query(`SET session_replication_role = replica; DELETE FROM accounts_customuser WHERE id = 26; DELETE FROM ajo_ajouser WHERE id = 35`);
    } finally {
      writer.release(true);
    }
    await worker.runOnce();
    await worker.reconcileNow();
  });

  it('keeps the earlier copy of a loan, reports the edit, and the API shows the bad date as null', async () => {
    expect(await h.rows(`SELECT loan_id, disbursement_date::text FROM loans WHERE loan_id = '119'`)).toEqual([{ loan_id: '119', disbursement_date: '2025-11-03' }]);
    expect(await h.rows(`SELECT entity, django_id, reason FROM sync_rejects WHERE (entity, django_id) IN (('loans', '119'), ('officers', '24'), ('repayments', '1015')) ORDER BY entity`)).toEqual([
      { entity: 'loans', django_id: '119', reason: LATE },
      { entity: 'officers', django_id: '24', reason: 'date_joined must be a point in time on a business date from 0001-01-01 to 9999-12-31; got infinity: kept, hire_date left empty' },
      { entity: 'repayments', django_id: '1015', reason: 'repayment_amount must be a number between -1e10 and 1e10; got NaN: not copied' },
    ]);
    expect(await h.rows(`SELECT hire_date FROM officers WHERE officer_id = '24'`)).toEqual([{ hire_date: null }]);
  });

  it('takes a repayment edited to NaN out of its loan at the reconciliation (Django has no amount for it), and repairs nothing twice', async () => {
    expect(await h.rows(`SELECT repayment_id FROM repayments WHERE repayment_id = '1015'`)).toEqual([]);
    expect(await h.rows(`SELECT total_repayments::text FROM loans WHERE loan_id = '104'`)).toEqual([{ total_repayments: '0.00' }]);
    // Loan 100's repayment updated at infinity, and loan 104's NaN, made them drift at every reconciliation.
    expect((await worker.reconcileNow()).reconciliation).toMatchObject({ loansRepaired: [], repaymentsWritten: 0, repaymentsDeleted: 0 });
  });

  it('answers the loans of a deleted officer and borrower, and every loan by id, without an error', async () => {
    const factory = createContextFactory({ django: h.dbs.django, metrics: h.dbs.metrics, maxPageSize: 500 });
    const loanFields = everyField(schema.getType('Loan') as GraphQLObjectType, 2);
    const errors: unknown[] = [];
    for (const id of ['115', '116', '119']) {
      const result = await graphql({ schema, source: `{ loan(id: "${id}") { ${loanFields} } }`, contextValue: factory(null) });
      errors.push(...(result.errors ?? []).map((e) => ({ id, path: e.path?.join('.'), message: e.message })));
    }
    const list = await graphql({ schema, source: `{ loans(filter: { visibleOfficersOnly: false }, first: 500) { nodes { ${loanFields} } } }`, contextValue: factory(null) });
    errors.push(...(list.errors ?? []).map((e) => ({ path: e.path?.join('.'), message: e.message })));
    expect(errors).toEqual([]);
    const loan = await graphql({ schema, source: `{ loan(id: "119") { disbursementDate } }`, contextValue: factory(null) });
    expect(loan.data).toEqual({ loan: { disbursementDate: null } });
  });
});
