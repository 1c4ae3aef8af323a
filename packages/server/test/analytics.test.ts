import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

describe.each(DIALECTS)('/analytics and /changes over HTTP on %s (today is 2026-11-15)', (dialect) => {
  let api: TestServer;
  let token: string;
  let food: { id: string };
  let fun: { id: string };
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
    ({ token } = await api.user());
    food = (await api.request('POST', '/categories', { token, body: { name: 'Food' } })).body;
    fun = (await api.request('POST', '/categories', { token, body: { name: '=Fun' } })).body;
    const batch = await api.request('POST', '/expenses/batch', {
      token,
      body: [
        { amount: '10', date: '2026-10-20', categoryId: food.id },
        {
          amount: '30',
          date: '2026-11-02',
          categoryId: food.id,
          description: 'Market, "fresh"',
          tags: ['home', 'weekly'],
        },
        {
          amount: '60',
          date: '2026-11-09',
          categoryId: fun.id,
          description: '=HYPERLINK("http://x")',
          notes: 'line one\nline two',
        },
        { amount: '5.25', date: '2026-11-10' },
        { amount: '700', date: '2026-11-11', currency: 'JPY', merchant: '+Shop' },
      ],
    });
    expect(batch.status).toBe(201);
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /analytics/summary totals a range per currency and category', async () => {
    const summary = await api.request('GET', '/analytics/summary?from=2026-11-01&to=2026-11-30', { token });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      days: 30,
      previous: { from: '2026-10-02', to: '2026-10-31' },
    });
    const usd = summary.body.currencies.find((c: { currency: string }) => c.currency === 'USD');
    expect(usd).toMatchObject({ totalMinor: 9525, total: '95.25', count: 3, previousTotalMinor: 1000 });
    expect(
      usd.byCategory.map((c: { categoryName: string | null; totalMinor: number }) => [c.categoryName, c.totalMinor]),
    ).toEqual([
      ['=Fun', 6000],
      ['Food', 3000],
      [null, 525],
    ]);
    expect(summary.body.currencies.find((c: { currency: string }) => c.currency === 'JPY')).toMatchObject({
      totalMinor: 700,
      count: 1,
    });
    // The default range is the current month.
    expect((await api.request('GET', '/analytics/summary', { token })).body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expectProblem(
      await api.request('GET', '/analytics/summary?from=2026-12-01&to=2026-11-01', { token }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await api.request('GET', '/analytics/summary?month=11', { token }), 422, 'VALIDATION_FAILED');
  });

  it('GET /analytics/monthly and /analytics/weekly bucket spending, empty buckets included', async () => {
    const monthly = await api.request('GET', '/analytics/monthly?fromMonth=2026-09&toMonth=2026-11', { token });
    expect(monthly.status).toBe(200);
    const usd = (month: { currencies: { currency: string; totalMinor: number }[] }) =>
      month.currencies.find((c) => c.currency === 'USD')?.totalMinor ?? 0;
    expect(monthly.body.months.map((m: { month: string }) => [m.month, usd(m as never)])).toEqual([
      ['2026-09', 0],
      ['2026-10', 1000],
      ['2026-11', 9525],
    ]);
    expectProblem(
      await api.request('GET', '/analytics/monthly?fromMonth=2026-13', { token }),
      422,
      'VALIDATION_FAILED',
    );

    const weekly = await api.request('GET', '/analytics/weekly?from=2026-11-02&to=2026-11-15', { token });
    expect(weekly.status).toBe(200);
    expect(weekly.body.weekStartsOn).toBe(1);
    expect(weekly.body.weeks.map((w: { start: string }) => [w.start, usd(w as never)])).toEqual([
      ['2026-11-02', 3000],
      ['2026-11-09', 6525],
    ]);
  });

  it('GET /analytics/monthly takes from/to like every analytics route: months or dates, the seed’s clients’ way (issue #10)', async () => {
    const usd = (month: { currencies: { currency: string; totalMinor: number }[] }) =>
      month.currencies.find((c) => c.currency === 'USD')?.totalMinor ?? 0;
    const byMonth = (body: { months: { month: string; currencies: { currency: string; totalMinor: number }[] }[] }) =>
      body.months.map((m) => [m.month, usd(m)]);
    const months = await api.request('GET', '/analytics/monthly?from=2025-12&to=2026-11', { token });
    expect(months.status).toBe(200);
    expect(months.body).toMatchObject({ fromMonth: '2025-12', toMonth: '2026-11' });
    expect(byMonth(months.body)).toHaveLength(12);
    const dates = await api.request('GET', '/analytics/monthly?from=2026-09-15&to=2026-11-01', { token });
    expect(dates.status).toBe(200);
    expect(byMonth(dates.body)).toEqual([
      ['2026-09', 0],
      ['2026-10', 1000],
      ['2026-11', 9525],
    ]);
    // The older form answers the same.
    expect((await api.request('GET', '/analytics/monthly?fromMonth=2026-09&toMonth=2026-11', { token })).body).toEqual(
      dates.body,
    );
    const both = expectProblem(
      await api.request('GET', '/analytics/monthly?from=2026-09&fromMonth=2026-09', { token }),
      422,
      'VALIDATION_FAILED',
    );
    expect(both.issues).toEqual([
      expect.objectContaining({ path: ['fromMonth'], message: expect.stringMatching(/not both/) }),
    ]);
    expectProblem(
      await api.request('GET', '/analytics/monthly?from=2026-11&to=2026-09-30', { token }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await api.request('GET', '/analytics/monthly?from=2026-02-30', { token }), 422, 'VALIDATION_FAILED');
  });

  it('GET /analytics/trends gives a zero-filled series; the query string picks granularity, range and category', async () => {
    const trends = await api.request(
      'GET',
      `/analytics/trends?granularity=day&from=2026-11-01&to=2026-11-10&categoryId=${food.id}&window=2`,
      { token },
    );
    expect(trends.status).toBe(200);
    expect(trends.body).toMatchObject({ granularity: 'day', currency: 'USD', categoryId: food.id, window: 2 });
    expect(trends.body.points).toHaveLength(10);
    expect(trends.body.points[1]).toMatchObject({ start: '2026-11-02', totalMinor: 3000, count: 1 });
    expect(trends.body.points.filter((p: { totalMinor: number }) => p.totalMinor > 0)).toHaveLength(1);
    expectProblem(await api.request('GET', '/analytics/trends?granularity=hour', { token }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/analytics/trends?window=0', { token }), 422, 'VALIDATION_FAILED');
  });

  it('GET /analytics/export streams CSV as a download: header row, decimal amounts, quoted and neutralised cells', async () => {
    const response = await fetch(`${api.url}/analytics/export?format=csv&currency=USD`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    // Named by the owner's date on the server's clock (15 November, noon UTC), not the machine's.
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="expenses-2026-11-15.csv"');
    const text = await response.text();
    expect(
      text.startsWith(
        'id,date,amount,currency,category,categoryId,description,merchant,tags,notes,createdAt,updatedAt,kind\r\n',
      ),
    ).toBe(true);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows.map((r) => [r.date, r.amount, r.currency, r.category])).toEqual([
      ['2026-10-20', '10.00', 'USD', 'Food'],
      ['2026-11-02', '30.00', 'USD', 'Food'],
      ['2026-11-09', '60.00', 'USD', "'=Fun"],
      ['2026-11-10', '5.25', 'USD', ''],
    ]);
    expect(rows[1]).toMatchObject({ description: 'Market, "fresh"', tags: 'home; weekly', categoryId: food.id });
    expect(rows[2]).toMatchObject({ description: `'=HYPERLINK("http://x")`, notes: 'line one\nline two' });
  });

  it('export filters come from the query string (repeated categoryId too); the format picks JSON or NDJSON', async () => {
    const csv = await api.request(
      'GET',
      `/analytics/export?categoryId=${food.id}&categoryId=${fun.id}&from=2026-11-01`,
      { token },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(parse<Record<string, string>>(csv.body, { columns: true }).map((r) => r.amount)).toEqual(['30.00', '60.00']);

    const json = await api.request('GET', '/analytics/export?format=json&currency=JPY', { token });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.headers.get('content-disposition')).toMatch(
      /^attachment; filename="expenses-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(json.body).toEqual([
      expect.objectContaining({ amountMinor: 700, amount: '700', currency: 'JPY', merchant: '+Shop' }),
    ]);

    const ndjson = await fetch(`${api.url}/analytics/export?format=ndjson&to=2026-11-02`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers.get('content-disposition')).toMatch(/filename="expenses-\d{4}-\d{2}-\d{2}\.ndjson"$/);
    const lines = (await ndjson.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((e) => e.date)).toEqual(['2026-10-20', '2026-11-02']);

    const empty = await api.request('GET', '/analytics/export?format=json&from=2030-01-01', { token });
    expect(empty.body).toEqual([]);
  });

  it('an export larger than one read batch streams every row once, oldest first', async () => {
    const { token: own } = await api.user();
    for (let b = 0; b < 3; b += 1) {
      const items = Array.from({ length: 800 }, (_, i) => ({
        amountMinor: b * 1000 + i + 1,
        date: `2026-0${1 + b}-${String(1 + (i % 28)).padStart(2, '0')}`,
      }));
      expect((await api.request('POST', '/expenses/batch', { token: own, body: items })).status).toBe(201);
    }
    const response = await api.request('GET', '/analytics/export', { token: own });
    expect(response.status).toBe(200);
    const rows = parse<Record<string, string>>(response.body, { columns: true });
    expect(rows).toHaveLength(2400);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2400);
    const dates = rows.map((r) => r.date!);
    expect(dates).toEqual([...dates].sort());
  });

  it('a bad export query is a 422 problem+json, not a broken download', async () => {
    for (const query of [
      'format=xlsx',
      'from=2026-12-01&to=2026-11-01',
      'minAmount=abc',
      'limit=5',
      'format=csv&format=json',
    ]) {
      const response = await api.request('GET', `/analytics/export?${query}`, { token });
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.headers.get('content-disposition')).toBeNull();
    }
    expectProblem(await api.request('GET', '/analytics/export'), 401, 'UNAUTHORIZED');
  });

  it('GET /changes reads the feed after a seq, with lastSeq; limit pages it', async () => {
    const { token: own, id: ownId } = await api.user();
    expect((await api.request('GET', '/changes', { token: own })).body).toEqual({ events: [], lastSeq: 0 });
    const category = (await api.request('POST', '/categories', { token: own, body: { name: 'Books' } })).body;
    const expense = (
      await api.request('POST', '/expenses', { token: own, body: { amount: '4', categoryId: category.id } })
    ).body;
    await api.request('DELETE', `/expenses/${expense.id}`, { token: own });
    const feed = await api.request('GET', '/changes', { token: own });
    expect(feed.status).toBe(200);
    expect(feed.body.events.map((e: { type: string }) => e.type)).toEqual([
      'category.created',
      'expense.created',
      'expense.deleted',
    ]);
    expect(feed.body.events[1]).toMatchObject({
      seq: expect.any(Number),
      ownerId: ownId,
      type: 'expense.created',
      at: expect.any(String),
      data: { expense: { id: expense.id } },
    });
    const seqs = feed.body.events.map((e: { seq: number }) => e.seq);
    expect(feed.body.lastSeq).toBe(seqs[2]);

    const page = await api.request('GET', `/changes?after=${seqs[0]}&limit=1`, { token: own });
    expect(page.body.events.map((e: { seq: number }) => e.seq)).toEqual([seqs[1]]);
    expect(page.body.lastSeq).toBe(seqs[2]);
    expect((await api.request('GET', `/changes?after=${seqs[2]}`, { token: own })).body.events).toEqual([]);
    expectProblem(await api.request('GET', '/changes?after=-1', { token: own }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.request('GET', '/changes?limit=201', { token: own }), 422, 'VALIDATION_FAILED');
    // Another user's feed holds none of these.
    const theirs = (await api.request('GET', '/changes', { token })).body.events;
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((e: { ownerId: string }) => e.ownerId === ownId)).toEqual([]);
    expect(JSON.stringify(theirs)).not.toContain(expense.id);
  });
});
