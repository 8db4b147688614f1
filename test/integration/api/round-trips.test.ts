/**
 * Point lookups read seedsmetrics alongside Django: loan(id) and officer(id) start their seedsmetrics statements
 * in the first round trip instead of waiting for the Django row (both are keyed by the id the query gives).
 * Lists start what does not depend on the page (counts, the summary) with the page, and what depends only on
 * its ids (officer portfolios) with the Django rows.
 * A statement's round is 1 + the highest round among the statements that had completed when it was sent.
 */
import { graphql, parse, type FieldNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import type { ObservedPool } from '../../../src/pg-pool';
import { Customer } from '../../../resolvers/customer.type';
import { LoanResolver } from '../../../resolvers/loan.resolver';
import { OfficerResolver } from '../../../resolvers/officer.resolver';
import { Loan, LOAN_BASE_FIELDS } from '../../../resolvers/loan.type';
import { Officer } from '../../../resolvers/officer.type';
import { OFFICER_HIERARCHY_FIELDS } from '../../../resolvers/officer.type';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 3, loansPerOfficer: 4, customers: 5 });
});
afterAll(async () => {
  await api.dbs.drop();
});

interface Traced {
  db: string;
  sql: string;
  round: number;
}

/** Runs `source`, recording each statement's database, text and round. */
async function traceRounds(source: string): Promise<Traced[]> {
  const traced: Traced[] = [];
  const completed: number[] = [];
  const restore: (() => void)[] = [];
  for (const [db, pool] of [['django', api.dbs.django.pool], ['metrics', api.dbs.metrics.pool]] as [string, ObservedPool][]) {
    const original = pool.query;
    pool.query = (async (...args: unknown[]) => {
      const first = args[0] as string | { text: string };
      const round = 1 + Math.max(0, ...completed);
      const result = await (original as (...a: unknown[]) => Promise<unknown>).apply(pool, args);
      traced.push({ db, sql: typeof first === 'string' ? first : first.text, round });
      completed.push(round);
      return result;
    }) as typeof pool.query;
    restore.push(() => {
      pool.query = original;
    });
  }
  try {
    const result = await graphql({ schema: api.schema, source, contextValue: api.newContext() });
    expect(result.errors).toBeUndefined();
    return traced;
  } finally {
    for (const undo of restore) undo();
  }
}

const rounds = (traced: Traced[], db: string, pattern: RegExp): number[] => traced.filter((t) => t.db === db && pattern.test(t.sql)).map((t) => t.round);

describe('loan(id)', () => {
  it('reads the computed fields in the same round trip as the Django loan, which brings its officer and customer', async () => {
    const traced = await traceRounds(`{ loan(id: "1001") { id amount currentDpd officer { name } customer { name } } }`);
    expect(rounds(traced, 'django', /FROM loans_ajoloan/)).toEqual([1]);
    expect(rounds(traced, 'metrics', /FROM loans l/)).toEqual([1]);
    expect(traced).toHaveLength(2);
  });

  it('hands the loan the computed row read alongside, so its computed fields resolve synchronously', async () => {
    const loan = await new LoanResolver().loan('1001', api.newContext(), infoAt(`{ loan(id: "1001") { currentDpd dpdBucket } }`));
    const metrics = await api.newContext().loaders.loanMetrics.load('1001');
    expect([loan!.currentDpd, loan!.dpdBucket]).toEqual([metrics!.currentDpd, metrics!.dpdBucket]);
    expect(typeof loan!.currentDpd).toBe('number');
  });

  it('shows officer null, without another statement, when the loan has no agent', async () => {
    await api.dbs.djangoWriter.query(`UPDATE loans_ajoloan SET agent_id = NULL WHERE id = 2001`);
    try {
      const traced = await traceRounds(`{ loan(id: "2001") { id officer { name } customer { id } } }`);
      expect(traced.map((t) => t.db)).toEqual(['django']);
      const data = await api.data(`{ loan(id: "2001") { id officer { name } customer { id } } }`);
      expect(data).toEqual({ loan: { id: '2001', officer: null, customer: { id: '4' } } });
    } finally {
      await api.dbs.djangoWriter.query(`UPDATE loans_ajoloan SET agent_id = 2 WHERE id = 2001`);
    }
  });

  it('does not read seedsmetrics when only Django fields are asked', async () => {
    const traced = await traceRounds(`{ loan(id: "1001") { ${LOAN_BASE_FIELDS.join(' ')} } }`);
    expect(traced.map((t) => t.db)).toEqual(['django']);
  });
});

/** The resolve info of the first field of `source`, as a resolver at that position gets it. */
function infoAt(source: string): GraphQLResolveInfo {
  const query = parse(source).definitions[0] as OperationDefinitionNode;
  return { fieldNodes: [query.selectionSet.selections[0] as FieldNode], fragments: {} } as unknown as GraphQLResolveInfo;
}

describe("a loan's officer and customer", () => {
  const officerAt = infoAt('{ officer { id name email } }');
  const customerAt = infoAt('{ customer { id name } }');

  it('resolve synchronously, from the rows read with the loan, so a page of loans completes without a promise per row', async () => {
    const ctx = api.newContext();
    const base = await ctx.loaders.loan.load('1001');
    expect(base?.officer?.id).toBe('1');
    const loan = new Loan(base!, ctx.loaders);
    const resolver = new LoanResolver();
    const officer = resolver.officer(loan, ctx, officerAt);
    const customer = resolver.customer(loan, ctx, customerAt);
    expect(officer).toBeInstanceOf(Officer);
    expect(customer).toBeInstanceOf(Customer);
    expect([(officer as Officer).id, (customer as Customer).id]).toEqual(['1', base!.customerId]);
  });

  it('load through their loaders when the loan row came without them', async () => {
    const ctx = api.newContext();
    const bare = { ...(await ctx.loaders.loan.load('1001'))!, officer: undefined, customer: undefined };
    const officer = new LoanResolver().officer(new Loan(bare, ctx.loaders), ctx, officerAt);
    expect(officer).toBeInstanceOf(Promise);
    expect((await officer)?.id).toBe('1');
  });

  it('use a row read with only some fields when it has every field the position shows, and the whole row otherwise', async () => {
    const ctx = api.newContext();
    const narrow = await ctx.loaders.loanWithParties({ officer: ['id', 'name'], customer: ['id', 'name'] }).load('1001');
    expect(Object.keys(narrow!.officer!).sort()).toEqual(['id', 'name']);
    const loan = new Loan(narrow!, ctx.loaders);
    const resolver = new LoanResolver();
    const covered = resolver.officer(loan, ctx, infoAt('{ officer { id name region } }'));
    expect(covered).toBeInstanceOf(Officer);
    const wider = resolver.officer(loan, ctx, officerAt);
    expect(wider).toBeInstanceOf(Promise);
    expect((await wider)!.email).toBe('officer1@seeds.test');
    expect(resolver.customer(loan, ctx, customerAt)).toBeInstanceOf(Customer);
    const phone = resolver.customer(loan, ctx, infoAt('{ customer { phone } }'));
    expect(phone).toBeInstanceOf(Promise);
    // Loan 1001's customer is ((31 + 1) % 5) + 1 = 3, whose phone is 0901 and the id padded to 7 digits.
    expect(narrow!.customerId).toBe('3');
    expect((await phone)!.phone).toBe('09010000003');
  });
});

describe('officer(id)', () => {
  it('reads its hierarchy and default portfolio in one statement, in the same round trip as the Django user', async () => {
    const traced = await traceRounds(`{ officer(id: "2") { id name region branch portfolio { totalPortfolio par15 } } }`);
    expect(traced.map((t) => t.round)).toEqual([1, 1]);
    expect(traced.map((t) => t.db).sort()).toEqual(['django', 'metrics']);
    const alone = await traceRounds(`{ officer(id: "2") { region } a: officer(id: "3") { portfolio { par15 } } }`);
    expect(alone.map((t) => [t.db, t.round]).sort()).toEqual([['django', 1], ['metrics', 1], ['metrics', 1]]);
  });

  it('hands the officer the hierarchy row read alongside, so its hierarchy fields resolve synchronously', async () => {
    const officer = await new OfficerResolver().officer('2', api.newContext(), infoAt(`{ officer(id: "2") { region branch } }`));
    const hierarchy = await api.newContext().loaders.officerHierarchy.load('2');
    expect([officer!.region, officer!.branch]).toEqual([hierarchy!.region, hierarchy!.branch]);
    expect(typeof officer!.region).toBe('string');
  });

  it('reads neither when only Django fields are asked, and a wave portfolio only when its field resolves', async () => {
    expect((await traceRounds(`{ officer(id: "2") { id name email } }`)).map((t) => t.db)).toEqual(['django']);
    const waved = await traceRounds(`{ officer(id: "2") { name portfolio(wave: WAVE_1) { totalPortfolio } } }`);
    expect(waved.map((t) => [t.db, t.round])).toEqual([['django', 1], ['metrics', 2]]);
  });
});

describe('loan lists', () => {
  it('count and summarise in the round trip of the page; the Django loans, with their officers and customers, come next', async () => {
    const traced = await traceRounds(
      `{ loans(first: 5) { totalCount summary { atRiskCount } nodes { id currentDpd officer { name } customer { name } } } }`,
    );
    expect(traced.map((t) => [t.db, t.round]).sort()).toEqual([['django', 2], ['metrics', 1], ['metrics', 1]]);
    expect(rounds(traced, 'metrics', /ORDER BY/)).toEqual([1]);
    expect(rounds(traced, 'django', /FROM loans_ajoloan/)).toEqual([2]);
  });

  it('count in the first round trip on nested lists too, one statement for all the parents', async () => {
    const traced = await traceRounds(`{ officers(first: 3) { nodes { loans(first: 2) { totalCount nodes { id } } } } }`);
    const counts = traced.filter((t) => /count\(\*\)/.test(t.sql) && /FROM loans l/.test(t.sql));
    const pages = traced.filter((t) => /LATERAL/.test(t.sql) && /FROM loans l/.test(t.sql));
    expect(counts).toHaveLength(1);
    expect(pages).toHaveLength(1);
    expect(counts[0]!.round).toBe(pages[0]!.round);
  });

  it('send nothing for totalCount or summary when neither is asked', async () => {
    const traced = await traceRounds(`{ loans(first: 5) { nodes { id } } }`);
    expect(traced.map((t) => t.db).sort()).toEqual(['django', 'metrics']);
  });
});

describe('officer lists', () => {
  it('count in the round trip of the page and read the default portfolios alongside the Django users', async () => {
    const traced = await traceRounds(`{ officers(first: 3) { totalCount nodes { id name portfolio { par15 } } } }`);
    expect(rounds(traced, 'metrics', /count\(\*\)::int AS "n" FROM officers/)).toEqual([1]);
    expect(rounds(traced, 'django', /FROM accounts_customuser/)).toEqual([2]);
    expect(rounds(traced, 'metrics', /^\s*WITH raw AS/)).toEqual([2]);
    expect(traced).toHaveLength(4); // page, count, Django users, portfolios
  });

  it('leave a wave portfolio to its field (after the Django users)', async () => {
    const traced = await traceRounds(`{ officers(first: 3) { edges { node { name portfolio(wave: WAVE_1) { par15 } } } } }`);
    expect(rounds(traced, 'django', /FROM accounts_customuser/)).toEqual([2]);
    expect(rounds(traced, 'metrics', /^\s*WITH raw AS/)).toEqual([3]);
  });
});

describe('customer lists', () => {
  it('count in the round trip of the page, at the root and under officers', async () => {
    const root = await traceRounds(`{ customers(first: 2) { totalCount nodes { id name } } }`);
    expect(root.map((t) => [t.db, t.round])).toEqual([['django', 1], ['django', 1]]);
    const nested = await traceRounds(`{ officers(first: 2) { nodes { customers(first: 2) { totalCount nodes { id } } } } }`);
    const count = nested.filter((t) => /count\(DISTINCT l.customer_id\)/.test(t.sql));
    const idsPage = nested.filter((t) => /x.customer_id/.test(t.sql));
    expect([count.length, idsPage.length]).toEqual([1, 1]);
    expect(count[0]!.round).toBe(idsPage[0]!.round);
  });
});

describe('the field lists behind these reads', () => {
  it('match the types: Loan base fields read only Django, officer hierarchy fields read the hierarchy row', async () => {
    const loanFields = Object.keys((api.schema.getType('Loan') as unknown as { getFields(): object }).getFields());
    for (const name of LOAN_BASE_FIELDS) expect(loanFields).toContain(name);
    for (const name of loanFields.filter((n) => !LOAN_BASE_FIELDS.includes(n) && !['officer', 'customer', 'repayments', 'dpdHistory', 'transitions', 'lastTransition', 'syncReports', 'repaymentSyncReports'].includes(n))) {
      const traced = await traceRounds(`{ loan(id: "1001") { ${name} } }`);
      expect([name, traced.some((t) => t.db === 'metrics')]).toEqual([name, true]);
    }
    const officerFields = Object.keys((api.schema.getType('Officer') as unknown as { getFields(): object }).getFields());
    for (const name of officerFields) {
      const traced = await traceRounds(`{ officer(id: "2") { ${name} ${['loans', 'customers', 'portfolio', 'topRiskLoans', 'syncReports'].includes(name) ? '{ __typename }' : ''} } }`);
      const readsHierarchy = traced.some((t) => t.db === 'metrics' && /FROM officers o/.test(t.sql) && !/FROM loans/.test(t.sql));
      expect([name, readsHierarchy]).toEqual([name, OFFICER_HIERARCHY_FIELDS.includes(name)]);
    }
  });
});
