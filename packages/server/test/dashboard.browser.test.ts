import { randomBytes } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDashboard, launchChromium, saveScreenshot } from './support/browser.js';
import { API_TOKEN_PATTERN } from '../src/integrations/api-token.js';
import { startServer, type TestServer } from './support/server.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

describe('dashboard at /app, in headless Chromium', () => {
  let api: TestServer;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let user: Awaited<ReturnType<TestServer['user']>>;
  let currency: string;
  let food: string;
  let transport: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    prepareDashboard();
    receiver = await startWebhookReceiver();
    api = await startServer('sqlite', {
      dueWork: { intervalMs: 50 },
      // One attempt in all: a failed delivery is dead at once, for the page to show and retry.
      webhooks: {
        encryptionKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }],
        allowPrivateAddresses: true,
        retryPolicy: {
          initialDelaySeconds: 5,
          maxDelaySeconds: 60,
          minDelaySeconds: 1,
          maxAttempts: 1,
          maxRetryAfterSeconds: 60,
        },
      },
    });
    user = await api.user();
    const budget = await api.request('POST', '/budgets', {
      token: user.token,
      body: { name: 'Monthly spending', amount: '50.00', period: { unit: 'month' } },
    });
    expect(budget.status).toBe(201);
    currency = budget.body.currency;
    food = (await api.request('POST', '/categories', { token: user.token, body: { name: 'Food' } })).body.id;
    transport = (await api.request('POST', '/categories', { token: user.token, body: { name: 'Transport' } })).body.id;
    const first = await api.request('POST', '/expenses', {
      token: user.token,
      body: { amount: '12.50', categoryId: food, description: 'Lunch' },
    });
    expect(first.status).toBe(201);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) consoleErrors.push(`${response.status()} ${response.url()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await receiver?.close();
  });

  it('serves the page and an allow-list of its assets, under the CSP', async () => {
    const response = await api.request('GET', '/app');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.body).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|\sstyle=/i);
    expect((await api.request('GET', '/app/assets/app.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await api.request('GET', '/app/assets/style.css')).status).toBe(200);
    expect((await api.request('GET', '/app/assets/index.html')).status).toBe(404);
    expect((await api.request('GET', '/app/assets/..%2Fapp.js')).status).toBe(404);
    expect((await api.request('POST', '/app')).status).toBe(405);
  });

  it('logs in, shows real data, and follows an expense added through the API live', async () => {
    await page.goto(`${api.url}/app`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();

    const spent = page.locator('#budget-rows .spent');
    await expect.poll(() => spent.textContent(), { timeout: 15_000 }).toBe(`12.50 ${currency}`);
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('Live');
    expect(await page.locator('#category-list').textContent()).toContain(`Food: 12.50 ${currency}`);
    expect(await page.locator('#login').isVisible()).toBe(false);
    const refreshes = Number(await page.locator('body').getAttribute('data-refreshed'));

    // Added elsewhere: the page hears of it over the WebSocket and refreshes itself.
    const added = await api.request('POST', '/expenses', {
      token: user.token,
      body: { amount: '30.00', categoryId: transport, description: 'Train' },
    });
    expect(added.status).toBe(201);
    await expect.poll(() => spent.textContent(), { timeout: 15_000 }).toBe(`42.50 ${currency}`);
    expect(Number(await page.locator('body').getAttribute('data-refreshed'))).toBeGreaterThan(refreshes);
    await expect.poll(() => page.locator('#category-list').textContent()).toContain(`Transport: 30.00 ${currency}`);
    expect(await page.locator('#summary-total').textContent()).toContain(`42.50 ${currency} in 2 expenses`);
    // 85 % of the 50.00 budget: the 80 % rule fired, the state and the notifications show it.
    expect(await page.locator('#budget-rows .state-warning').textContent()).toBe('warning');
    await expect.poll(() => page.locator('#notifications li').count()).toBeGreaterThan(0);
    expect(await page.locator('#notifications').textContent()).toMatch(/80/);
    // A refund lowers spending, and the summary says it was netted out.
    const refund = await api.request('POST', '/expenses', {
      token: user.token,
      body: { amount: '2.50', categoryId: transport, kind: 'refund', description: 'Delay repay' },
    });
    expect(refund.status).toBe(201);
    await expect.poll(() => spent.textContent(), { timeout: 15_000 }).toBe(`40.00 ${currency}`);
    await expect
      .poll(() => page.locator('#summary-total').textContent())
      .toContain(`40.00 ${currency} in 2 expenses less 1 refund (−2.50 ${currency})`);
    // The doughnut drew on its canvas.
    expect(
      await page.locator('#category-chart').evaluate((canvas) => (canvas as unknown as { width: number }).width),
    ).toBeGreaterThan(0);

    await page.waitForTimeout(700); // chart.js animates the update
    await saveScreenshot(page, 'dashboard');
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('creates an API token, shows it once, lists it without its secret, and revokes it', async () => {
    // Logged in by the test before: the tokens section is on the same page.
    const rows = page.locator('#token-rows tr');
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toBe('No API tokens.');
    await page.getByLabel('Name', { exact: true }).fill('Spreadsheet');
    await page.getByLabel('Access').selectOption('read-only');
    await page.getByLabel('Expires in (days)').fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();

    const secret = page.locator('#token-secret');
    await expect.poll(() => secret.textContent(), { timeout: 15_000 }).toMatch(API_TOKEN_PATTERN);
    const token = (await secret.textContent())!;
    await expect.poll(() => rows.count()).toBe(1);
    const row = await rows.first().textContent();
    expect(row).toContain('Spreadsheet');
    expect(row).toContain(`${token.slice(0, 12)}…`);
    expect(row).toContain('expenses:read');
    expect(await page.locator('#token-rows').textContent()).not.toContain(token);
    // The token shown is a real one, with the access chosen.
    expect((await api.request('GET', '/expenses', { token })).status).toBe(200);
    expect((await api.request('POST', '/expenses', { token, body: { amount: '1.00' } })).status).toBe(403);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke Spreadsheet' }).click();
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toBe('No API tokens.');
    expect(await page.locator('#token-created').isVisible()).toBe(false);
    expect((await api.request('GET', '/expenses', { token })).status).toBe(401);
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('adds a webhook with its secret shown once, shows a dead message live, retries it, and deletes the webhook', async () => {
    const rows = page.locator('#webhook-rows tr');
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toBe('No webhooks.');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('button', { name: 'Add webhook' }).click();

    const secretCode = page.locator('#webhook-secret');
    await expect.poll(() => secretCode.textContent(), { timeout: 15_000 }).toMatch(/^whsec_/);
    const secret = (await secretCode.textContent())!;
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(receiver.url);
    expect(await rows.first().textContent()).toContain('enabled');
    expect(await page.locator('#webhook-rows').textContent()).not.toContain(secret);

    // The receiver fails the first delivery: with one attempt in all, the message is dead, and the
    // socket's webhook.message.dead brings it onto the page without a reload.
    receiver.script.push(500);
    const expense = await api.request('POST', '/expenses', { token: user.token, body: { amount: '2.00' } });
    expect(expense.status).toBe(201);
    const messages = page.locator('#webhook-message-rows tr');
    await expect.poll(() => messages.first().getAttribute('data-state'), { timeout: 15_000 }).toBe('dead');
    expect(await messages.first().textContent()).toContain('HTTP 500');

    const [failed] = await receiver.waitFor(1);
    const seq = (failed!.payload as { seq: number }).seq;
    await page.getByRole('button', { name: `Retry message ${seq}` }).click();
    const [, retried] = await receiver.waitFor(2);
    expect(retried!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
    expect(verifyWebhook(secret, retried!)).toMatchObject({ type: 'expense.created', seq });
    await page.getByRole('button', { name: `Messages of ${receiver.url}` }).click();
    await expect.poll(() => messages.first().getAttribute('data-state'), { timeout: 15_000 }).toBe('delivered');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    await expect.poll(() => rows.textContent(), { timeout: 15_000 }).toBe('No webhooks.');
    expect(await page.locator('#webhook-created').isVisible()).toBe(false);
    expect((await api.request('GET', '/webhooks', { token: user.token })).body).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
