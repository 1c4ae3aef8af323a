import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, issuePaths } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

describe.each(DIALECTS)('/categories over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('POST → 201 with the category; GET, PUT, PATCH answer it; DELETE → 204 and then 404', async () => {
    const { token } = await api.user();
    const created = await api.request('POST', '/categories', {
      token,
      body: { name: 'Food', color: '#22aa55', icon: 'fork' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^cat_/),
      name: 'Food',
      color: '#22AA55',
      icon: 'fork',
      parentId: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id;
    expect((await api.request('GET', `/categories/${id}`, { token })).body).toEqual(created.body);

    const patched = await api.request('PATCH', `/categories/${id}`, { token, body: { color: '#FF8800' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Food', color: '#FF8800', icon: 'fork' });
    const replaced = await api.request('PUT', `/categories/${id}`, { token, body: { name: 'Food & drink' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ name: 'Food & drink', color: null, icon: null });

    const sub = await api.request('POST', '/categories', { token, body: { name: 'Groceries', parentId: id } });
    expect(sub.status).toBe(201);
    expect(sub.body.parentId).toBe(id);
    const list = await api.request('GET', '/categories', { token });
    expect(list.status).toBe(200);
    expect(list.body.map((c: { name: string }) => c.name)).toEqual(['Food & drink', 'Groceries']);

    expect((await api.request('DELETE', `/categories/${sub.body.id}`, { token })).status).toBe(204);
    expectProblem(await api.request('GET', `/categories/${sub.body.id}`, { token }), 404, 'NOT_FOUND');
    expectProblem(
      await api.request('PUT', `/categories/${sub.body.id}`, { token, body: { name: 'Back' } }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await api.request('DELETE', `/categories/${sub.body.id}`, { token }), 404, 'NOT_FOUND');
  });

  it('a name taken in any case is a 409; a bad colour a 422 naming the field', async () => {
    const { token } = await api.user();
    expect((await api.request('POST', '/categories', { token, body: { name: 'Travel' } })).status).toBe(201);
    expectProblem(await api.request('POST', '/categories', { token, body: { name: 'TRAVEL' } }), 409, 'CONFLICT');
    const badColour = await api.request('POST', '/categories', { token, body: { name: 'Pets', color: 'red' } });
    expectProblem(badColour, 422, 'VALIDATION_FAILED');
    expect(issuePaths(badColour)).toEqual([['color']]);
    expectProblem(await api.request('POST', '/categories', { token, body: { name: '' } }), 422, 'VALIDATION_FAILED');
  });

  it('deleting a category in use is a 409 and keeps the expenses; ?reassignTo moves them, ?uncategorize clears them', async () => {
    const { token } = await api.user();
    const snacks = (await api.request('POST', '/categories', { token, body: { name: 'Snacks' } })).body;
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    const misc = (await api.request('POST', '/categories', { token, body: { name: 'Misc' } })).body;
    const chips = (await api.request('POST', '/expenses', { token, body: { amount: '2', categoryId: snacks.id } }))
      .body;
    const glue = (await api.request('POST', '/expenses', { token, body: { amount: '3', categoryId: misc.id } })).body;

    expectProblem(await api.request('DELETE', `/categories/${snacks.id}`, { token }), 409, 'CONFLICT');
    expect((await api.request('GET', `/expenses/${chips.id}`, { token })).body.categoryId).toBe(snacks.id);

    expect((await api.request('DELETE', `/categories/${snacks.id}?reassignTo=${food.id}`, { token })).status).toBe(204);
    expect((await api.request('GET', `/expenses/${chips.id}`, { token })).body.categoryId).toBe(food.id);

    // The options can come as a JSON body too.
    expect(
      (await api.request('DELETE', `/categories/${misc.id}`, { token, body: { uncategorize: true } })).status,
    ).toBe(204);
    expect((await api.request('GET', `/expenses/${glue.id}`, { token })).body.categoryId).toBeNull();
    expect((await api.request('GET', '/categories', { token })).body.map((c: { name: string }) => c.name)).toEqual([
      'Food',
    ]);
  });
});
