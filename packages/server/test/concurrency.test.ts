import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOV_15 } from './support/problems.js';
import { startServer, type TestServer } from './support/server.js';

/**
 * Many writers for one user at once, over HTTP on PostgreSQL (issue 7, part 4): creates,
 * updates that move expenses between two category budgets, and deletes, all in flight
 * together and crossing alert thresholds. Afterwards: exactly one notification per (rule,
 * period), every budget's spent equal to the sum of the expenses that remain, and a change
 * feed without gaps. Then the same with every POST sent 2–3 times with one Idempotency-Key.
 */

type Api = TestServer['request'];
type Answer = Awaited<ReturnType<Api>>;

let api: TestServer;
beforeAll(async () => {
  api = await startServer('postgres', { clock: NOV_15 });
});
afterAll(async () => {
  await api?.close();
});

interface Setup {
  token: string;
  food: { id: string };
  fun: { id: string };
  budgets: { food: string; fun: string; overall: string };
  moved: string[];
  doomed: string[];
}

/**
 * Categories Food and Fun with a budget of 50 each, an overall budget of 150 (each with the
 * default rules at 80 % and 100 %), 15 Food expenses of 2.00 (30, 60 %) to move to Fun and
 * 10 Fun expenses of 1.00 (10, 20 %) to delete. Nothing has crossed a threshold yet.
 */
async function setup(): Promise<Setup> {
  const { token } = await api.user();
  const post = async (path: string, body: unknown) => {
    const answer = await api.request('POST', path, { token, body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body;
  };
  const food = await post('/categories', { name: 'Food' });
  const fun = await post('/categories', { name: 'Fun' });
  const monthly = { period: { unit: 'month', anchor: '2026-01-01' } };
  const budgets = {
    food: (await post('/budgets', { name: 'Food', amount: '50', categoryIds: [food.id], ...monthly })).id,
    fun: (await post('/budgets', { name: 'Fun', amount: '50', categoryIds: [fun.id], ...monthly })).id,
    overall: (await post('/budget', { name: 'Everything', amount: '150', ...monthly })).id,
  };
  const moved = (
    await post(
      '/expenses/batch',
      Array.from({ length: 15 }, (_, i) => ({ amount: '2.00', categoryId: food.id, description: `move ${i}` })),
    )
  ).items.map((e: { id: string }) => e.id);
  const doomed = (
    await post(
      '/expenses/batch',
      Array.from({ length: 10 }, (_, i) => ({ amount: '1.00', categoryId: fun.id, description: `delete ${i}` })),
    )
  ).items.map((e: { id: string }) => e.id);
  expect((await api.request('GET', '/notifications', { token })).body).toEqual([]);
  return { token, food, fun, budgets, moved, doomed };
}

/** 40 creates of 3.01…3.20, half Food, half Fun: 62.10 into each. */
function creates(s: Setup): { amount: string; categoryId: string; description: string }[] {
  return Array.from({ length: 40 }, (_, i) => ({
    amount: `3.${String((i % 20) + 1).padStart(2, '0')}`,
    categoryId: i < 20 ? s.food.id : s.fun.id,
    description: `create ${i}`,
  }));
}

/** Every expense of the owner, through the paged listing. */
async function allExpenses(
  token: string,
): Promise<{ id: string; amountMinor: number; categoryId: string | null; description: string }[]> {
  const items = [];
  let cursor: string | null = null;
  do {
    const page: Answer = await api.request(
      'GET',
      `/expenses?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

async function allChanges(token: string): Promise<{ events: { seq: number; type: string }[]; lastSeq: number }> {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await api.request('GET', `/changes?after=${after}&limit=200`, { token });
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    if (page.body.events.length < 200) return { events, lastSeq: page.body.lastSeq };
    after = page.body.events.at(-1).seq;
  }
}

/** The invariants after the storm; `expectedCreates` is how many creates must be stored. */
async function checkInvariants(s: Setup, expectedCreates: number): Promise<void> {
  const { token } = s;
  const expenses = await allExpenses(token);
  // 15 moved + 40 created; the 10 deleted are gone.
  expect(expenses).toHaveLength(15 + expectedCreates);
  const sum = (filter: (e: (typeof expenses)[number]) => boolean) =>
    expenses.filter(filter).reduce((total, e) => total + e.amountMinor, 0);
  const spent = {
    food: sum((e) => e.categoryId === s.food.id),
    fun: sum((e) => e.categoryId === s.fun.id),
    overall: sum(() => true),
  };
  // Computed independently too: 62.10 created into each; the 30.00 moved from Food to Fun.
  expect(spent).toEqual({ food: 6210, fun: 3000 + 6210, overall: 3000 + 2 * 6210 });

  for (const [name, id] of Object.entries(s.budgets) as [keyof typeof spent, string][]) {
    const status = await api.request('GET', `/budgets/${id}/status`, { token });
    expect(status.status).toBe(200);
    expect(status.body.spentMinor, `${name} budget`).toBe(spent[name]);
  }

  // Every budget ended above 100 %: each rule fired, each exactly once for the period.
  const notifications: { ruleId: string; budgetId: string; period: { start: string }; thresholdPercent: number }[] = (
    await api.request('GET', '/notifications?limit=200', { token })
  ).body;
  const keys = notifications.map((n) => `${n.ruleId}@${n.period.start}`);
  expect(new Set(keys).size, JSON.stringify(notifications)).toBe(keys.length);
  const fired = notifications
    .map((n) => `${Object.entries(s.budgets).find(([, id]) => id === n.budgetId)![0]}:${n.thresholdPercent}`)
    .sort();
  expect(fired).toEqual(['food:100', 'food:80', 'fun:100', 'fun:80', 'overall:100', 'overall:80']);

  // The change feed: seq 1..n without gaps or repeats, one event per write.
  const { events, lastSeq } = await allChanges(token);
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  expect(lastSeq).toBe(events.length);
  const count = (type: string) => events.filter((e) => e.type === type).length;
  expect(count('expense.created')).toBe(25 + expectedCreates);
  expect(count('expense.updated')).toBe(15);
  expect(count('expense.deleted')).toBe(10);
  expect(count('alert.triggered')).toBe(6);
}

describe('concurrent writers for one user on PostgreSQL', () => {
  it('40 creates, 15 moves between budgets and 10 deletes at once: one notification per rule and period, exact sums, gapless feed', async () => {
    const s = await setup();
    const { token } = s;
    const answers = await Promise.all([
      ...creates(s).map((body) => api.request('POST', '/expenses', { token, body })),
      ...s.moved.map((id) => api.request('PATCH', `/expenses/${id}`, { token, body: { categoryId: s.fun.id } })),
      ...s.doomed.map((id) => api.request('DELETE', `/expenses/${id}`, { token })),
    ]);
    expect(answers.map((a) => a.status)).toEqual([
      ...Array(40).fill(201),
      ...Array(15).fill(200),
      ...Array(10).fill(204),
    ]);
    await checkInvariants(s, 40);
  });

  it('the same with every POST sent 2–3 times at once with one Idempotency-Key: one expense per key, every attempt answers 201 (none 409: it waits for the first), replays the same', async () => {
    const s = await setup();
    const { token } = s;
    const bodies = creates(s);
    const keys = bodies.map((_, i) => `create-${i}-${Date.now()}`);
    /** Sends one attempt. One still running makes the others wait for it (the owner's lock), never answer 409. */
    const attempt = (i: number): Promise<Answer> =>
      api.request('POST', '/expenses', { token, body: bodies[i], headers: { 'idempotency-key': keys[i]! } });
    const sends = bodies.flatMap((_, i) => Array.from({ length: 2 + (i % 2) }, () => i));
    const [posts] = await Promise.all([
      Promise.all(sends.map(async (i) => ({ i, answer: await attempt(i) }))),
      Promise.all(
        s.moved.map((id) => api.request('PATCH', `/expenses/${id}`, { token, body: { categoryId: s.fun.id } })),
      ),
      Promise.all(s.doomed.map((id) => api.request('DELETE', `/expenses/${id}`, { token }))),
    ]);
    // Every attempt of a key answered 201 with the same body; exactly one was not a replay.
    for (let i = 0; i < bodies.length; i++) {
      const mine = posts.filter((p) => p.i === i).map((p) => p.answer);
      expect(mine.map((a) => a.status)).toEqual(mine.map(() => 201));
      expect(new Set(mine.map((a) => JSON.stringify(a.body))).size).toBe(1);
      expect(mine.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      expect(mine[0]!.body).toMatchObject({ description: `create ${i}` });
    }
    // One stored expense per key.
    const descriptions = (await allExpenses(token)).map((e) => e.description).filter((d) => d.startsWith('create '));
    expect(descriptions.sort()).toEqual(bodies.map((b) => b.description).sort());
    await checkInvariants(s, 40);

    // A later retry of every key is a replay too, and stores nothing.
    const later = await Promise.all(bodies.map((_, i) => attempt(i)));
    expect(later.every((a) => a.status === 201 && a.headers.get('idempotent-replayed') === 'true')).toBe(true);
    await checkInvariants(s, 40);
  });
});
