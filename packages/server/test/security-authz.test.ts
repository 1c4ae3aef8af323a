import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { expectProblem } from './support/problems.js';
import { ownerSnapshot } from './support/snapshot.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

/**
 * Authorization (issue 7, part 3): another user's ids smuggled in bodies and queries, mass
 * assignment of fields a client must not set, and the WebSocket with another user's id.
 * (Another user's ids in paths, on every route, are in isolation.test.ts.)
 */

interface Ids {
  category: string;
  child: string;
  unused: string;
  budget: string;
  overall: string;
  rule: string;
  expense: string;
}

describe.each(DIALECTS)('authorization attacks on %s', (dialect) => {
  let api: TestServer;
  let alice: Awaited<ReturnType<TestServer['user']>>;
  let mallory: Awaited<ReturnType<TestServer['user']>>;
  let a: Ids;
  let m: Ids;

  async function seed(token: string): Promise<Ids> {
    const as = async (method: string, path: string, body?: unknown) => {
      const answer = await api.request(method, path, { token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    const category = await as('POST', '/categories', { name: 'Rent' });
    const child = await as('POST', '/categories', { name: 'Deposit', parentId: category.id });
    const unused = await as('POST', '/categories', { name: 'Unused' });
    const overall = await as('POST', '/budget', { name: 'Everything', amount: '100' });
    const budget = await as('POST', '/budgets', { name: 'Rent', amount: '50', categoryIds: [category.id] });
    const rule = await as('POST', '/alerts', { budgetId: budget.id, thresholdPercent: 10, kind: 'forecast' });
    const expense = await as('POST', '/expenses', { amount: '90', categoryId: category.id, description: 'Flat' });
    return {
      category: category.id,
      child: child.id,
      unused: unused.id,
      budget: budget.id,
      overall: overall.id,
      rule: rule.id,
      expense: expense.id,
    };
  }

  /** Both users' data, as each sees it. */
  const both = async () => ({
    alice: await ownerSnapshot(api, alice.token),
    mallory: await ownerSnapshot(api, mallory.token),
  });

  beforeAll(async () => {
    api = await startServer(dialect);
    alice = await api.user();
    mallory = await api.user();
    a = await seed(alice.token);
    m = await seed(mallory.token);
  });
  afterAll(async () => {
    await api.close();
  });

  /** Mallory's requests carrying one of Alice's ids in a body or query, as [name, method, path, body]. */
  const smuggled = (): [string, string, string, unknown?][] => [
    ['categoryId on POST /expenses', 'POST', '/expenses', { amount: '1', categoryId: a.category }],
    ['categoryId on PUT /expenses/{id}', 'PUT', `/expenses/${m.expense}`, { amount: '1', categoryId: a.category }],
    ['categoryId on PATCH /expenses/{id}', 'PATCH', `/expenses/${m.expense}`, { categoryId: a.category }],
    [
      'categoryId in a batch item',
      'POST',
      '/expenses/batch',
      [{ amount: '1' }, { amount: '2', categoryId: a.category }],
    ],
    ['categoryId in a batch { items }', 'POST', '/expenses/batch', { items: [{ amount: '2', categoryId: a.child }] }],
    ['parentId on POST /categories', 'POST', '/categories', { name: 'Sub', parentId: a.category }],
    ['parentId on PUT /categories/{id}', 'PUT', `/categories/${m.unused}`, { name: 'Unused', parentId: a.category }],
    ['parentId on PATCH /categories/{id}', 'PATCH', `/categories/${m.unused}`, { parentId: a.category }],
    [
      'reassignTo in the query of DELETE /categories/{id}',
      'DELETE',
      `/categories/${m.category}?reassignTo=${a.unused}`,
    ],
    [
      'reassignTo in the body of DELETE /categories/{id}',
      'DELETE',
      `/categories/${m.category}`,
      { reassignTo: a.unused },
    ],
    [
      'categoryIds on POST /budgets',
      'POST',
      '/budgets',
      { name: 'Theirs', amount: '1', categoryIds: [m.unused, a.category] },
    ],
    [
      'categoryIds on PUT /budgets/{id}',
      'PUT',
      `/budgets/${m.budget}`,
      { name: 'Rent', amount: '50', categoryIds: [a.category] },
    ],
    ['categoryIds on PATCH /budgets/{id}', 'PATCH', `/budgets/${m.budget}`, { categoryIds: [a.child] }],
    [
      'categoryIds on POST /budget',
      'POST',
      '/budget',
      { name: 'Everything', amount: '100', categoryIds: [a.category] },
    ],
    ['categoryIds on PUT /budget', 'PUT', '/budget', { name: 'Everything', amount: '100', categoryIds: [a.category] }],
    ['budgetId on POST /alerts', 'POST', '/alerts', { budgetId: a.budget, thresholdPercent: 50 }],
    ['budgetId on POST /alert', 'POST', '/alert', { budgetId: a.overall, thresholdPercent: 50 }],
    ['budgetId on PATCH /alerts/{id} (not patchable)', 'PATCH', `/alerts/${m.rule}`, { budgetId: a.budget }],
  ];

  it('every smuggled id of another user is refused (422 or 404), and neither user’s data changes', async () => {
    for (const [name, method, path, body] of smuggled()) {
      const before = await both();
      const answer = await api.request(method, path, { token: mallory.token, body });
      expect([404, 422], `${name}: ${answer.status} ${JSON.stringify(answer.body)}`).toContain(answer.status);
      expectProblem(answer, answer.status, answer.status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED');
      // The refusal shows nothing of Alice's beyond the id Mallory sent.
      expect(JSON.stringify(answer.body), name).not.toMatch(/Rent|Flat|Everything|Deposit/);
      expect(await both(), `${name} changed data`).toEqual(before);
    }
  });

  it('the same refusal for another user’s id as for an id that never existed (no existence oracle)', async () => {
    const ghost = (id: string) => `${id.split('_')[0]}_01J000000000000000000000000`;
    for (const [name, method, path, body] of smuggled()) {
      const real = await api.request(method, path, { token: mallory.token, body });
      const swap = (text: string) => Object.values(a).reduce((s, id) => s.replaceAll(id, ghost(id)), text);
      const made = await api.request(method, swap(path), {
        token: mallory.token,
        body: body === undefined ? undefined : JSON.parse(swap(JSON.stringify(body))),
      });
      expect(made.status, name).toBe(real.status);
      expect(swap(JSON.stringify(real.body)), name).toBe(JSON.stringify(made.body));
    }
  });

  /** Create and update routes with a valid body each, as [method, path, body, amount routes]. */
  const writes = (): [string, string, Record<string, unknown>, boolean][] => [
    ['POST', '/expenses', { amount: '5', description: 'mass' }, true],
    ['PUT', `/expenses/${a.expense}`, { amount: '5', description: 'mass' }, true],
    ['PATCH', `/expenses/${a.expense}`, { description: 'mass' }, true],
    ['POST', '/categories', { name: 'Mass' }, false],
    ['PUT', `/categories/${a.unused}`, { name: 'Mass put' }, false],
    ['PATCH', `/categories/${a.unused}`, { name: 'Mass patch' }, false],
    ['POST', '/budgets', { name: 'Mass', amount: '5' }, true],
    ['PUT', `/budgets/${a.budget}`, { name: 'Mass', amount: '5' }, true],
    ['PATCH', `/budgets/${a.budget}`, { name: 'Mass' }, true],
    ['POST', '/budget', { name: 'Mass', amount: '5' }, true],
    ['PUT', '/budget', { name: 'Mass', amount: '5' }, true],
    ['POST', '/alerts', { budgetId: a.budget, thresholdPercent: 55 }, false],
    ['PATCH', `/alerts/${a.rule}`, { thresholdPercent: 55 }, false],
    ['PUT', `/alerts/${a.rule}`, { thresholdPercent: 55 }, false],
    ['POST', '/alert', { budgetId: a.budget, thresholdPercent: 55 }, false],
    ['PATCH', `/alert/${a.rule}`, { thresholdPercent: 55 }, false],
    ['PATCH', '/auth/me', { timezone: 'Asia/Tokyo' }, false],
  ];
  const FORBIDDEN = (): Record<string, unknown> => ({
    ownerId: mallory.id,
    id: 'exp_01J000000000000000000000000',
    createdAt: '2000-01-01T00:00:00.000Z',
    updatedAt: '2000-01-01T00:00:00.000Z',
    seq: 1,
  });

  it('the valid bodies used below are accepted without the forbidden fields (the control)', async () => {
    const u = await api.user();
    const own = await seed(u.token);
    const swap = (text: string) =>
      Object.entries(a).reduce((s, [key, id]) => s.replaceAll(id, own[key as keyof Ids]), text);
    for (const [method, path, body] of writes()) {
      const answer = await api.request(method, swap(path), {
        token: u.token,
        body: JSON.parse(swap(JSON.stringify(body))),
      });
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    }
  });

  it('mass assignment of ownerId, id, createdAt, updatedAt or seq on every create and update route is a 422 naming the field, and nothing is stored', async () => {
    for (const [method, path, body] of writes()) {
      for (const [field, value] of Object.entries(FORBIDDEN())) {
        const before = await both();
        const answer = await api.request(method, path, { token: alice.token, body: { ...body, [field]: value } });
        const problem = expectProblem(answer, 422, 'VALIDATION_FAILED');
        expect(JSON.stringify(problem.issues), `${method} ${path} with ${field}`).toContain(field);
        expect(await both(), `${method} ${path} with ${field} changed data`).toEqual(before);
      }
    }
    // ~100 requests, each between two reads of both owners' data: 30 s was not enough on a loaded machine.
  }, 120_000);

  it('mass assignment inside a batch item, and on registration, is refused too, with nothing stored', async () => {
    const before = await both();
    for (const [field, value] of Object.entries(FORBIDDEN())) {
      const answer = await api.request('POST', '/expenses/batch', {
        token: alice.token,
        body: [{ amount: '1' }, { amount: '2', [field]: value }],
      });
      expect(JSON.stringify(expectProblem(answer, 422, 'VALIDATION_FAILED').issues)).toContain(field);
      const username = `mass_${field}_${Date.now()}`;
      const registered = await api.request('POST', '/auth/register', {
        body: { username, password: 'a long enough password', [field]: value },
      });
      expect(JSON.stringify(expectProblem(registered, 422, 'VALIDATION_FAILED').issues)).toContain(field);
      expectProblem(
        await api.request('POST', '/auth/login', { body: { username, password: 'a long enough password' } }),
        401,
        'UNAUTHORIZED',
      );
    }
    expect(await both()).toEqual(before);
  });

  it('amount and amountMinor together are refused (422 naming them) on every expense and budget write, with nothing stored', async () => {
    for (const [method, path, body, hasAmount] of writes()) {
      if (!hasAmount) continue;
      const before = await both();
      const answer = await api.request(method, path, {
        token: alice.token,
        body: { ...body, amount: '5', amountMinor: 1 },
      });
      const problem = expectProblem(answer, 422, 'VALIDATION_FAILED');
      expect(JSON.stringify(problem.issues), `${method} ${path}`).toMatch(/amount/);
      expect(await both(), `${method} ${path} changed data`).toEqual(before);
    }
  });

  /** Opens a socket and waits for it to close; returns the close code and any messages. */
  function socketOutcome(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ code: number; messages: string[] }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${api.wsUrl}${path}`, { headers });
      const messages: string[] = [];
      socket.on('message', (data) => messages.push(messageText(data)));
      socket.once('close', (code) => resolve({ code, messages }));
      socket.once('error', reject);
      setTimeout(() => {
        socket.terminate();
        reject(new Error(`socket ${path} stayed open`));
      }, 3000);
    });
  }

  it('the WebSocket with another user’s id in the path is refused with 1008 and sends nothing', async () => {
    const attempts: [string, Record<string, string>?][] = [
      [`/ws/notifications/${alice.id}?token=${mallory.token}&after=0`],
      [`/ws/notifications/${alice.id}?after=0`, { authorization: `Bearer ${mallory.token}` }],
      [`/ws/notifications/${encodeURIComponent(alice.id)}%2F..?token=${mallory.token}&after=0`],
      [`/ws/notifications/${alice.id.toLowerCase()}?token=${mallory.token}&after=0`],
      [`/ws/notifications/${alice.id}?token=${mallory.token}&token=${alice.token}&after=0`],
    ];
    for (const [path, headers] of attempts) {
      const outcome = await socketOutcome(path, headers);
      expect(outcome.code, path).toBe(1008);
      expect(outcome.messages, path).toEqual([]);
    }
  });
});
