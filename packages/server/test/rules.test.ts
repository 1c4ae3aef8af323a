import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

describe.each(DIALECTS)('/rules over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('a rule categorises a new expense; a hand-set category survives later edits', async () => {
    const { token } = await api.user();
    const coffee = (await api.request('POST', '/categories', { token, body: { name: 'Coffee' } })).body;
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    const created = await api.request('POST', '/rules', {
      token,
      body: {
        conditions: [{ field: 'merchant', op: 'contains', value: 'starbucks' }],
        actions: [{ type: 'setCategory', categoryId: coffee.id }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^rul_/), position: 0, enabled: true });
    const latte = await api.request('POST', '/expenses', { token, body: { amount: '4.50', merchant: 'Starbucks' } });
    expect(latte.body.categoryId).toBe(coffee.id);
    const mine = await api.request('POST', '/expenses', {
      token,
      body: { amount: '4.50', merchant: 'Starbucks', categoryId: food.id },
    });
    const edited = await api.request('PATCH', `/expenses/${mine.body.id}`, { token, body: { amount: '6' } });
    expect(edited.body.categoryId).toBe(food.id);
    expect((await api.request('GET', '/rules', { token })).body).toEqual([created.body]);
  });

  it('POST /rules refuses an operator the field does not take with 422 and the rule issue code', async () => {
    const { token } = await api.user();
    const res = await api.request('POST', '/rules', {
      token,
      body: { conditions: [{ field: 'description', op: 'gt', value: 'x' }], stop: true },
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.issues).toContainEqual(
      expect.objectContaining({ path: ['conditions', 0, 'op'], code: 'operator_not_allowed' }),
    );
  });

  it('test writes nothing; apply then revert restores the categories exactly', async () => {
    const { token } = await api.user();
    const groceries = (await api.request('POST', '/categories', { token, body: { name: 'Groceries' } })).body;
    const a = (
      await api.request('POST', '/expenses', { token, body: { amount: '10', merchant: 'Aldi', date: '2026-04-01' } })
    ).body;
    const b = (
      await api.request('POST', '/expenses', { token, body: { amount: '5', merchant: 'Kiosk', date: '2026-04-02' } })
    ).body;
    const rule = (
      await api.request('POST', '/rules', {
        token,
        body: {
          enabled: false,
          conditions: [{ field: 'merchant', op: 'is', value: 'ALDI' }],
          actions: [{ type: 'setCategory', categoryId: groceries.id }],
        },
      })
    ).body;
    const feed = async () => (await api.request('GET', '/changes?after=0&limit=200', { token })).body.events.length;
    const before = await feed();
    const tested = await api.request('POST', '/rules/test', { token, body: { ruleId: rule.id, from: '2026-04-01' } });
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ examined: 2, matched: 1, wouldChange: 1 });
    expect(await feed()).toBe(before);
    expect((await api.request('GET', `/expenses/${a.id}`, { token })).body.categoryId).toBeNull();

    const run = await api.request('POST', `/rules/${rule.id}/apply`, { token, body: {} });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ ruleId: rule.id, changed: 1, expenseIds: [a.id] });
    expect((await api.request('GET', `/expenses/${a.id}`, { token })).body.categoryId).toBe(groceries.id);
    const reverted = await api.request('POST', `/rule-runs/${run.body.id}/revert`, { token });
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({ restored: [a.id], skipped: [] });
    const back = await Promise.all(
      [a, b].map(async (e) => (await api.request('GET', `/expenses/${e.id}`, { token })).body),
    );
    expect(back.map((e) => e.categoryId)).toEqual([null, null]);
    expectProblem(await api.request('POST', `/rule-runs/${run.body.id}/revert`, { token }), 409, 'CONFLICT');

    // The run can be found again: listed newest first, of its rule, and read by id, reverted.
    const listed = await api.request('GET', `/rule-runs?ruleId=${rule.id}&limit=10`, { token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([reverted.body.run]);
    expect((await api.request('GET', `/rule-runs/${run.body.id}`, { token })).body).toEqual(reverted.body.run);
    expect(reverted.body.run.revertedAt).not.toBeNull();
    expectProblem(await api.request('GET', '/rule-runs?limit=0', { token }), 422, 'VALIDATION_FAILED');
    const other = await api.user();
    expectProblem(await api.request('GET', `/rule-runs/${run.body.id}`, { token: other.token }), 404, 'NOT_FOUND');
    expect((await api.request('GET', '/rule-runs', { token: other.token })).body).toEqual([]);
  });

  it('another account’s rule is a 404; suggestions list, reorder and delete answer', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const cat = (await api.request('POST', '/categories', { token: alice.token, body: { name: 'Bakery' } })).body;
    const rule = (
      await api.request('POST', '/rules', {
        token: alice.token,
        body: {
          conditions: [{ field: 'merchant', op: 'is', value: 'x' }],
          actions: [{ type: 'setCategory', categoryId: cat.id }],
        },
      })
    ).body;
    expectProblem(await api.request('GET', `/rules/${rule.id}`, { token: bob.token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('DELETE', `/rules/${rule.id}`, { token: bob.token }), 404, 'NOT_FOUND');
    const suggestions = await api.request('GET', '/rules/suggestions', { token: alice.token });
    expect(suggestions.status).toBe(200);
    expect(suggestions.body).toEqual([]);
    const reordered = await api.request('POST', '/rules/reorder', { token: alice.token, body: { ruleIds: [rule.id] } });
    expect(reordered.status).toBe(200);
    expect((await api.request('DELETE', `/rules/${rule.id}`, { token: alice.token })).status).toBe(204);
  });
});
