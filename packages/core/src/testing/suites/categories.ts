import { describe, expect, it } from 'vitest';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Categories through the owner handle. */
export function categoryTests(getEnv: () => ConformanceEnv): void {
  describe('categories', () => {
    it('create() returns the category with its defaults, and get() and list() read it back', async () => {
      const owner = getEnv().newOwner();
      const food = await owner.categories.create({ name: '  Food ', color: '#22aa55' });
      expect(food).toMatchObject({ name: 'Food', color: '#22AA55', icon: null, parentId: null });
      expect(food.id).toMatch(/^cat_/);
      expect(food.createdAt).toBe(food.updatedAt);
      expect(await owner.categories.get(food.id)).toEqual(food);
      const bills = await owner.categories.create({ name: 'bills' });
      expect((await owner.categories.list()).map((c) => c.id)).toEqual([bills.id, food.id]);
    });

    it('create() rejects a name the owner already has in another case with CONFLICT', async () => {
      const owner = getEnv().newOwner();
      await owner.categories.create({ name: 'Café' });
      await expectTrackerError(owner.categories.create({ name: 'CAFÉ' }), 'CONFLICT');
      expect(await owner.categories.list()).toHaveLength(1);
    });

    it('create() validates name, colour and parent, naming the field', async () => {
      const owner = getEnv().newOwner();
      await expectTrackerError(owner.categories.create({ name: '' }), 'VALIDATION_FAILED', ['name']);
      await expectTrackerError(owner.categories.create({ name: 'x'.repeat(101) }), 'VALIDATION_FAILED', ['name']);
      await expectTrackerError(owner.categories.create({ name: 'A', color: 'red' }), 'VALIDATION_FAILED', ['color']);
      await expectTrackerError(owner.categories.create({ name: 'A', parentId: 'cat_nope' }), 'VALIDATION_FAILED', [
        'parentId',
      ]);
      // @ts-expect-error -- ids are made by core: the unknown key must be refused
      await expectTrackerError(owner.categories.create({ name: 'A', id: 'cat_mine' }), 'VALIDATION_FAILED');
      expect(await owner.categories.list()).toEqual([]);
    });

    it('categories nest one level deep: a subcategory cannot have children, and a parent cannot become a child', async () => {
      const owner = getEnv().newOwner();
      const home = await owner.categories.create({ name: 'Home' });
      const rent = await owner.categories.create({ name: 'Rent', parentId: home.id });
      expect(rent.parentId).toBe(home.id);
      await expectTrackerError(owner.categories.create({ name: 'Deposit', parentId: rent.id }), 'VALIDATION_FAILED', [
        'parentId',
      ]);
      const car = await owner.categories.create({ name: 'Car' });
      await expectTrackerError(owner.categories.update(home.id, { parentId: car.id }), 'VALIDATION_FAILED', [
        'parentId',
      ]);
      await expectTrackerError(owner.categories.update(car.id, { parentId: car.id }), 'VALIDATION_FAILED', [
        'parentId',
      ]);
    });

    it('update() changes only the given fields; replace() clears what it leaves out', async () => {
      const owner = getEnv().newOwner();
      const { clock } = getEnv();
      clock.set('2026-02-01T00:00:00Z');
      const cat = await owner.categories.create({ name: 'Fun', color: '#000000', icon: 'star' });
      clock.set('2026-02-02T00:00:00Z');
      const updated = await owner.categories.update(cat.id, { color: '#FFFFFF' });
      expect(updated).toMatchObject({
        name: 'Fun',
        color: '#FFFFFF',
        icon: 'star',
        updatedAt: '2026-02-02T00:00:00.000Z',
      });
      expect(updated.createdAt).toBe('2026-02-01T00:00:00.000Z');
      const replaced = await owner.categories.replace(cat.id, { name: 'Leisure' });
      expect(replaced).toMatchObject({ name: 'Leisure', color: null, icon: null });
      expect(await owner.categories.get(cat.id)).toEqual(replaced);
      await expectTrackerError(owner.categories.update(cat.id, { name: ' ' }), 'VALIDATION_FAILED', ['name']);
      await expectTrackerError(owner.categories.update('cat_missing', { name: 'X' }), 'NOT_FOUND');
    });

    it('update() to a name another category has is a CONFLICT, and the category keeps its name', async () => {
      const owner = getEnv().newOwner();
      await owner.categories.create({ name: 'Gifts' });
      const other = await owner.categories.create({ name: 'Other' });
      await expectTrackerError(owner.categories.update(other.id, { name: 'gifts' }), 'CONFLICT');
      expect((await owner.categories.get(other.id)).name).toBe('Other');
    });

    it('delete() of a category expenses use is a CONFLICT naming the count, and deletes nothing', async () => {
      const owner = getEnv().newOwner();
      const cat = await owner.categories.create({ name: 'Snacks' });
      await owner.expenses.createMany([
        { amount: 1, categoryId: cat.id },
        { amount: 2, categoryId: cat.id },
      ]);
      const error = await expectTrackerError(owner.categories.delete(cat.id), 'CONFLICT');
      expect(error.details).toEqual({ expenseCount: 2 });
      expect(error.message).toContain('2 expenses');
      expect(await owner.categories.get(cat.id)).toMatchObject({ name: 'Snacks' });
      expect((await owner.expenses.list({ categoryId: cat.id })).items).toHaveLength(2);
    });

    it('delete() with reassignTo moves the expenses to the other category; with uncategorize leaves them uncategorized', async () => {
      const owner = getEnv().newOwner();
      const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((name) => owner.categories.create({ name })));
      const moved = await owner.expenses.createMany([
        { amount: 1, categoryId: a!.id },
        { amount: 2, categoryId: a!.id },
      ]);
      const kept = await owner.expenses.create({ amount: 3, categoryId: c!.id });
      await owner.categories.delete(a!.id, { reassignTo: b!.id });
      await expectTrackerError(owner.categories.get(a!.id), 'NOT_FOUND');
      for (const expense of moved) expect((await owner.expenses.get(expense.id)).categoryId).toBe(b!.id);
      await owner.categories.delete(b!.id, { uncategorize: true });
      for (const expense of moved) expect((await owner.expenses.get(expense.id)).categoryId).toBeNull();
      expect((await owner.expenses.get(kept.id)).categoryId).toBe(c!.id);
      expect((await owner.expenses.list()).items).toHaveLength(3);
    });

    it('delete() rejects reassignTo itself or an unknown category, and a category with subcategories', async () => {
      const owner = getEnv().newOwner();
      const parent = await owner.categories.create({ name: 'Parent' });
      await owner.categories.create({ name: 'Child', parentId: parent.id });
      const lone = await owner.categories.create({ name: 'Lone' });
      await expectTrackerError(owner.categories.delete(lone.id, { reassignTo: lone.id }), 'VALIDATION_FAILED', [
        'reassignTo',
      ]);
      await expectTrackerError(owner.categories.delete(lone.id, { reassignTo: 'cat_nope' }), 'VALIDATION_FAILED', [
        'reassignTo',
      ]);
      await expectTrackerError(
        owner.categories.delete(lone.id, { reassignTo: parent.id, uncategorize: true }),
        'VALIDATION_FAILED',
      );
      const error = await expectTrackerError(owner.categories.delete(parent.id), 'CONFLICT');
      expect(error.details).toEqual({ childCount: 1 });
      expect(await owner.categories.list()).toHaveLength(3);
      await owner.categories.delete(lone.id);
      await expectTrackerError(owner.categories.delete(lone.id), 'NOT_FOUND');
    });
  });
}
