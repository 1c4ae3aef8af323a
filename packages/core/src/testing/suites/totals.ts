import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpenseKind, TotalsQuery, TotalsRow } from '../../store/store.js';
import type { ConformanceEnv } from '../harness.js';

const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;
type Currency = (typeof CURRENCIES)[number];
/** Few dates, so operations pile onto the same total rows; across month and year ends. */
const DATES = ['2025-12-31', '2026-01-01', '2026-01-31', '2026-02-01', '2026-02-28', '2027-02-01'] as const;
const ALL: TotalsQuery = { from: '2000-01-01', to: '2100-12-31', groupBy: ['date', 'currency', 'category'] };

/**
 * One step of a random history. Indices pick among the expenses and categories that exist
 * when the step runs (modulo their count); a category of `null` is uncategorized.
 */
type Op =
  | {
      kind: 'create';
      amountMinor: number;
      currency: Currency;
      date: string;
      category: number | null;
      expenseKind: ExpenseKind;
    }
  | {
      kind: 'update';
      target: number;
      expenseKind?: ExpenseKind;
      amountMinor?: number;
      currency?: Currency;
      date?: string;
      category?: number | null;
    }
  | { kind: 'delete'; target: number }
  | { kind: 'deleteCategory'; category: number; reassign: boolean; to: number };

const amount = fc.integer({ min: 1, max: 100_000 });
const currency = fc.constantFrom(...CURRENCIES);
const date = fc.constantFrom(...DATES);
const category = fc.option(fc.nat(9), { nil: null });
/** Refunds one time in three: enough for days and categories whose net total is below 0. */
const expenseKind = fc.constantFrom<ExpenseKind>('expense', 'expense', 'refund');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      amountMinor: amount,
      currency,
      date,
      category,
      expenseKind,
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        target: fc.nat(),
        expenseKind: maybe(expenseKind),
        amountMinor: maybe(amount),
        currency: maybe(currency),
        date: maybe(date),
        category: maybe(category),
      })
      .map((u) => ({ kind: 'update' as const, ...u })),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteCategory' as const),
      category: fc.nat(9),
      reassign: fc.boolean(),
      to: fc.nat(9),
    }),
  },
);

interface Modelled {
  amountMinor: number;
  kind: ExpenseKind;
  currency: string;
  date: string;
  categoryId: string | null;
}

/**
 * The expected totals: a GROUP BY (date, currency, category) over the modelled expenses,
 * refunds netted (subtracted from the amount, counted apart).
 */
function groupModel(expenses: Iterable<Modelled>): TotalsRow[] {
  const groups = new Map<string, TotalsRow>();
  for (const e of expenses) {
    const key = JSON.stringify([e.date, e.currency, e.categoryId]);
    const row = groups.get(key) ?? {
      date: e.date,
      currency: e.currency,
      categoryId: e.categoryId,
      amountMinor: 0,
      count: 0,
      refundMinor: 0,
      refundCount: 0,
    };
    if (e.kind === 'refund') {
      row.amountMinor -= e.amountMinor;
      row.refundMinor += e.amountMinor;
      row.refundCount += 1;
    } else {
      row.amountMinor += e.amountMinor;
      row.count += 1;
    }
    groups.set(key, row);
  }
  return [...groups.values()];
}

/** Rows in one order whatever the database's collation. */
function sorted(rows: readonly TotalsRow[]): TotalsRow[] {
  const key = (r: TotalsRow) => JSON.stringify([r.date, r.month, r.currency, r.categoryId]);
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Daily totals: kept exact by every expense write, and equal to a sum over the expenses. */
export function totalsTests(getEnv: () => ConformanceEnv): void {
  describe('daily totals', () => {
    it('after any sequence of creates, updates (kind too), deletes and category deletes, the totals equal a net GROUP BY over the expenses', async () => {
      const env = getEnv();
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
          const owner = env.newOwner();
          const categories: string[] = [];
          for (const name of ['A', 'B', 'C']) categories.push((await owner.categories.create({ name })).id);
          const model = new Map<string, Modelled>();
          const pickCategory = (index: number | null) =>
            index === null || categories.length === 0 ? null : categories[index % categories.length]!;
          const pickExpense = (index: number) => [...model.keys()][index % model.size]!;

          for (const step of ops) {
            if (step.kind === 'create') {
              const categoryId = pickCategory(step.category);
              const created = await owner.expenses.create({
                amountMinor: step.amountMinor,
                currency: step.currency,
                date: step.date,
                categoryId,
                kind: step.expenseKind,
              });
              model.set(created.id, {
                amountMinor: step.amountMinor,
                kind: step.expenseKind,
                currency: step.currency,
                date: step.date,
                categoryId,
              });
            } else if (step.kind === 'update' && model.size > 0) {
              const id = pickExpense(step.target);
              const current = model.get(id)!;
              const changesCurrency = step.currency !== undefined && step.currency !== current.currency;
              const amountMinor = step.amountMinor ?? (changesCurrency ? current.amountMinor : undefined);
              const categoryId = step.category === undefined ? undefined : pickCategory(step.category);
              await owner.expenses.update(id, {
                amountMinor,
                currency: step.currency,
                date: step.date,
                categoryId,
                kind: step.expenseKind,
              });
              model.set(id, {
                amountMinor: amountMinor ?? current.amountMinor,
                kind: step.expenseKind ?? current.kind,
                currency: step.currency ?? current.currency,
                date: step.date ?? current.date,
                categoryId: categoryId === undefined ? current.categoryId : categoryId,
              });
            } else if (step.kind === 'delete' && model.size > 0) {
              const id = pickExpense(step.target);
              await owner.expenses.delete(id);
              model.delete(id);
            } else if (step.kind === 'deleteCategory' && categories.length > 0) {
              const gone = categories.splice(step.category % categories.length, 1)[0]!;
              const target = step.reassign && categories.length > 0 ? categories[step.to % categories.length]! : null;
              await owner.categories.delete(gone, target === null ? { uncategorize: true } : { reassignTo: target });
              for (const e of model.values()) if (e.categoryId === gone) e.categoryId = target;
            }
          }

          const expected = sorted(groupModel(model.values()));
          expect(sorted(await env.store.expenses.aggregate(owner.ownerId, ALL))).toEqual(expected);
          expect(sorted(await env.store.totals.query(owner.ownerId, ALL))).toEqual(expected);
          const allTime = () => env.store.totals.query(owner.ownerId, { ...ALL, groupBy: ['currency'] });
          const expectedAllTime = sorted(
            groupModel([...model.values()].map((e) => ({ ...e, date: '', categoryId: null }))),
          ).map(({ currency, amountMinor, count, refundMinor, refundCount }) => ({
            currency,
            amountMinor,
            count,
            refundMinor,
            refundCount,
          }));
          expect(await allTime()).toEqual(expectedAllTime);
          // The bundled store keeps the all-time total per currency (the 2^53−1 guard) in step as well.
          const stored = async () =>
            (
              await env.raw!(
                'select currency, amount_minor, count, refund_minor, refund_count from et_currency_total where owner_id = ? and (count <> 0 or refund_count <> 0) order by currency',
                [owner.ownerId],
              )
            ).map((r) => ({
              currency: r.currency,
              amountMinor: Number(r.amount_minor),
              count: Number(r.count),
              refundMinor: Number(r.refund_minor),
              refundCount: Number(r.refund_count),
            }));
          if (env.raw) expect(await stored()).toEqual(expectedAllTime);
          expect(await owner.rebuildTotals()).toBe(expected.length);
          expect(sorted(await env.store.totals.query(owner.ownerId, ALL))).toEqual(expected);
          if (env.raw) expect(await stored()).toEqual(expectedAllTime);
        }),
        { numRuns: 25 },
      );
    });

    it('totals grouped by month never mix the same month of different years', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.expenses.createMany([
        { amount: '10.00', date: '2025-03-10' },
        { amount: '20.00', date: '2026-03-05', categoryId: food.id },
        { amount: '5.00', date: '2026-03-31' },
        { amount: '1.00', date: '2025-12-31' },
        { amount: '2.00', date: '2026-01-01' },
        { amount: '700', date: '2026-03-15', currency: 'JPY' },
      ]);
      const byMonth: TotalsQuery = { from: '2025-01-01', to: '2026-12-31', currency: 'USD', groupBy: ['month'] };
      const expected: TotalsRow[] = [
        { month: '2025-03', amountMinor: 1000, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2025-12', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2026-01', amountMinor: 200, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2026-03', amountMinor: 2500, count: 2, refundMinor: 0, refundCount: 0 },
      ];
      expect(await env.store.totals.query(owner.ownerId, byMonth)).toEqual(expected);
      expect(await env.store.expenses.aggregate(owner.ownerId, byMonth)).toEqual(expected);
      expect(
        await env.store.totals.query(owner.ownerId, {
          ...byMonth,
          groupBy: ['month', 'currency'],
          currency: undefined,
        }),
      ).toEqual([
        { month: '2025-03', currency: 'USD', amountMinor: 1000, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2025-12', currency: 'USD', amountMinor: 100, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2026-01', currency: 'USD', amountMinor: 200, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2026-03', currency: 'JPY', amountMinor: 700, count: 1, refundMinor: 0, refundCount: 0 },
        { month: '2026-03', currency: 'USD', amountMinor: 2500, count: 2, refundMinor: 0, refundCount: 0 },
      ]);
      expect(
        await env.store.totals.query(owner.ownerId, {
          ...byMonth,
          from: '2026-03-01',
          to: '2026-03-31',
          categoryIds: [null],
        }),
      ).toEqual([{ month: '2026-03', amountMinor: 500, count: 1, refundMinor: 0, refundCount: 0 }]);
    });
  });
}
