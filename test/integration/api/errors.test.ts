/**
 * Caller errors are BAD_USER_INPUT GraphQLErrors naming the argument, what was expected and what arrived;
 * unexpected errors are masked (no SQL, stack or host) and logged with their cause. Operations run through a
 * real Apollo Server (executeOperation) with the API's formatError, as the HTTP server does.
 */
import { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { AppContext } from '../../../src/context';
import { createFormatError } from '../../../src/errors';
import { encodeCursor } from '../../../resolvers/pagination';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
let server: ApolloServer<AppContext>;
const logged: { fields: Record<string, unknown>; message: string }[] = [];

beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 2, loansPerOfficer: 5, customers: 4 });
  server = new ApolloServer<AppContext>({
    schema: api.schema,
    formatError: createFormatError({ error: (fields, message) => logged.push({ fields, message }) }, { schema: api.schema }),
    includeStacktraceInErrorResponses: false,
  });
  await server.start();
});
afterAll(async () => {
  await server.stop();
  await api.dbs.drop();
});

async function errorsOf(query: string, variables?: Record<string, unknown>): Promise<readonly GraphQLFormattedError[]> {
  const response = await server.executeOperation({ query, variables }, { contextValue: api.newContext() });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult.errors ?? [];
}

async function singleError(query: string, variables?: Record<string, unknown>): Promise<{ message: string; code: unknown; argument: unknown }> {
  const errors = await errorsOf(query, variables);
  expect(errors).toHaveLength(1);
  return { message: errors[0]!.message, code: errors[0]!.extensions?.code, argument: errors[0]!.extensions?.argument };
}

const badInput = (message: string, argument?: string) => ({ message, code: 'BAD_USER_INPUT', argument });

describe('bad arguments give BAD_USER_INPUT naming the argument, what was expected and what arrived', () => {
  it.each([
    ['{ loan(id: "abc") { id } }', badInput('id must be a positive integer id such as "17533"; got "abc"', 'id')],
    ['{ loan(id: "0") { id } }', badInput('id must be a positive integer id such as "17533"; got "0"', 'id')],
    ['{ officer(id: "-5") { id } }', badInput('id must be a positive integer id such as "17533"; got "-5"', 'id')],
    ['{ customer(id: "99999999999999999999") { id } }', badInput('id must be a positive integer id such as "17533"; got "99999999999999999999"', 'id')],
    ['{ loans(first: -1) { totalCount } }', badInput('first must be an integer from 0 to 500; got -1', 'first')],
    ['{ loans(first: 501) { totalCount } }', badInput('first must be an integer from 0 to 500; got 501', 'first')],
    ['{ officers(first: 1000) { totalCount } }', badInput('first must be an integer from 0 to 500; got 1000', 'first')],
    ['{ loans(after: "not a cursor") { totalCount } }', badInput('after must be a cursor returned by this list for the same orderBy; got "not a cursor"', 'after')],
    ['{ loans(filter: { dpdMin: 10, dpdMax: 5 }) { totalCount } }', badInput('filter.dpdMin must be at most filter.dpdMax (5); got 10', 'filter.dpdMin')],
    ['{ loans(filter: { dpdMax: -1 }) { totalCount } }', badInput('filter.dpdMax must be a non-negative integer; got -1', 'filter.dpdMax')],
    [
      '{ loans(filter: { disbursedFrom: "2025-12-01", disbursedTo: "2025-11-01" }) { totalCount } }',
      badInput('filter.disbursedFrom must be a date on or before filter.disbursedTo (2025-11-01); got "2025-12-01"', 'filter.disbursedFrom'),
    ],
    ['{ loans(filter: { officerIds: ["1", "x1"] }) { totalCount } }', badInput('filter.officerIds[1] must be a positive integer id such as "17533"; got "x1"', 'filter.officerIds[1]')],
    ['{ loans(filter: { customerPhone: "  " }) { totalCount } }', badInput('filter.customerPhone must be a non-empty part of a phone number; got "  "', 'filter.customerPhone')],
    // Every substring filter refuses blank text: empty matched every row, spaces none.
    ['{ customers(filter: { phone: "" }) { totalCount } }', badInput('filter.phone must be a non-empty part of a phone number; got ""', 'filter.phone')],
    ['{ customers(filter: { name: "  " }) { totalCount } }', badInput('filter.name must be a non-empty part of a name; got "  "', 'filter.name')],
    ['{ officers(filter: { search: "" }) { totalCount } }', badInput('filter.search must be a non-empty part of an e-mail address or a name; got ""', 'filter.search')],
    ['{ officers(filter: { search: "   " }) { totalCount } }', badInput('filter.search must be a non-empty part of an e-mail address or a name; got "   "', 'filter.search')],
    ['{ officer(id: "1") { topRiskLoans(limit: 101) { riskScore } } }', badInput('limit must be an integer from 1 to 100; got 101', 'limit')],
    ['{ loan(id: "1001") { dpdHistory(last: 0) { date } } }', badInput('last must be an integer from 1 to 366; got 0', 'last')],
    // Statuses the gateway itself writes from a fixed set: a value outside it matched nothing, silently.
    [
      '{ officers(filter: { employmentStatuses: ["Active", "ACTIVE"] }) { totalCount } }',
      badInput('filter.employmentStatuses[1] must be one of Active, Inactive (exact spelling); got "ACTIVE"', 'filter.employmentStatuses[1]'),
    ],
    ['{ customers(filter: { kycStatuses: ["verified"] }) { totalCount } }', badInput('filter.kycStatuses[0] must be one of Verified, Partial, Pending (exact spelling); got "verified"', 'filter.kycStatuses[0]')],
    // The drilldown lists FIMR-tagged loans only: asking it for untagged ones used to be overridden, answering tagged ones.
    ['{ fimrLoans(filter: { fimrTagged: false }) { totalCount } }', badInput('filter.fimrTagged must be true or left out (fimrLoans lists FIMR-tagged loans only); got false', 'filter.fimrTagged')],
    ['{ officer(id: "1") { loans(first: 600) { totalCount } } }', badInput('first must be an integer from 0 to 500; got 600', 'first')],
    // A text set with nothing to match matched every loan (and on fimrLoans dropped the default OPEN/PAST_MATURITY).
    [
      '{ fimrLoans(filter: { djangoStatuses: {} }) { totalCount } }',
      badInput('filter.djangoStatuses must be values, missing: true or both (or the filter left out); got {}', 'filter.djangoStatuses'),
    ],
    [
      '{ loans(filter: { loanTypes: { missing: false } }) { totalCount } }',
      badInput('filter.loanTypes must be values, missing: true or both (or the filter left out); got {"missing":false}', 'filter.loanTypes'),
    ],
  ])('%s', async (query, expected) => {
    expect(await singleError(query)).toEqual(expected);
  });

  it('a cursor issued for another order, or tampered with, is refused', async () => {
    const page = await api.data<{ loans: { pageInfo: { endCursor: string } } }>(`{ loans(first: 2) { pageInfo { endCursor } } }`);
    const cursor = page.loans.pageInfo.endCursor;
    expect(await singleError(`query ($after: String) { loans(after: $after, orderBy: { field: CURRENT_DPD }) { totalCount } }`, { after: cursor })).toEqual(
      badInput(`after must be a cursor returned by this list for the same orderBy; got "${cursor}"`, 'after'),
    );
    const tampered = encodeCursor('loan:disbursementDate:DESC', { value: "2025-11-03'; DROP TABLE loans; --", id: '1001' });
    expect((await singleError(`query ($after: String) { loans(after: $after) { totalCount } }`, { after: tampered })).message).toBe(
      `after must be a cursor returned by this list for the same orderBy; got "${tampered.slice(0, 100)}…"`,
    );
    const badId = encodeCursor('loan:disbursementDate:DESC', { value: '2025-11-03', id: '1 OR 1=1' });
    expect((await singleError(`query ($after: String) { loans(after: $after) { totalCount } }`, { after: badId })).code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['a day the calendar does not have', 'loans', 'loan:disbursementDate:DESC', '2025-99-99'],
    ['year 0000', 'loans', 'loan:disbursementDate:DESC', '0000-01-01'],
    ['30 February', 'loans', 'loan:disbursementDate:DESC', '2025-02-30'],
    ['text with a NUL character', 'officers', 'officer:name:ASC', 'Ade\u0000'],
    // NULL reads as "in the NULL tail", which a list on a NOT NULL column has not: the page came back empty.
    ['NULL on a column that has none', 'loans', 'loan:disbursementDate:DESC', null],
    ['NULL on an officer name', 'officers', 'officer:name:ASC', null],
  ])('a forged cursor whose sort value is %s is refused like any tampered cursor, before SQL', async (_case, list, order, value) => {
    const forged = encodeCursor(order, { value, id: '1001' });
    expect(await singleError(`query ($after: String) { ${list}(after: $after) { totalCount } }`, { after: forged })).toEqual(
      badInput(`after must be a cursor returned by this list for the same orderBy; got "${forged}"`, 'after'),
    );
  });

  const ORDER_FIELDS =
    'DISBURSEMENT_DATE, MATURITY_DATE, LOAN_AMOUNT, CURRENT_DPD, MAX_DPD_EVER, ACTUAL_OUTSTANDING, TOTAL_OUTSTANDING, PRINCIPAL_OUTSTANDING, TOTAL_REPAYMENTS, DAYS_SINCE_DUE, DAYS_SINCE_LAST_REPAYMENT, REPAYMENT_DELAY_RATE, CUSTOMER_NAME, OFFICER_NAME, ID, ' +
    'REPAYMENT_AMOUNT, FIRST_DUE_DATE, TENOR_DAYS, PREVIOUS_DPD, DPD_CHANGE, INTEREST_OUTSTANDING, FEES_OUTSTANDING, DAILY_REPAYMENT_AMOUNT, REPAYMENT_DAYS_PAID, REPAYMENT_DAYS_DUE_TODAY, ' +
    'BUSINESS_DAYS_SINCE_DISBURSEMENT, TIMELINESS_SCORE, REPAYMENT_HEALTH, REGION, BRANCH, VERTICAL_LEAD_NAME, STATUS, DJANGO_STATUS, PERFORMANCE_STATUS, LOAN_TYPE, VERIFICATION_STATUS, WAVE';

  it('an unknown enum value is refused with the value, the enum and its values named (BAD_USER_INPUT as a variable, naming it)', async () => {
    expect(await singleError(`query ($order: LoanOrder) { loans(orderBy: $order) { totalCount } }`, { order: { field: 'RISKINESS' } })).toEqual({
      message: `Variable "$order" got invalid value "RISKINESS" at "order.field"; Value "RISKINESS" does not exist in "LoanOrderField" enum. Expected one of ${ORDER_FIELDS}.`,
      code: 'BAD_USER_INPUT',
      argument: '$order.field',
    });
    expect(await singleError(`{ loans(orderBy: { field: RISKINESS }) { totalCount } }`)).toEqual({
      message: `Argument "orderBy.field" of "loans": Value "RISKINESS" does not exist in "LoanOrderField" enum. Expected one of ${ORDER_FIELDS}.`,
      code: 'GRAPHQL_VALIDATION_FAILED',
      argument: 'orderBy.field',
    });
    // A value that is not a string at all, and graphql-js's suggestion kept before the list.
    expect(await singleError(`query ($statuses: [LoanStatus!]) { loans(filter: { statuses: $statuses }) { totalCount } }`, { statuses: ['ACTIVE', 3] })).toEqual({
      message: 'Variable "$statuses" got invalid value 3 at "statuses[1]"; Enum "LoanStatus" cannot represent non-string value: 3. Expected one of ACTIVE, CLOSED, DEFAULTED, REJECTED, CANCELLED.',
      code: 'BAD_USER_INPUT',
      argument: '$statuses[1]',
    });
    expect((await singleError(`{ loans(filter: { statuses: [ACTIV] }) { totalCount } }`)).message).toBe(
      'Argument "filter.statuses[0]" of "loans": Value "ACTIV" does not exist in "LoanStatus" enum. Expected one of ACTIVE, CLOSED, DEFAULTED, REJECTED, CANCELLED. Did you mean the enum value "ACTIVE"?',
    );
  });

  it('a variable that was not given names it', async () => {
    expect(await singleError(`query ($id: ID!) { loan(id: $id) { id } }`)).toEqual({
      message: 'Variable "$id" of required type "ID!" was not provided.',
      code: 'BAD_USER_INPUT',
      argument: '$id',
    });
  });

  it('an impossible date is refused by the Date scalar', async () => {
    expect(await singleError(`query ($from: Date) { loans(filter: { disbursedFrom: $from }) { totalCount } }`, { from: '2025-02-30' })).toEqual({
      message: 'Variable "$from" got invalid value "2025-02-30"; Date must be a calendar date as YYYY-MM-DD; got "2025-02-30"',
      code: 'BAD_USER_INPUT',
      argument: '$from',
    });
  });

  it.each([
    [
      '{ loans(filter: { disbursedFrom: "2025-02-30" }) { totalCount } }',
      'Argument "filter.disbursedFrom" of "loans": Date must be a calendar date as YYYY-MM-DD; got "2025-02-30"',
      'filter.disbursedFrom',
      34,
    ],
    [
      '{ loans(filter: { disbursedFrom: 20250101 }) { totalCount } }',
      'Argument "filter.disbursedFrom" of "loans": Date must be a calendar date as YYYY-MM-DD; got 20250101',
      'filter.disbursedFrom',
      34,
    ],
    [
      'query ($x: Decimal = true) { apiVersion }',
      'Default value of "$x": Decimal must be a decimal number as a string such as "1250.50" (up to 20 digits each side of the point); got true',
      '$x',
      22,
    ],
    ['{ loans(first: "ten") { totalCount } }', 'Argument "first" of "loans": Int cannot represent non-integer value: "ten"', 'first', 16],
    ['{ loans(filter: { branches: ["YABA", 3] }) { totalCount } }', 'Argument "filter.branches[1]" of "loans": String cannot represent a non string value: 3', 'filter.branches[1]', 38],
    ['{ top: loans { totalCount @include(if: "yes") } }', 'Argument "if" of "@include": Boolean cannot represent a non boolean value: "yes"', 'if', 40],
  ])('an invalid literal %s is refused at its position, naming its argument and showing the value as written', async (query, message, argument, column) => {
    // (The Decimal default also gets "Variable "$x" is never used": no argument of the schema takes a Decimal.)
    expect(await errorsOf(query)).toContainEqual({ message, locations: [{ line: 1, column }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', argument } });
  });

  it('an input object missing a required field names the argument holding it', async () => {
    expect(await errorsOf('{ loans(orderBy: { direction: ASC }) { totalCount } }')).toEqual([
      {
        message: 'Argument "orderBy" of "loans": Field "LoanOrder.field" of required type "LoanOrderField!" was not provided.',
        locations: [{ line: 1, column: 18 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', argument: 'orderBy' },
      },
    ]);
  });

  it('other validation errors keep their message (no literal to name)', async () => {
    expect(await errorsOf('query ($n: String) { loans(first: $n) { totalCount } }')).toEqual([
      {
        message: 'Variable "$n" of type "String" used in position expecting type "Int".',
        locations: [
          { line: 1, column: 8 },
          { line: 1, column: 35 },
        ],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
    ]);
  });

  it('nothing is logged for caller errors', () => {
    expect(logged).toEqual([]);
  });
});

describe('unexpected errors are masked and logged with their cause', () => {
  it('a missing table: the response says only "Internal server error", the log has the PostgreSQL error', async () => {
    await api.dbs.metrics.pool.query('ALTER TABLE loan_dpd_daily RENAME TO loan_dpd_daily_gone');
    try {
      const response = await server.executeOperation({ query: '{ loan(id: "1001") { id amount dpdHistory { date } } }' }, { contextValue: api.newContext() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      expect(errors).toEqual([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['loan', 'dpdHistory'], locations: [{ line: 1, column: 32 }] },
      ]);
      expect(data).toEqual({ loan: null });
      const text = JSON.stringify(response.body.singleResult);
      for (const leak of ['SELECT', 'loan_dpd_daily', 'relation', 'stack', '127.0.0.1', 'localhost', 'postgres']) expect(text).not.toContain(leak);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.message).toBe('unexpected error while executing a GraphQL operation');
      expect(logged[0]!.fields.err).toMatchObject({ message: 'relation "loan_dpd_daily" does not exist', code: '42P01' });
    } finally {
      await api.dbs.metrics.pool.query('ALTER TABLE loan_dpd_daily_gone RENAME TO loan_dpd_daily');
    }
  });

  it('a seedsmetrics failure under loan(id): its Django fields still show, each computed field reports the error', async () => {
    logged.length = 0;
    await api.dbs.metrics.pool.query('ALTER TABLE loans RENAME TO loans_gone');
    try {
      const response = await server.executeOperation({ query: '{ loan(id: "1001") { id currentDpd amount dpdBucket } }' }, { contextValue: api.newContext() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      // Loan 1001 (officer 1, i = 1) was lent 50000 + 1000 + 0.10 in Django.
      expect(data).toEqual({ loan: { id: '1001', currentDpd: null, amount: '51000.10', dpdBucket: null } });
      expect(errors?.map((e) => [e.message, e.path])).toEqual([
        ['Internal server error', ['loan', 'currentDpd']],
        ['Internal server error', ['loan', 'dpdBucket']],
      ]);
    } finally {
      await api.dbs.metrics.pool.query('ALTER TABLE loans_gone RENAME TO loans');
    }
  });

  it('a closed pool', async () => {
    logged.length = 0;
    await api.dbs.django.pool.end();
    const errors = await errorsOf('{ loan(id: "1001") { id } }');
    expect(errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: ['loan'], locations: [{ line: 1, column: 3 }] }]);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.fields.err).toMatchObject({ message: 'Cannot use a pool after calling end on the pool' });
  });
});
