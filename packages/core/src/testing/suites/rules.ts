import { describe, expect, it } from 'vitest';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';
import type { OwnerHandle } from '../../owner.js';

/** An owner with a Coffee category and a rule filing merchants containing "starbucks" under it. */
async function coffeeOwner(env: ConformanceEnv) {
  const owner = env.newOwner();
  const coffee = await owner.categories.create({ name: 'Coffee' });
  const rule = await owner.rules.create({
    conditions: [{ field: 'merchant', op: 'contains', value: 'starbucks' }],
    actions: [{ type: 'setCategory', categoryId: coffee.id }],
  });
  return { owner, coffee, rule };
}

async function lastSeq(owner: OwnerHandle): Promise<number> {
  const { events } = await owner.changes({ limit: 200 });
  return events.at(-1)?.seq ?? 0;
}

/** Auto-categorisation rules (SPEC §7.2) through the owner handle. */
export function ruleTests(getEnv: () => ConformanceEnv): void {
  describe('rules', () => {
    it('a rule categorises a new expense in its create, and the event names the rule', async () => {
      const { owner, coffee, rule } = await coffeeOwner(getEnv());
      const seen: unknown[] = [];
      const off = getEnv().tracker.on('expense.created', (event) => {
        if (event.ownerId === owner.ownerId) seen.push(event.data.cause);
      });
      const latte = await owner.expenses.create({ amount: '4.50', merchant: 'STÄRBUCKS #12' });
      off();
      expect(latte.categoryId).toBe(coffee.id);
      expect((await owner.expenses.get(latte.id)).categoryId).toBe(coffee.id);
      expect(seen).toEqual([{ kind: 'rule', ruleIds: [rule.id] }]);
      const other = await owner.expenses.create({ amount: '9', merchant: 'Bakery' });
      expect(other.categoryId).toBeNull();
      const batch = await owner.expenses.createMany([
        { amount: '3', merchant: 'Starbucks Reserve' },
        { amount: '3', merchant: 'Kiosk' },
      ]);
      expect(batch.map((e) => e.categoryId)).toEqual([coffee.id, null]);
    });

    it('a category chosen by hand survives the rules, at create and in later edits', async () => {
      const { owner } = await coffeeOwner(getEnv());
      const food = await owner.categories.create({ name: 'Food' });
      const mine = await owner.expenses.create({ amount: '4.50', merchant: 'Starbucks', categoryId: food.id });
      expect(mine.categoryId).toBe(food.id);
      const edited = await owner.expenses.update(mine.id, { amount: '5', description: 'with cake' });
      expect(edited.categoryId).toBe(food.id);
      const replaced = await owner.expenses.replace(mine.id, {
        amount: '5',
        merchant: 'Starbucks',
        categoryId: food.id,
      });
      expect(replaced.categoryId).toBe(food.id);
    });

    it('an update fills a missing category, and a cleared one stays cleared', async () => {
      const { owner, coffee } = await coffeeOwner(getEnv());
      const plain = await owner.expenses.create({ amount: '3', merchant: 'Kiosk' });
      expect((await owner.expenses.update(plain.id, { merchant: 'Starbucks Kiosk' })).categoryId).toBe(coffee.id);
      expect((await owner.expenses.update(plain.id, { categoryId: null })).categoryId).toBeNull();
    });

    it('test() answers what a draft or saved rule would do and writes nothing', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const tea = await owner.categories.create({ name: 'Tea' });
      const a = await owner.expenses.create({ amount: '2', merchant: 'Tea House', date: '2026-03-01' });
      await owner.expenses.create({ amount: '2', merchant: 'Tea House', date: '2025-03-01' });
      await owner.expenses.create({ amount: '7', merchant: 'Cinema', date: '2026-03-02' });
      const before = await owner.expenses.list({ limit: 200 });
      const seq = await lastSeq(owner);
      const result = await owner.rules.test({
        rule: {
          conditions: [{ field: 'merchant', op: 'startsWith', value: 'tea' }],
          actions: [{ type: 'setCategory', categoryId: tea.id }],
        },
        from: '2026-01-01',
        to: '2026-12-31',
      });
      expect(result).toMatchObject({ examined: 2, matched: 1, wouldChange: 1 });
      expect(result.items).toEqual([{ expense: a, changes: [{ field: 'categoryId', from: null, to: tea.id }] }]);
      expect(await owner.expenses.list({ limit: 200 })).toEqual(before);
      expect(await lastSeq(owner)).toBe(seq);
      expect(await owner.rules.list()).toEqual([]);
    });

    it('apply() changes existing expenses as a run, and revertRun() restores them exactly, skipping edited ones', async () => {
      const env = getEnv();
      env.clock.set('2026-05-01T10:00:00Z');
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const groceries = await owner.categories.create({ name: 'Groceries' });
      const rows = await owner.expenses.createMany([
        { amount: '10', merchant: 'Aldi', date: '2026-04-01', tags: ['weekly'] },
        { amount: '20', merchant: 'ALDI Süd', date: '2026-04-02' },
        { amount: '30', merchant: 'Aldi', date: '2026-04-03', categoryId: food.id },
        { amount: '40', merchant: 'Lidl', date: '2026-04-04' },
      ]);
      const rule = await owner.rules.create({
        enabled: false,
        conditions: [{ field: 'merchant', op: 'contains', value: 'aldi' }],
        actions: [
          { type: 'setCategory', categoryId: groceries.id },
          { type: 'addTags', tags: ['discounter'] },
        ],
      });
      const before = await Promise.all(rows.map((row) => owner.expenses.get(row.id)));
      env.clock.set('2026-05-02T10:00:00Z');
      const run = await owner.rules.apply(rule.id);
      expect(run.changed).toBe(3);
      const after = await Promise.all(rows.map((row) => owner.expenses.get(row.id)));
      expect(after.map((e) => e.categoryId)).toEqual([groceries.id, groceries.id, food.id, null]);
      expect(after[0]!.tags).toEqual(['weekly', 'discounter']);
      expect(after[2]!.tags).toEqual(['discounter']);
      const status = await owner.analytics.summary({ from: '2026-04-01', to: '2026-04-30' });
      const groceryTotal = status.currencies[0]!.byCategory.find((c) => c.categoryId === groceries.id);
      expect(groceryTotal?.totalMinor).toBe(3000);

      env.clock.set('2026-05-03T10:00:00Z');
      await owner.expenses.update(rows[1]!.id, { description: 'edited since' });
      env.clock.set('2026-05-04T10:00:00Z');
      const reverted = await owner.rules.revertRun(run.id);
      expect(reverted.restored.sort()).toEqual([rows[0]!.id, rows[2]!.id].sort());
      expect(reverted.skipped).toEqual([{ expenseId: rows[1]!.id, reason: 'edited' }]);
      const restored = await Promise.all([0, 2, 3].map((i) => owner.expenses.get(rows[i]!.id)));
      const strip = ({ updatedAt: _u, ...rest }: { updatedAt: string }) => rest;
      expect(restored.map(strip)).toEqual([0, 2, 3].map((i) => strip(before[i]!)));
      expect((await owner.expenses.get(rows[1]!.id)).categoryId).toBe(groceries.id);
      await expectTrackerError(owner.rules.revertRun(run.id), 'CONFLICT');
      await expectTrackerError(owner.rules.revertRun('run_nope'), 'NOT_FOUND');
    });

    it('runs() lists the runs newest first, of one rule or all, by pages; getRun() reads one as apply() answered it', async () => {
      const env = getEnv();
      env.clock.set('2026-05-01T10:00:00Z');
      const { owner, rule } = await coffeeOwner(env);
      const tea = await owner.rules.create({
        conditions: [{ field: 'merchant', op: 'contains', value: 'tea' }],
        actions: [{ type: 'addTags', tags: ['tea'] }],
      });
      expect(await owner.rules.runs()).toEqual([]);
      await owner.rules.update(rule.id, { enabled: false });
      const [latte] = await owner.expenses.createMany([
        { amount: '4', merchant: 'Starbucks' },
        { amount: '3', merchant: 'Tea House' },
      ]);
      const first = await owner.rules.apply(rule.id);
      env.clock.set('2026-05-02T10:00:00Z');
      const second = await owner.rules.apply(tea.id);
      env.clock.set('2026-05-03T10:00:00Z');
      const third = await owner.rules.apply(rule.id); // nothing left to change
      expect(first).toMatchObject({ changed: 1, expenseIds: [latte!.id] });
      expect(third).toMatchObject({ changed: 0, expenseIds: [] });

      expect(await owner.rules.runs()).toEqual([third, second, first]);
      expect(await owner.rules.runs({ ruleId: rule.id })).toEqual([third, first]);
      expect(await owner.rules.runs({ limit: 2 })).toEqual([third, second]);
      expect(await owner.rules.runs({ limit: 2, before: second.id })).toEqual([first]);
      expect(await owner.rules.getRun(first.id)).toEqual(first);

      const reverted = await owner.rules.revertRun(first.id);
      expect(await owner.rules.getRun(first.id)).toEqual(reverted.run);
      expect((await owner.rules.runs({ ruleId: rule.id }))[1]).toEqual(reverted.run);
      expect(reverted.run.revertedAt).toBe('2026-05-03T10:00:00.000Z');
      // A deleted rule's runs are still listed: they can still be reverted.
      await owner.rules.delete(tea.id);
      expect(await owner.rules.runs({ ruleId: tea.id })).toEqual([second]);

      await expectTrackerError(owner.rules.getRun('run_nope'), 'NOT_FOUND');
      await expectTrackerError(env.newOwner().rules.getRun(first.id), 'NOT_FOUND');
      expect(await env.newOwner().rules.runs()).toEqual([]);
      await expectTrackerError(owner.rules.runs({ limit: 0 }), 'VALIDATION_FAILED', ['limit']);
      await expectTrackerError(owner.rules.runs({ before: '' }), 'VALIDATION_FAILED', ['before']);
    });

    it('apply() and revertRun() say why in the expense events: the rule and the run', async () => {
      const { owner, coffee, rule } = await coffeeOwner(getEnv());
      await owner.rules.update(rule.id, { enabled: false });
      const latte = await owner.expenses.create({ amount: '4', merchant: 'Starbucks' });
      expect(latte.categoryId).toBeNull();
      const seq = await lastSeq(owner);
      const run = await owner.rules.apply(rule.id);
      const { events } = await owner.changes({ after: seq });
      expect(events.map((e) => e.type)).toEqual(['expense.updated', 'rule.applied']);
      const [updated] = events;
      expect(updated?.type === 'expense.updated' && updated.data.cause).toEqual({
        kind: 'rule',
        ruleIds: [rule.id],
        runId: run.id,
      });
      expect(updated?.type === 'expense.updated' && updated.data.expense.categoryId).toBe(coffee.id);
    });

    it('create, update, reorder and delete rules, with rule issue codes and events', async () => {
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'X' });
      const action = { type: 'setCategory' as const, categoryId: cat.id };
      const a = await owner.rules.create({
        conditions: [{ field: 'merchant', op: 'is', value: 'a' }],
        actions: [action],
      });
      const b = await owner.rules.create({
        conditions: [{ field: 'merchant', op: 'is', value: 'b' }],
        actions: [action],
      });
      expect([a.position, b.position]).toEqual([0, 1]);
      await expectTrackerError(
        owner.rules.create({
          // @ts-expect-error -- gt is not an operator of text fields: the schema must refuse it
          conditions: [{ field: 'description', op: 'gt', value: 'x' }],
          actions: [action],
        }),
        'VALIDATION_FAILED',
        ['conditions', 0, 'op'],
      );
      const bad = await expectTrackerError(
        owner.rules.create({ conditions: [{ field: 'merchant', op: 'is', value: 'c' }], actions: [] }),
        'VALIDATION_FAILED',
      );
      expect(bad.issues.map((i) => i.code)).toContain('nothing_to_do');
      await expectTrackerError(
        owner.rules.create({
          conditions: [{ field: 'merchant', op: 'is', value: 'c' }],
          actions: [{ type: 'setCategory', categoryId: 'cat_gone' }],
        }),
        'VALIDATION_FAILED',
        ['actions', 0, 'categoryId'],
      );
      expect((await owner.rules.update(a.id, { enabled: false })).enabled).toBe(false);
      const reordered = await owner.rules.reorder({ ruleIds: [b.id, a.id] });
      expect(reordered.map((r) => [r.id, r.position])).toEqual([
        [b.id, 0],
        [a.id, 1],
      ]);
      await expectTrackerError(owner.rules.reorder({ ruleIds: [b.id] }), 'VALIDATION_FAILED');
      await owner.rules.delete(a.id);
      await expectTrackerError(owner.rules.get(a.id), 'NOT_FOUND');
      await expectTrackerError(getEnv().newOwner().rules.get(b.id), 'NOT_FOUND');
      const { events } = await owner.changes({ limit: 100 });
      expect(events.map((e) => e.type).filter((t) => t.startsWith('rule.'))).toEqual([
        'rule.created',
        'rule.created',
        'rule.updated',
        'rule.reordered',
        'rule.deleted',
      ]);
    });

    it('suggestions() proposes a rule after three hand categorisations of a merchant, and creates none', async () => {
      const owner = getEnv().newOwner();
      const bakery = await owner.categories.create({ name: 'Bakery' });
      for (const merchant of ['Bäckerei Kamps', 'BACKEREI KAMPS', 'Bäckerei Kamps']) {
        await owner.expenses.create({ amount: '3', merchant, categoryId: bakery.id });
      }
      const suggestions = await owner.rules.suggestions();
      expect(suggestions).toMatchObject([{ merchant: 'Bäckerei Kamps', categoryId: bakery.id, count: 3 }]);
      expect(await owner.rules.list()).toEqual([]);
      await owner.rules.create(suggestions[0]!.rule);
      expect(await owner.rules.suggestions()).toEqual([]);
      expect((await owner.expenses.create({ amount: '2', merchant: 'bäckerei kamps' })).categoryId).toBe(bakery.id);
    });
  });
}
