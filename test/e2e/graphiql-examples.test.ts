/**
 * An analyst opens a by-id example tab in GraphiQL and presses Run: the tab already holds the id of a real loan in
 * arrears (or of its officer or customer), so the first answer has data instead of "variable $id not provided".
 * With authentication on, the page (served to anyone who reaches it) holds no ids.
 */
import type { Browser, Page } from 'playwright-core';
import { fetchExampleIds, type ExampleIds } from '../../loaders/example-ids.metrics';
import { demoWorldAppForFile } from '../support/demo-world-app';
import { startTestApp } from '../support/app';
import { launchChromium } from '../support/chromium';
import { executeUntilResultShows } from '../support/graphiql-page';

const world = demoWorldAppForFile({ SYNC_ENABLED: 'false' });
let browser: Browser;
let ids: ExampleIds;

beforeAll(async () => {
  ids = (await fetchExampleIds(world.dbs.metrics.pool))!;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Opens GraphiQL at `url`, switches to the tab of `operation` and answers the text of its variables editor. */
async function openTab(url: string, operation: string): Promise<{ page: Page; variables: string }> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
  // A tab's text is its operation's name (no example's name is part of another's).
  await page.locator('.graphiql-tab', { hasText: operation }).click();
  await page.locator('.graphiql-query-editor', { hasText: `query ${operation}` }).waitFor({ timeout: 10_000 });
  // The first editor of the tools section holds the variables.
  const variables = await page.evaluate(() => (document.querySelector('.graphiql-editor-tool .CodeMirror') as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  return { page, variables };
}

test('the example ids are the newest loan in arrears, its officer and its customer', async () => {
  const { rows } = await world.dbs.metrics.pool.query<{ loan_id: string; officer_id: string; customer_id: string; status: string; current_dpd: number }>(
    `SELECT loan_id, officer_id, customer_id, status, current_dpd FROM loans
      WHERE status = 'Active' AND current_dpd > 0 ORDER BY loan_id::bigint DESC LIMIT 1`,
  );
  expect(ids).toEqual({ loanId: rows[0]!.loan_id, officerId: rows[0]!.officer_id, customerId: rows[0]!.customer_id });
});

test('the LoanById tab opens with the example loan and runs as it stands', async () => {
  const { page, variables } = await openTab(`${world.app.server.url}/graphql`, 'LoanById');
  expect(JSON.parse(variables)).toEqual({ id: ids.loanId });
  const result = JSON.parse(await executeUntilResultShows(page, '"loan"'));
  expect(result.errors).toBeUndefined();
  expect([result.data.loan.id, result.data.loan.officer.id, result.data.loan.customer.id]).toEqual([ids.loanId, ids.officerId, ids.customerId]);
  await page.close();
}, 90_000);

test("the TopRiskLoans tab opens with the example loan's officer and runs as it stands", async () => {
  const { page, variables } = await openTab(`${world.app.server.url}/graphql`, 'TopRiskLoans');
  expect(JSON.parse(variables)).toEqual({ officerId: ids.officerId });
  const result = JSON.parse(await executeUntilResultShows(page, '"officer"'));
  expect(result.errors).toBeUndefined();
  expect(result.data.officer.id).toBe(ids.officerId);
  expect(result.data.officer.topRiskLoans.length).toBeGreaterThan(0);
  await page.close();
}, 90_000);

test('with authentication on, the page holds no ids', async () => {
  const secured = await startTestApp(world.dbs, { SYNC_ENABLED: 'false', AUTH_JWT_SECRET: 'a-test-secret-of-at-least-32-characters' });
  try {
    const { page, variables } = await openTab(`${secured.server.url}/graphql`, 'LoanById');
    expect(variables).toBe('');
    expect(await page.content()).not.toContain(`"${ids.loanId}"`);
    await page.close();
  } finally {
    await secured.stop();
  }
}, 90_000);
