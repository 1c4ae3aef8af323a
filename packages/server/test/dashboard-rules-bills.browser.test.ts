import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDashboard, launchChromium, saveScreenshot } from './support/browser.js';
import { manualClock } from './support/clock.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * "Now" for the server (its injected clock) and the page (Playwright's fixed browser time),
 * so no date below depends on the real day. The owner's zone is UTC: today is 2027-02-10, the
 * last 90 days start on 2026-11-13, and the next 30 days end on 2027-03-11.
 */
const NOW = '2027-02-10T12:00:00.000Z';

interface Expense {
  id: string;
  description: string;
  categoryId: string | null;
  categorySource: string | null;
  date: string;
}

describe.each(DIALECTS)('dashboard rules and bills sections, in headless Chromium, on %s', (dialect) => {
  let api: TestServer;
  let browser: Browser;
  let page: Page;
  let user: Awaited<ReturnType<TestServer['user']>>;
  let streaming: string;
  let food: string;
  const seeded: Record<string, string> = {};
  const consoleErrors: string[] = [];

  const expenses = async (): Promise<Map<string, Expense>> => {
    const list = (await api.request('GET', '/expenses?limit=100', { token: user.token })).body.items as Expense[];
    return new Map(list.map((expense) => [expense.id, expense]));
  };
  const categoryOf = async (name: string) => (await expenses()).get(seeded[name]!)!.categoryId;

  beforeAll(async () => {
    prepareDashboard();
    // No due-work ticker: nothing comes due while time stands still, and the test says when.
    api = await startServer(dialect, { clock: manualClock(NOW), dueWork: false });
    user = await api.user();
    const post = async (path: string, body: unknown) => {
      const response = await api.request('POST', path, { token: user.token, body });
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(201);
      return response.body;
    };
    streaming = (await post('/categories', { name: 'Streaming' })).id;
    food = (await post('/categories', { name: 'Food' })).id;
    const seed: [string, string, string | null][] = [
      ['NETFLIX.COM', '2027-01-05', null],
      ['Netflix subscription', '2026-11-13', null], // the 90th day back, today counted
      ['netflix gift card', '2027-02-01', food], // filed by hand: a rule never changes it
      ['Netflix old', '2026-11-12', null], // the 91st: outside
      ['Groceries', '2027-01-20', null],
    ];
    for (const [description, date, categoryId] of seed)
      seeded[description] = (await post('/expenses', { amount: '15.99', description, date, categoryId })).id;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.clock.setFixedTime(NOW);
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) consoleErrors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${api.url}/app`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#live', { hasText: /^Live$/ }).waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('creates and reorders rules, tests one on the last 90 days without writing, applies it and reverts the run', async () => {
    const rules = page.locator('#rule-rows tr');
    await expect.poll(() => rules.textContent(), { timeout: 15_000 }).toBe('No rules yet.');
    for (const [contains, category] of [
      ['netflix', 'Streaming'],
      ['groceries', 'Food'],
    ] as const) {
      await page.getByLabel('Description contains').fill(contains);
      await page.getByLabel('File under category').selectOption({ label: category });
      await page.getByRole('button', { name: 'Add rule' }).click();
      await expect.poll(() => page.locator('#rule-rows').textContent()).toContain(`description contains “${contains}”`);
    }
    expect(await rules.count()).toBe(2);
    expect(await rules.nth(0).textContent()).toContain('category: Streaming');

    // Reorder: the groceries rule moves up, through the reorder route.
    await page.getByRole('button', { name: 'Move rule 2 up' }).click();
    await expect.poll(() => rules.nth(0).textContent()).toContain('groceries');
    const order = (await api.request('GET', '/rules', { token: user.token })).body as {
      conditions: { value: string }[];
    }[];
    expect(order.map((rule) => rule.conditions[0]!.value)).toEqual(['groceries', 'netflix']);
    // Focus stays on the moved rule's control, now on row 1 (which can only move down).
    expect(await page.locator('#rule-rows :focus').getAttribute('aria-label')).toBe('Test rule 1 on the last 90 days');

    // Test: the diff of the last 90 days; nothing is written.
    await page.getByRole('button', { name: 'Test rule 2 on the last 90 days' }).click();
    const result = page.locator('#rule-result-rows tr');
    await expect
      .poll(() => page.locator('#rule-result-summary').textContent(), { timeout: 15_000 })
      .toBe('4 expenses examined: 3 match, 2 would change.');
    expect(await page.locator('#rule-result-title').textContent()).toBe(
      'Rule 2 on 2026-11-13 to 2027-02-10 (nothing written yet)',
    );
    const diff = await result.evaluateAll((rows) =>
      rows.map((row) => [...row.children].map((cell) => cell.textContent)),
    );
    expect(diff.sort()).toEqual(
      [
        ['2026-11-13', 'Netflix subscription', `15.99 ${await currency()}`, 'Uncategorized', 'Streaming'],
        ['2027-01-05', 'NETFLIX.COM', `15.99 ${await currency()}`, 'Uncategorized', 'Streaming'],
        ['2027-02-01', 'netflix gift card', `15.99 ${await currency()}`, 'Food', 'no change (set by hand)'],
      ].sort(),
    );
    expect(await categoryOf('NETFLIX.COM')).toBeNull();
    expect(await categoryOf('Netflix subscription')).toBeNull();

    // Apply: a recorded run over the same 90 days.
    await page.getByRole('button', { name: 'Apply to these expenses' }).click();
    await expect
      .poll(() => page.locator('#rule-result-summary').textContent(), { timeout: 15_000 })
      .toBe('Applied: 2 expenses changed. Revert puts them back.');
    await expect.poll(() => categoryOf('NETFLIX.COM')).toBe(streaming);
    const stored = await expenses();
    expect(stored.get(seeded['Netflix subscription']!)).toMatchObject({
      categoryId: streaming,
      categorySource: 'rule',
    });
    expect(stored.get(seeded['netflix gift card']!)!.categoryId).toBe(food);
    expect(stored.get(seeded['Netflix old']!)!.categoryId).toBeNull(); // outside the 90 days
    expect(stored.get(seeded.Groceries!)!.categoryId).toBeNull(); // another rule, not applied
    await expect
      .poll(() => result.evaluateAll((rows) => rows.map((row) => row.lastElementChild?.textContent)))
      .toEqual(['Streaming', 'Streaming']);

    // Revert: the run's expenses are put back, and the page shows it.
    await page.getByRole('button', { name: 'Revert this run' }).click();
    await expect
      .poll(() => page.locator('#rule-result-summary').textContent(), { timeout: 15_000 })
      .toBe('Reverted: 2 restored, 0 skipped (edited or deleted since).');
    expect(await categoryOf('NETFLIX.COM')).toBeNull();
    expect(await categoryOf('Netflix subscription')).toBeNull();
    await expect
      .poll(() => result.evaluateAll((rows) => rows.map((row) => row.lastElementChild?.textContent)))
      .toEqual(['Uncategorized', 'Uncategorized']);
    expect(await page.getByRole('button', { name: 'Revert this run' }).isVisible()).toBe(false);

    // A rule made elsewhere shows live (rule.created on the socket).
    await api.request('POST', '/rules', {
      token: user.token,
      body: {
        conditions: [{ field: 'merchant', op: 'is', value: 'Spotify' }],
        actions: [{ type: 'setCategory', categoryId: streaming }],
      },
    });
    await expect.poll(() => rules.count(), { timeout: 15_000 }).toBe(3);
    expect(await rules.nth(2).textContent()).toContain('merchant is “Spotify”');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete rule 3' }).click();
    await expect.poll(() => rules.count(), { timeout: 15_000 }).toBe(2);
    expect((await api.request('GET', '/rules', { token: user.token })).body).toHaveLength(2);
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  it('refuses a bad amount, creates a monthly schedule, shows its occurrence due in the next 30 days, skips it, posts a bill now', async () => {
    const upcoming = page.locator('#upcoming-rows tr');
    await expect.poll(() => upcoming.textContent(), { timeout: 15_000 }).toBe('Nothing due.');
    expect(await page.locator('#upcoming-title').textContent()).toBe(
      'Due in the next 30 days (2027-02-10 to 2027-03-11)',
    );

    // Bad input: the API's 422 problem is shown in the section, and nothing is made.
    await page.getByLabel('Schedule name').fill('Rent');
    await page.getByLabel('Amount each month').fill('1200.001');
    await page.getByLabel('First due date').fill('2027-01-31');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await expect
      .poll(() => page.locator('#schedule-error').textContent(), { timeout: 15_000 })
      .toMatch(/^Invalid input: template\.amount: 1200\.001 has 3 decimals/);
    expect((await api.request('GET', '/schedules', { token: user.token })).body).toEqual([]);
    expect(consoleErrors.filter((line) => !line.includes('422'))).toEqual([]);
    consoleErrors.length = 0;

    // Monthly from the 31st: February's falls on its last day.
    await page.getByLabel('Amount each month').fill('1200.00');
    await page.getByLabel('When it comes due').selectOption('post');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await expect.poll(() => page.locator('#schedule-error').textContent(), { timeout: 15_000 }).toBe('');

    const schedules = page.locator('#schedule-rows tr');
    await expect.poll(() => schedules.textContent(), { timeout: 15_000 }).toContain('Rent');
    expect(await schedules.first().locator('.next-due').textContent()).toBe('2027-02-28');
    await expect.poll(() => upcoming.count()).toBe(1);
    const cells = () =>
      upcoming.evaluateAll((rows) => rows.map((row) => [...row.children].slice(0, 4).map((cell) => cell.textContent)));
    expect(await cells()).toEqual([['2027-02-28', 'Rent', `1200.00 ${await currency()}`, 'upcoming']]);
    const [rent] = (await api.request('GET', '/schedules', { token: user.token })).body as { id: string }[];

    await page.getByRole('button', { name: 'Skip Rent due 2027-02-28' }).click();
    await expect
      .poll(() => cells(), { timeout: 15_000 })
      .toEqual([['2027-02-28', 'Rent', `1200.00 ${await currency()}`, 'skipped']]);
    // The Skip button went with the skip: focus moved to the row's other control, not the page's top.
    expect(await page.locator('#upcoming-rows :focus').getAttribute('aria-label')).toBe('Post Rent due 2027-02-28 now');
    const occurrences = await api.request('GET', `/schedules/${rent!.id}/occurrences`, { token: user.token });
    expect(occurrences.body).toMatchObject([{ nominal: '2027-02-28', due: '2027-02-28', state: 'skipped' }]);
    await expect.poll(() => schedules.first().locator('.next-due').textContent()).toBe('2027-03-31');
    const before = (await expenses()).size;

    // A bill added elsewhere shows live (schedule.created); posting it now dates it today, by the server's clock.
    const bill = await api.request('POST', '/schedules', {
      token: user.token,
      body: {
        name: 'Internet',
        mode: 'expect',
        recurrence: { unit: 'month', anchor: '2027-02-15' },
        template: { amount: '39.90' },
      },
    });
    expect(bill.status).toBe(201);
    await expect.poll(() => upcoming.count(), { timeout: 15_000 }).toBe(2);
    expect((await cells())[0]).toEqual(['2027-02-15', 'Internet', `39.90 ${await currency()}`, 'upcoming']);
    await page.getByRole('button', { name: 'Post Internet due 2027-02-15 now' }).click();
    await expect.poll(() => cells().then((rows) => rows[0]![3]), { timeout: 15_000 }).toBe('posted');
    const after = [...(await expenses()).values()];
    expect(after).toHaveLength(before + 1);
    expect(after.find((expense) => expense.description === 'Internet')).toMatchObject({ date: '2027-02-10' });
    expect(await page.getByRole('button', { name: 'Post Internet due 2027-02-15 now' }).count()).toBe(0);
    if (dialect === 'sqlite') {
      await page.locator('#rules-title').scrollIntoViewIfNeeded();
      await saveScreenshot(page, 'dashboard-rules-bills');
    }
    expect(consoleErrors).toEqual([]);
  }, 90_000);

  async function currency(): Promise<string> {
    return (await api.request('GET', '/auth/me', { token: user.token })).body.settings.currency;
  }
});
