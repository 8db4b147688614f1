/**
 * Keyset paging with opaque cursors: walking a whole list page by page yields every row exactly once, in the
 * order direct SQL gives (ties broken by id, NULL sort values last), and rows inserted behind the cursor
 * neither repeat nor shift what follows.
 */
import { orderBySql } from '../../../loaders/keyset';
import { LOAN_SORTS } from '../../../loaders/loan-page.metrics';
import { OFFICER_SORTS } from '../../../loaders/officer.metrics';
import { insertUnknownOfficers } from '../../../src/sync/upsert';
import { planWith } from '../../support/databases';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 6, loansPerOfficer: 12, customers: 25 });
  // Some loans without a DPD or an arrears amount, so NULL sort values must page correctly too.
  await api.dbs.metrics.pool.query(`UPDATE loans SET current_dpd = NULL, actual_outstanding = NULL WHERE loan_id IN ('1003', '2004', '3005', '4006', '5007')`);
});
afterAll(async () => {
  await api.dbs.drop();
});

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function walk(field: string, direction: string, pageSize: number, filter: Record<string, unknown> = {}): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const data: { loans: Page } = await api.data(
      `query ($after: String, $first: Int, $order: LoanOrder, $filter: LoanFilterInput) {
         loans(first: $first, after: $after, orderBy: $order, filter: $filter) {
           edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      { after, first: pageSize, order: { field, direction }, filter },
    );
    pages += 1;
    const page = data.loans;
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    ids.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(pageSize);
    after = page.pageInfo.endCursor;
    if (pages > 100) throw new Error('paging does not end');
  }
  return { ids, pages };
}

const COLUMN: Record<string, string> = {
  DISBURSEMENT_DATE: 'disbursement_date',
  CURRENT_DPD: 'current_dpd',
  ACTUAL_OUTSTANDING: 'actual_outstanding',
  LOAN_AMOUNT: 'loan_amount',
  CUSTOMER_NAME: 'customer_name',
  ID: 'loan_id',
};

describe('keyset paging through every loan', () => {
  it.each([
    ['DISBURSEMENT_DATE', 'DESC', 7],
    ['DISBURSEMENT_DATE', 'ASC', 10],
    ['CURRENT_DPD', 'DESC', 5],
    ['CURRENT_DPD', 'ASC', 9],
    ['ACTUAL_OUTSTANDING', 'DESC', 11],
    ['LOAN_AMOUNT', 'ASC', 8],
    ['CUSTOMER_NAME', 'ASC', 13],
    ['ID', 'DESC', 20],
  ])('by %s %s, %i per page: no duplicates, no gaps, the order of direct SQL', async (field, direction, size) => {
    const { ids, pages } = await walk(field, direction, size);
    const { rows } = await api.dbs.metrics.pool.query<{ loan_id: string }>(
      `SELECT loan_id FROM loans ORDER BY ${COLUMN[field]} ${direction} NULLS LAST, loan_id ${direction}`,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(rows.map((r) => r.loan_id));
    expect(pages).toBe(Math.max(1, Math.ceil(rows.length / size)));
  });

  // The rest of the All Loans table's columns (§6 row 8: upstream sorted by any loan column).
  it.each([
    ['REPAYMENT_AMOUNT', 'l.repayment_amount'],
    ['FIRST_DUE_DATE', 'l.first_payment_due_date'],
    ['TENOR_DAYS', 'l.loan_term_days'],
    ['PREVIOUS_DPD', 'l.previous_dpd'],
    ['DPD_CHANGE', '(l.current_dpd - COALESCE(l.previous_dpd, 0))'],
    ['INTEREST_OUTSTANDING', 'l.interest_outstanding'],
    ['FEES_OUTSTANDING', 'l.fees_outstanding'],
    ['DAILY_REPAYMENT_AMOUNT', 'l.daily_repayment_amount'],
    ['REPAYMENT_DAYS_PAID', 'l.repayment_days_paid'],
    ['REPAYMENT_DAYS_DUE_TODAY', 'l.repayment_days_due_today'],
    ['BUSINESS_DAYS_SINCE_DISBURSEMENT', 'l.business_days_since_disbursement'],
    ['TIMELINESS_SCORE', 'l.timeliness_score'],
    ['REPAYMENT_HEALTH', 'l.repayment_health'],
    ['REGION', 'l.region'],
    ['BRANCH', 'l.branch'],
    ['VERTICAL_LEAD_NAME', 'l.vertical_lead_name'],
    ['STATUS', 'l.status'],
    ['DJANGO_STATUS', 'l.django_status'],
    ['PERFORMANCE_STATUS', 'l.performance_status'],
    ['LOAN_TYPE', 'l.loan_type'],
    ['VERIFICATION_STATUS', 'l.verification_status'],
    ['WAVE', 'l.wave'],
  ])('by %s, both directions, 9 per page: the order of direct SQL', async (field, expr) => {
    for (const direction of ['ASC', 'DESC']) {
      const { ids } = await walk(field, direction, 9);
      const { rows } = await api.dbs.metrics.pool.query<{ loan_id: string }>(
        `SELECT l.loan_id FROM loans l ORDER BY ${expr} ${direction} NULLS LAST, l.loan_id ${direction}`,
      );
      expect(ids).toEqual(rows.map((r) => r.loan_id));
    }
  });

  it('is stable under ties: disbursement dates repeat every 5 loans and the id decides within a date', async () => {
    const { ids } = await walk('DISBURSEMENT_DATE', 'DESC', 4);
    const { rows } = await api.dbs.metrics.pool.query<{ loan_id: string; d: string }>(`SELECT loan_id, disbursement_date::text AS d FROM loans`);
    const dateOf = new Map(rows.map((r) => [r.loan_id, r.d]));
    for (let i = 1; i < ids.length; i += 1) {
      const [a, b] = [ids[i - 1]!, ids[i]!];
      if (dateOf.get(a) === dateOf.get(b)) expect(a > b).toBe(true);
    }
    expect(new Set(rows.map((r) => r.d)).size).toBeLessThan(rows.length / 4);
  });

  it('rows inserted behind the cursor are not repeated and do not shift the rest', async () => {
    const first: { loans: Page } = await api.data(`{ loans(first: 10, orderBy: { field: LOAN_AMOUNT, direction: DESC }) { edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }`);
    const seen = first.loans.edges.map((e) => e.node.id);
    // A new, larger loan sorts before everything already seen.
    await api.dbs.metrics.pool.query(`
      INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date, maturity_date, loan_term_days, channel, status)
      VALUES ('999999', '1', 'First1 Last1', '1', 'Officer 0001', 'Sapphire', 'EPE', 9999999, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active')`);
    try {
      const rest: { loans: Page } = await api.data(`query ($after: String) { loans(first: 500, after: $after, orderBy: { field: LOAN_AMOUNT, direction: DESC }) { edges { node { id } } } }`, {
        after: first.loans.pageInfo.endCursor,
      });
      const later = rest.loans.edges.map((e) => e.node.id);
      expect(later).not.toContain('999999');
      expect(later.filter((id) => seen.includes(id))).toEqual([]);
      expect(seen.length + later.length).toBe(72);
    } finally {
      await api.dbs.metrics.pool.query(`DELETE FROM loans WHERE loan_id = '999999'`);
    }
  });

  it('pages a filtered list and its totalCount agrees', async () => {
    const { ids } = await walk('CURRENT_DPD', 'DESC', 6, { dpdMin: 10, regions: ['Ruby'] });
    const { rows } = await api.dbs.metrics.pool.query<{ loan_id: string }>(
      `SELECT loan_id FROM loans WHERE current_dpd >= 10 AND region = 'Ruby' ORDER BY current_dpd DESC, loan_id DESC`,
    );
    expect(ids).toEqual(rows.map((r) => r.loan_id));
    const count = await api.data<{ loans: { totalCount: number } }>(`{ loans(filter: { dpdMin: 10, regions: ["Ruby"] }) { totalCount } }`);
    expect(count.loans.totalCount).toBe(rows.length);
  });
});

describe('other lists page the same way', () => {
  it('officers by name and by hire date', async () => {
    for (const order of ['{ field: NAME, direction: ASC }', '{ field: HIRE_DATE, direction: DESC }']) {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const data: { officers: Page } = await api.data(
          `query ($after: String) { officers(first: 4, after: $after, orderBy: ${order}) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        ids.push(...data.officers.edges.map((e) => e.node.id));
        if (!data.officers.pageInfo.hasNextPage) break;
        after = data.officers.pageInfo.endCursor;
      }
      expect([...ids].sort()).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(ids).toEqual(order.includes('NAME') ? ['1', '2', '3', '4', '5', '6'] : ['6', '5', '4', '3', '2', '1']);
    }
  });

  it.each([
    ['RISK_SCORE', 'DESC', 'riskScore'],
    ['PORR', 'ASC', 'porr'],
    ['TOTAL_PORTFOLIO', 'DESC', 'totalPortfolio'],
  ])('officers by the metric %s %s, 2 per page, in the order of their portfolio values', async (field, direction, metric) => {
    const all = await api.data<{ officers: { nodes: { id: string; portfolio: Record<string, string | number> }[] } }>(
      `{ officers(first: 100) { nodes { id portfolio { riskScore porr totalPortfolio } } } }`,
    );
    const value = (o: { portfolio: Record<string, string | number> }) => Number(o.portfolio[metric]);
    const sign = direction === 'ASC' ? 1 : -1;
    const expected = [...all.officers.nodes]
      .sort((a, b) => sign * (value(a) - value(b)) || sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((o) => o.id);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { officers: Page & { nodes: { portfolio: Record<string, unknown> }[] } } = await api.data(
        `query ($after: String) { officers(first: 2, after: $after, orderBy: { field: ${field}, direction: ${direction} }) {
           nodes { portfolio { riskScore porr totalPortfolio } } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      ids.push(...data.officers.edges.map((e) => e.node.id));
      if (!data.officers.pageInfo.hasNextPage) break;
      after = data.officers.pageInfo.endCursor;
    }
    expect(ids).toEqual(expected);
    expect(new Set(all.officers.nodes.map(value)).size).toBeGreaterThan(1);
  });

  it("officers by one wave's metric, 2 per page, in the order of that wave's figures, each showing its all-wave ones beside", async () => {
    // Officer 1, first by every wave's portfolio, has no wave 2 loan for this test: last by wave 2's.
    const { rows: moved } = await api.dbs.metrics.pool.query<{ loan_id: string }>(
      `UPDATE loans SET wave = 'Wave 1' WHERE officer_id = '1' AND wave = 'Wave 2' RETURNING loan_id`,
    );
    try {
      await byOneWave();
    } finally {
      await api.dbs.metrics.pool.query(`UPDATE loans SET wave = 'Wave 2' WHERE loan_id = ANY($1::text[])`, [moved.map((r) => r.loan_id)]);
    }
  });

  async function byOneWave(): Promise<void> {
    type Node = { id: string; all: { totalPortfolio: string }; wave2: { totalPortfolio: string } };
    const shown = 'id all: portfolio { totalPortfolio } wave2: portfolio(wave: WAVE_2) { totalPortfolio }';
    const every = await api.data<{ officers: { nodes: Node[] } }>(`{ officers(first: 100) { nodes { ${shown} } } }`);
    const byWave2 = [...every.officers.nodes]
      .sort((a, b) => Number(b.wave2.totalPortfolio) - Number(a.wave2.totalPortfolio) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((o) => o.id);
    const byAll = [...every.officers.nodes]
      .sort((a, b) => Number(b.all.totalPortfolio) - Number(a.all.totalPortfolio) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((o) => o.id);
    expect(byAll[0]).toBe('1');
    expect(byWave2[byWave2.length - 1]).toBe('1');
    const nodes: Node[] = [];
    let after: string | null = null;
    let firstCursor: string | null = null;
    for (;;) {
      const data: { officers: Page & { nodes: Node[] } } = await api.data(
        `query ($after: String) { officers(first: 2, after: $after, orderBy: { field: TOTAL_PORTFOLIO, direction: DESC, wave: WAVE_2 }) {
           nodes { ${shown} } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      nodes.push(...data.officers.nodes);
      firstCursor ??= data.officers.pageInfo.endCursor;
      if (!data.officers.pageInfo.hasNextPage) break;
      after = data.officers.pageInfo.endCursor;
    }
    expect(nodes.map((o) => o.id)).toEqual(byWave2);
    // The page computed wave 2's figures to sort; `portfolio` without a wave still shows every wave's.
    expect(nodes).toEqual(byWave2.map((id) => every.officers.nodes.find((o) => o.id === id)));
    // A cursor of the wave 2 order does not continue the all-wave one.
    const foreign = await api.run(`query ($after: String) { officers(first: 2, after: $after, orderBy: { field: TOTAL_PORTFOLIO, direction: DESC }) { nodes { id } } }`, {
      after: firstCursor,
    });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  }

  it('refuses a wave with an officer order that is not a metric', async () => {
    const result = await api.run(`{ officers(orderBy: { field: NAME, wave: WAVE_1 }) { nodes { id } } }`);
    expect(result.errors?.map((e) => ({ message: e.message, code: e.extensions?.code, argument: e.extensions?.argument }))).toEqual([
      {
        message: 'orderBy.wave must be left out with orderBy.field NAME (only a metric field, RISK_SCORE … REPAYMENT_DELAY_RATE, sorts on one wave); got "WAVE_1"',
        code: 'BAD_USER_INPUT',
        argument: 'orderBy.wave',
      },
    ]);
  });

  it('customers in both directions, and an officer\'s customers', async () => {
    for (const direction of ['ASC', 'DESC']) {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const data: { customers: Page & { totalCount: number } } = await api.data(
          `query ($after: String) { customers(first: 7, after: $after, direction: ${direction}) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        expect(data.customers.totalCount).toBe(25);
        ids.push(...data.customers.edges.map((e) => e.node.id));
        if (!data.customers.pageInfo.hasNextPage) break;
        after = data.customers.pageInfo.endCursor;
      }
      const expected = Array.from({ length: 25 }, (_, i) => String(i + 1));
      expect(ids).toEqual(direction === 'ASC' ? expected : expected.reverse());
    }
    const { rows } = await api.dbs.metrics.pool.query<{ customer_id: string }>(`SELECT DISTINCT customer_id FROM loans WHERE officer_id = '2' ORDER BY customer_id`);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { officer: { customers: Page & { totalCount: number } } } = await api.data(
        `query ($after: String) { officer(id: "2") { customers(first: 5, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      expect(data.officer.customers.totalCount).toBe(rows.length);
      ids.push(...data.officer.customers.edges.map((e) => e.node.id));
      if (!data.officer.customers.pageInfo.hasNextPage) break;
      after = data.officer.customers.pageInfo.endCursor;
    }
    expect(ids).toEqual(rows.map((r) => r.customer_id));
  });
});

describe('rows Django no longer has, left out of their page', () => {
  /**
   * Walks a connection by its endCursor and returns the ids of its nodes and the number of pages read. Before the
   * page's cursors came from its rows, a page whose every row was left out answered hasNextPage true with a null
   * endCursor, and a client could go no further.
   */
  async function walkConnection(query: string, connectionOf: (data: any) => Page, variables: Record<string, unknown> = {}): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = connectionOf(await api.data(query, { ...variables, after }));
      pages += 1;
      ids.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).not.toBeNull();
      after = page.pageInfo.endCursor;
      if (pages > 100) throw new Error('paging does not end');
    }
    return { ids, pages };
  }

  it("loans: a page of loans only seedsmetrics still holds is empty, and the next page follows it (root list and an officer's)", async () => {
    // Ten loans Django deleted and the reconciliation has not removed yet (or held back: LOAN_REMOVAL_BOUND); by id
    // DESC (text order) they come before every other loan, so the first two pages of 4 hold nothing else.
    await api.dbs.metrics.pool.query(
      `INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date, maturity_date, loan_term_days, channel, status)
       SELECT (990000 + g)::text, '1', 'First1 Last1', '1', 'Officer 0001', 'Sapphire', 'EPE', 50000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active'
         FROM generate_series(1, 10) g`,
    );
    try {
      const { rows } = await api.dbs.metrics.pool.query<{ loan_id: string; officer_id: string }>(`SELECT loan_id, officer_id FROM loans WHERE loan_id < '99' ORDER BY loan_id DESC`);
      const root = await walkConnection(
        `query ($after: String) { loans(first: 4, after: $after, orderBy: { field: ID, direction: DESC }) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        (d) => d.loans,
      );
      expect(root.ids).toEqual(rows.map((r) => r.loan_id));
      expect(root.pages).toBe(Math.ceil((rows.length + 10) / 4));

      // The first page reads 990010 … 990007, all left out: no edge, but an endCursor past them.
      const first = await api.data<{ loans: Page }>(`{ loans(first: 4, orderBy: { field: ID, direction: DESC }) { edges { cursor node { id } } pageInfo { hasNextPage startCursor endCursor } } }`);
      expect(first.loans.edges).toEqual([]);
      expect(first.loans.pageInfo.hasNextPage).toBe(true);
      expect([first.loans.pageInfo.startCursor, first.loans.pageInfo.endCursor].map((c) => JSON.parse(Buffer.from(c!, 'base64url').toString('utf8')))).toEqual([
        { o: 'loan:id:DESC', v: '990010', i: '990010' },
        { o: 'loan:id:DESC', v: '990007', i: '990007' },
      ]);

      const nested = await walkConnection(
        `query ($after: String) { officer(id: "1") { loans(first: 4, after: $after, orderBy: { field: ID, direction: DESC }) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
        (d) => d.officer.loans,
      );
      expect(nested.ids).toEqual(rows.filter((r) => r.officer_id === '1').map((r) => r.loan_id));
    } finally {
      await api.dbs.metrics.pool.query(`DELETE FROM loans WHERE loan_id LIKE '9900%'`);
    }
  });

  it('officers: placeholders for officers Django lacks (§8.23), last by name, do not stop the walk', async () => {
    await insertUnknownOfficers(api.dbs.metrics.pool, ['901', '902', '903', '904', '905']);
    try {
      const walked = await walkConnection(
        `query ($after: String) { officers(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        (d) => d.officers,
      );
      // Pages [1, 2] [3, 4] [5, 6], then [901, 902] and [903, 904] left out, then [905] left out and the end.
      expect(walked).toEqual({ ids: ['1', '2', '3', '4', '5', '6'], pages: 6 });
    } finally {
      await api.dbs.metrics.pool.query(`DELETE FROM officers WHERE officer_id IN ('901', '902', '903', '904', '905')`);
    }
  });

  it("an officer's customers: customers Django lacks, last by id, do not stop the walk", async () => {
    await api.dbs.metrics.pool.query(
      `INSERT INTO customers (customer_id, customer_name) SELECT (900000 + g)::text, 'Gone ' || g FROM generate_series(1, 6) g`,
    );
    await api.dbs.metrics.pool.query(
      `INSERT INTO loans (loan_id, customer_id, customer_name, officer_id, officer_name, region, branch, loan_amount, disbursement_date, maturity_date, loan_term_days, channel, status)
       SELECT (980000 + g)::text, (900000 + g)::text, 'Gone ' || g, '2', 'Officer 0002', 'Ruby', 'YABA', 50000, '2025-11-01', '2025-12-12', 30, 'AJO', 'Active'
         FROM generate_series(1, 6) g`,
    );
    try {
      const { rows } = await api.dbs.metrics.pool.query<{ customer_id: string }>(
        `SELECT DISTINCT customer_id FROM loans WHERE officer_id = '2' AND customer_id NOT LIKE '9000%' ORDER BY customer_id`,
      );
      const walked = await walkConnection(
        `query ($after: String) { officer(id: "2") { customers(first: 5, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
        (d) => d.officer.customers,
      );
      expect(walked.ids).toEqual(rows.map((r) => r.customer_id));
    } finally {
      await api.dbs.metrics.pool.query(`DELETE FROM loans WHERE loan_id LIKE '9800%'`);
      await api.dbs.metrics.pool.query(`DELETE FROM customers WHERE customer_id LIKE '9000%'`);
    }
  });
});

describe('first: 0 (Relay\'s count-only page)', () => {
  const EMPTY = { edges: [], pageInfo: { startCursor: null, endCursor: null } };
  it.each([
    ['loans', '{ loans(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }', (d: any) => d.loans, 72],
    ['officers', '{ officers(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }', (d: any) => d.officers, 6],
    ['customers', '{ customers(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }', (d: any) => d.customers, 25],
    ['an officer\'s loans', '{ officer(id: "2") { loans(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } } }', (d: any) => d.officer.loans, 12],
    // FIMR-tagged are the loans i ≡ 1 (mod 4) of each officer, i = 1, 5, 9; their Django status is PAST_MATURITY
    // (one of the drilldown's default two): 6 officers × 3.
    ['the FIMR drilldown', '{ fimrLoans(first: 0, filter: { statuses: [ACTIVE, CLOSED, DEFAULTED] }) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }', (d: any) => d.fimrLoans, 18],
  ])('%s: no rows, the count, and whether any row follows', async (_list, query, connectionOf, count) => {
    const connection = connectionOf(await api.data(query));
    expect({ edges: connection.edges, pageInfo: { startCursor: connection.pageInfo.startCursor, endCursor: connection.pageInfo.endCursor } }).toEqual(EMPTY);
    expect(connection.totalCount).toBe(count);
    expect(connection.pageInfo.hasNextPage).toBe(connection.totalCount > 0);
  });

  it('the event histories answer an empty page too', async () => {
    const data = await api.data<{ dpdTransitions: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } }; parChanges: { nodes: unknown[] } }>(
      '{ dpdTransitions(first: 0) { nodes { id } pageInfo { hasNextPage } } parChanges(scope: BRANCH, first: 0) { nodes { id } } }',
    );
    expect([data.dpdTransitions.nodes, data.parChanges.nodes]).toEqual([[], []]);
  });
});

/** The plan of `sql` when sorting and sequential scans are made prohibitively expensive (an index must give the order). */
function planWithoutSorting(sql: string): Promise<string> {
  return planWith(api.dbs.metrics.pool, ['enable_sort', 'enable_seqscan'], sql);
}

describe('list orders', () => {
  it('disbursement date, both directions: the (disbursement_date, loan_id) index, no sort', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const plan = await planWithoutSorting(`SELECT l.loan_id FROM loans l ORDER BY ${orderBySql(LOAN_SORTS.disbursementDate, direction, 'l.loan_id')} LIMIT 5`);
      expect(plan).toContain('idx_loans_disbursement_date');
      expect(plan).not.toMatch(/\bSort\b/);
    }
  });

  it('DPD highest first, NULLs last: an index of its own, no sort', async () => {
    // A nullable key keeps NULLS LAST (NULL DPDs page last in both directions; see the walks above).
    const dpdDesc = orderBySql(LOAN_SORTS.currentDpd, 'DESC', 'l.loan_id');
    expect(dpdDesc).toBe('l.current_dpd DESC NULLS LAST, l.loan_id DESC');
    const plan = await planWithoutSorting(`SELECT l.loan_id FROM loans l WHERE l.current_dpd BETWEEN 1 AND 30 ORDER BY ${dpdDesc} LIMIT 5`);
    expect(plan).toContain('idx_loans_current_dpd_desc');
    expect(plan).not.toMatch(/\bSort\b/);
  });

  it('officers by name: the (officer_name, officer_id) index, no sort', async () => {
    const plan = await planWithoutSorting(`SELECT o.officer_id FROM officers o ORDER BY ${orderBySql(OFFICER_SORTS.name, 'ASC', 'o.officer_id')} LIMIT 5`);
    expect(plan).toContain('idx_officers_name');
    expect(plan).not.toMatch(/\bSort\b/);
  });
});
