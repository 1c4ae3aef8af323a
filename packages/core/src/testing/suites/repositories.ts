import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../../errors.js';
import type { CategoryRecord, ExpenseRecord } from '../../store/store.js';
import { uniqueOwnerId, type ConformanceEnv } from '../harness.js';

const AT = '2026-03-01T10:00:00.000Z';
let counter = 0;

function category(ownerId: string, name: string, extra: Partial<CategoryRecord> = {}): CategoryRecord {
  counter += 1;
  return { id: `cat_repo_${Date.now()}_${counter}`, ownerId, name, color: null, icon: null, parentId: null, createdAt: AT, updatedAt: AT, ...extra };
}

function expense(ownerId: string, extra: Partial<ExpenseRecord> = {}): ExpenseRecord {
  counter += 1;
  return {
    id: `exp_repo_${Date.now()}_${String(counter).padStart(6, '0')}`,
    ownerId,
    amountMinor: 100,
    currency: 'USD',
    date: '2026-03-01',
    categoryId: null,
    description: null,
    merchant: null,
    tags: [],
    notes: null,
    createdAt: AT,
    updatedAt: AT,
    ...extra,
  };
}

/** Every repository method of the Store, called directly. */
export function repositoryTests(getEnv: () => ConformanceEnv): void {
  describe('repositories', () => {
    it('owners.getSettings is null for an unknown owner and returns what saveSettings stored', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      expect(await store.owners.getSettings(ownerId)).toBeNull();
      await store.owners.saveSettings(ownerId, { timezone: 'Asia/Tokyo', currency: 'JPY', weekStartsOn: 0 }, AT);
      expect(await store.owners.getSettings(ownerId)).toEqual({ timezone: 'Asia/Tokyo', currency: 'JPY', weekStartsOn: 0 });
      await store.owners.saveSettings(ownerId, { timezone: 'UTC', currency: 'EUR', weekStartsOn: 1 }, AT);
      expect(await store.owners.getSettings(ownerId)).toEqual({ timezone: 'UTC', currency: 'EUR', weekStartsOn: 1 });
    });

    it('categories.insert, findById, list, update, countChildren and delete round-trip and answer null/false when absent', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const parent = category(ownerId, 'Home');
      const child = category(ownerId, 'Rent', { parentId: parent.id, color: '#112233', icon: 'house' });
      await store.categories.insert(parent);
      await store.categories.insert(child);
      expect(await store.categories.findById(ownerId, child.id)).toEqual(child);
      expect(await store.categories.findById(ownerId, 'cat_missing')).toBeNull();
      expect((await store.categories.list(ownerId)).map((c) => c.name)).toEqual(['Home', 'Rent']);
      expect(await store.categories.countChildren(ownerId, parent.id)).toBe(1);
      expect(await store.categories.countChildren(ownerId, child.id)).toBe(0);
      const renamed = { ...child, name: 'Rent & bills', updatedAt: '2026-03-02T00:00:00.000Z' };
      expect(await store.categories.update(renamed)).toBe(true);
      expect(await store.categories.findById(ownerId, child.id)).toEqual(renamed);
      expect(await store.categories.update({ ...renamed, id: 'cat_missing' })).toBe(false);
      expect(await store.categories.delete(ownerId, child.id)).toBe(true);
      expect(await store.categories.delete(ownerId, child.id)).toBe(false);
      expect(await store.categories.findById(ownerId, child.id)).toBeNull();
    });

    it('categories.insert and update reject a name another category of the owner has, in any case, with CONFLICT', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      await store.categories.insert(category(ownerId, 'Travel'));
      const second = category(ownerId, 'Fun');
      await store.categories.insert(second);
      const insertError = await store.categories.insert(category(ownerId, 'TRAVEL')).catch((e: unknown) => e);
      expect(isTrackerError(insertError, 'CONFLICT')).toBe(true);
      const updateError = await store.categories.update({ ...second, name: 'travel' }).catch((e: unknown) => e);
      expect(isTrackerError(updateError, 'CONFLICT')).toBe(true);
      // Another owner may use the name.
      await expect(store.categories.insert(category(uniqueOwnerId(), 'Travel'))).resolves.toBeUndefined();
    });

    it('expenses.insert, findById, update and delete round-trip every field and answer null/false when absent', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const cat = category(ownerId, 'Food');
      await store.categories.insert(cat);
      const row = expense(ownerId, {
        amountMinor: 9_007_199_254_740_991,
        categoryId: cat.id,
        description: 'Dinner',
        merchant: 'Chez Nous',
        notes: 'with friends',
        tags: ['Friends', 'weekend'],
      });
      await store.expenses.insert([row]);
      expect(await store.expenses.findById(ownerId, row.id)).toEqual(row);
      expect(await store.expenses.findById(ownerId, 'exp_missing')).toBeNull();
      const changed = { ...row, amountMinor: 250, currency: 'EUR', categoryId: null, tags: ['solo'], notes: null };
      expect(await store.expenses.update(changed)).toBe(true);
      expect(await store.expenses.findById(ownerId, row.id)).toEqual(changed);
      expect(await store.expenses.update({ ...changed, id: 'exp_missing' })).toBe(false);
      expect(await store.expenses.delete(ownerId, row.id)).toBe(true);
      expect(await store.expenses.delete(ownerId, row.id)).toBe(false);
      expect(await store.expenses.findById(ownerId, row.id)).toBeNull();
    });

    it('expenses.list filters and orders by the page request, and countByCategory and reassignCategory move exactly the matching rows', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const [a, b] = [category(ownerId, 'A'), category(ownerId, 'B')];
      await store.categories.insert(a);
      await store.categories.insert(b);
      const rows = [
        expense(ownerId, { categoryId: a.id, date: '2026-01-01', amountMinor: 300, tags: ['x'] }),
        expense(ownerId, { categoryId: a.id, date: '2026-01-02', amountMinor: 100, description: 'Tea 50%' }),
        expense(ownerId, { categoryId: null, date: '2026-01-03', amountMinor: 200, currency: 'EUR' }),
      ];
      await store.expenses.insert(rows);
      const list = (request: Parameters<typeof store.expenses.list>[1]) =>
        store.expenses.list(ownerId, request).then((found) => found.map((r) => r.id));
      const base = { sort: 'date', order: 'desc', limit: 10 } as const;
      expect(await list(base)).toEqual([rows[2]!.id, rows[1]!.id, rows[0]!.id]);
      expect(await list({ ...base, sort: 'amount', order: 'asc' })).toEqual([rows[1]!.id, rows[2]!.id, rows[0]!.id]);
      expect(await list({ ...base, categoryIds: [null] })).toEqual([rows[2]!.id]);
      expect(await list({ ...base, tags: ['X'] })).toEqual([rows[0]!.id]);
      expect(await list({ ...base, text: '50%' })).toEqual([rows[1]!.id]);
      expect(await list({ ...base, currency: 'EUR' })).toEqual([rows[2]!.id]);
      expect(await list({ ...base, limit: 1, after: { key: '2026-01-02', id: rows[1]!.id } })).toEqual([rows[0]!.id]);
      expect(await store.expenses.countByCategory(ownerId, a.id)).toBe(2);
      expect(await store.expenses.reassignCategory(ownerId, a.id, b.id, AT)).toBe(2);
      expect(await store.expenses.countByCategory(ownerId, a.id)).toBe(0);
      expect(await store.expenses.countByCategory(ownerId, b.id)).toBe(2);
      expect(await store.expenses.reassignCategory(ownerId, b.id, null, AT)).toBe(2);
      expect(await list({ ...base, categoryIds: [null] })).toHaveLength(3);
    });

    it('events.append gives consecutive seqs per owner inside a transaction, and list and lastSeq read them back', async () => {
      const { store } = getEnv();
      const [one, two] = [uniqueOwnerId(), uniqueOwnerId()];
      expect(await store.events.lastSeq(one)).toBe(0);
      const first = await store.transaction((tx) => tx.events.append(one, [{ type: 't.a', data: { n: 1 } }, { type: 't.b', data: { n: 2 } }], AT));
      const other = await store.transaction((tx) => tx.events.append(two, [{ type: 't.a', data: {} }], AT));
      const second = await store.transaction((tx) => tx.events.append(one, [{ type: 't.c', data: { nested: [1, 'x'] } }], AT));
      expect(first.map((e) => e.seq)).toEqual([1, 2]);
      expect(other.map((e) => e.seq)).toEqual([1]);
      expect(second.map((e) => e.seq)).toEqual([3]);
      expect(await store.events.lastSeq(one)).toBe(3);
      expect(await store.events.list(one, 1, 10)).toEqual([
        { seq: 2, ownerId: one, type: 't.b', data: { n: 2 }, at: AT },
        { seq: 3, ownerId: one, type: 't.c', data: { nested: [1, 'x'] }, at: AT },
      ]);
      expect(await store.events.list(one, 0, 1)).toHaveLength(1);
      expect(await store.transaction((tx) => tx.events.append(one, [], AT))).toEqual([]);
    });

    it('transaction rolls back every write, and the seq it took, when the function throws', async () => {
      const { store } = getEnv();
      const ownerId = uniqueOwnerId();
      const row = expense(ownerId);
      const failure = new Error('boom');
      await expect(
        store.transaction(async (tx) => {
          await tx.expenses.insert([row]);
          await tx.events.append(ownerId, [{ type: 't', data: {} }], AT);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.expenses.findById(ownerId, row.id)).toBeNull();
      expect(await store.events.lastSeq(ownerId)).toBe(0);
      const next = await store.transaction((tx) => tx.events.append(ownerId, [{ type: 't', data: {} }], AT));
      expect(next[0]?.seq).toBe(1);
    });

    it('ping resolves while the database answers', async () => {
      await expect(getEnv().store.ping()).resolves.toBeUndefined();
    });
  });
}
