/** Driving GraphiQL's page in a browser: its editors, its Run button and its result. */
import type { Page } from 'playwright-core';

/** Sets the `index`th CodeMirror editor matching `selector` (GraphiQL 3 keeps the instance on its element). */
export async function setEditor(page: Page, selector: string, value: string, index = 0): Promise<void> {
  await page.evaluate(
    ({ selector, value, index }) => (document.querySelectorAll(selector)[index] as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value),
    { selector, value, index },
  );
}

export function readResult(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector('.result-window .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '');
}

/**
 * Clicks Run until the result shows `needle` (bounded) and returns it. A click can be lost while GraphiQL still
 * fetches the schema, or run the operation name the editor held before setEditor, on a loaded machine.
 */
export async function executeUntilResultShows(page: Page, needle: string): Promise<string> {
  for (let attempt = 0; attempt < 6 && !(await readResult(page)).includes(needle); attempt += 1) {
    await page.click('.graphiql-execute-button');
    await page.waitForFunction((needle) => (document.querySelector('.result-window')?.textContent ?? '').includes(needle), needle, { timeout: 10_000 }).catch(() => undefined);
  }
  return readResult(page);
}
