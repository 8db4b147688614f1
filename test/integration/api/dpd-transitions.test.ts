/**
 * Query.dpdTransitions with each transition's loan and officer: read for the whole page in one batch per database
 * and kind, with the values, nulls and errors each row would have on its own.
 */
import { countStatements } from '../../support/databases';
import { insertParChanges, insertTransitions, seedDjango, seedOfficers } from '../live/harness';
import { createApiHarness, type ApiHarness } from './harness';

let api: ApiHarness;
let ids: string[];

const pools = () => ({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool });

beforeAll(async () => {
  api = await createApiHarness();
  await seedOfficers(api.dbs);
  await seedDjango(api.dbs);
  // Loan 9001 is synced; 9002 is not (its computed fields are null).
  await api.dbs.metrics.pool.query(`
    INSERT INTO customers (customer_id, customer_name) VALUES ('1', 'Tunde Bello');
    INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date,
                       maturity_date, loan_term_days, channel, status, current_dpd)
    VALUES ('9001', '1', 'Tunde Bello', '501', 'ada', 'Crystal', 'YABA', 50000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active', 12)`);
  ids = await insertTransitions(api.dbs, [
    { loanId: '9001', officerId: '501' },
    { loanId: '9002', officerId: '502', branch: 'EPE' },
    { loanId: '9001', officerId: '501', from: '7-30', to: '31-60' },
    // A loan Django no longer has, and an officer Django never had (503 is curated only).
    { loanId: '123456', officerId: '503', branch: 'AGEGE', region: 'Jade' },
  ]);
});

afterAll(async () => {
  await api.dbs.drop();
});

const PAGE = `query Page($first: Int) {
  dpdTransitions(first: $first) { nodes { id loan { id amount currentDpd customer { name } } officer { id name region } } }
}`;

const ada = { id: '501', name: 'ada', region: 'Crystal' };
const bola = { id: '502', name: 'bola', region: 'Crystal' };
const loan9001 = { id: '9001', amount: '50000.00', currentDpd: 12, customer: { name: 'Tunde Bello' } };
const loan9002 = { id: '9002', amount: '80000.00', currentDpd: null, customer: { name: 'Tunde Bello' } };

test("the page's loans (with their customers and computed fields) and officers: one statement per database and kind, whatever the page size", async () => {
  const whole = await countStatements(pools(), () => api.data(PAGE, { first: 10 }));
  expect(whole.result.dpdTransitions.nodes).toEqual([
    { id: ids[0], loan: loan9001, officer: ada },
    { id: ids[1], loan: loan9002, officer: bola },
    { id: ids[2], loan: loan9001, officer: ada },
    { id: ids[3], loan: null, officer: null },
  ]);
  // Django: the loans with their customers, the officers. seedsmetrics: the page, the loans' computed fields, the
  // officers' curated hierarchy.
  expect(whole.counts).toEqual({ django: 2, metrics: 3 });
  const firstTwo = await countStatements(pools(), () => api.data(PAGE, { first: 2 }));
  expect(firstTwo.result.dpdTransitions.nodes.map((n: { id: string }) => n.id)).toEqual(ids.slice(0, 2));
  expect(firstTwo.counts).toEqual(whole.counts);
});

test("the loans' repaymentsToday is read for the whole page in one statement", async () => {
  const { result, counts } = await countStatements(pools(), () => api.data(`{ dpdTransitions { nodes { id loan { id repaymentsToday } } } }`));
  expect(result.dpdTransitions.nodes.map((n: { loan: unknown }) => n.loan)).toEqual([
    { id: '9001', repaymentsToday: '0.00' },
    { id: '9002', repaymentsToday: null },
    { id: '9001', repaymentsToday: '0.00' },
    null,
  ]);
  // Django: the loans. seedsmetrics: the page and today's repayments.
  expect(counts).toEqual({ django: 1, metrics: 2 });
});

test('a page that shows neither loan nor officer reads neither', async () => {
  const { counts } = await countStatements(pools(), () => api.data(`{ dpdTransitions { nodes { id toBucket } } }`));
  expect(counts).toEqual({ django: 0, metrics: 1 });
});

test("when Django fails, each transition keeps its own fields and reports the error on its loan and its officer", async () => {
  await api.dbs.djangoWriter.query(`ALTER TABLE loans_ajoloan RENAME TO loans_ajoloan_gone`);
  await api.dbs.djangoWriter.query(`ALTER TABLE accounts_customuser RENAME TO accounts_customuser_gone`);
  try {
    const result = await api.run<{ dpdTransitions: { nodes: unknown[] } }>(`{ dpdTransitions { nodes { id toBucket loan { id } officer { id } } } }`);
    expect(result.data?.dpdTransitions.nodes).toEqual(ids.map((id, i) => ({ id, toBucket: i === 2 ? 'DPD_31_60' : 'DPD_7_30', loan: null, officer: null })));
    const errors = (result.errors ?? []).map((e) => [e.message, e.path]);
    expect(errors).toHaveLength(8);
    for (const [i] of ids.entries()) {
      expect(errors).toContainEqual(['relation "loans_ajoloan" does not exist', ['dpdTransitions', 'nodes', i, 'loan']]);
      expect(errors).toContainEqual(['relation "accounts_customuser" does not exist', ['dpdTransitions', 'nodes', i, 'officer']]);
    }
  } finally {
    await api.dbs.djangoWriter.query(`ALTER TABLE loans_ajoloan_gone RENAME TO loans_ajoloan`);
    await api.dbs.djangoWriter.query(`ALTER TABLE accounts_customuser_gone RENAME TO accounts_customuser`);
  }
});

test("when seedsmetrics' loan rows cannot be read, the loans still show their Django fields and each computed field reports the error", async () => {
  await api.dbs.metrics.pool.query(`ALTER TABLE loans RENAME TO loans_gone`);
  try {
    const result = await api.run<{ dpdTransitions: { nodes: unknown[] } }>(`{ dpdTransitions(first: 2) { nodes { loan { id amount currentDpd } } } }`);
    expect(result.data?.dpdTransitions.nodes).toEqual([
      { loan: { id: '9001', amount: '50000.00', currentDpd: null } },
      { loan: { id: '9002', amount: '80000.00', currentDpd: null } },
    ]);
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([0, 1].map((i) => ['relation "loans" does not exist', ['dpdTransitions', 'nodes', i, 'loan', 'currentDpd']]));
  } finally {
    await api.dbs.metrics.pool.query(`ALTER TABLE loans_gone RENAME TO loans`);
  }
});

describe("an `after` past the latest event (another database's id, a typo) is refused naming the latest, rather than answering an empty last page", () => {
  const refusal = (latest: string, after: string) => ({
    message: `after must be the id of an event already recorded, such as a previous page's endCursor (the latest is ${latest}); got "${after}"`,
    extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
  });
  const errorsOf = async (query: string, after: string) =>
    (await api.run(query, { after })).errors?.map((e) => ({ message: e.message, extensions: e.extensions }));

  test('dpdTransitions', async () => {
    const latest = ids[ids.length - 1]!;
    const ahead = (BigInt(latest) + 1n).toString();
    const query = `query ($after: ID) { dpdTransitions(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    expect(await errorsOf(query, ahead)).toEqual([refusal(latest, ahead)]);
    // The latest id itself is the end of the list, and a position the filter leaves out is still a position.
    expect(await api.data(query, { after: latest })).toEqual({ dpdTransitions: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } });
    expect(await api.data(`query ($after: ID) { dpdTransitions(after: $after, filter: { branches: ["EPE"] }) { nodes { id } } }`, { after: ids[2] })).toEqual({
      dpdTransitions: { nodes: [] },
    });
  });

  test('parChanges', async () => {
    const query = `query ($after: ID) { parChanges(scope: PORTFOLIO, after: $after) { nodes { id } } }`;
    expect(await errorsOf(query, '7')).toEqual([refusal('0', '7')]);
    expect(await api.data(query, { after: '0' })).toEqual({ parChanges: { nodes: [] } });
  });
});

test('a history filter no transition can match (one bucket to itself; into CURRENT, worsening) is refused naming the filter, as the live feed refuses it', async () => {
  const expected = 'buckets and a direction some transition can have (each moves to another bucket: WORSENING to a later one, IMPROVING to an earlier one)';
  const errorsOf = async (filter: string) => (await api.run(`{ dpdTransitions(filter: ${filter}) { nodes { id } } }`)).errors?.map((e) => [e.message, e.extensions]);
  expect(await errorsOf('{ fromBuckets: [DPD_7_30], toBuckets: [DPD_7_30] }')).toEqual([
    [`filter must be ${expected}; got {"fromBuckets":["DPD_7_30"],"toBuckets":["DPD_7_30"]}`, { code: 'BAD_USER_INPUT', argument: 'filter' }],
  ]);
  expect(await errorsOf('{ toBuckets: [CURRENT], direction: WORSENING }')).toEqual([
    [`filter must be ${expected}; got {"toBuckets":["CURRENT"],"direction":"WORSENING"}`, { code: 'BAD_USER_INPUT', argument: 'filter' }],
  ]);
  // Possible together, though no such transition is recorded here: an empty page.
  expect(await api.data(`{ dpdTransitions(filter: { toBuckets: [CURRENT], direction: IMPROVING }) { nodes { id } } }`)).toEqual({ dpdTransitions: { nodes: [] } });
});

test('a page after "0" (the start of the history) has nothing before it; a page after an event has', async () => {
  const query = `query ($after: ID) { dpdTransitions(first: 1, after: $after) { nodes { id } pageInfo { hasPreviousPage hasNextPage } } }`;
  expect(await api.data(query, { after: '0' })).toEqual({ dpdTransitions: { nodes: [{ id: ids[0] }], pageInfo: { hasPreviousPage: false, hasNextPage: true } } });
  expect(await api.data(query, { after: ids[0] })).toEqual({ dpdTransitions: { nodes: [{ id: ids[1] }], pageInfo: { hasPreviousPage: true, hasNextPage: true } } });
  expect(await api.data(query, {})).toEqual({ dpdTransitions: { nodes: [{ id: ids[0] }], pageInfo: { hasPreviousPage: false, hasNextPage: true } } });
});

test("an OFFICER PAR change shows its officer as the officer is now (one batch for the page); other scopes show none", async () => {
  // Last in this file: the refusals above need a par_changes table without rows.
  const [ofAda, ofCurated, ofBranch] = await insertParChanges(api.dbs, [
    { scope: 'OFFICER', key: '501' },
    // Curated only: Django has no such user.
    { scope: 'OFFICER', key: '503' },
    { scope: 'BRANCH', key: 'YABA' },
  ]);
  const officers = await countStatements(pools(), () =>
    api.data(`{ parChanges(scope: OFFICER) { nodes { id key officer { id name region } } } }`),
  );
  expect(officers.result).toEqual({ parChanges: { nodes: [{ id: ofAda, key: '501', officer: ada }, { id: ofCurated, key: '503', officer: null }] } });
  // Django: the officers, once; seedsmetrics: the page and the officers' curated hierarchy.
  expect(officers.counts).toEqual({ django: 1, metrics: 2 });
  expect(await api.data(`{ parChanges(scope: BRANCH, after: "0") { nodes { id key officer { id } } pageInfo { hasPreviousPage } } }`)).toEqual({
    parChanges: { nodes: [{ id: ofBranch, key: 'YABA', officer: null }], pageInfo: { hasPreviousPage: false } },
  });
});
