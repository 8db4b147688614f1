/**
 * An analyst's first minute: a browser opens /graphql, gets GraphiQL served offline (every asset from this
 * server, nothing from a CDN), finds the example operations as tabs, runs one and reads the result.
 */
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/app';
import { createTestDatabases, type TestDatabases } from '../support/databases';
import { startTestApp } from '../support/app';
import { launchChromium } from '../support/chromium';
import { executeUntilResultShows, setEditor } from '../support/graphiql-page';

const SECRET = 'a-test-secret-of-at-least-32-characters';

let dbs: TestDatabases;
let app: App;
let browser: Browser;

beforeAll(async () => {
  dbs = await createTestDatabases();
  app = await startTestApp(dbs, { SYNC_ENABLED: 'false' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await dbs?.drop();
});

it('serves GraphiQL without any outside request and runs a query through the page', async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // A script, style or request the page's Content-Security-Policy blocks is reported on the console.
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) blocked.push(message.text());
  });

  const response = await page.goto(`${app.server.url}/graphql`);
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  expect(headers['content-type']).toContain('text/html');
  expect([headers['x-content-type-options'], headers['x-frame-options'], headers['referrer-policy']]).toEqual(['nosniff', 'DENY', 'same-origin']);
  expect(headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'; .*frame-ancestors 'none'/);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });

  // The example operations are offered as tabs.
  const tabs = (await page.locator('.graphiql-tab').allInnerTexts()).map((text) => text.trim());
  expect(tabs).toEqual(expect.arrayContaining(['Dashboard', 'LoansPage', 'OfficerById']));

  // Replace the query of the active tab and run it.
  await setEditor(page, '.graphiql-query-editor .CodeMirror', 'query Version { apiVersion }');
  expect(JSON.parse(await executeUntilResultShows(page, 'apiVersion'))).toEqual({ data: { apiVersion: '1' } });
  await page.screenshot({ path: path.join(os.tmpdir(), 'graphiql.png') });

  // The documentation explorer shows the schema's descriptions (from the introspection the page made).
  await page.click('button[aria-label*="Documentation Explorer"]');
  await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).first().click();
  const loansField = page.locator('.graphiql-doc-explorer-item', { has: page.locator('.graphiql-doc-explorer-field-name', { hasText: /^loans$/ }) });
  await loansField.waitFor({ timeout: 10_000 });
  expect(await loansField.innerText()).toContain('Loans matching a filter (§4.7), by default of dashboard-visible officers only');

  const origin = new URL(app.server.url).origin;
  expect(requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(blocked).toEqual([]);
}, 90_000);

it('with authentication on, the Headers tab reaches subscriptions too (as graphql-ws connection parameters)', async () => {
  const secured = await startTestApp(dbs, { SYNC_ENABLED: 'false', AUTH_JWT_SECRET: SECRET });
  try {
    const { rows } = await dbs.metrics.pool.query<{ id: string }>(
      `INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
       VALUES ('9001', '501', 'YABA', 'Crystal', DATE '2025-12-10', '1-6', '7-30', 6, 7, 12500.50) RETURNING transition_id::text AS id`,
    );
    const token = await new SignJWT({ sub: 'analyst-1' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));
    const page = await browser.newPage();
    await page.goto(`${secured.server.url}/graphql`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    await page.click('button[data-name="headers"]');
    // The second editor of the tools section is the headers editor (the first holds the variables).
    await page.waitForFunction(() => document.querySelectorAll('.graphiql-editor-tool .CodeMirror').length === 2);
    await setEditor(page, '.graphiql-editor-tool .CodeMirror', JSON.stringify({ Authorization: `Bearer ${token}` }), 1);
    await setEditor(page, '.graphiql-query-editor .CodeMirror', 'subscription Replay { dpdTransitioned(since: "0") { id toBucket } }');
    expect(JSON.parse(await executeUntilResultShows(page, 'toBucket'))).toEqual({ data: { dpdTransitioned: { id: rows[0]!.id, toBucket: 'DPD_7_30' } } });

    // The page's first introspection went without a token; re-fetched as the README says, it carries the Headers
    // tab's, and the documentation explorer shows the schema.
    await page.click('button[aria-label*="Documentation Explorer"]');
    expect(await page.locator('.graphiql-doc-explorer').innerText()).not.toContain('Root Types');
    await page.click('button[aria-label="Re-fetch GraphQL schema"]');
    await page.locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).first().click({ timeout: 10_000 });
    await page.locator('.graphiql-doc-explorer-field-name', { hasText: /^viewer$/ }).waitFor({ timeout: 10_000 });
    await page.close();
  } finally {
    await secured.stop();
  }
}, 90_000);
