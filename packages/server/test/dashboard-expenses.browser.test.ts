import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDashboard, launchChromium, saveScreenshot } from './support/browser.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const LIVE = { timeout: 15_000 };

/** The id of the element that has focus (the tests compile without the DOM types). */
const focusedId = (page: Page): Promise<string> =>
  page.evaluate(
    () => (globalThis as { document?: { activeElement: { id: string } | null } }).document!.activeElement!.id,
  );

/** The text of the focused element's accessible name (`aria-label`, else its text). */
const focusedName = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const active = (
      globalThis as {
        document?: { activeElement: { getAttribute(name: string): string | null; textContent: string | null } | null };
      }
    ).document!.activeElement!;
    return active.getAttribute('aria-label') ?? active.textContent;
  });

describe.each(DIALECTS)('dashboard: money in by hand, two tabs, in headless Chromium (%s)', (dialect) => {
  let api: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let tabA: Page;
  let tabB: Page;
  let user: Awaited<ReturnType<TestServer['user']>>;
  let currency: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    prepareDashboard();
    api = await startServer(dialect);
    user = await api.user();
    currency = (await api.request('GET', '/auth/me', { token: user.token })).body.settings.currency;
    // 21 older expenses: the list's first page holds 20, the rest comes with "Load more".
    const old = Array.from({ length: 21 }, (_, i) => ({
      amount: '1.00',
      date: `2020-01-${String(i + 1).padStart(2, '0')}`,
      description: `Old ${i + 1}`,
    }));
    expect((await api.request('POST', '/expenses/batch', { token: user.token, body: old })).status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    tabA = await context.newPage();
    tabB = await context.newPage();
    for (const page of [tabA, tabB]) {
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('console', (message) => {
        // The one refusal this test provokes is logged by Chromium as a failed resource load.
        if (message.type() === 'error' && !message.text().includes('status of 422')) consoleErrors.push(message.text());
      });
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${api.url}/app`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.locator('#live').textContent(), LIVE).toBe('Live');
    await expect.poll(() => page.locator('#expense-list > li').count(), LIVE).toBe(20);
  }

  it('adds a category and a budget, adds, edits and deletes an expense in tab A while tab B follows live', async () => {
    await logIn(tabA);
    await logIn(tabB);
    expect(await tabB.locator('#expense-more').isVisible()).toBe(true);

    // A category, added by keyboard (Enter submits), reaches tab B's list and its expense form. The
    // socket carries no category events (SPEC §4): tab A tells this browser's other tabs itself.
    await tabA.getByLabel('Category name').fill('Groceries');
    await tabA.getByLabel('Category name').press('Enter');
    await expect.poll(() => tabB.locator('#category-manage-list').textContent(), LIVE).toContain('Groceries');
    await expect
      .poll(() => tabB.locator('#expense-add-category option').allTextContents(), LIVE)
      .toContain('Groceries');

    // A budget on that category: tab B hears budget.created on the socket.
    await expect.poll(() => tabA.locator('#budget-new-category option').allTextContents(), LIVE).toContain('Groceries');
    await tabA.getByLabel('Budget name').fill('Food');
    await tabA.getByLabel('Limit').fill('100.00');
    await tabA.locator('#budget-new-category').selectOption({ label: 'Groceries' });
    await tabA.getByRole('button', { name: 'Add budget' }).click();
    await expect
      .poll(() => tabB.locator('#budget-manage-list').textContent(), LIVE)
      .toContain(`Food100.00 ${currency}every month, Groceries`);
    await expect.poll(() => tabB.locator('#budget-rows').textContent(), LIVE).toContain('Food');

    // Bad input. Caught by the API's schema in the page, no request made:
    const add = tabA.locator('#expense-form');
    let posts = 0;
    tabA.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/expenses')) posts += 1;
    });
    await add.getByLabel('Description').fill('Weekly shop');
    await add.getByLabel('Description').press('Enter');
    await expect.poll(() => tabA.locator('#expense-add-amount-error').textContent()).toContain('An amount is required');
    expect(posts).toBe(0);
    expect(await focusedId(tabA)).toBe('expense-add-amount');
    // ... and what only the server judges: 3 decimals in EUR, a 422 problem shown by the field.
    await add.getByLabel('Amount').fill('12.345');
    await add.getByLabel('Currency').fill('EUR');
    const refused = tabA.waitForResponse((response) => response.url().endsWith('/expenses'));
    await add.getByLabel('Amount').press('Enter');
    expect((await refused).status()).toBe(422);
    await expect
      .poll(() => tabA.locator('#expense-add-amount-error').textContent())
      .toBe('12.345 has 3 decimals but EUR allows 2');
    expect(await add.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toBe(1);

    // Added: in the owner's currency (the currency field left blank), in Groceries.
    await add.getByLabel('Amount').fill('42.50');
    await add.getByLabel('Currency').fill('');
    await add.getByLabel('Category').selectOption({ label: 'Groceries' });
    await add.getByLabel('Amount').press('Enter');
    const firstB = tabB.locator('#expense-list > li').first();
    await expect.poll(() => firstB.textContent(), LIVE).toContain('Weekly shop');
    expect(await firstB.textContent()).toContain(`Groceries42.50 ${currency}`);
    expect(await tabA.locator('#expense-add-amount-error').textContent()).toBe('');
    await expect
      .poll(() => tabB.locator('#summary-total').textContent(), LIVE)
      .toContain(`42.50 ${currency} in 1 expense`);
    const stored = (await api.request('GET', '/expenses?limit=1', { token: user.token })).body.items[0];
    expect(stored).toMatchObject({ amountMinor: 4250, description: 'Weekly shop', kind: 'expense' });
    expect(await focusedId(tabA)).toBe('expense-add-amount');

    // Edit in place: focus on the amount; Escape cancels and gives focus back to the row.
    const rowA = tabA.locator(`#expense-list > li[data-expense-id="${stored.id}"]`);
    await tabA.getByRole('button', { name: 'Edit expense Weekly shop' }).click();
    expect(await focusedId(tabA)).toBe(`expense-edit-${stored.id}-amount`);
    await tabA.keyboard.type('99.99');
    await tabA.keyboard.press('Escape');
    await expect.poll(() => rowA.textContent()).toContain(`42.50 ${currency}`);
    expect(await focusedName(tabA)).toBe('Edit expense Weekly shop');
    expect((await api.request('GET', `/expenses/${stored.id}`, { token: user.token })).body.amountMinor).toBe(4250);

    await tabA.getByRole('button', { name: 'Edit expense Weekly shop' }).click();
    await rowA.getByLabel('Amount').fill('40.10');
    await rowA.getByLabel('Description').fill('Big shop');
    await rowA.getByLabel('Description').press('Enter');
    await expect.poll(() => firstB.textContent(), LIVE).toContain(`Big shop`);
    expect(await firstB.textContent()).toContain(`40.10 ${currency}`);
    await expect
      .poll(() => tabB.locator('#summary-total').textContent(), LIVE)
      .toContain(`40.10 ${currency} in 1 expense`);
    expect((await api.request('GET', `/expenses/${stored.id}`, { token: user.token })).body.amountMinor).toBe(4010);
    expect(await focusedName(tabA)).toBe('Edit expense Big shop');

    // A refund, netted out of the summary in the other tab.
    await add.getByLabel('Kind').selectOption('refund');
    await add.getByLabel('Amount').fill('0.10');
    await add.getByLabel('Description').fill('Bottle deposit');
    await add.getByLabel('Description').press('Enter');
    await expect
      .poll(() => tabB.locator('#summary-total').textContent(), LIVE)
      .toContain(`40.00 ${currency} in 1 expense less 1 refund (−0.10 ${currency})`);
    expect(await tabB.locator('#expense-list > li', { hasText: 'Bottle deposit' }).textContent()).toContain(
      `refund−0.10 ${currency}`,
    );

    if (dialect === 'sqlite') {
      await saveScreenshot(tabB, 'dashboard-expenses');
    }

    // Delete, after the confirmation: gone from tab B, and from the store.
    tabA.once('dialog', (dialog) => {
      expect(dialog.message()).toContain('Big shop');
      void dialog.accept();
    });
    await tabA.getByRole('button', { name: 'Delete expense Big shop' }).click();
    await expect.poll(() => tabB.locator('#expense-list').textContent(), LIVE).not.toContain('Big shop');
    expect((await api.request('GET', `/expenses/${stored.id}`, { token: user.token })).status).toBe(404);
    await expect.poll(() => tabB.locator('#summary-total').textContent(), LIVE).not.toContain(`40.00 ${currency}`);

    // Paged by the API's cursor: the 21st old expense comes with "Load more".
    expect(await tabB.locator('#expense-list').textContent()).not.toMatch(/Old 1Uncategorized/);
    await tabB.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => tabB.locator('#expense-list > li').count(), LIVE).toBe(22);
    expect(await tabB.locator('#expense-list > li').last().textContent()).toMatch(/Old 1Uncategorized/);
    expect(await tabB.locator('#expense-more').isVisible()).toBe(false);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('renames and deletes the category, edits and deletes the budget, tab B following', async () => {
    const [category] = (await api.request('GET', '/categories', { token: user.token })).body;
    const [budget] = (await api.request('GET', '/budgets', { token: user.token })).body;

    // Rename in place: focus on the name, Escape first goes back to the row.
    await tabA.getByRole('button', { name: 'Rename category Groceries' }).click();
    expect(await focusedId(tabA)).toBe(`category-rename-${category.id}`);
    await tabA.keyboard.press('Escape');
    expect(await focusedName(tabA)).toBe('Rename category Groceries');
    await tabA.getByRole('button', { name: 'Rename category Groceries' }).click();
    await tabA.getByLabel('New name for Groceries').fill('Food shop');
    await tabA.getByLabel('New name for Groceries').press('Enter');
    await expect.poll(() => tabB.locator('#category-manage-list').textContent(), LIVE).toContain('Food shop');
    await expect
      .poll(() => tabB.locator('#expense-list > li', { hasText: 'Bottle deposit' }).textContent(), LIVE)
      .toContain('Food shop');

    // The budget: a new limit and period, heard by tab B on the socket.
    const budgets = tabA.locator('#budget-manage-list');
    await tabA.getByRole('button', { name: 'Edit budget Food' }).click();
    await budgets.getByLabel('Limit').fill('150.00');
    await budgets.getByLabel('Per').selectOption('week');
    await budgets.getByLabel('Limit').press('Enter');
    await expect
      .poll(() => tabB.locator('#budget-manage-list').textContent(), LIVE)
      .toContain(`Food150.00 ${currency}every week, Food shop`);
    const saved = (await api.request('GET', `/budgets/${budget.id}`, { token: user.token })).body;
    expect(saved).toMatchObject({ amountMinor: 15000, period: { unit: 'week', every: 1 } });

    tabA.once('dialog', (dialog) => void dialog.accept());
    await tabA.getByRole('button', { name: 'Delete budget Food' }).click();
    await expect.poll(() => tabB.locator('#budget-manage-list').textContent(), LIVE).toBe('No budgets yet.');
    expect((await api.request('GET', '/budgets', { token: user.token })).body).toEqual([]);

    // Deleting the category keeps its expense, uncategorized.
    tabA.once('dialog', (dialog) => void dialog.accept());
    await tabA.getByRole('button', { name: 'Delete category Food shop' }).click();
    await expect.poll(() => tabB.locator('#category-manage-list').textContent(), LIVE).toBe('No categories yet.');
    await expect
      .poll(() => tabB.locator('#expense-list > li', { hasText: 'Bottle deposit' }).textContent(), LIVE)
      .toContain('Uncategorized');
    const [refund] = (await api.request('GET', '/expenses?limit=1', { token: user.token })).body.items;
    expect(refund).toMatchObject({ description: 'Bottle deposit', categoryId: null });
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
