import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Schema-valid extremes over HTTP (issue 11, finding 7): each was a 500, or stored something
 * other than what was answered, on both engines. Core's conformance suites ('sums within
 * 2^53−1', 'dates within 1900-01-01..9999-12-31', 'text') test the rules themselves; these
 * replay the attacks on the wire.
 */
describe.each(DIALECTS)('extremes on %s', (dialect) => {
  let api: TestServer;
  let token: string;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
    ({ token } = await api.user());
  });
  afterAll(async () => {
    await api.close();
  });

  it('amounts that are valid alone but sum past 2^53−1: the write that would pass it is a 422, and status and analytics keep answering', async () => {
    const budget = await api.request('POST', '/budget', { token, body: { name: 'Everything', amount: '100' } });
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    expect(
      (await api.request('POST', '/expenses', { token, body: { amountMinor: MAX - 1, date: '2026-11-10' } })).status,
    ).toBe(201);
    const refused = expectProblem(
      await api.request('POST', '/expenses', { token, body: { amountMinor: MAX, date: '2026-11-11' } }),
      422,
      'VALIDATION_FAILED',
    );
    expect(refused.issues).toEqual([expect.objectContaining({ path: ['amount'], code: 'total_out_of_range' })]);
    expectProblem(
      await api.request('POST', '/expenses/batch', { token, body: [{ amountMinor: 1 }, { amountMinor: 1 }] }),
      422,
      'VALIDATION_FAILED',
    );
    expect(
      (await api.request('POST', '/expenses', { token, body: { amountMinor: 1, date: '2026-11-12' } })).status,
    ).toBe(201);
    for (const path of [
      '/budget/status',
      '/budget/history',
      '/analytics/summary',
      '/analytics/monthly',
      '/analytics/weekly',
      '/analytics/trends',
    ]) {
      const answer = await api.request('GET', path, { token });
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    expect((await api.request('GET', '/budget/status', { token })).body).toMatchObject({
      spentMinor: MAX,
      limitMinor: 10000,
      state: 'exceeded',
    });
    expect((await api.request('GET', '/analytics/summary', { token })).body.currencies[0]).toMatchObject({
      totalMinor: MAX,
      total: '90071992547409.91',
    });
  });

  it('periods anchored on 9999-12-31 with every = 366: status and history answer, clipped to the range; dates past it are a 422', async () => {
    const created = await api.request('POST', '/budgets', {
      token,
      body: { name: 'Eons', amount: '1', period: { unit: 'year', every: 366, anchor: '9999-12-31' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const atEnd = await api.request('GET', `/budgets/${id}/status?date=9999-12-31`, { token });
    expect(atEnd.status, JSON.stringify(atEnd.body)).toBe(200);
    expect(atEnd.body.period).toEqual({ start: '9999-12-31', end: '9999-12-31' });
    const history = await api.request('GET', `/budgets/${id}/history?periods=120`, { token });
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body.map((h: { period: unknown }) => h.period)).toEqual([
      { start: '1900-01-01', end: '1947-12-30' },
    ]);
    expect(
      (await api.request('GET', '/analytics/weekly?from=9999-12-20&to=9999-12-31', { token })).body.weeks.at(-1),
    ).toMatchObject({ start: '9999-12-27', end: '9999-12-31' });
    expectProblem(
      await api.request('POST', '/expenses', { token, body: { amount: '1', date: '1899-12-31' } }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await api.request('GET', '/expenses?from=0001-01-01', { token }), 422, 'VALIDATION_FAILED');
  });

  it('a lone surrogate in a JSON string is a 422 naming the field; emoji come back the same in the 201, a GET and the change feed', async () => {
    const { token: own } = await api.user();
    const headers = { 'content-type': 'application/json' };
    // Written as JSON escapes: JSON.stringify would escape a lone surrogate the same way.
    const lone = await api.request('POST', '/expenses', {
      token: own,
      body: '{"amount":"1.00","description":"caf\\ud800e"}',
      headers,
    });
    expect(expectProblem(lone, 422, 'VALIDATION_FAILED').issues.map((i: { path: unknown }) => i.path)).toEqual([
      ['description'],
    ]);
    expectProblem(
      await api.request('POST', '/categories', { token: own, body: '{"name":"\\udc00"}', headers }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await api.request('POST', '/auth/register', {
        body: '{"username":"surrogate","password":"correct horse \\ud83c battery"}',
        headers,
      }),
      422,
      'VALIDATION_FAILED',
    );
    const emoji = await api.request('POST', '/expenses', {
      token: own,
      body: { amount: '4.20', description: 'Cake 🍰', merchant: '𝒞afé', tags: ['☕', '🍵'] },
    });
    expect(emoji.status).toBe(201);
    expect(emoji.body).toMatchObject({ description: 'Cake 🍰', merchant: '𝒞afé', tags: ['☕', '🍵'] });
    expect((await api.request('GET', `/expenses/${emoji.body.id}`, { token: own })).body).toEqual(emoji.body);
    const feed = await api.request('GET', '/changes?after=0', { token: own });
    expect(feed.body.events.map((e: { data: { expense: unknown } }) => e.data.expense)).toEqual([emoji.body]);
  });
});
