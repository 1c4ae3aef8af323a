import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, issuePaths, NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const OVERALL = { name: 'Everything', amount: '100', alertRules: [] };

describe.each(DIALECTS)('/alert, /alerts and /notifications over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('/alerts: POST → 201 with the rule, GET by id and by ?budgetId=, PUT and PATCH change it, DELETE → 204 then 404', async () => {
    const { token } = await api.user();
    const budget = (await api.request('POST', '/budgets', { token, body: OVERALL })).body;
    const other = (await api.request('POST', '/budgets', { token, body: { ...OVERALL, name: 'Other' } })).body;
    const created = await api.request('POST', '/alerts', {
      token,
      body: { budgetId: budget.id, thresholdPercent: 50 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^rule_/),
      budgetId: budget.id,
      thresholdPercent: 50,
      kind: 'spent',
      active: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id;
    const forecast = await api.request('POST', '/alerts', {
      token,
      body: { budgetId: other.id, thresholdPercent: 110, kind: 'forecast', active: false },
    });
    expect(forecast.body).toMatchObject({ budgetId: other.id, kind: 'forecast', active: false });

    expect((await api.request('GET', `/alerts/${id}`, { token })).body).toEqual(created.body);
    expect((await api.request('GET', '/alerts', { token })).body).toHaveLength(2);
    expect((await api.request('GET', `/alerts?budgetId=${budget.id}`, { token })).body).toEqual([created.body]);
    expect((await api.request('GET', '/alerts?budgetId=bud_unknown', { token })).body).toEqual([]);
    expectProblem(
      await api.request('GET', `/alerts?budgetId=${budget.id}&budgetId=${other.id}`, { token }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await api.request('GET', '/alerts?active=true', { token }), 422, 'VALIDATION_FAILED');

    const put = await api.request('PUT', `/alerts/${id}`, { token, body: { thresholdPercent: 75 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, thresholdPercent: 75, kind: 'spent', active: true });
    const patched = await api.request('PATCH', `/alerts/${id}`, { token, body: { active: false, kind: 'forecast' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, thresholdPercent: 75, kind: 'forecast', active: false });

    expect((await api.request('DELETE', `/alerts/${id}`, { token })).status).toBe(204);
    expectProblem(await api.request('GET', `/alerts/${id}`, { token }), 404, 'NOT_FOUND');
    expectProblem(
      await api.request('PUT', `/alerts/${id}`, { token, body: { thresholdPercent: 10 } }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await api.request('DELETE', `/alerts/${id}`, { token }), 404, 'NOT_FOUND');
  });

  it('/alerts refuses a missing or unknown budget and a threshold outside 1–1000 with 422', async () => {
    const { token } = await api.user();
    const budget = (await api.request('POST', '/budget', { token, body: OVERALL })).body;
    const missing = await api.request('POST', '/alerts', { token, body: { thresholdPercent: 50 } });
    expectProblem(missing, 422, 'VALIDATION_FAILED');
    expect(issuePaths(missing)).toContainEqual(['budgetId']);
    const unknown = await api.request('POST', '/alerts', {
      token,
      body: { budgetId: 'bud_nope', thresholdPercent: 50 },
    });
    expect(issuePaths(unknown)).toContainEqual(['budgetId']);
    for (const thresholdPercent of [0, 1001, 12.5, '50']) {
      const bad = await api.request('POST', '/alerts', { token, body: { budgetId: budget.id, thresholdPercent } });
      expectProblem(bad, 422, 'VALIDATION_FAILED');
      expect(issuePaths(bad)).toContainEqual(['thresholdPercent']);
    }
    expectProblem(
      await api.request('PATCH', `/alerts/${budget.id}`, { token, body: { kind: 'loud' } }),
      422,
      'VALIDATION_FAILED',
    );
    expect((await api.request('GET', '/alerts', { token })).body).toEqual([]);
  });

  it('/alert (the seed’s paths): the same rules; a rule without budgetId goes on the overall budget', async () => {
    const { token } = await api.user();
    const noBudget = await api.request('POST', '/alert', { token, body: { thresholdPercent: 90 } });
    expectProblem(noBudget, 422, 'VALIDATION_FAILED');
    expect(issuePaths(noBudget)).toEqual([['budgetId']]);

    const overall = (await api.request('POST', '/budget', { token, body: OVERALL })).body;
    const created = await api.request('POST', '/alert', { token, body: { thresholdPercent: 90 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ budgetId: overall.id, thresholdPercent: 90, kind: 'spent', active: true });
    const id = created.body.id;
    // Both mounts show the same rules.
    expect((await api.request('GET', '/alert', { token })).body).toEqual([created.body]);
    expect((await api.request('GET', `/alerts/${id}`, { token })).body).toEqual(created.body);
    expect((await api.request('GET', `/alert?budgetId=${overall.id}`, { token })).body).toEqual([created.body]);

    const put = await api.request('PUT', `/alert/${id}`, { token, body: { thresholdPercent: 95 } });
    expect(put.status).toBe(200);
    expect(put.body.thresholdPercent).toBe(95);
    expect((await api.request('PATCH', `/alert/${id}`, { token, body: { active: false } })).body).toMatchObject({
      thresholdPercent: 95,
      active: false,
    });
    expect((await api.request('GET', `/alert/${id}`, { token })).body).toMatchObject({
      thresholdPercent: 95,
      active: false,
    });
    expect((await api.request('DELETE', `/alert/${id}`, { token })).status).toBe(204);
    expectProblem(await api.request('DELETE', `/alert/${id}`, { token }), 404, 'NOT_FOUND');
    expect((await api.request('GET', '/alerts', { token })).body).toEqual([]);
  });

  it('spending past a threshold stores a notification; GET /notifications filters, pages, and POST …/read marks it once', async () => {
    const { token } = await api.user();
    const budget = (await api.request('POST', '/budget', { token, body: { name: 'Everything', amount: '100' } })).body;
    const trip = (
      await api.request('POST', '/budgets', {
        token,
        body: {
          name: 'Trip',
          amount: '10',
          period: { start: '2026-11-10', end: '2026-11-20' },
          alertRules: [{ thresholdPercent: 50 }],
        },
      })
    ).body;
    expect((await api.request('GET', '/notifications', { token })).body).toEqual([]);

    await api.request('POST', '/expenses', { token, body: { amount: '85', date: '2026-11-14' } });
    const afterFirst = await api.request('GET', '/notifications', { token });
    expect(afterFirst.status).toBe(200);
    // 80 % of the overall budget, and the trip budget's 50 %.
    expect(afterFirst.body).toHaveLength(2);
    const eighty = afterFirst.body.find((n: { budgetId: string }) => n.budgetId === budget.id);
    expect(eighty).toEqual({
      id: expect.stringMatching(/^ntf_/),
      budgetId: budget.id,
      ruleId: expect.stringMatching(/^rule_/),
      kind: 'spent',
      period: { start: '2026-11-01', end: '2026-11-30' },
      thresholdPercent: 80,
      currency: 'USD',
      spentMinor: 8500,
      availableMinor: 10000,
      projectedSpendMinor: expect.any(Number),
      message: expect.stringContaining('80 %'),
      createdAt: expect.any(String),
      readAt: null,
    });
    // Each (rule, period) fires once: more spending fires only the 100 % rule.
    await api.request('POST', '/expenses', { token, body: { amount: '1' } });
    await api.request('POST', '/expenses', { token, body: { amount: '20' } });
    const all = (await api.request('GET', '/notifications', { token })).body;
    expect(all.map((n: { thresholdPercent: number }) => n.thresholdPercent).sort()).toEqual([100, 50, 80]);

    const read = await api.request('POST', `/notifications/${eighty.id}/read`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: eighty.id, readAt: expect.any(String) });
    const again = await api.request('POST', `/notifications/${eighty.id}/read`, { token });
    expect(again.body.readAt).toBe(read.body.readAt);

    const ids = (query: string) =>
      api.request('GET', `/notifications?${query}`, { token }).then((r) => r.body.map((n: { id: string }) => n.id));
    expect(await ids('unread=false')).toEqual([eighty.id]);
    expect(await ids('unread=true')).toEqual(
      all.map((n: { id: string }) => n.id).filter((id: string) => id !== eighty.id),
    );
    expect(await ids(`budgetId=${trip.id}`)).toEqual([
      all.find((n: { budgetId: string }) => n.budgetId === trip.id).id,
    ]);
    const first = await ids('limit=1');
    expect(first).toEqual([all[0].id]);
    expect(await ids(`limit=2&before=${first[0]}`)).toEqual([all[1].id, all[2].id]);
    expectProblem(await api.request('GET', '/notifications?unread=yes', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/notifications?limit=0', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('POST', '/notifications/ntf_nope/read', { token }), 404, 'NOT_FOUND');
  });
});
