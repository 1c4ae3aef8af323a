import { expect } from 'vitest';
import type { Store } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { AT, budgetRecord, categoryRecord, expenseRecord, notificationRecord, ruleRecord } from './records.js';

const ALL = { from: '2000-01-01', to: '2099-12-31' };
const LATER = '2026-03-09T00:00:00.000Z';

/** One of everything, for one owner, written through the store. */
async function seed(store: Store, ownerId: string) {
  const parent = categoryRecord(ownerId, 'Home');
  const category = categoryRecord(ownerId, 'Rent', { parentId: parent.id });
  const expense = expenseRecord(ownerId, {
    categoryId: category.id,
    amountMinor: 4_200,
    tags: ['mine'],
    description: 'secret',
  });
  const budget = budgetRecord(ownerId, { categoryIds: [category.id] });
  const rule = ruleRecord(ownerId, budget.id);
  const notification = notificationRecord(rule);
  await store.transaction(async (tx) => {
    await tx.owners.lock(ownerId, AT);
    await tx.owners.saveSettings(ownerId, { timezone: 'Europe/Berlin', currency: 'EUR', weekStartsOn: 1 }, AT);
    await tx.categories.insert(parent);
    await tx.categories.insert(category);
    await tx.expenses.insert([expense]);
    await tx.totals.applyDeltas(ownerId, [
      { date: expense.date, currency: expense.currency, categoryId: category.id, amountMinor: 4_200, count: 1 },
    ]);
    await tx.budgets.insert(budget);
    await tx.alertRules.insert([rule]);
    await tx.notifications.insertOnce(notification);
    await tx.owners.bumpConfigVersion(ownerId);
    await tx.events.append(ownerId, [{ type: 'seeded', data: {} }], AT);
  });
  return { parent, category, expense, budget, rule, notification };
}

/** Everything the store answers about one owner. */
async function snapshot(store: Store, ownerId: string, ids: Awaited<ReturnType<typeof seed>>) {
  return {
    state: await store.owners.getState(ownerId),
    categories: await store.categories.list(ownerId),
    children: await store.categories.countChildren(ownerId, ids.parent.id),
    expenses: await store.expenses.list(ownerId, { sort: 'date', order: 'asc', limit: 100 }),
    inCategory: await store.expenses.countByCategory(ownerId, ids.category.id),
    sums: await store.expenses.aggregate(ownerId, { ...ALL, groupBy: ['date', 'currency', 'category'] }),
    totals: await store.totals.query(ownerId, { ...ALL, groupBy: ['date', 'currency', 'category'] }),
    budgets: await store.budgets.list(ownerId),
    rules: await store.alertRules.list(ownerId),
    notifications: await store.notifications.list(ownerId, { limit: 100 }),
    fired: await store.notifications.firedRuleIds(ownerId, ids.budget.id, ids.notification.periodStart),
    events: await store.events.list(ownerId, 0, 100),
    lastSeq: await store.events.lastSeq(ownerId),
  };
}

/** Every method is scoped to its owner id. */
export const isolationChecks: ContractGroup = {
  name: 'owner isolation',
  checks: [
    check(
      'every method called for another owner with this owner’s ids finds nothing and changes nothing',
      async ({ store }) => {
        const alice = uniqueOwnerId();
        const mallory = uniqueOwnerId();
        const ids = await seed(store, alice);
        const before = await snapshot(store, alice, ids);
        expect(before.expenses).toEqual([ids.expense]);
        expect(before.notifications).toEqual([ids.notification]);

        const { parent, category, expense, budget, rule, notification } = ids;
        const as = <T extends { ownerId: string }>(record: T): T => ({ ...record, ownerId: mallory, updatedAt: LATER });
        await store.transaction(async (tx) => {
          await tx.owners.lock(mallory, AT);
          await tx.owners.bumpConfigVersion(mallory);
          await tx.owners.saveSettings(mallory, { timezone: 'UTC', currency: 'USD', weekStartsOn: 0 }, AT);
          expect(await tx.categories.findById(mallory, category.id)).toBeNull();
          expect(await tx.categories.update({ ...as(category), name: 'Mine now' })).toBe(false);
          expect(await tx.categories.countChildren(mallory, parent.id)).toBe(0);
          expect(await tx.categories.list(mallory)).toEqual([]);
          expect(await tx.expenses.findById(mallory, expense.id)).toBeNull();
          expect(await tx.expenses.update({ ...as(expense), amountMinor: 1, categoryId: null })).toBe(false);
          expect(await tx.expenses.list(mallory, { sort: 'date', order: 'asc', limit: 100, text: 'secret' })).toEqual(
            [],
          );
          expect(await tx.expenses.list(mallory, { sort: 'date', order: 'asc', limit: 100, tags: ['mine'] })).toEqual(
            [],
          );
          expect(await tx.expenses.countByCategory(mallory, category.id)).toBe(0);
          expect(await tx.expenses.reassignCategory(mallory, category.id, null, LATER)).toBe(0);
          expect(await tx.expenses.aggregate(mallory, { ...ALL, groupBy: [] })).toEqual([]);
          await tx.totals.applyDeltas(mallory, [
            { date: expense.date, currency: expense.currency, categoryId: category.id, amountMinor: 1, count: 1 },
          ]);
          await tx.totals.moveCategory(mallory, category.id, null);
          expect(await tx.totals.rebuild(mallory)).toBe(0);
          expect(await tx.totals.query(mallory, { ...ALL, groupBy: [] })).toEqual([]);
          expect(await tx.budgets.findById(mallory, budget.id)).toBeNull();
          expect(await tx.budgets.update({ ...as(budget), amountMinor: 1 })).toBe(false);
          expect(await tx.budgets.list(mallory)).toEqual([]);
          expect(await tx.alertRules.findById(mallory, rule.id)).toBeNull();
          expect(await tx.alertRules.update({ ...as(rule), active: false })).toBe(false);
          expect(await tx.alertRules.list(mallory, [budget.id])).toEqual([]);
          expect(await tx.notifications.findById(mallory, notification.id)).toBeNull();
          expect(await tx.notifications.markRead(mallory, notification.id, LATER)).toBe(false);
          expect(await tx.notifications.firedRuleIds(mallory, budget.id, notification.periodStart)).toEqual([]);
          expect(await tx.notifications.list(mallory, { limit: 100 })).toEqual([]);
          expect(await tx.events.list(mallory, 0, 100)).toEqual([]);
          expect((await tx.events.append(mallory, [{ type: 'mallory', data: {} }], AT)).map((e) => e.seq)).toEqual([1]);
          // Deletes last, so the calls above had every row to find.
          expect(await tx.alertRules.delete(mallory, rule.id)).toBe(false);
          expect(await tx.budgets.delete(mallory, budget.id)).toBe(false);
          expect(await tx.expenses.delete(mallory, expense.id)).toBe(false);
          expect(await tx.categories.delete(mallory, category.id)).toBe(false);
        });
        expect(await snapshot(store, alice, ids)).toEqual(before);
        expect((await store.owners.getSettings(mallory))?.weekStartsOn).toBe(0);
        expect((await store.owners.getSettings(alice))?.weekStartsOn).toBe(1);
      },
    ),
  ],
};
