import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/** What the first user has, by id. */
interface Owned {
  category: string;
  expense: string;
  overall: string;
  budget: string;
  rule: string;
  notification: string;
}

describe.each(DIALECTS)('another user’s records over HTTP on %s', (dialect) => {
  let api: TestServer;
  let alice: { token: string; id: string };
  let mallory: { token: string; id: string };
  let owned: Owned;

  /** Everything of Alice's that the routes can show, read as Alice. */
  async function snapshot(): Promise<unknown> {
    const paths = [
      `/expenses/${owned.expense}`,
      `/categories/${owned.category}`,
      `/budgets/${owned.budget}`,
      `/budgets/${owned.budget}/status`,
      `/alerts/${owned.rule}`,
      '/expenses',
      '/categories',
      '/budgets',
      '/budget',
      '/alerts',
      '/notifications',
      '/changes',
    ];
    const answers = await Promise.all(paths.map((path) => api.request('GET', path, { token: alice.token })));
    for (const answer of answers) expect(answer.status).toBe(200);
    return Object.fromEntries(paths.map((path, i) => [path, answers[i]!.body]));
  }

  beforeAll(async () => {
    api = await startServer(dialect);
    alice = await api.user();
    mallory = await api.user();
    const as = (method: string, path: string, body?: unknown) =>
      api.request(method, path, { token: alice.token, body }).then((r) => r.body);
    const category = await as('POST', '/categories', { name: 'Rent' });
    const overall = await as('POST', '/budget', { name: 'Everything', amount: '100' });
    const budget = await as('POST', '/budgets', { name: 'Rent', amount: '50', categoryIds: [category.id] });
    const rule = await as('POST', '/alerts', { budgetId: budget.id, thresholdPercent: 10, kind: 'forecast' });
    const expense = await as('POST', '/expenses', { amount: '90', categoryId: category.id, description: 'Flat' });
    const notifications = await as('GET', '/notifications');
    expect(notifications.length).toBeGreaterThan(0);
    owned = {
      category: category.id,
      expense: expense.id,
      overall: overall.id,
      budget: budget.id,
      rule: rule.id,
      notification: notifications[0].id,
    };
  });
  afterAll(async () => {
    await api.close();
  });

  /** Every route that takes an id, with a valid body where it needs one. */
  const routes: [string, (o: Owned) => string, unknown?][] = [
    ['GET', (o) => `/expenses/${o.expense}`],
    ['PUT', (o) => `/expenses/${o.expense}`, { amount: '1' }],
    ['PATCH', (o) => `/expenses/${o.expense}`, { amount: '1' }],
    ['DELETE', (o) => `/expenses/${o.expense}`],
    ['GET', (o) => `/categories/${o.category}`],
    ['PUT', (o) => `/categories/${o.category}`, { name: 'Mine now' }],
    ['PATCH', (o) => `/categories/${o.category}`, { name: 'Mine now' }],
    ['DELETE', (o) => `/categories/${o.category}`],
    ['DELETE', (o) => `/categories/${o.category}?uncategorize=true`],
    ['GET', (o) => `/budgets/${o.budget}`],
    ['PUT', (o) => `/budgets/${o.budget}`, { name: 'Mine now', amount: '1' }],
    ['PATCH', (o) => `/budgets/${o.budget}`, { amount: '1' }],
    ['DELETE', (o) => `/budgets/${o.budget}`],
    ['GET', (o) => `/budgets/${o.budget}/status`],
    ['GET', (o) => `/budgets/${o.budget}/history`],
    ['GET', (o) => `/budgets/${o.overall}`],
    ['DELETE', (o) => `/budgets/${o.overall}`],
    ['GET', (o) => `/alerts/${o.rule}`],
    ['PUT', (o) => `/alerts/${o.rule}`, { active: false }],
    ['PATCH', (o) => `/alerts/${o.rule}`, { thresholdPercent: 999 }],
    ['DELETE', (o) => `/alerts/${o.rule}`],
    ['GET', (o) => `/alert/${o.rule}`],
    ['PUT', (o) => `/alert/${o.rule}`, { active: false }],
    ['PATCH', (o) => `/alert/${o.rule}`, { thresholdPercent: 999 }],
    ['DELETE', (o) => `/alert/${o.rule}`],
    ['POST', (o) => `/notifications/${o.notification}/read`],
  ];

  it.each(
    routes.map(([method, path, body]) => ({
      method,
      path,
      body,
      name: path({
        category: ':category',
        expense: ':expense',
        overall: ':overall',
        budget: ':budget',
        rule: ':rule',
        notification: ':notification',
      }),
    })),
  )(
    '$method $name with another user’s token is the same 404 as an unknown id, and changes nothing',
    async ({ method, path, body }) => {
      const before = await snapshot();
      const foreign = await api.request(method, path(owned), { token: mallory.token, body });
      expectProblem(foreign, 404, 'NOT_FOUND');
      // The answer says no more than it would for an id that never existed.
      const made = Object.fromEntries(
        Object.entries(owned).map(([key, id]) => [key, `${id.split('_')[0]}_01J000000000000000000000000`]),
      ) as unknown as Owned;
      const unknown = await api.request(method, path(made), { token: mallory.token, body });
      const blank = (text: unknown, ids: Owned) =>
        Object.values(ids).reduce((s: string, id: string) => s.replaceAll(id, '<id>'), JSON.stringify(text));
      expect(blank(foreign.body, owned)).toBe(blank(unknown.body, made));
      expect(await snapshot()).toEqual(before);
    },
  );

  it('another user cannot reach the records through ids in bodies or query strings either', async () => {
    const before = await snapshot();
    const m = (method: string, path: string, body?: unknown) =>
      api.request(method, path, { token: mallory.token, body });
    expectProblem(await m('POST', '/expenses', { amount: '1', categoryId: owned.category }), 422, 'VALIDATION_FAILED');
    expectProblem(
      await m('POST', '/expenses/batch', [{ amount: '1', categoryId: owned.category }]),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await m('POST', '/budgets', { name: 'Theirs', amount: '1', categoryIds: [owned.category] }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await m('POST', '/alerts', { budgetId: owned.budget, thresholdPercent: 50 }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await m('POST', '/categories', { name: 'Sub', parentId: owned.category }), 422, 'VALIDATION_FAILED');
    const own = (await m('POST', '/categories', { name: 'Own' })).body;
    const ownExpense = (await m('POST', '/expenses', { amount: '2', categoryId: own.id })).body;
    expectProblem(
      await m('PATCH', `/expenses/${ownExpense.id}`, { categoryId: owned.category }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await m('DELETE', `/categories/${own.id}?reassignTo=${owned.category}`), 422, 'VALIDATION_FAILED');
    expect((await m('GET', `/expenses/${ownExpense.id}`)).body.categoryId).toBe(own.id);

    // Listings are the caller's own: nothing of Alice's shows through a filter.
    expect((await m('GET', `/alerts?budgetId=${owned.budget}`)).body).toEqual([]);
    expect((await m('GET', `/notifications?budgetId=${owned.budget}`)).body).toEqual([]);
    expect((await m('GET', `/expenses?categoryId=${owned.category}`)).body).toEqual({ items: [], nextCursor: null });
    expect(
      (await m('GET', `/analytics/trends?categoryId=${owned.category}`)).body.points.every(
        (p: { totalMinor: number }) => p.totalMinor === 0,
      ),
    ).toBe(true);
    const exported = await m('GET', '/analytics/export?format=json');
    expect(exported.body.map((e: { id: string }) => e.id)).toEqual([ownExpense.id]);
    expect((await m('GET', '/budget')).status).toBe(404);
    expect((await m('GET', '/analytics/summary')).body.currencies).toMatchObject([
      { currency: 'USD', totalMinor: 200 },
    ]);
    expect(await snapshot()).toEqual(before);
  });
});
