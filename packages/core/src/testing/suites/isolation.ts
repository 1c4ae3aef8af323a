import { describe, expect, it } from 'vitest';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** No owner can see, change or delete another owner's rows, through any method. */
export function isolationTests(getEnv: () => ConformanceEnv): void {
  describe('owner isolation', () => {
    async function twoOwners() {
      const alice = getEnv().newOwner();
      const mallory = getEnv().newOwner();
      const cat = await alice.categories.create({ name: 'Private', color: '#123456' });
      const expense = await alice.expenses.create({
        amount: '42.00',
        categoryId: cat.id,
        description: 'secret',
        tags: ['mine'],
      });
      const snapshot = async () => ({
        categories: await alice.categories.list(),
        expenses: (await alice.expenses.list({ limit: 200 })).items,
        changes: await alice.changes({ limit: 200 }),
        settings: await alice.settings.get(),
      });
      return { alice, mallory, cat, expense, before: await snapshot(), snapshot };
    }

    it('another owner gets NOT_FOUND for every method that takes an id, and the data is unchanged', async () => {
      const { mallory, cat, expense, before, snapshot } = await twoOwners();
      await expectTrackerError(mallory.expenses.get(expense.id), 'NOT_FOUND');
      await expectTrackerError(mallory.expenses.update(expense.id, { amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(mallory.expenses.replace(expense.id, { amount: '1' }), 'NOT_FOUND');
      await expectTrackerError(mallory.expenses.delete(expense.id), 'NOT_FOUND');
      await expectTrackerError(mallory.categories.get(cat.id), 'NOT_FOUND');
      await expectTrackerError(mallory.categories.update(cat.id, { name: 'Mine now' }), 'NOT_FOUND');
      await expectTrackerError(mallory.categories.replace(cat.id, { name: 'Mine now' }), 'NOT_FOUND');
      await expectTrackerError(mallory.categories.delete(cat.id, { uncategorize: true }), 'NOT_FOUND');
      expect(await snapshot()).toEqual(before);
    });

    it('another owner cannot use an owner’s category as categoryId, parentId or reassignTo', async () => {
      const { mallory, cat, before, snapshot } = await twoOwners();
      await expectTrackerError(mallory.expenses.create({ amount: '1', categoryId: cat.id }), 'VALIDATION_FAILED', [
        'categoryId',
      ]);
      await expectTrackerError(
        mallory.expenses.createMany([{ amount: '1', categoryId: cat.id }]),
        'VALIDATION_FAILED',
        [0, 'categoryId'],
      );
      const own = await mallory.expenses.create({ amount: '1' });
      await expectTrackerError(mallory.expenses.update(own.id, { categoryId: cat.id }), 'VALIDATION_FAILED', [
        'categoryId',
      ]);
      await expectTrackerError(mallory.categories.create({ name: 'Sub', parentId: cat.id }), 'VALIDATION_FAILED', [
        'parentId',
      ]);
      const decoy = await mallory.categories.create({ name: 'Decoy' });
      await mallory.expenses.update(own.id, { categoryId: decoy.id });
      await expectTrackerError(mallory.categories.delete(decoy.id, { reassignTo: cat.id }), 'VALIDATION_FAILED', [
        'reassignTo',
      ]);
      expect(await snapshot()).toEqual(before);
    });

    it('listings, the change feed and settings show each owner only their own', async () => {
      const { alice, mallory, expense } = await twoOwners();
      await mallory.expenses.create({ amount: '1', description: 'secret' });
      await mallory.settings.update({ currency: 'EUR' });
      const malloryItems = (await mallory.expenses.list({ q: 'secret', limit: 200 })).items;
      expect(malloryItems).toHaveLength(1);
      expect(malloryItems[0]!.id).not.toBe(expense.id);
      expect((await mallory.expenses.list({ tag: 'mine' })).items).toEqual([]);
      expect(await mallory.categories.list()).toEqual([]);
      expect((await mallory.changes()).events.map((e) => e.type)).toEqual(['expense.created']);
      expect((await alice.settings.get()).currency).toBe('USD');
      expect((await alice.expenses.list()).items.map((e) => e.id)).toEqual([expense.id]);
    });

    it('two owners may use the same category name', async () => {
      const { mallory } = await twoOwners();
      await expect(mallory.categories.create({ name: 'private' })).resolves.toMatchObject({ name: 'private' });
    });
  });
}
