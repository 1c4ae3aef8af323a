import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, issuePaths, NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const MONTHLY = {
  name: 'Everything',
  amount: '100',
  period: { unit: 'month', anchor: '2026-01-01' },
  startsOn: '2026-09-01',
};

describe.each(DIALECTS)('/budget and /budgets over HTTP on %s (today is 2026-11-15)', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('without an overall budget, GET, PUT, status and history of /budget are 404 problems', async () => {
    const { token } = await api.user();
    // A category budget is not the overall budget.
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    expect(
      (await api.request('POST', '/budgets', { token, body: { ...MONTHLY, categoryIds: [food.id] } })).status,
    ).toBe(201);
    expectProblem(await api.request('GET', '/budget', { token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('PUT', '/budget', { token, body: MONTHLY }), 404, 'NOT_FOUND');
    expectProblem(await api.request('GET', '/budget/status', { token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('GET', '/budget/history', { token }), 404, 'NOT_FOUND');
  });

  it('POST /budget creates the overall budget (201), then replaces it (200, same id); GET and PUT act on it', async () => {
    const { token } = await api.user();
    const created = await api.request('POST', '/budget', { token, body: MONTHLY });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^bud_/),
      name: 'Everything',
      amountMinor: 10000,
      amount: '100.00',
      currency: 'USD',
      categoryIds: [],
      period: { unit: 'month', every: 1, anchor: '2026-01-01' },
      rollover: 'none',
      startsOn: '2026-09-01',
      endsOn: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // A new budget gets spent rules at 80 % and 100 %.
    const rules = await api.request('GET', `/alerts?budgetId=${created.body.id}`, { token });
    expect(rules.body.map((r: { thresholdPercent: number }) => r.thresholdPercent).sort()).toEqual([100, 80]);

    const replaced = await api.request('POST', '/budget', {
      token,
      body: { name: 'Monthly', amount: '250.50', rollover: 'surplus' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: created.body.id,
      name: 'Monthly',
      amountMinor: 25050,
      rollover: 'surplus',
      period: { unit: 'month', every: 1 },
    });
    expect((await api.request('GET', '/budget', { token })).body).toEqual(replaced.body);

    const put = await api.request('PUT', '/budget', {
      token,
      body: { name: 'Weekly', amountMinor: 5000, period: { unit: 'week' } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: created.body.id,
      name: 'Weekly',
      amountMinor: 5000,
      rollover: 'none',
      period: { unit: 'week', every: 1 },
    });
    expect((await api.request('GET', '/budgets', { token })).body).toEqual([put.body]);
  });

  it('POST and PUT /budget take the seed’s body, {amount} or {amount, currency}: the name defaults to "Overall" (issue #10)', async () => {
    const { token } = await api.user();
    const created = await api.request('POST', '/budget', { token, body: { amount: '100.00', currency: 'USD' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Overall',
      amountMinor: 10000,
      currency: 'USD',
      categoryIds: [],
      period: { unit: 'month', every: 1, anchor: '2026-11-01' },
      startsOn: '2026-11-01',
    });
    // It is a whole budget: the default alert rules, and a status for this month.
    const rules = await api.request('GET', `/alerts?budgetId=${created.body.id}`, { token });
    expect(rules.body.map((r: { thresholdPercent: number }) => r.thresholdPercent).sort()).toEqual([100, 80]);
    expect((await api.request('GET', '/budget/status', { token })).body).toMatchObject({
      period: { start: '2026-11-01', end: '2026-11-30' },
      limitMinor: 10000,
    });

    const named = await api.request('PUT', '/budget', { token, body: { name: 'Household', amount: '120' } });
    expect(named.body).toMatchObject({ id: created.body.id, name: 'Household', amountMinor: 12000 });
    // A replace without a name goes back to the default, like every field left out.
    const put = await api.request('PUT', '/budget', { token, body: { amount: 150 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: created.body.id, name: 'Overall', amountMinor: 15000, currency: 'USD' });
    const posted = await api.request('POST', '/budget', { token, body: { amount: '90' } });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ id: created.body.id, name: 'Overall', amountMinor: 9000 });
    expect((await api.request('GET', '/budgets', { token })).body).toHaveLength(1);

    // The name is still checked when it is given, and /budgets still needs one.
    expectProblem(
      await api.request('POST', '/budget', { token, body: { name: ' ', amount: '90' } }),
      422,
      'VALIDATION_FAILED',
    );
    const unnamed = await api.request('POST', '/budgets', { token, body: { amount: '90' } });
    expectProblem(unnamed, 422, 'VALIDATION_FAILED');
    expect(issuePaths(unnamed)).toEqual([['name']]);
  });

  it('/budget refuses categories (the overall budget covers all spending) and bad fields with 422', async () => {
    const { token } = await api.user();
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    const withCategories = await api.request('POST', '/budget', {
      token,
      body: { ...MONTHLY, categoryIds: [food.id] },
    });
    expectProblem(withCategories, 422, 'VALIDATION_FAILED');
    expect(issuePaths(withCategories)).toEqual([['categoryIds']]);
    expect((await api.request('GET', '/budgets', { token })).body).toEqual([]);
    // An empty list is all spending: allowed.
    expect((await api.request('POST', '/budget', { token, body: { ...MONTHLY, categoryIds: [] } })).status).toBe(201);
    expectProblem(
      await api.request('PUT', '/budget', { token, body: { ...MONTHLY, categoryIds: [food.id] } }),
      422,
      'VALIDATION_FAILED',
    );
    const noAmount = await api.request('POST', '/budget', { token, body: { name: 'No limit' } });
    expectProblem(noAmount, 422, 'VALIDATION_FAILED');
    expect(issuePaths(noAmount)).toContainEqual(['amount']);
    expectProblem(
      await api.request('POST', '/budget', { token, body: { ...MONTHLY, period: { unit: 'fortnight' } } }),
      422,
      'VALIDATION_FAILED',
    );
    expect((await api.request('GET', '/budget', { token })).body.categoryIds).toEqual([]);
  });

  it('GET /budget/status?date= and /budget/history?periods= give the figures of a period', async () => {
    const { token } = await api.user();
    await api.request('POST', '/budget', { token, body: MONTHLY });
    await api.request('POST', '/expenses/batch', {
      token,
      body: [
        { amount: '50', date: '2026-09-10' },
        { amount: '120', date: '2026-10-05' },
        { amount: '40', date: '2026-11-03' },
        { amount: '99', date: '2026-11-04', currency: 'EUR' },
      ],
    });
    const status = await api.request('GET', '/budget/status', { token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      period: { start: '2026-11-01', end: '2026-11-30' },
      currency: 'USD',
      limitMinor: 10000,
      availableMinor: 10000,
      spentMinor: 4000,
      remainingMinor: 6000,
      daysTotal: 30,
      state: 'ok',
    });
    const october = await api.request('GET', '/budget/status?date=2026-10-15', { token });
    expect(october.body).toMatchObject({
      period: { start: '2026-10-01', end: '2026-10-31' },
      spentMinor: 12000,
      remainingMinor: -2000,
      state: 'exceeded',
    });

    const history = await api.request('GET', '/budget/history?periods=2', { token });
    expect(history.status).toBe(200);
    expect(
      history.body.map((s: { period: { start: string }; spentMinor: number }) => [s.period.start, s.spentMinor]),
    ).toEqual([
      ['2026-09-01', 5000],
      ['2026-10-01', 12000],
    ]);
    expectProblem(await api.request('GET', '/budget/status?date=15.11.2026', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/budget/status?when=today', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/budget/history?periods=0', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/budget/history?periods=many', { token }), 422, 'VALIDATION_FAILED');
  });

  it('/budgets: POST → 201, list, GET, PUT, PATCH, status, history, DELETE → 204 and then 404', async () => {
    const { token } = await api.user();
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    const created = await api.request('POST', '/budgets', {
      token,
      body: { ...MONTHLY, name: 'Food', categoryIds: [food.id], alertRules: [] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Food', categoryIds: [food.id], amountMinor: 10000 });
    const id = created.body.id;
    expect((await api.request('GET', `/alerts?budgetId=${id}`, { token })).body).toEqual([]);
    const trip = await api.request('POST', '/budgets', {
      token,
      body: { name: 'Trip', amount: '900', period: { start: '2026-12-01', end: '2026-12-14' } },
    });
    expect(trip.status).toBe(201);
    expect(trip.body.period).toEqual({ start: '2026-12-01', end: '2026-12-14' });

    expect((await api.request('GET', '/budgets', { token })).body.map((b: { name: string }) => b.name)).toEqual([
      'Food',
      'Trip',
    ]);
    expect((await api.request('GET', `/budgets/${id}`, { token })).body).toEqual(created.body);

    const patched = await api.request('PATCH', `/budgets/${id}`, { token, body: { amount: '150' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Food',
      amountMinor: 15000,
      categoryIds: [food.id],
      startsOn: '2026-09-01',
    });
    const replaced = await api.request('PUT', `/budgets/${id}`, {
      token,
      body: { name: 'All food', amount: '200', categoryIds: [food.id] },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      name: 'All food',
      amountMinor: 20000,
      rollover: 'none',
      startsOn: '2026-11-01',
    });

    await api.request('POST', '/expenses', { token, body: { amount: '30', categoryId: food.id } });
    await api.request('POST', '/expenses', { token, body: { amount: '1000' } });
    const status = await api.request('GET', `/budgets/${id}/status`, { token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      budgetId: id,
      spentMinor: 3000,
      limitMinor: 20000,
      period: { start: '2026-11-01', end: '2026-11-30' },
    });
    expect((await api.request('GET', `/budgets/${id}/status?date=2026-12-02`, { token })).body.period).toEqual({
      start: '2026-12-01',
      end: '2026-12-31',
    });
    const history = await api.request('GET', `/budgets/${id}/history`, { token });
    expect(history.status).toBe(200);
    // The last 6 closed periods by default, oldest first.
    expect(history.body.map((s: { period: { start: string } }) => s.period.start)).toEqual([
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
    ]);

    expectProblem(
      await api.request('PATCH', `/budgets/${id}`, { token, body: { categoryIds: ['cat_unknown'] } }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.request('PUT', `/budgets/${id}`, { token, body: { name: 'x', amount: '1', alertRules: [] } }),
      422,
      'VALIDATION_FAILED',
    );

    const deleted = await api.request('DELETE', `/budgets/${id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/status'],
      ['GET', '/history'],
      ['PATCH', ''],
      ['DELETE', ''],
    ] as const) {
      expectProblem(
        await api.request(method, `/budgets/${id}${path}`, {
          token,
          body: method === 'PATCH' ? { amount: '1' } : undefined,
        }),
        404,
        'NOT_FOUND',
      );
    }
    // Its rules went with it.
    expect((await api.request('GET', `/alerts?budgetId=${id}`, { token })).body).toEqual([]);
  });
});
