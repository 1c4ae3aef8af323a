import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptanceDatabase,
  ensureBuilt,
  listen,
  startBuiltServer,
  stopServer,
  type AcceptanceDatabase,
} from './support/acceptance.js';
import { processUser, type ServerProcess } from './support/process.js';
import { DIALECTS } from './support/server.js';

/**
 * Issue #14 accepted black-box (SPEC §7.2): the built server (`npm start`) as a child process
 * on each engine, driven only over HTTP, with a real WebSocket client listening.
 */

const MAPPING = {
  date: { column: 'Date', format: 'YMD' },
  amount: { kind: 'signed', column: 'Amount' },
  currency: { default: 'EUR' },
  description: 'Text',
};

interface Expense {
  id: string;
  categoryId: string | null;
  categorySource: string | null;
  ruleId: string | null;
  merchant: string | null;
  updatedAt: string;
}

describe.each(DIALECTS)('rules against npm start on %s (#14)', (dialect) => {
  let database: AcceptanceDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    await ensureBuilt();
    database = await acceptanceDatabase(dialect);
    server = await startBuiltServer(database);
  }, 600_000); // a build on a loaded machine, once per run

  afterAll(async () => {
    if (server) await stopServer(server);
    await database?.drop();
  });

  let users = 0;
  const user = () => processUser(server, `rul${dialect}${++users}`);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked by the assertions
  async function post<T = Record<string, any>>(token: string, path: string, body: unknown): Promise<T> {
    const res = await server.request('POST', path, { token, body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as T;
  }

  async function expenses(token: string): Promise<Expense[]> {
    const res = await server.request('GET', '/expenses?limit=200', { token });
    expect(res.status).toBe(200);
    return res.body.items as Expense[];
  }

  /** Uploads a CSV statement as the preview of an import from the account `checking`. */
  async function upload(token: string, csv: string): Promise<{ id: string }> {
    const profile = await post(token, '/import-profiles', { name: 'Bank', profile: MAPPING });
    const res = await fetch(`${server.url}/imports?sourceKey=checking&profile=${profile.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(201);
    return body as { id: string };
  }

  it('a rule categorises a new expense and an imported row: in the preview and in the socket’s expense.created', async () => {
    const { token } = await user();
    const coffee = await post(token, '/categories', { name: 'Coffee' });
    const rule = await post(token, '/rules', {
      match: 'any',
      conditions: [
        { field: 'merchant', op: 'contains', value: 'starbucks' },
        { field: 'description', op: 'contains', value: 'starbucks' },
      ],
      actions: [{ type: 'setCategory', categoryId: coffee.id }],
    });
    const socket = await listen(server, token);
    try {
      const typed = await post(token, '/expenses', { amount: '4.50', merchant: 'STARBÜCKS Main St' });
      expect(typed).toMatchObject({ categoryId: coffee.id, categorySource: 'rule', ruleId: rule.id });
      const live = await socket.next((m) => m.type === 'expense.created' && m.data.expense.id === typed.id);
      expect(live.data.expense).toMatchObject({ categoryId: coffee.id, categorySource: 'rule', ruleId: rule.id });

      const preview = await upload(
        token,
        'Date,Amount,Text\n2026-03-01,-3.90,STARBUCKS 0042 BERLIN\n2026-03-01,-9.00,Bakery\n',
      );
      const rows = (await server.request('GET', `/imports/${preview.id}/rows`, { token })).body.items;
      expect(rows.map((r: { rules: { categoryId: string | null; ruleId: string | null } }) => r.rules)).toEqual([
        expect.objectContaining({ categoryId: coffee.id, ruleId: rule.id }),
        expect.objectContaining({ categoryId: null, ruleId: null }),
      ]);
      const committed = await server.request('POST', `/imports/${preview.id}/commit`, { token });
      expect(committed.body.counts.created).toBe(2);
      const created = await socket.next(
        (m) => m.type === 'expense.created' && m.data.expense.description === 'STARBUCKS 0042 BERLIN',
      );
      expect(created.data.expense).toMatchObject({
        categoryId: coffee.id,
        categorySource: 'rule',
        ruleId: rule.id,
        source: { kind: 'import', id: preview.id },
      });
      const bakery = await socket.next((m) => m.type === 'expense.created' && m.data.expense.description === 'Bakery');
      expect(bakery.data.expense).toMatchObject({ categoryId: null, categorySource: null });
    } finally {
      socket.close();
    }
  });

  it('a hand-set category survives later edits', async () => {
    const { token } = await user();
    const coffee = await post(token, '/categories', { name: 'Coffee' });
    const food = await post(token, '/categories', { name: 'Food' });
    await post(token, '/rules', {
      conditions: [{ field: 'merchant', op: 'contains', value: 'starbucks' }],
      actions: [{ type: 'setCategory', categoryId: coffee.id }],
    });
    const mine = await post(token, '/expenses', { amount: '4.50', merchant: 'Starbucks', categoryId: food.id });
    expect(mine).toMatchObject({ categoryId: food.id, categorySource: 'user' });
    // A rule-set one, moved by hand: from then on the hand's.
    const ruled = await post(token, '/expenses', { amount: '2.10', merchant: 'Starbucks' });
    expect(ruled.categoryId).toBe(coffee.id);
    const moved = await server.request('PATCH', `/expenses/${ruled.id}`, { token, body: { categoryId: food.id } });
    expect(moved.body).toMatchObject({ categoryId: food.id, categorySource: 'user' });
    for (const [id, edit] of [
      [mine.id, { amount: '6.00' }],
      [mine.id, { merchant: 'Starbucks Reserve', notes: 'with cake' }],
      [ruled.id, { description: 'Starbucks again' }],
    ] as const) {
      const edited = await server.request('PATCH', `/expenses/${id}`, { token, body: edit });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ categoryId: food.id, categorySource: 'user' });
    }
    const all = await expenses(token);
    expect(all.map((e) => e.categoryId)).toEqual([food.id, food.id]);
  });

  it('test writes nothing; apply then revert restores every category exactly', async () => {
    const { token } = await user();
    const shops = await post(token, '/categories', { name: 'Shops' });
    const groceries = await post(token, '/categories', { name: 'Groceries' });
    const food = await post(token, '/categories', { name: 'Food' });
    // An earlier rule categorises some of them, the owner others, and some stay uncategorised.
    await post(token, '/rules', {
      conditions: [{ field: 'description', op: 'startsWith', value: 'shop' }],
      actions: [{ type: 'setCategory', categoryId: shops.id }],
    });
    const inputs = [
      { amount: '10.00', merchant: 'Aldi', date: '2026-04-01' },
      { amount: '11.00', merchant: 'ALDI Süd', date: '2026-04-02', description: 'Shop run' },
      { amount: '12.00', merchant: 'Aldi', date: '2026-04-03', categoryId: food.id },
      { amount: '13.00', merchant: 'Kiosk', date: '2026-04-04' },
      { amount: '14.00', merchant: 'Kiosk', date: '2026-04-05', description: 'shopping' },
      { amount: '15.00', merchant: 'aldi', date: '2026-03-01' }, // outside the range applied
    ];
    for (const input of inputs) await post(token, '/expenses', input);
    const rule = await post(token, '/rules', {
      enabled: false,
      conditions: [{ field: 'merchant', op: 'startsWith', value: 'aldi' }],
      actions: [{ type: 'setCategory', categoryId: groceries.id }],
    });

    const state = async () => ({
      expenses: await expenses(token),
      lastSeq: (await server.request('GET', '/changes?after=0&limit=1', { token })).body.lastSeq as number,
      rules: (await server.request('GET', '/rules', { token })).body,
    });
    const before = await state();
    const tested = await post(token, '/rules/test', { ruleId: rule.id, from: '2026-04-01', to: '2026-04-30' });
    expect(tested).toMatchObject({ examined: 5, matched: 3, wouldChange: 2 });
    const drafted = await post(token, '/rules/test', {
      rule: {
        conditions: [{ field: 'merchant', op: 'is', value: 'kiosk' }],
        actions: [{ type: 'setNotes', notes: 'x' }],
      },
      from: '2026-01-01',
      to: '2026-12-31',
    });
    expect(drafted).toMatchObject({ matched: 2 });
    expect(await state()).toEqual(before);

    const categories = (list: Expense[]) =>
      list
        .map((e) => [e.id, e.categoryId, e.categorySource, e.ruleId])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const run = await post(token, `/rules/${rule.id}/apply`, { from: '2026-04-01', to: '2026-04-30' });
    expect(run).toMatchObject({ ruleId: rule.id, changed: 2 });
    const applied = await expenses(token);
    expect(
      applied
        .filter((e) => e.categoryId === groceries.id)
        .map((e) => e.merchant)
        .sort(),
    ).toEqual(['ALDI Süd', 'Aldi']);
    expect(applied.find((e) => e.categoryId === food.id)?.categorySource).toBe('user');
    const reverted = await post(token, `/rule-runs/${run.id}/revert`, {});
    expect(reverted).toMatchObject({ skipped: [] });
    expect(reverted.restored).toHaveLength(2);
    expect(categories(await expenses(token))).toEqual(categories(before.expenses));
  });

  it('`(a+)+$` against a 10 kB description answers in well under a second', async () => {
    const { token } = await user();
    const inDescription = await post(token, '/categories', { name: 'In description' });
    const inNotes = await post(token, '/categories', { name: 'In notes' });
    const byDescription = await post(token, '/rules', {
      conditions: [{ field: 'description', op: 'matches', value: '(a+)+$' }],
      actions: [{ type: 'setCategory', categoryId: inDescription.id }],
    });
    const byNotes = await post(token, '/rules', {
      conditions: [{ field: 'notes', op: 'matches', value: '(a+)+$' }],
      actions: [{ type: 'setCategory', categoryId: inNotes.id }],
    });
    // A bank file is where a 10 kB description comes from: 10,000 a's then a character that
    // fails the anchor (a backtracking engine's worst case), and 10,000 b's ending in a's.
    // The importer keeps the first 500 characters of a description (the most an expense
    // holds), and the rules judge what is kept: the a's match, the b's do not.
    const csv = `Date,Amount,Text\n2026-05-01,-1.00,${'a'.repeat(10_000)}!\n2026-05-02,-2.00,${'b'.repeat(10_000)}aaa\n`;
    let started = performance.now();
    const preview = await upload(token, csv);
    expect(performance.now() - started).toBeLessThan(1000);
    const rows = (await server.request('GET', `/imports/${preview.id}/rows`, { token })).body.items;
    expect(rows.map((r: { description: string }) => r.description)).toEqual(['a'.repeat(500), 'b'.repeat(500)]);
    expect(rows.map((r: { rules: { ruleId: string | null } }) => r.rules.ruleId)).toEqual([byDescription.id, null]);
    // The longest text the API stores is a note (2,000 characters): the rule runs on every
    // write, inside its transaction. A backtracking engine would not answer this in a lifetime.
    started = performance.now();
    const miss = await post(token, '/expenses', { amount: '1.00', notes: `${'a'.repeat(1999)}!` });
    const hit = await post(token, '/expenses', { amount: '1.00', notes: 'a'.repeat(2000) });
    const edited = await server.request('PATCH', `/expenses/${hit.id}`, {
      token,
      body: { notes: `!${'a'.repeat(1999)}` },
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(miss.categoryId).toBeNull();
    expect(hit).toMatchObject({ categoryId: inNotes.id, ruleId: byNotes.id });
    expect(edited.body).toMatchObject({ categoryId: inNotes.id, ruleId: byNotes.id });
  });
});
