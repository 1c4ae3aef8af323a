import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, issuePaths, NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

describe.each(DIALECTS)('/expenses over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('POST → 201 with the expense; GET, PUT, PATCH answer it; DELETE → 204 and then 404', async () => {
    const { token } = await api.user();
    const created = await api.request('POST', '/expenses', {
      token,
      body: { amount: '12.50', description: 'Lunch', tags: ['work'], notes: 'with Sam' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^exp_/),
      amountMinor: 1250,
      amount: '12.50',
      kind: 'expense',
      currency: 'USD',
      date: '2026-11-15',
      categoryId: null,
      description: 'Lunch',
      merchant: null,
      tags: ['work'],
      notes: 'with Sam',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      source: { kind: 'api' },
      categorySource: null,
      ruleId: null,
      externalId: null,
      sourceAccount: null,
      fingerprint: null,
    });
    const id = created.body.id;
    expect((await api.request('GET', `/expenses/${id}`, { token })).body).toEqual(created.body);

    // PATCH changes the given fields only; null clears one.
    const patched = await api.request('PATCH', `/expenses/${id}`, { token, body: { amountMinor: 1300, notes: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      amountMinor: 1300,
      amount: '13.00',
      description: 'Lunch',
      tags: ['work'],
      notes: null,
    });

    // PUT replaces: optional fields left out are cleared.
    const replaced = await api.request('PUT', `/expenses/${id}`, { token, body: { amount: 9, merchant: 'Cafe' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      amountMinor: 900,
      merchant: 'Cafe',
      description: null,
      tags: [],
      date: '2026-11-15',
    });

    const listed = await api.request('GET', '/expenses', { token });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [replaced.body], nextCursor: null });

    const deleted = await api.request('DELETE', `/expenses/${id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expectProblem(await api.request('GET', `/expenses/${id}`, { token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('DELETE', `/expenses/${id}`, { token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('PATCH', `/expenses/${id}`, { token, body: { amount: '1' } }), 404, 'NOT_FOUND');
  });

  it('a refund is POSTed with kind, listed with ?kind=refund, and a PATCH of kind moves it back; another kind is a 422', async () => {
    const { token } = await api.user();
    const shoes = await api.request('POST', '/expenses', { token, body: { amount: '80.00', date: '2026-11-02' } });
    const back = await api.request('POST', '/expenses', {
      token,
      body: { amount: '80.00', date: '2026-11-05', kind: 'refund' },
    });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ kind: 'refund', amountMinor: 8000 });
    const ids = async (query: string) =>
      ((await api.request('GET', `/expenses${query}`, { token })).body as { items: { id: string }[] }).items.map(
        (e) => e.id,
      );
    expect(await ids('?kind=refund')).toEqual([back.body.id]);
    expect(await ids('?kind=expense')).toEqual([shoes.body.id]);
    expect(await ids('')).toEqual([back.body.id, shoes.body.id]);
    const summary = await api.request('GET', '/analytics/summary?from=2026-11-01&to=2026-11-30', { token });
    expect(summary.body.currencies[0]).toMatchObject({ totalMinor: 0, count: 1, refundCount: 1, refunded: '80.00' });
    const patched = await api.request('PATCH', `/expenses/${back.body.id}`, { token, body: { kind: 'expense' } });
    expect(patched.body).toMatchObject({ kind: 'expense' });
    expect(await ids('?kind=refund')).toEqual([]);
    const bad = await api.request('GET', '/expenses?kind=credit', { token });
    expectProblem(bad, 422, 'VALIDATION_FAILED');
    expect(issuePaths(bad)).toContainEqual(['kind']);
    expectProblem(
      await api.request('POST', '/expenses', { token, body: { amount: '1', kind: 'salary' } }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('bad input is a 422 naming the field, and nothing is stored', async () => {
    const { token } = await api.user();
    const decimals = await api.request('POST', '/expenses', { token, body: { amount: '12.345' } });
    expectProblem(decimals, 422, 'VALIDATION_FAILED');
    expect(issuePaths(decimals)).toContainEqual(['amount']);
    const unknownField = await api.request('POST', '/expenses', { token, body: { amount: '1', colour: 'red' } });
    expectProblem(unknownField, 422, 'VALIDATION_FAILED');
    const unknownCategory = await api.request('POST', '/expenses', {
      token,
      body: { amount: '1', categoryId: 'cat_nope' },
    });
    expectProblem(unknownCategory, 422, 'VALIDATION_FAILED');
    expect(issuePaths(unknownCategory)).toContainEqual(['categoryId']);
    expect((await api.request('GET', '/expenses', { token })).body.items).toEqual([]);
  });

  it('GET /expenses filters by the query string: range, repeated categoryId, none, tag, q, amounts, currency', async () => {
    const { token } = await api.user();
    const food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    const fun = (await api.request('POST', '/categories', { token, body: { name: 'Fun' } })).body;
    const rent = (await api.request('POST', '/categories', { token, body: { name: 'Rent' } })).body;
    const batch = await api.request('POST', '/expenses/batch', {
      token,
      body: [
        { amount: '5', date: '2026-11-01', categoryId: food.id, description: 'Bread 100%', tags: ['home'] },
        { amount: '20', date: '2026-11-05', categoryId: fun.id, merchant: 'Cinema' },
        { amount: '800', date: '2026-11-02', categoryId: rent.id },
        { amount: '7', date: '2026-10-30', notes: 'bus ticket', tags: ['travel'] },
        { amount: '30', date: '2026-11-03', currency: 'EUR', description: 'Books' },
      ],
    });
    expect(batch.status).toBe(201);
    const amounts = async (query: string) => {
      const page = await api.request('GET', `/expenses?${query}`, { token });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      return page.body.items.map((e: { amount: string }) => e.amount);
    };
    expect(await amounts('from=2026-11-01&to=2026-11-02')).toEqual(['800.00', '5.00']);
    expect(await amounts(`categoryId=${food.id}&categoryId=${fun.id}`)).toEqual(['20.00', '5.00']);
    expect(await amounts(`categoryId=${rent.id}`)).toEqual(['800.00']);
    expect(await amounts('categoryId=none')).toEqual(['30.00', '7.00']);
    expect(await amounts('tag=travel&tag=home')).toEqual(['5.00', '7.00']);
    expect(await amounts('q=cinema')).toEqual(['20.00']);
    expect(await amounts('q=100%25')).toEqual(['5.00']);
    expect(await amounts('q=BUS')).toEqual(['7.00']);
    expect(await amounts('minAmount=7&maxAmount=20')).toEqual(['20.00', '7.00']);
    expect(await amounts('currency=EUR')).toEqual(['30.00']);
    expect(await amounts('sort=amount&order=asc')).toEqual(['5.00', '7.00', '20.00', '30.00', '800.00']);
    expectProblem(
      await api.request('GET', '/expenses?from=2026-12-01&to=2026-11-01', { token }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await api.request('GET', '/expenses?limit=0', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/expenses?limit=ten', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/expenses?sort=price', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/expenses?cursor=garbage', { token }), 422, 'VALIDATION_FAILED');
  });

  it('pages with limit and nextCursor through the query string, each expense once', async () => {
    const { token } = await api.user();
    const items = Array.from({ length: 7 }, (_, i) => ({ amountMinor: 100 + i, date: `2026-11-0${1 + (i % 3)}` }));
    expect((await api.request('POST', '/expenses/batch', { token, body: { items } })).status).toBe(201);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=3&cursor=${encodeURIComponent(cursor)}` : 'limit=3';
      const page = await api.request('GET', `/expenses?${query}`, { token });
      expect(page.status).toBe(200);
      sizes.push(page.body.items.length);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(7);
    const all = (await api.request('GET', '/expenses?limit=200', { token })).body.items.map(
      (e: { id: string }) => e.id,
    );
    expect(seen).toEqual(all);
  });

  it('POST /expenses/batch takes an array or { items }: 201 with every expense', async () => {
    const { token } = await api.user();
    const asArray = await api.request('POST', '/expenses/batch', {
      token,
      body: [{ amount: '1.10' }, { amount: '220', currency: 'JPY' }],
    });
    expect(asArray.status).toBe(201);
    expect(asArray.body.items).toHaveLength(2);
    expect(asArray.body.items[0]).toMatchObject({
      id: expect.stringMatching(/^exp_/),
      amountMinor: 110,
      amount: '1.10',
      currency: 'USD',
    });
    expect(asArray.body.items[1]).toMatchObject({ amountMinor: 220, amount: '220', currency: 'JPY' });
    const asObject = await api.request('POST', '/expenses/batch', { token, body: { items: [{ amount: '3' }] } });
    expect(asObject.status).toBe(201);
    expect(asObject.body.items).toHaveLength(1);
    expect((await api.request('GET', '/expenses', { token })).body.items).toHaveLength(3);
  });

  it('a batch is all-or-nothing: one bad item is a 422 naming [index, field], and none is stored', async () => {
    const { token } = await api.user();
    const bad = await api.request('POST', '/expenses/batch', {
      token,
      body: { items: [{ amount: '1' }, { amount: '2' }, { amount: '-3' }, { amount: '4', date: 'soon' }] },
    });
    expectProblem(bad, 422, 'VALIDATION_FAILED');
    expect(issuePaths(bad)).toContainEqual([3, 'date']);
    expect((await api.request('GET', '/expenses', { token })).body.items).toEqual([]);
    expectProblem(await api.request('POST', '/expenses/batch', { token, body: [] }), 422, 'VALIDATION_FAILED');
    expectProblem(
      await api.request('POST', '/expenses/batch', { token, body: { nothing: true } }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('Idempotency-Key on POST /expenses replays the first answer and stores one expense', async () => {
    const { token } = await api.user();
    const headers = { 'idempotency-key': 'lunch-2026-11-15' };
    const first = await api.request('POST', '/expenses', {
      token,
      headers,
      body: { amount: '8.40', description: 'Lunch' },
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await api.request('POST', '/expenses', {
      token,
      headers,
      body: { amount: '8.40', description: 'Lunch' },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(again.body).toEqual(first.body);
    expect((await api.request('GET', '/expenses', { token })).body.items).toHaveLength(1);

    const reused = await api.request('POST', '/expenses', {
      token,
      headers,
      body: { amount: '9.00', description: 'Lunch' },
    });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await api.request('GET', '/expenses', { token })).body.items).toHaveLength(1);

    // Keys are per account: another user's same key is a new request.
    const other = await api.user();
    const theirs = await api.request('POST', '/expenses', {
      token: other.token,
      headers,
      body: { amount: '8.40', description: 'Lunch' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('a failed request with an Idempotency-Key is not stored: the key can be retried with a fixed body', async () => {
    const { token } = await api.user();
    const headers = { 'idempotency-key': 'retry-me' };
    expectProblem(
      await api.request('POST', '/expenses', { token, headers, body: { amount: 'abc' } }),
      422,
      'VALIDATION_FAILED',
    );
    const fixed = await api.request('POST', '/expenses', { token, headers, body: { amount: '3' } });
    expect(fixed.status).toBe(201);
  });
});
