import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDashboard, launchChromium } from './support/browser.js';
import { startServer, type TestServer } from './support/server.js';

const MAPPING = {
  date: { column: 'Date', format: 'YMD' },
  amount: { kind: 'signed', column: 'Amount' },
  currency: { default: 'EUR' },
  description: 'Text',
};
/** The part of an HTMLProgressElement read here (the tests compile without the DOM types). */
interface Progress {
  value: number;
  max: number;
}

const CSV = 'Date,Amount,Text\n2026-03-01,-4.50,STARBUCKS 12\n2026-03-02,-40.00,Shoes\n2026-03-05,40.00,Shoes\n';

describe('dashboard import page, in headless Chromium', () => {
  let api: TestServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    prepareDashboard();
    api = await startServer('sqlite');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('uploads a CSV, shows rows with states and rule categories, decides a refund, commits with progress, reverts', async () => {
    const user = await api.user();
    const coffee = await api.request('POST', '/categories', { token: user.token, body: { name: 'Coffee' } });
    await api.request('POST', '/rules', {
      token: user.token,
      body: {
        conditions: [{ field: 'description', op: 'contains', value: 'starbucks' }],
        actions: [{ type: 'setCategory', categoryId: coffee.body.id }],
      },
    });
    await page.goto(`${api.url}/app`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('Live');

    await page
      .getByLabel('Bank file', { exact: true })
      .setInputFiles({ name: 'march.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByLabel('Account', { exact: true }).fill('checking');
    await page.getByLabel('CSV mapping (JSON, optional)').fill(JSON.stringify(MAPPING));
    await page.getByRole('button', { name: 'Upload' }).click();

    const rows = page.locator('#import-rows tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#import-summary').textContent()).toContain('march.csv: previewed — 3 rows: 2 new');
    expect(await rows.nth(0).textContent()).toContain('Coffee');
    expect(await rows.nth(2).locator('td').nth(4).textContent()).toBe('inflow_ignored');

    await page.getByLabel('Decision for row 3').selectOption('create');
    await expect
      .poll(async () => (await api.request('GET', '/imports', { token: user.token })).body[0].counts.toCreate)
      .toBe(3);

    await page.getByRole('button', { name: 'Commit' }).click();
    await expect.poll(() => page.locator('#import-summary').textContent(), { timeout: 15_000 }).toContain('committed');
    // The bar is moved only by the socket's import.progress message.
    const bar = page.locator('#import-progress');
    await expect
      .poll(() => bar.evaluate((p) => [(p as unknown as Progress).value, (p as unknown as Progress).max]))
      .toEqual([3, 3]);
    const stored = (await api.request('GET', '/expenses', { token: user.token })).body.items;
    expect(stored.map((e: { kind: string }) => e.kind).sort()).toEqual(['expense', 'expense', 'refund']);

    await page.getByRole('button', { name: 'Revert' }).click();
    await expect.poll(() => page.locator('#import-summary').textContent(), { timeout: 15_000 }).toContain('reverted');
    expect((await api.request('GET', '/expenses', { token: user.token })).body.items).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
