import { expect } from 'vitest';
import { isTrackerError } from '../../errors.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { categoryRecord } from './records.js';

/** `categories`. */
export const categoryChecks: ContractGroup = {
  name: 'categories',
  checks: [
    check(
      'insert, findById, list, update, countChildren and delete round-trip and answer null/false when absent',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const parent = categoryRecord(ownerId, 'Home');
        const child = categoryRecord(ownerId, 'Rent', { parentId: parent.id, color: '#112233', icon: 'house' });
        await store.categories.insert(parent);
        await store.categories.insert(child);
        expect(await store.categories.findById(ownerId, child.id)).toEqual(child);
        expect(await store.categories.findById(ownerId, 'cat_missing')).toBeNull();
        expect((await store.categories.list(ownerId)).map((c) => c.name)).toEqual(['Home', 'Rent']);
        expect(await store.categories.countChildren(ownerId, parent.id)).toBe(1);
        expect(await store.categories.countChildren(ownerId, child.id)).toBe(0);
        const renamed = {
          ...child,
          name: 'Rent & bills',
          color: null,
          icon: null,
          parentId: null,
          updatedAt: '2026-03-02T00:00:00.000Z',
        };
        expect(await store.categories.update(renamed)).toBe(true);
        expect(await store.categories.findById(ownerId, child.id)).toEqual(renamed);
        expect(await store.categories.countChildren(ownerId, parent.id)).toBe(0);
        expect(await store.categories.update({ ...renamed, id: 'cat_missing' })).toBe(false);
        expect(await store.categories.delete(ownerId, child.id)).toBe(true);
        expect(await store.categories.delete(ownerId, child.id)).toBe(false);
        expect(await store.categories.findById(ownerId, child.id)).toBeNull();
        expect(await store.categories.list(ownerId)).toEqual([parent]);
      },
    ),

    check('list returns every category of the owner by name', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      for (const name of ['Travel', 'Books', 'Rent', 'Food'])
        await store.categories.insert(categoryRecord(ownerId, name));
      await store.categories.insert(categoryRecord(uniqueOwnerId(), 'Alcohol'));
      expect((await store.categories.list(ownerId)).map((c) => c.name)).toEqual(['Books', 'Food', 'Rent', 'Travel']);
    }),

    check(
      'insert and update reject a name another category of the owner has, in any case, with CONFLICT',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        await store.categories.insert(categoryRecord(ownerId, 'Travel'));
        const second = categoryRecord(ownerId, 'Fun');
        await store.categories.insert(second);
        const insertError = await store.categories.insert(categoryRecord(ownerId, 'TRAVEL')).catch((e: unknown) => e);
        expect(isTrackerError(insertError, 'CONFLICT')).toBe(true);
        const updateError = await store.categories.update({ ...second, name: 'travel' }).catch((e: unknown) => e);
        expect(isTrackerError(updateError, 'CONFLICT')).toBe(true);
        expect((await store.categories.list(ownerId)).map((c) => c.name)).toEqual(['Fun', 'Travel']);
        // Another owner may use the name.
        await expect(store.categories.insert(categoryRecord(uniqueOwnerId(), 'Travel'))).resolves.toBeUndefined();
      },
    ),
  ],
};
