import { randomInt } from 'node:crypto';
import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every test looks like a different visitor (its own X-Forwarded-For, honoured because the test
 * server trusts one proxy hop, TRUST_PROXY=1), so the per-IP lookup limit never leaks between tests.
 * Any console error or uncaught exception in the page fails the test, except the browser's own
 * "Failed to load resource" line for the 4xx answers the tests provoke on purpose.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await use(errors);
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
  page: async ({ page }, use) => {
    const ip = `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
    await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': ip });
    await use(page);
  },
});

export { expect };

/** Picks the language before the app loads (the switch itself is tested separately). */
export async function useLanguage(page: Page, lang: 'en' | 'es'): Promise<void> {
  await page.addInitScript((l) => {
    window.localStorage.setItem('settle.lang', l);
  }, lang);
}
