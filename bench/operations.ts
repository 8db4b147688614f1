/**
 * The benchmarked operations: what the dashboard asks (DOMAIN.md §6) and what the seed design's performance
 * table timed (officers, officer by id, a page of loans, loan by id, the FIMR drilldown), plus the main screen's
 * "dashboard load". Each operation has one GraphQL document (variants a and d) and one name the SQL server
 * (variants b and c) routes on; all four get the same parameters in the same order.
 */
import type pg from 'pg';

export const OPERATION_NAMES = ['officersList', 'officerById', 'loansPage', 'loanById', 'fimrDrilldown', 'dashboard'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** Values the operations draw their parameters from, sampled once per run from seedsmetrics. */
export interface Samples {
  loanIds: string[];
  /** Officers with loans whose user type is both dashboard-visible and one of the FDW view's officer types. */
  officerIds: string[];
  /** Branches with the most active loans in arrears (loans page). */
  loanBranches: string[];
  /** Branches with the most FIMR-tagged OPEN/PAST_MATURITY loans (FIMR drilldown). */
  fimrBranches: string[];
}

/** Parameters of one request; the i-th request of every variant gets the same ones. */
export type OperationParams = Record<string, string | number>;

export const OFFICERS_PAGE = 100;
export const LOANS_PAGE = 50;
export const FIMR_PAGE = 100;
export const EARLY_PAGE = 20;

export function paramsFor(name: OperationName, samples: Samples, i: number): OperationParams {
  const pick = <T>(list: readonly T[]): T => list[i % list.length]!;
  switch (name) {
    case 'officersList':
      return { first: OFFICERS_PAGE };
    case 'officerById':
      return { id: pick(samples.officerIds) };
    case 'loansPage':
      return { branch: pick(samples.loanBranches), first: LOANS_PAGE };
    case 'loanById':
      return { id: pick(samples.loanIds) };
    case 'fimrDrilldown':
      return { branch: pick(samples.fimrBranches), first: FIMR_PAGE };
    case 'dashboard':
      return { first: OFFICERS_PAGE, early: EARLY_PAGE };
  }
}

const PORTFOLIO = `portfolio { totalPortfolio overdue15d par15 fimr ayr slippage roll dqi riskScore riskBand activeLoansCount disbursed }`;
const OFFICER = `id name email phone userType hireDate branch region supervisorName verticalLeadName`;
const LOAN_ROW = `id amount repaymentAmount disbursedAt maturityDate status djangoStatus branch region
  currentDpd dpdBucket maxDpdEver principalOutstanding actualOutstanding totalOutstanding totalRepayments
  daysSinceLastRepayment fimrTagged`;

export const GRAPHQL_DOCUMENTS: Record<OperationName, string> = {
  officersList: `query OfficersList($first: Int!) {
  officers(first: $first) { totalCount nodes { ${OFFICER} ${PORTFOLIO} } }
}`,
  officerById: `query OfficerById($id: ID!) {
  officer(id: $id) { ${OFFICER} employmentStatus ${PORTFOLIO} }
}`,
  loansPage: `query LoansPage($branch: String!, $first: Int!) {
  loans(first: $first, filter: { branches: [$branch], statuses: [ACTIVE], dpdMin: 1 }, orderBy: { field: CURRENT_DPD, direction: DESC }) {
    totalCount
    nodes { ${LOAN_ROW} officer { id name } customer { id name phone } }
  }
}`,
  loanById: `query LoanById($id: ID!) {
  loan(id: $id) {
    ${LOAN_ROW} interestRate fee tenorDays firstDueDate interestOutstanding feesOutstanding totalPrincipalPaid
    totalInterestPaid totalFeesPaid loanAge repaymentDelayRate timelinessScore repaymentHealth firstPaymentReceivedDate
    officer { id name phone } customer { id name phone }
  }
}`,
  fimrDrilldown: `query FimrDrilldown($branch: String!, $first: Int!) {
  fimrLoans(first: $first, filter: { branches: [$branch] }) {
    totalCount
    nodes { id amount disbursedAt maturityDate firstDueDate firstPaymentReceivedDate daysSinceDue actualOutstanding
      principalOutstanding totalPrincipalPaid totalRepayments currentDpd djangoStatus status
      officer { id name } customer { id name phone } }
  }
}`,
  dashboard: `query Dashboard($first: Int!, $early: Int!) {
  officers(first: $first) { totalCount nodes { id name branch region ${PORTFOLIO} } }
  portfolio: loans(first: 1) { totalCount summary { totalLoans totalPortfolioAmount atRiskCount atRiskAmount criticalCount totalAmountInDpd } }
  fimr: fimrLoans(first: 1) { totalCount }
  early: earlyIndicatorLoans(first: $early) { totalCount nodes { id currentDpd actualOutstanding officer { id name } customer { id name } } }
}`,
};

/** The JSON body of the i-th GraphQL request of an operation. */
export function graphqlBody(name: OperationName, params: OperationParams): string {
  return JSON.stringify({ query: GRAPHQL_DOCUMENTS[name], variables: params });
}

/** The same operation at another page size (statement counts must not grow with it). */
export function withPageSize(name: OperationName, params: OperationParams, size: number): OperationParams {
  if ('first' in params && name !== 'dashboard') return { ...params, first: size };
  if (name === 'dashboard') return { ...params, first: size, early: size };
  return params;
}

const OFFICER_TYPES_IN_BOTH = ['AGENT', 'STAFF_AGENT', 'PROSPER_AGENT', 'DMO_AGENT', 'AJO_AGENT'];

/** Draws the parameter lists deterministically (setseed) so every run asks for the same rows. */
export async function sampleParams(metrics: pg.Pool, size: number): Promise<Samples> {
  const client = await metrics.connect();
  try {
    await client.query('SELECT setseed(0.42)');
    const loans = await client.query<{ id: string }>(`SELECT loan_id AS id FROM loans ORDER BY random() LIMIT $1`, [size]);
    await client.query('SELECT setseed(0.42)');
    const officers = await client.query<{ id: string }>(
      `SELECT o.officer_id AS id FROM officers o
        WHERE o.user_type = ANY($2::text[]) AND EXISTS (SELECT 1 FROM loans l WHERE l.officer_id = o.officer_id)
        ORDER BY random() LIMIT $1`,
      [size, OFFICER_TYPES_IN_BOTH],
    );
    const loanBranches = await client.query<{ branch: string }>(
      `SELECT branch FROM loans WHERE status = 'Active' AND current_dpd >= 1 GROUP BY branch ORDER BY count(*) DESC, branch LIMIT 8`,
    );
    const fimrBranches = await client.query<{ branch: string }>(
      `SELECT branch FROM loans WHERE fimr_tagged AND django_status IN ('OPEN', 'PAST_MATURITY') GROUP BY branch ORDER BY count(*) DESC, branch LIMIT 8`,
    );
    return {
      loanIds: loans.rows.map((r) => r.id),
      officerIds: officers.rows.map((r) => r.id),
      loanBranches: loanBranches.rows.map((r) => r.branch),
      fimrBranches: fimrBranches.rows.map((r) => r.branch),
    };
  } finally {
    client.release();
  }
}
