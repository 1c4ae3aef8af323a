import { expect } from 'vitest';
import { isTrackerError } from '../../errors.js';
import { toExpense } from '../../presenters.js';
import type { ExpensePageRequest, ExpenseRecord, Store } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { AT, categoryRecord, expenseRecord } from './records.js';

const ids = (rows: readonly ExpenseRecord[]) => rows.map((r) => r.id);

/** The ids of one page, as the store lists it. */
function lister(store: Store, ownerId: string) {
  return async (request: Partial<ExpensePageRequest>) =>
    ids(await store.expenses.list(ownerId, { sort: 'date', order: 'desc', limit: 100, ...request }));
}

/** `expenses`. */
export const expenseChecks: ContractGroup = {
  name: 'expenses',
  checks: [
    check(
      'insert, findById, update and delete round-trip every field and answer null/false when absent',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const cat = categoryRecord(ownerId, 'Food');
        await store.categories.insert(cat);
        const row = expenseRecord(ownerId, {
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
        const changed = {
          ...row,
          amountMinor: 250,
          currency: 'EUR',
          date: '2026-02-28',
          categoryId: null,
          tags: ['solo'],
          notes: null,
          updatedAt: '2026-03-02T00:00:00.000Z',
        };
        expect(await store.expenses.update(changed)).toBe(true);
        expect(await store.expenses.findById(ownerId, row.id)).toEqual(changed);
        expect(await store.expenses.update({ ...changed, id: 'exp_missing' })).toBe(false);
        expect(await store.expenses.delete(ownerId, row.id)).toBe(true);
        expect(await store.expenses.delete(ownerId, row.id)).toBe(false);
        expect(await store.expenses.findById(ownerId, row.id)).toBeNull();
      },
    ),

    check('insert of an id the owner already has is a CONFLICT and keeps the stored row', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      const row = expenseRecord(ownerId, { amountMinor: 500 });
      await store.expenses.insert([row]);
      const error = await store.expenses.insert([{ ...row, amountMinor: 1 }]).catch((e: unknown) => e);
      expect(isTrackerError(error, 'CONFLICT')).toBe(true);
      expect(await store.expenses.findById(ownerId, row.id)).toEqual(row);
    }),

    check(
      'insert of many rows is one with its transaction: all of them, or none after a rollback',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const rows = Array.from({ length: 450 }, (_, i) =>
          expenseRecord(ownerId, { amountMinor: i + 1, tags: i % 2 ? ['odd'] : [] }),
        );
        await store
          .transaction(async (tx) => {
            await tx.expenses.insert(rows);
            throw new Error('rolled back on purpose');
          })
          .catch(() => undefined);
        expect(await store.expenses.list(ownerId, { sort: 'date', order: 'asc', limit: 1000 })).toEqual([]);
        await store.transaction((tx) => tx.expenses.insert(rows));
        const stored = await store.expenses.list(ownerId, { sort: 'amount', order: 'asc', limit: 1000 });
        expect(stored).toEqual(rows);
        expect(
          await store.expenses.list(ownerId, { sort: 'amount', order: 'asc', limit: 1000, tags: ['ODD'] }),
        ).toHaveLength(225);
      },
    ),

    check(
      'listJson, where the store has it, pages as list does, each row the SDK Expense’s JSON text',
      async ({ store }) => {
        const { expenses } = store;
        if (!expenses.listJson) return; // optional: the SDK serializes list()'s records itself
        const ownerId = uniqueOwnerId();
        const rows = [
          expenseRecord(ownerId, {
            date: '2026-01-01',
            amountMinor: 1,
            currency: 'JPY',
            tags: ['a"b', 'Ünï'],
            sourceId: 'form-1',
          }),
          expenseRecord(ownerId, { date: '2026-01-02', amountMinor: 9_007_199_254_740_991, description: 'x\n"\\y' }),
          expenseRecord(ownerId, {
            date: '2026-01-02',
            amountMinor: 1234,
            currency: 'KWD',
            sourceKind: 'import',
            sourceRow: 2,
          }),
          expenseRecord(ownerId, { date: '2026-01-03', amountMinor: 5, sourceId: 'imp_1', sourceRow: 7 }),
        ];
        await store.expenses.insert(rows);
        const requests: ExpensePageRequest[] = [
          { sort: 'date', order: 'desc', limit: 100 },
          { sort: 'amount', order: 'asc', limit: 2 },
          { sort: 'date', order: 'asc', limit: 100, after: { key: '2026-01-01', id: rows[0]!.id }, currency: 'USD' },
        ];
        for (const request of requests) {
          const listed = await store.expenses.list(ownerId, request);
          const json = await expenses.listJson(ownerId, request);
          expect(json).toEqual(listed.map((r) => JSON.stringify(toExpense(r))));
        }
        expect(await expenses.listJson(uniqueOwnerId(), requests[0]!)).toEqual([]);
      },
    ),

    check(
      'list applies every filter: dates and amounts inclusive, currency, categories with null, tags in any case, text taken literally',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const [a, b] = [categoryRecord(ownerId, 'A'), categoryRecord(ownerId, 'B')];
        await store.categories.insert(a);
        await store.categories.insert(b);
        const r = [
          expenseRecord(ownerId, { date: '2026-01-01', amountMinor: 300, categoryId: a.id, tags: ['Trip', 'x'] }),
          expenseRecord(ownerId, { date: '2026-01-02', amountMinor: 100, categoryId: a.id, description: 'Tea 50%' }),
          expenseRecord(ownerId, { date: '2026-01-03', amountMinor: 200, currency: 'EUR', merchant: 'Cafe_Rouge' }),
          expenseRecord(ownerId, {
            date: '2026-01-04',
            amountMinor: 400,
            categoryId: b.id,
            notes: 'Paid in CASH',
            tags: ['trip'],
          }),
        ] as const;
        await store.expenses.insert([...r]);
        const list = lister(store, ownerId);
        expect(await list({})).toEqual([r[3].id, r[2].id, r[1].id, r[0].id]);
        expect(await list({ from: '2026-01-02', to: '2026-01-03' })).toEqual([r[2].id, r[1].id]);
        expect(await list({ minAmountMinor: 200, maxAmountMinor: 300 })).toEqual([r[2].id, r[0].id]);
        expect(await list({ currency: 'EUR' })).toEqual([r[2].id]);
        expect(await list({ categoryIds: [null] })).toEqual([r[2].id]);
        expect(await list({ categoryIds: [b.id, null] })).toEqual([r[3].id, r[2].id]);
        expect(await list({ categoryIds: [] })).toEqual([]);
        expect(await list({ tags: ['TRIP'] })).toEqual([r[3].id, r[0].id]);
        expect(await list({ tags: ['x', 'nope'] })).toEqual([r[0].id]);
        expect(await list({ text: '50%' })).toEqual([r[1].id]);
        expect(await list({ text: '5%' })).toEqual([]);
        expect(await list({ text: 'E_R' })).toEqual([r[2].id]);
        // `_` and `%` are characters, not wildcards: 'a_e' would otherwise match 'afe'.
        expect(await list({ text: 'a_e' })).toEqual([]);
        expect(await list({ text: 'cash' })).toEqual([r[3].id]);
        expect(await list({ text: 'cash', tags: ['trip'], from: '2026-01-04', categoryIds: [b.id] })).toEqual([
          r[3].id,
        ]);
      },
    ),

    check(
      'list pages by keyset in both sorts and orders, ties broken by id, each row exactly once',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const rows = ['2026-01-02', '2026-01-01', '2026-01-02', '2026-01-03', '2026-01-02', '2026-01-01'].map(
          (date, i) => expenseRecord(ownerId, { date, amountMinor: [500, 100, 500, 300, 200, 500][i]! }),
        );
        await store.expenses.insert(rows);
        for (const sort of ['date', 'amount'] as const) {
          for (const order of ['asc', 'desc'] as const) {
            const key = (row: ExpenseRecord) => (sort === 'date' ? row.date : row.amountMinor);
            const sign = order === 'asc' ? 1 : -1;
            const expected = [...rows].sort((x, y) => {
              const [kx, ky] = [key(x), key(y)];
              return sign * (kx < ky ? -1 : kx > ky ? 1 : x.id < y.id ? -1 : 1);
            });
            const walked: ExpenseRecord[] = [];
            let after: ExpensePageRequest['after'];
            for (;;) {
              const page = await store.expenses.list(ownerId, { sort, order, limit: 2, ...(after ? { after } : {}) });
              walked.push(...page);
              const last = page.at(-1);
              if (page.length < 2 || !last) break;
              after = { key: key(last), id: last.id };
            }
            expect(ids(walked), `${sort} ${order}`).toEqual(ids(expected));
          }
        }
      },
    ),

    check(
      'countByCategory counts, and reassignCategory moves, exactly the owner’s expenses of that category',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const [a, b] = [categoryRecord(ownerId, 'A'), categoryRecord(ownerId, 'B')];
        await store.categories.insert(a);
        await store.categories.insert(b);
        const rows = [
          expenseRecord(ownerId, { categoryId: a.id }),
          expenseRecord(ownerId, { categoryId: a.id }),
          expenseRecord(ownerId, { categoryId: b.id }),
          expenseRecord(ownerId),
        ];
        await store.expenses.insert(rows);
        expect(await store.expenses.countByCategory(ownerId, a.id)).toBe(2);
        const later = '2026-03-05T08:00:00.000Z';
        expect(await store.expenses.reassignCategory(ownerId, a.id, b.id, later)).toBe(2);
        expect(await store.expenses.countByCategory(ownerId, a.id)).toBe(0);
        expect(await store.expenses.countByCategory(ownerId, b.id)).toBe(3);
        expect(await store.expenses.findById(ownerId, rows[0]!.id)).toEqual({
          ...rows[0],
          categoryId: b.id,
          updatedAt: later,
        });
        expect(await store.expenses.findById(ownerId, rows[3]!.id)).toEqual(rows[3]);
        expect(await store.expenses.reassignCategory(ownerId, b.id, null, AT)).toBe(3);
        expect(await lister(store, ownerId)({ categoryIds: [null] })).toHaveLength(4);
        expect(await store.expenses.reassignCategory(ownerId, a.id, b.id, AT)).toBe(0);
      },
    ),

    check(
      'aggregate sums the expense table grouped by any keys, ordered by them, with count-0 groups left out',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const cat = categoryRecord(ownerId, 'Food');
        await store.categories.insert(cat);
        await store.expenses.insert([
          expenseRecord(ownerId, { date: '2026-01-31', amountMinor: 100 }),
          expenseRecord(ownerId, { date: '2026-01-31', amountMinor: 250, categoryId: cat.id }),
          expenseRecord(ownerId, { date: '2026-02-01', amountMinor: 1_000, categoryId: cat.id }),
          expenseRecord(ownerId, { date: '2026-02-01', amountMinor: 700, currency: 'EUR' }),
          expenseRecord(ownerId, { date: '2026-04-01', amountMinor: 9 }),
        ]);
        const range = { from: '2026-01-01', to: '2026-03-31' };
        expect(await store.expenses.aggregate(ownerId, { ...range, groupBy: [] })).toEqual([
          { amountMinor: 2_050, count: 4, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await store.expenses.aggregate(ownerId, { ...range, groupBy: ['month', 'currency'] })).toEqual([
          { month: '2026-01', currency: 'USD', amountMinor: 350, count: 2, refundMinor: 0, refundCount: 0 },
          { month: '2026-02', currency: 'EUR', amountMinor: 700, count: 1, refundMinor: 0, refundCount: 0 },
          { month: '2026-02', currency: 'USD', amountMinor: 1_000, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        expect(
          await store.expenses.aggregate(ownerId, { ...range, currency: 'USD', groupBy: ['date', 'category'] }),
        ).toEqual([
          { date: '2026-01-31', categoryId: null, amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
          { date: '2026-01-31', categoryId: cat.id, amountMinor: 250, count: 1, refundMinor: 0, refundCount: 0 },
          { date: '2026-02-01', categoryId: cat.id, amountMinor: 1_000, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        expect(
          await store.expenses.aggregate(ownerId, { ...range, categoryIds: [null], groupBy: ['currency'] }),
        ).toEqual([
          { currency: 'EUR', amountMinor: 700, count: 1, refundMinor: 0, refundCount: 0 },
          { currency: 'USD', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        expect(
          await store.expenses.aggregate(ownerId, { from: '2027-01-01', to: '2027-12-31', groupBy: ['date'] }),
        ).toEqual([]);
      },
    ),
  ],
};
