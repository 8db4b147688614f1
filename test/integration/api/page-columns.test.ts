/**
 * A loan page reads only the computed columns its nodes show (through `nodes`, `edges.node`, fragments and
 * aliases alike); a field the page did not read falls back to the whole row through the by-id loader, and rows
 * of a few fields never stand in for whole rows elsewhere in the request. The page's loans come with only the
 * officer and customer fields it shows. An officer's portfolio computes only the metrics it shows, in lists and
 * lookups alike.
 */
import { LOAN_METRICS_FIELDS, type LoanMetricsField } from '../../../loaders/loan.metrics';
import { countStatements } from '../../support/databases';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 2, loansPerOfficer: 3, customers: 4 });
});
afterAll(async () => {
  await api.dbs.drop();
});

/** Runs `source` and returns its data with the seedsmetrics statements it sent. */
async function withMetricsStatements(source: string): Promise<{ data: Record<string, any>; metrics: string[] }> {
  const { result, statements } = await countStatements({ metrics: api.dbs.metrics.pool }, () => api.data(source));
  return { data: result, metrics: statements.metrics ?? [] };
}

const pageStatements = (metrics: string[]): string[] => metrics.filter((sql) => /ORDER BY/.test(sql) && /FROM loans l/.test(sql));

/** The output names a page statement selects (`... AS "name"`), the parent and sort key aside. */
function selectedNames(sql: string): string[] {
  return [...sql.matchAll(/ AS "(\w+)"/g)].map((m) => m[1]!).filter((n) => n !== 'parentId' && n !== 'sortKey');
}

describe('a loan page', () => {
  it('selects the loan id and the computed fields its nodes show, nothing else', async () => {
    const { data, metrics } = await withMetricsStatements(`{ loans(first: 2, orderBy: { field: ID, direction: ASC }) { nodes { id amount currentDpd dpdBucket } } }`);
    expect(metrics).toHaveLength(1);
    expect(selectedNames(pageStatements(metrics)[0]!)).toEqual(['loanId', 'currentDpd', 'dpdBucket']);
    const every = await api.data(`{ loans(first: 2, orderBy: { field: ID, direction: ASC }) { nodes { id amount currentDpd dpdBucket actualOutstanding } } }`);
    expect(data.loans.nodes).toEqual(every.loans.nodes.map(({ actualOutstanding: _a, ...rest }: Record<string, unknown>) => rest));
  });

  it('counts fields asked through edges, fragments, inline fragments and aliases', async () => {
    const { data, metrics } = await withMetricsStatements(`
      query { loans(first: 2, orderBy: { field: ID, direction: ASC }) {
        edges { node { dpd: currentDpd ...Money } }
        nodes { ... on Loan { fimrTagged } }
      } }
      fragment Money on Loan { actualOutstanding }`);
    expect(metrics).toHaveLength(1);
    expect(selectedNames(pageStatements(metrics)[0]!)).toEqual(['loanId', 'currentDpd', 'actualOutstanding', 'fimrTagged']);
    expect(Object.keys(data.loans.edges[0].node).sort()).toEqual(['actualOutstanding', 'dpd']);
    expect(typeof data.loans.edges[0].node.actualOutstanding).toBe('string');
  });

  it('gives each selection its own statement, and nested lists with the same selection share one', async () => {
    const { metrics } = await withMetricsStatements(`{
      a: loans(first: 2) { nodes { currentDpd } }
      b: loans(first: 2) { nodes { maxDpdEver } }
      officers(first: 2) { nodes { loans(first: 2) { nodes { region } } } }
    }`);
    const pages = pageStatements(metrics).map(selectedNames);
    expect(pages).toHaveLength(3);
    expect(pages).toEqual(expect.arrayContaining([['loanId', 'currentDpd'], ['loanId', 'maxDpdEver'], ['loanId', 'region']]));
  });

  it('primes the by-id loader with whole rows only: after a narrow page, loading a loan by id reads its whole row', async () => {
    const loadAfterPage = async (fields: readonly LoanMetricsField[]): Promise<{ row: unknown; statements: number }> => {
      const { loaders } = api.newContext();
      await loaders.loanPages(null, { filter: {}, sort: 'id', direction: 'ASC', after: null, first: 1, fields }).load('');
      const { result, counts } = await countStatements({ metrics: api.dbs.metrics.pool }, () => loaders.loanMetrics.load('1001'));
      return { row: result, statements: counts.metrics! };
    };
    const narrow = await loadAfterPage(['currentDpd']);
    const whole = await loadAfterPage(LOAN_METRICS_FIELDS);
    expect([narrow.statements, whole.statements]).toEqual([1, 0]);
    expect(whole.row).toMatchObject(narrow.row as object); // the primed page row also carries its parentId and sortKey
    expect(Object.keys(narrow.row as object).length).toBeGreaterThan(30);
  });

  it('asking no computed field selects the loan id alone', async () => {
    const { metrics } = await withMetricsStatements(`{ loans(first: 2) { nodes { id amount officer { name } } } }`);
    expect(selectedNames(pageStatements(metrics)[0]!)).toEqual(['loanId']);
  });
});

describe("an officer's portfolio", () => {
  const portfolioStatements = (metrics: string[]): string[] => metrics.filter((sql) => /first_miss/.test(sql));
  const EVERY_METRIC = 'firstMiss disbursed totalPortfolio overdue15d par15 fimr ayr slippage roll riskScore riskBand dqi activeLoansCount';

  it('computes only the metrics a list shows, with the values the whole set has', async () => {
    const { data, metrics } = await withMetricsStatements(`{ officers(first: 2) { nodes { id portfolio { fimr riskBand } } } }`);
    expect(portfolioStatements(metrics).map(selectedNames)).toEqual([['officerId', 'fimr', 'riskBand']]);
    const whole = await api.data(`{ officers(first: 2) { nodes { id portfolio { ${EVERY_METRIC} } } } }`);
    expect(data.officers.nodes).toEqual(whole.officers.nodes.map((n: any) => ({ id: n.id, portfolio: { fimr: n.portfolio.fimr, riskBand: n.portfolio.riskBand } })));
    expect(data.officers.nodes).toHaveLength(2);
  });

  it('reads a looked-up officer\'s hierarchy and shown metrics in one statement', async () => {
    const { data, metrics } = await withMetricsStatements(`{ officer(id: "1") { region portfolio { par15 disbursed } } }`);
    expect(metrics).toHaveLength(1);
    expect(selectedNames(metrics[0]!)).toEqual(['hierarchy', 'officerId', 'disbursed', 'par15']);
    expect(data.officer.portfolio.disbursed).toBe(3);
  });

  it('gives each alias its own field set, and a page sorted on a metric returns the metrics every alias shows', async () => {
    const aliased = await withMetricsStatements(`{ officers(first: 2) { nodes { a: portfolio { fimr } b: portfolio { dqi } } } }`);
    expect(portfolioStatements(aliased.metrics).map(selectedNames).sort()).toEqual([['officerId', 'dqi'], ['officerId', 'fimr']]);
    expect(Object.keys(aliased.data.officers.nodes[0].a)).toEqual(['fimr']);
    const sortedQuery = `{ officers(first: 2, orderBy: { field: RISK_SCORE, direction: DESC }) { nodes { id a: portfolio { fimr } b: portfolio { dqi } } } }`;
    const sorted = await withMetricsStatements(sortedQuery);
    // One statement sorts every officer and returns the page's shown metrics (the hierarchy columns come with it).
    expect(portfolioStatements(sorted.metrics)).toHaveLength(1);
    expect(sorted.metrics[0]).toMatch(/ORDER BY/);
    expect(selectedNames(sorted.metrics[0]!).slice(-3)).toEqual(['officerId', 'fimr', 'dqi']);
    // The same values each metric has when its officer is read on its own.
    for (const node of sorted.data.officers.nodes) {
      const alone = await api.data(`{ officer(id: "${node.id}") { portfolio { fimr dqi } } }`);
      expect({ ...node.a, ...node.b }).toEqual(alone.officer.portfolio);
    }
    // A metric the page did not return is read for it, not taken from the page's row: here the same officer again,
    // reached through its loans once the page is in.
    const nested = await api.data(`{ officers(first: 2, orderBy: { field: RISK_SCORE, direction: DESC }) {
      nodes { id portfolio { fimr } loans(first: 1) { nodes { officer { id portfolio { ayr fimr } } } } } } }`);
    // AYR = collected interest and fees / principal outstanding: loans i = 1..3 of officer o repaid
    // paid = 1500·i + 10·o of amount = 50000 + 1000·i + 0.10 each, of which amount·0.3 + 2000 parts in amount·1.3 + 2000
    // were interest and fees; Σ paid·(amount·0.3 + 2000)/(amount·1.3 + 2000) / Σ(amount − paid), to 8 places.
    const AYR: Record<string, string> = { '1': '0.01552868', '2': '0.01558348' };
    expect(nested.officers.nodes.map((node: any) => node.id).sort()).toEqual(['1', '2']);
    for (const node of nested.officers.nodes) {
      const alone = await api.data(`{ officer(id: "${node.id}") { portfolio { ayr fimr } } }`);
      // FIMR: loan i = 1 of the 3 missed its first instalment.
      expect(alone.officer.portfolio).toEqual({ ayr: AYR[node.id], fimr: '0.33333333' });
      expect(node.loans.nodes.map((loan: any) => loan.officer)).toEqual([{ id: node.id, portfolio: alone.officer.portfolio }]);
    }
  });
});

/** The names the LATERAL subquery over `table` (the officer's or the customer's row) selects in a Django loan statement. */
function partyNames(sql: string, table: string): string[] {
  const list = new RegExp(`LATERAL \\(SELECT ((?:(?!LATERAL).)*?) FROM ${table}`, 's').exec(sql)?.[1] ?? '';
  return [...list.matchAll(/ AS "(\w+)"/g)].map((m) => m[1]!);
}

describe("a loan page's officers and customers", () => {
  /** The names each LATERAL party subquery of the page's Django statement selects. */
  async function partyColumns(source: string): Promise<{ data: Record<string, any>; officer: string[]; customer: string[]; django: number }> {
    const { result, statements } = await countStatements({ django: api.dbs.django.pool }, () => api.data(source));
    const loans = (statements.django ?? []).filter((sql) => /FROM loans_ajoloan/.test(sql));
    expect(loans).toHaveLength(1);
    return { data: result, officer: partyNames(loans[0]!, 'accounts_customuser'), customer: partyNames(loans[0]!, 'ajo_ajouser'), django: statements.django!.length };
  }

  it('come with only the fields the nodes show, with the values whole rows have', async () => {
    const narrow = await partyColumns(`{ loans(first: 3, orderBy: { field: ID, direction: ASC }) { nodes { id officer { name branch } customer { phone } } } }`);
    expect([narrow.officer, narrow.customer]).toEqual([['id', 'name', 'userBranch'], ['id', 'phone']]);
    expect(narrow.django).toBe(1);
    const whole = await api.data(`{ loans(first: 3, orderBy: { field: ID, direction: ASC }) { nodes { id officer { name branch email hireDate } customer { phone kycStatus } } } }`);
    expect(narrow.data.loans.nodes).toEqual(
      whole.loans.nodes.map((n: any) => ({ id: n.id, officer: { name: n.officer.name, branch: n.officer.branch }, customer: { phone: n.customer.phone } })),
    );
  });

  it('read every field a query can show, and the union of the fields two aliases show', async () => {
    const every = await partyColumns(`{ loans(first: 2) { nodes { officer { id name email phone userType employmentStatus hireDate branch } customer { id name phone dob gender state lga address kycStatus } } } }`);
    expect(every.officer).toEqual(['id', 'name', 'email', 'phone', 'userType', 'employmentStatus', 'hireDate', 'userBranch']);
    expect(every.customer).toEqual(['id', 'name', 'phone', 'dob', 'gender', 'state', 'lga', 'address', 'kycStatus']);
    // Two aliases: the page reads the union, each position finds what it shows.
    const aliased = await partyColumns(`{ loans(first: 2, orderBy: { field: ID, direction: ASC }) { nodes { a: officer { name } b: officer { email } } } }`);
    expect(aliased.officer).toEqual(['id', 'name', 'email']);
    expect(aliased.django).toBe(1);
    expect(aliased.data.loans.nodes[0]).toEqual({ a: { name: 'Officer 0001' }, b: { email: 'officer1@seeds.test' } });
  });
});

describe('a loan looked up by id', () => {
  it('reads only the computed fields and the officer and customer fields it shows, with the values of a whole read', async () => {
    const source = `{ loan(id: "1001") { id amount currentDpd dpdBucket officer { name } customer { phone } } }`;
    const { result, statements } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () => api.data(source));
    expect(statements.metrics!.map(selectedNames)).toEqual([['loanId', 'currentDpd', 'dpdBucket']]);
    const django = statements.django!;
    expect(django).toHaveLength(1);
    expect([partyNames(django[0]!, 'accounts_customuser'), partyNames(django[0]!, 'ajo_ajouser')]).toEqual([['id', 'name'], ['id', 'phone']]);
    const whole = await api.data(`{ loan(id: "1001") { id amount currentDpd dpdBucket maxDpdEver officer { name email } customer { phone name } } }`);
    expect(result.loan).toEqual({
      id: '1001', amount: whole.loan.amount, currentDpd: whole.loan.currentDpd, dpdBucket: whole.loan.dpdBucket,
      officer: { name: whole.loan.officer.name }, customer: { phone: whole.loan.customer.phone },
    });
    expect(typeof result.loan.currentDpd).toBe('number');
  });
});
