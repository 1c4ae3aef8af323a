import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Tracker } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

/**
 * Reads (budget status, budget lists, analytics) answer from a copy of the owner's
 * categories, budgets and rules kept in memory, checked against `et_owner.config_version` on
 * every read. Two trackers on one database (two server instances, or a server and a script)
 * must each see the other's changes on the very next read.
 */

let pgDatabase: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'et-owner-cache-'));

beforeAll(async () => {
  pgDatabase = await createTestDatabase(inject('pgUrl'));
}, 60_000);

afterAll(async () => {
  await pgDatabase?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'])('reads after another tracker’s writes on %s', (engine) => {
  it('see every change of categories, budgets and settings at once', async () => {
    const database = engine === 'postgres' ? pgDatabase.url : join(dir, 'shared.db');
    const a = await Tracker.open({ database });
    await a.migrate();
    const b = await Tracker.open({ database });
    try {
      const ownerId = `owner_${engine}`;
      const onA = a.forOwner(ownerId);
      const onB = b.forOwner(ownerId);
      expect(await onA.budgets.overall()).toBeNull();

      const overall = await onB.budgets.create({ name: 'Monthly', amount: '100' });
      await onB.expenses.create({ amount: '30', description: 'Lunch' });
      // A reads (and keeps a copy).
      expect((await onA.budgets.overall())?.id).toBe(overall.id);
      expect((await onA.budgets.status(overall.id)).limitMinor).toBe(10000);
      expect((await onA.analytics.summary()).budgets.map((s) => s.limitMinor)).toEqual([10000]);

      // B changes the budget: A's next reads see it.
      await onB.budgets.update(overall.id, { amount: '250' });
      expect((await onA.budgets.status(overall.id)).limitMinor).toBe(25000);
      expect((await onA.budgets.list()).map((x) => x.amount)).toEqual(['250.00']);
      expect((await onA.analytics.summary()).budgets.map((s) => s.limitMinor)).toEqual([25000]);

      // A category, and a budget on it, made by B: A's status of that budget counts the category's spending.
      const food = await onB.categories.create({ name: 'Food' });
      const groceries = await onB.categories.create({ name: 'Groceries', parentId: food.id });
      const foodBudget = await onB.budgets.create({ name: 'Food', amount: '50', categoryIds: [food.id] });
      await onB.expenses.create({ amount: '12', description: 'Apples', categoryId: groceries.id });
      expect((await onA.budgets.status(foodBudget.id)).spentMinor).toBe(1200);
      expect((await onA.analytics.summary()).currencies[0]!.byCategory.map((c) => c.categoryName)).toContain(
        'Groceries',
      );

      // Renamed by B, shown renamed by A.
      await onB.categories.update(groceries.id, { name: 'Fruit' });
      expect((await onA.analytics.summary()).currencies[0]!.byCategory.map((c) => c.categoryName)).toContain('Fruit');

      // Deleted by B: gone for A.
      await onB.budgets.delete(foodBudget.id);
      await expect(onA.budgets.status(foodBudget.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await onA.budgets.list()).map((x) => x.id)).toEqual([overall.id]);

      // Settings (not part of the kept copy) are read each time.
      await onB.settings.update({ currency: 'EUR' });
      expect((await onA.settings.get()).currency).toBe('EUR');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
