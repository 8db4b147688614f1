/**
 * The dashboard query costs the same statements whatever the page size: one per entity level per database,
 * counted from every statement the pools send.
 */
import { countStatements } from '../../support/databases';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

const DASHBOARD = /* GraphQL */ `
  query Dashboard($first: Int!) {
    officers(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id name email phone userType employmentStatus hireDate region branch supervisorName verticalLeadName verticalLeadEmail
        portfolio {
          totalPortfolio overdue15d par15 par30 par60 par90 porr fimr slippage roll frr ayr yield onTimeRate
          riskScore riskBand dqi activeLoansCount repaymentDelayRate firstMiss disbursed
        }
        loans(first: 50) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            id amount repaymentAmount interestRate fee tenorDays disbursedAt firstDueDate maturityDate status djangoStatus
            performanceStatus loanType verificationStatus
            officer { id name region branch }
            customer { id name phone kycStatus }
            synced computedAsOf region branch wave currentDpd previousDpd dpdChange maxDpdEver dpdBucket firstPaymentMissed
            firstPaymentReceivedDate principalOutstanding interestOutstanding feesOutstanding totalOutstanding actualOutstanding
            totalPrincipalPaid totalInterestPaid totalFeesPaid totalRepayments fimrTagged earlyIndicatorTagged
            daysSinceLastRepayment daysSinceDue loanAge dailyRepaymentAmount repaymentDaysPaid repaymentDaysDueToday
            businessDaysSinceDisbursement repaymentDelayRate timelinessScore repaymentHealth
          }
        }
      }
    }
  }`;

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 200, loansPerOfficer: 50, customers: 600 });
});
afterAll(async () => {
  await api.dbs.drop();
});

async function dashboard(first: number) {
  const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
  return countStatements(pools, () => api.data<{ officers: { nodes: { loans: { nodes: unknown[] } }[] } }>(DASHBOARD, { first }));
}

describe('the dashboard query', () => {
  it.each([1, 10, 200])('costs 2 Django and 5 seedsmetrics statements for a page of %i officers with 50 loans each', async (first) => {
    const { result, counts, statements } = await dashboard(first);
    expect(result.officers.nodes).toHaveLength(first);
    for (const officer of result.officers.nodes) expect(officer.loans.nodes).toHaveLength(50);
    // Django: officers' base fields, loans' base fields with their officers and customers joined in. seedsmetrics: the
    // officer page, its count, the portfolio metrics, the loan pages (window-limited per officer, priming every computed
    // field) and their counts.
    expect(counts).toEqual({ django: 2, metrics: 5 });
    expect(statements.django.filter((s) => /FROM accounts_customuser u WHERE u.id = (ANY|\$)/.test(s))).toHaveLength(1);
    expect(statements.django.filter((s) => s.includes('FROM loans_ajoloan') && s.includes('FROM ajo_ajouser'))).toHaveLength(1);
    for (const sql of [...statements.django, ...statements.metrics]) expect(sql).not.toMatch(/\bOFFSET\b/i);
    // 200 officers × 50 loans is ~500,000 resolved fields: generous time on a loaded 2-core machine.
  }, 180_000);

  it('adds nothing when the officers of the loans are already loaded and computed fields are asked twice', async () => {
    const { counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data(`{ officers(first: 5) { nodes { id loans(first: 3) { nodes { id currentDpd c2: currentDpd officer { name region } } } } } }`),
    );
    expect(counts).toEqual({ django: 2, metrics: 2 });
  });
});

describe('other operations', () => {
  it('a loans page with its summary and total costs one Django and two seedsmetrics statements (the summary counts)', async () => {
    const { counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data(`{ loans(first: 100, filter: { dpdMin: 5 }) { totalCount summary { totalLoans atRiskCount } nodes { id amount currentDpd } } }`),
    );
    expect(counts).toEqual({ django: 1, metrics: 2 });
  });

  it('a customer-phone filter runs in Django first: one more Django statement, shared by the page and the summary (which counts)', async () => {
    // Django: the phone lookup, then the page's loans with their customers.
    const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ loans: { totalCount: number; nodes: { customer: { phone: string } }[] } }>(
        `{ loans(first: 20, filter: { customerPhone: "0901000001" }) { totalCount summary { totalLoans } nodes { id customer { phone } } } }`,
      ),
    );
    expect(result.loans.totalCount).toBeGreaterThan(0);
    for (const loan of result.loans.nodes) expect(loan.customer.phone).toContain('0901000001');
    expect(counts).toEqual({ django: 2, metrics: 2 });
  });

  it('a loan by id with repayments, DPD history and transitions costs one statement per table (officer and customer come with the loan)', async () => {
    const { counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data(`{ loan(id: "1001") { id currentDpd repayments { id } dpdHistory { date } transitions { id } officer { name region } customer { name } } }`),
    );
    expect(counts).toEqual({ django: 1, metrics: 5 });
  });

  it('officers sorted on a metric: the page statement computes and primes their portfolio metrics', async () => {
    const { result, counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data<{ officers: { nodes: { portfolio: { riskScore: number } }[] } }>(
        `{ officers(first: 25, orderBy: { field: RISK_SCORE, direction: ASC }) { nodes { id name portfolio { riskScore porr dqi } } } }`,
      ),
    );
    const scores = result.officers.nodes.map((n) => n.portfolio.riskScore);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(counts).toEqual({ django: 1, metrics: 1 });
  });

  it('top-risk loans for a page of officers cost one seedsmetrics statement and prime the computed fields', async () => {
    const { counts } = await countStatements({ django: api.dbs.django.pool, metrics: api.dbs.metrics.pool }, () =>
      api.data(`{ officers(first: 20) { nodes { topRiskLoans(limit: 5) { riskScore loan { id currentDpd totalOutstanding } } } } }`),
    );
    expect(counts).toEqual({ django: 2, metrics: 2 });
  });
});
