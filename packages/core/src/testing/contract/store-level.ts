import { expect } from 'vitest';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { categoryRecord, expenseRecord } from './records.js';

/** The store itself: transactions, migrations, ping. */
export const storeChecks: ContractGroup = {
  name: 'store',
  checks: [
    check(
      'transaction commits what the function wrote, which it can read back before commit, and resolves to its result',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const row = expenseRecord(ownerId);
        const result = await store.transaction(async (tx) => {
          await tx.expenses.insert([row]);
          return { seen: await tx.expenses.findById(ownerId, row.id) };
        });
        expect(result).toEqual({ seen: row });
        expect(await store.expenses.findById(ownerId, row.id)).toEqual(row);
      },
    ),

    check(
      'transaction rolls back every write when the function throws, and rejects with what it threw',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const category = categoryRecord(ownerId, 'Undone');
        const row = expenseRecord(ownerId, { categoryId: category.id });
        const failure = new Error('rolled back on purpose');
        await expect(
          store.transaction(async (tx) => {
            await tx.categories.insert(category);
            await tx.expenses.insert([row]);
            await tx.owners.saveSettings(
              ownerId,
              { timezone: 'Asia/Tokyo', currency: 'JPY', weekStartsOn: 0 },
              row.createdAt,
            );
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.categories.findById(ownerId, category.id)).toBeNull();
        expect(await store.expenses.findById(ownerId, row.id)).toBeNull();
        expect(await store.owners.getSettings(ownerId)).toBeNull();
      },
    ),

    check('migrate run again finds nothing to do and keeps the data', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const row = expenseRecord(ownerId);
      await store.expenses.insert([row]);
      await store.migrate();
      expect(await store.expenses.findById(ownerId, row.id)).toEqual(row);
    }),

    check('ping resolves while the database answers', async ({ store }) => {
      await expect(store.ping()).resolves.toBeUndefined();
    }),
  ],
};
