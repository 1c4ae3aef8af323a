import { expect } from 'vitest';
import type { Store, TotalsDelta, TotalsQuery } from '../../store/store.js';
import { uniqueOwnerId } from '../harness.js';
import { check, type ContractGroup } from './contract-check.js';
import { categoryRecord, expenseRecord } from './records.js';

const ALL: Omit<TotalsQuery, 'groupBy'> = { from: '2000-01-01', to: '2099-12-31' };
const delta = (date: string, amountMinor: number, count: number, extra: Partial<TotalsDelta> = {}): TotalsDelta => ({
  date,
  currency: 'USD',
  categoryId: null,
  amountMinor,
  count,
  ...extra,
});

/** Applies deltas in a transaction of their own, as the services do in theirs. */
const apply = (store: Store, ownerId: string, deltas: readonly TotalsDelta[]) =>
  store.transaction((tx) => tx.totals.applyDeltas(ownerId, deltas));

/** `totals`: the daily totals the services keep in step with every expense write. */
export const totalsChecks: ContractGroup = {
  name: 'totals',
  checks: [
    check(
      'applyDeltas adds to what is there and subtracts negative deltas; a group back at count 0 is left out of query',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const byDate = () => store.totals.query(ownerId, { ...ALL, groupBy: ['date'] });
        await apply(store, ownerId, [delta('2026-03-01', 1_250, 1)]);
        await apply(store, ownerId, [delta('2026-03-01', 399, 1), delta('2026-03-02', 700, 1)]);
        expect(await byDate()).toEqual([
          { date: '2026-03-01', amountMinor: 1_649, count: 2, refundMinor: 0, refundCount: 0 },
          { date: '2026-03-02', amountMinor: 700, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        // An expense moved from the 1st to the 2nd, and one deleted.
        await apply(store, ownerId, [
          delta('2026-03-01', -399, -1),
          delta('2026-03-02', 399, 1),
          delta('2026-03-01', -1_250, -1),
        ]);
        expect(await byDate()).toEqual([
          { date: '2026-03-02', amountMinor: 1_099, count: 2, refundMinor: 0, refundCount: 0 },
        ]);
        await apply(store, ownerId, [delta('2026-03-01', 5, 1)]);
        expect(await byDate()).toEqual([
          { date: '2026-03-01', amountMinor: 5, count: 1, refundMinor: 0, refundCount: 0 },
          { date: '2026-03-02', amountMinor: 1_099, count: 2, refundMinor: 0, refundCount: 0 },
        ]);
      },
    ),

    check(
      'applyDeltas answers the all-time total and count of each currency it touched, after the change, in currency order, per owner',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        expect(
          await apply(store, ownerId, [
            delta('2026-03-01', 1_000, 1),
            delta('2025-01-01', 500, 1, { currency: 'EUR' }),
          ]),
        ).toEqual([
          { currency: 'EUR', amountMinor: 500, count: 1, refundMinor: 0, refundCount: 0 },
          { currency: 'USD', amountMinor: 1_000, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        // Another day in USD adds to the all-time total; EUR is not touched, so not answered.
        expect(await apply(store, ownerId, [delta('2027-06-30', 250, 1)])).toEqual([
          { currency: 'USD', amountMinor: 1_250, count: 2, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await apply(store, ownerId, [delta('2026-03-01', -1_000, -1)])).toEqual([
          { currency: 'USD', amountMinor: 250, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
        // Another owner's totals start from their own zero.
        expect(await apply(store, uniqueOwnerId(), [delta('2026-03-01', 7, 1)])).toEqual([
          { currency: 'USD', amountMinor: 7, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
      },
    ),

    check(
      'applyDeltas keys totals by date, currency and category (null apart), adding up deltas of one key given together',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const cat = categoryRecord(ownerId, 'Food');
        await store.categories.insert(cat);
        await apply(store, ownerId, [
          delta('2026-03-01', 100, 1),
          delta('2026-03-01', 200, 1, { categoryId: cat.id }),
          delta('2026-03-01', 300, 1, { currency: 'EUR' }),
          delta('2026-03-01', 400, 1),
          delta('2026-03-01', 9_007_199_254_740_000, 1, { currency: 'JPY' }),
        ]);
        expect(await store.totals.query(ownerId, { ...ALL, groupBy: ['currency', 'category'] })).toEqual([
          { currency: 'EUR', categoryId: null, amountMinor: 300, count: 1, refundMinor: 0, refundCount: 0 },
          {
            currency: 'JPY',
            categoryId: null,
            amountMinor: 9_007_199_254_740_000,
            count: 1,
            refundMinor: 0,
            refundCount: 0,
          },
          { currency: 'USD', categoryId: null, amountMinor: 500, count: 2, refundMinor: 0, refundCount: 0 },
          { currency: 'USD', categoryId: cat.id, amountMinor: 200, count: 1, refundMinor: 0, refundCount: 0 },
        ]);
      },
    ),

    check('applyDeltas in a transaction that rolls back changes nothing', async ({ store }) => {
      const ownerId = uniqueOwnerId();
      await apply(store, ownerId, [delta('2026-03-01', 100, 1)]);
      await store
        .transaction(async (tx) => {
          await tx.totals.applyDeltas(ownerId, [delta('2026-03-01', 50, 1), delta('2026-03-09', 7, 1)]);
          throw new Error('rolled back on purpose');
        })
        .catch(() => undefined);
      expect(await store.totals.query(ownerId, { ...ALL, groupBy: ['date'] })).toEqual([
        { date: '2026-03-01', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
      ]);
    }),

    check(
      'query groups by month, date, currency and category in any combination, ordered by the keys, within the inclusive range and filters',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const cat = categoryRecord(ownerId, 'Food');
        await store.categories.insert(cat);
        await apply(store, ownerId, [
          delta('2026-01-31', 100, 1),
          delta('2026-01-31', 250, 1, { categoryId: cat.id }),
          delta('2026-02-01', 1_000, 2, { categoryId: cat.id }),
          delta('2026-02-01', 700, 1, { currency: 'EUR' }),
          delta('2026-02-28', 30, 1),
          delta('2026-03-01', 9, 1),
        ]);
        const range = { from: '2026-01-31', to: '2026-02-28' };
        expect(await store.totals.query(ownerId, { ...range, groupBy: [] })).toEqual([
          { amountMinor: 2_080, count: 6, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await store.totals.query(ownerId, { ...range, groupBy: ['month'] })).toEqual([
          { month: '2026-01', amountMinor: 350, count: 2, refundMinor: 0, refundCount: 0 },
          { month: '2026-02', amountMinor: 1_730, count: 4, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await store.totals.query(ownerId, { ...range, currency: 'USD', groupBy: ['category', 'date'] })).toEqual(
          [
            { categoryId: null, date: '2026-01-31', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
            { categoryId: null, date: '2026-02-28', amountMinor: 30, count: 1, refundMinor: 0, refundCount: 0 },
            { categoryId: cat.id, date: '2026-01-31', amountMinor: 250, count: 1, refundMinor: 0, refundCount: 0 },
            { categoryId: cat.id, date: '2026-02-01', amountMinor: 1_000, count: 2, refundMinor: 0, refundCount: 0 },
          ],
        );
        expect(await store.totals.query(ownerId, { ...range, categoryIds: [cat.id], groupBy: ['currency'] })).toEqual([
          { currency: 'USD', amountMinor: 1_250, count: 3, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await store.totals.query(ownerId, { ...range, categoryIds: [null], groupBy: ['currency'] })).toEqual([
          { currency: 'EUR', amountMinor: 700, count: 1, refundMinor: 0, refundCount: 0 },
          { currency: 'USD', amountMinor: 130, count: 2, refundMinor: 0, refundCount: 0 },
        ]);
        expect(await store.totals.query(ownerId, { ...range, categoryIds: [], groupBy: [] })).toEqual([]);
      },
    ),

    check(
      'moveCategory moves a category’s totals onto another (adding up on shared days) or to uncategorized',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const [a, b] = [categoryRecord(ownerId, 'A'), categoryRecord(ownerId, 'B')];
        await store.categories.insert(a);
        await store.categories.insert(b);
        await apply(store, ownerId, [
          delta('2026-03-01', 100, 1, { categoryId: a.id }),
          delta('2026-03-02', 200, 2, { categoryId: a.id }),
          delta('2026-03-02', 50, 1, { categoryId: b.id }),
          delta('2026-03-02', 7, 1),
        ]);
        const byCategoryAndDate = () => store.totals.query(ownerId, { ...ALL, groupBy: ['category', 'date'] });
        await store.transaction((tx) => tx.totals.moveCategory(ownerId, a.id, b.id));
        expect(await byCategoryAndDate()).toEqual([
          { categoryId: null, date: '2026-03-02', amountMinor: 7, count: 1, refundMinor: 0, refundCount: 0 },
          { categoryId: b.id, date: '2026-03-01', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
          { categoryId: b.id, date: '2026-03-02', amountMinor: 250, count: 3, refundMinor: 0, refundCount: 0 },
        ]);
        await store.transaction((tx) => tx.totals.moveCategory(ownerId, b.id, null));
        expect(await byCategoryAndDate()).toEqual([
          { categoryId: null, date: '2026-03-01', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
          { categoryId: null, date: '2026-03-02', amountMinor: 257, count: 4, refundMinor: 0, refundCount: 0 },
        ]);
      },
    ),

    check(
      'rebuild replaces the owner’s totals with sums of the expenses and returns how many total rows there are',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const cat = categoryRecord(ownerId, 'Food');
        await store.categories.insert(cat);
        await store.expenses.insert([
          expenseRecord(ownerId, { date: '2026-03-01', amountMinor: 100 }),
          expenseRecord(ownerId, { date: '2026-03-01', amountMinor: 200 }),
          expenseRecord(ownerId, { date: '2026-03-01', amountMinor: 300, categoryId: cat.id }),
          expenseRecord(ownerId, { date: '2026-03-02', amountMinor: 400, currency: 'EUR' }),
        ]);
        // Totals that disagree with the expenses, including a key no expense has.
        await apply(store, ownerId, [delta('2026-03-01', 1, 1), delta('2026-01-01', 999, 3)]);
        expect(await store.transaction((tx) => tx.totals.rebuild(ownerId))).toBe(3);
        const grouping: TotalsQuery = { ...ALL, groupBy: ['date', 'currency', 'category'] };
        expect(await store.totals.query(ownerId, grouping)).toEqual(await store.expenses.aggregate(ownerId, grouping));
        expect(await store.totals.query(ownerId, { ...ALL, groupBy: [] })).toEqual([
          { amountMinor: 1_000, count: 4, refundMinor: 0, refundCount: 0 },
        ]);
      },
    ),

    check(
      'refund figures add apart from the expense count; a group of refunds only is in query (net below 0) until both counts are back at 0',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        const byDate = () => store.totals.query(ownerId, { ...ALL, groupBy: ['date'] });
        const refund = (date: string, amountMinor: number, sign: 1 | -1) =>
          delta(date, -sign * amountMinor, 0, { refundMinor: sign * amountMinor, refundCount: sign });
        await apply(store, ownerId, [delta('2026-03-01', 1_000, 1), refund('2026-03-01', 300, 1)]);
        await apply(store, ownerId, [refund('2026-03-02', 450, 1)]);
        expect(await byDate()).toEqual([
          { date: '2026-03-01', amountMinor: 700, count: 1, refundMinor: 300, refundCount: 1 },
          { date: '2026-03-02', amountMinor: -450, count: 0, refundMinor: 450, refundCount: 1 },
        ]);
        // The all-time total carries the refunds too (the service's 2^53−1 guard reads them).
        expect(await apply(store, ownerId, [refund('2026-03-02', 50, 1)])).toEqual([
          { currency: 'USD', amountMinor: 200, count: 1, refundMinor: 800, refundCount: 3 },
        ]);
        await apply(store, ownerId, [refund('2026-03-02', 450, -1), refund('2026-03-02', 50, -1)]);
        expect(await byDate()).toEqual([
          { date: '2026-03-01', amountMinor: 700, count: 1, refundMinor: 300, refundCount: 1 },
        ]);
      },
    ),

    check(
      'aggregate and rebuild net refunds: a refund row subtracts its positive amount and counts as a refund',
      async ({ store }) => {
        const ownerId = uniqueOwnerId();
        await store.expenses.insert([
          expenseRecord(ownerId, { date: '2026-03-01', amountMinor: 1_000 }),
          expenseRecord(ownerId, { date: '2026-03-01', amountMinor: 250, kind: 'refund' }),
          expenseRecord(ownerId, { date: '2026-03-02', amountMinor: 400, kind: 'refund' }),
        ]);
        const expected = [
          { date: '2026-03-01', amountMinor: 750, count: 1, refundMinor: 250, refundCount: 1 },
          { date: '2026-03-02', amountMinor: -400, count: 0, refundMinor: 400, refundCount: 1 },
        ];
        const grouping: TotalsQuery = { ...ALL, groupBy: ['date'] };
        expect(await store.expenses.aggregate(ownerId, grouping)).toEqual(expected);
        expect(await store.transaction((tx) => tx.totals.rebuild(ownerId))).toBe(2);
        expect(await store.totals.query(ownerId, grouping)).toEqual(expected);
        expect(
          (
            await store.expenses.findById(
              ownerId,
              (await store.expenses.list(ownerId, { sort: 'date', order: 'asc', limit: 1 }))[0]!.id,
            )
          )?.kind,
        ).toBe('expense');
        expect(
          (await store.expenses.list(ownerId, { kind: 'refund', sort: 'amount', order: 'asc', limit: 5 })).map(
            (r) => r.amountMinor,
          ),
        ).toEqual([250, 400]);
      },
    ),
  ],
};
