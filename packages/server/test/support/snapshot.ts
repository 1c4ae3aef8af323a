import { expect } from 'vitest';
import type { TestServer } from './server.js';

/** Pages through a listing that answers `{ items, nextCursor }` (expenses). */
async function allExpenses(api: TestServer, token: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page = await api.request('GET', `/expenses${query}`, { token });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** Every event of the owner's change feed. */
async function allChanges(api: TestServer, token: string): Promise<{ events: unknown[]; lastSeq: number }> {
  const events: unknown[] = [];
  let after = 0;
  let lastSeq = 0;
  for (;;) {
    const page = await api.request('GET', `/changes?after=${after}&limit=200`, { token });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    events.push(...page.body.events);
    lastSeq = page.body.lastSeq;
    if (page.body.events.length < 200) return { events, lastSeq };
    after = page.body.events[page.body.events.length - 1].seq;
  }
}

/**
 * Everything of one owner that the API can show, read through the API as that owner:
 * account, expenses, categories, budgets (and the overall one), alert rules, notifications
 * (with their read state) and the whole change feed with `lastSeq`. Two equal snapshots mean
 * nothing the owner can see was written in between.
 */
export async function ownerSnapshot(api: TestServer, token: string): Promise<Record<string, unknown>> {
  const get = async (path: string) => {
    const answer = await api.request('GET', path, { token });
    expect([200, 404], `${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
    return answer.status === 200 ? answer.body : null;
  };
  const [me, expenses, categories, budgets, overall, alerts, notifications, changes] = await Promise.all([
    get('/auth/me'),
    allExpenses(api, token),
    get('/categories'),
    get('/budgets'),
    get('/budget'),
    get('/alerts'),
    get('/notifications?limit=200'),
    allChanges(api, token),
  ]);
  return { me, expenses, categories, budgets, overall, alerts, notifications, changes };
}
