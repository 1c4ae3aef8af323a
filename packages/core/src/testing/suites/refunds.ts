import { describe, expect, it } from 'vitest';
import { alertsOf } from './budget-alerts.js';
import type { OwnerHandle } from '../../owner.js';
import type { TotalsQuery } from '../../store/store.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** "Now" in every refund test: Saturday 21 November 2026, midday UTC. */
const NOW = '2026-11-21T12:00:00Z';
const NOVEMBER: Omit<TotalsQuery, 'groupBy'> = { from: '2026-11-01', to: '2026-11-30' };

/** The whole export of `owner` in one format, as text. */
async function exported(owner: OwnerHandle, format: 'csv' | 'json', kind?: 'expense' | 'refund'): Promise<string> {
  let text = '';
  for await (const chunk of owner.export({ format, kind })) text += chunk;
  return text;
}

/**
 * Refunds (SPEC §7.0): a positive amount that reduces spending in its category and on its
 * day, in the totals, budget status, alerts, analytics and export.
 */
export function refundTests(getEnv: () => ConformanceEnv): void {
  function newOwner(): { env: ConformanceEnv; owner: OwnerHandle } {
    const env = getEnv();
    env.clock.set(NOW);
    return { env, owner: env.newOwner() };
  }

  describe('refunds', () => {
    it('an expense is of kind expense unless created as a refund; listing filters by kind; any other kind is VALIDATION_FAILED', async () => {
      const { owner } = newOwner();
      const shoes = await owner.expenses.create({ amount: '80.00', date: '2026-11-02', merchant: 'Shoe shop' });
      const back = await owner.expenses.create({ amount: '80.00', date: '2026-11-05', kind: 'refund' });
      expect(shoes.kind).toBe('expense');
      expect(back).toMatchObject({ kind: 'refund', amountMinor: 8000, amount: '80.00' });
      expect(await owner.expenses.get(back.id)).toEqual(back);
      const ids = async (kind?: 'expense' | 'refund') => (await owner.expenses.list({ kind })).items.map((e) => e.id);
      expect(await ids()).toEqual([back.id, shoes.id]);
      expect(await ids('refund')).toEqual([back.id]);
      expect(await ids('expense')).toEqual([shoes.id]);
      await expectTrackerError(
        owner.expenses.create({ amount: '1', kind: 'credit' as 'refund' }),
        'VALIDATION_FAILED',
        ['kind'],
      );
      await expectTrackerError(owner.expenses.list({ kind: 'salary' as 'refund' }), 'VALIDATION_FAILED', ['kind']);
      // A refund's amount is positive like any other: the kind says which way it goes.
      await expectTrackerError(owner.expenses.create({ amount: '-5', kind: 'refund' }), 'VALIDATION_FAILED', [
        'amount',
      ]);
    });

    it('a refund reduces its day and category, and a day whose refunds exceed its spending totals below 0 (net)', async () => {
      const { env, owner } = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.expenses.createMany([
        { amount: '30.00', date: '2026-11-03', categoryId: food.id },
        { amount: '12.00', date: '2026-11-03' },
        { amount: '5.00', date: '2026-11-03', categoryId: food.id, kind: 'refund' },
        { amount: '20.00', date: '2026-11-04', categoryId: food.id, kind: 'refund' },
      ]);
      const query: TotalsQuery = { ...NOVEMBER, groupBy: ['date', 'category'] };
      const expected = [
        { date: '2026-11-03', categoryId: null, amountMinor: 1200, count: 1, refundMinor: 0, refundCount: 0 },
        { date: '2026-11-03', categoryId: food.id, amountMinor: 2500, count: 1, refundMinor: 500, refundCount: 1 },
        { date: '2026-11-04', categoryId: food.id, amountMinor: -2000, count: 0, refundMinor: 2000, refundCount: 1 },
      ];
      expect(await env.store.totals.query(owner.ownerId, query)).toEqual(expected);
      expect(await env.store.expenses.aggregate(owner.ownerId, query)).toEqual(expected);
      expect(await env.store.totals.query(owner.ownerId, { ...NOVEMBER, groupBy: [] })).toEqual([
        { amountMinor: 1700, count: 2, refundMinor: 2500, refundCount: 2 },
      ]);
      expect(await owner.rebuildTotals()).toBe(3);
      expect(await env.store.totals.query(owner.ownerId, query)).toEqual(expected);
    });

    it('changing the kind moves the totals: the old contribution out, the new one in; deleting a refund restores spending', async () => {
      const { env, owner } = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const byDate = () => env.store.totals.query(owner.ownerId, { ...NOVEMBER, groupBy: ['date'] });
      await owner.expenses.create({ amount: '50.00', date: '2026-11-03' });
      const lunch = await owner.expenses.create({ amount: '15.00', date: '2026-11-03', categoryId: food.id });
      expect(await byDate()).toEqual([
        { date: '2026-11-03', amountMinor: 6500, count: 2, refundMinor: 0, refundCount: 0 },
      ]);
      await owner.expenses.update(lunch.id, { kind: 'refund' });
      expect(await byDate()).toEqual([
        { date: '2026-11-03', amountMinor: 3500, count: 1, refundMinor: 1500, refundCount: 1 },
      ]);
      // Kind, day and amount at once: out of the 3rd as a refund, into the 9th as an expense.
      const moved = await owner.expenses.update(lunch.id, { kind: 'expense', date: '2026-11-09', amount: '16.00' });
      expect(moved.kind).toBe('expense');
      expect(await byDate()).toEqual([
        { date: '2026-11-03', amountMinor: 5000, count: 1, refundMinor: 0, refundCount: 0 },
        { date: '2026-11-09', amountMinor: 1600, count: 1, refundMinor: 0, refundCount: 0 },
      ]);
      // A full update that leaves the kind out keeps it.
      const refund = await owner.expenses.create({ amount: '10.00', date: '2026-11-09', kind: 'refund' });
      expect((await owner.expenses.replace(refund.id, { amount: '11.00', date: '2026-11-09' })).kind).toBe('refund');
      expect((await byDate())[1]).toEqual({
        date: '2026-11-09',
        amountMinor: 500,
        count: 1,
        refundMinor: 1100,
        refundCount: 1,
      });
      await owner.expenses.delete(refund.id);
      expect((await byDate())[1]).toMatchObject({ amountMinor: 1600, refundCount: 0 });
      const events = (await owner.changes({ limit: 50 })).events.filter((e) => e.type === 'expense.updated');
      expect(events[0]).toMatchObject({
        data: { expense: { kind: 'refund' }, previous: { kind: 'expense' } },
      });
    });

    it('budget status counts spending net of refunds: spent, remaining, percent used and the forecast', async () => {
      const { owner } = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const budget = await owner.budgets.create({ name: 'Food', amount: '400.00', categoryIds: [food.id] });
      await owner.expenses.create({ amount: '300.00', date: '2026-11-02', categoryId: food.id });
      await owner.expenses.create({ amount: '90.00', date: '2026-11-10', categoryId: food.id, kind: 'refund' });
      await owner.expenses.create({ amount: '500.00', date: '2026-11-10', kind: 'refund' }); // not in the budget
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        spentMinor: 21000,
        remainingMinor: 19000,
        percentUsed: 52.5,
        projectedSpendMinor: 30000, // 210.00 in 21 days of 30
        projectedExceedDate: null,
        state: 'ok',
      });
      // Refunds beyond spending: spending below 0, all of the limit and more remaining.
      await owner.expenses.create({ amount: '250.00', date: '2026-11-11', categoryId: food.id, kind: 'refund' });
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        spentMinor: -4000,
        remainingMinor: 44000,
        percentUsed: -10,
        state: 'ok',
      });
    });

    it('a refund never fires an alert, and an alert that fired stays fired, once per period, when a refund brings spending back under', async () => {
      const { owner } = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const budget = await owner.budgets.create({ name: 'Food', amount: '100.00', categoryIds: [food.id] });
      await owner.expenses.create({ amount: '70.00', date: '2026-11-02', categoryId: food.id });
      await owner.expenses.create({ amount: '75.00', date: '2026-11-03', categoryId: food.id, kind: 'refund' });
      await owner.expenses.create({ amount: '60.00', date: '2026-11-04', categoryId: food.id, kind: 'refund' });
      expect(await alertsOf(owner.notifications)).toEqual([]);

      await owner.expenses.create({ amount: '150.00', date: '2026-11-05', categoryId: food.id }); // 85.00: 85 %
      const fired = await alertsOf(owner.notifications);
      expect(fired.map((n) => [n.thresholdPercent, n.spentMinor])).toEqual([[80, 8500]]);
      await owner.expenses.create({ amount: '50.00', date: '2026-11-06', categoryId: food.id, kind: 'refund' });
      expect((await owner.budgets.status(budget.id)).spentMinor).toBe(3500);
      expect(await alertsOf(owner.notifications)).toEqual(fired); // still there, unread, unchanged
      await owner.expenses.create({ amount: '50.00', date: '2026-11-07', categoryId: food.id }); // 85 % again
      expect(await alertsOf(owner.notifications)).toEqual(fired); // not a second time in the period
    });

    it('analytics net refunds out of totals and count them apart: summary, monthly, weekly and trends', async () => {
      const { owner } = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.expenses.createMany([
        { amount: '40.00', date: '2026-11-02', categoryId: food.id },
        { amount: '20.00', date: '2026-11-03' },
        { amount: '15.00', date: '2026-11-03', categoryId: food.id, kind: 'refund' },
        { amount: '100', date: '2026-11-03', currency: 'JPY', kind: 'refund' },
      ]);
      const summary = await owner.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
      const usd = summary.currencies.find((c) => c.currency === 'USD');
      expect(usd).toMatchObject({
        totalMinor: 4500,
        total: '45.00',
        count: 2,
        refundCount: 1,
        refundedMinor: 1500,
        refunded: '15.00',
      });
      expect(
        usd!.byCategory.map((c) => [c.categoryName, c.totalMinor, c.count, c.refundCount, c.sharePercent]),
      ).toEqual([
        ['Food', 2500, 1, 1, 55.56],
        [null, 2000, 1, 0, 44.44],
      ]);
      expect(summary.currencies.find((c) => c.currency === 'JPY')).toMatchObject({
        totalMinor: -100,
        total: '-100',
        count: 0,
        refundCount: 1,
        refunded: '100',
      });
      const { months } = await owner.analytics.monthly({ from: '2026-11', to: '2026-11' });
      expect(months[0]!.currencies.map((c) => [c.currency, c.totalMinor, c.count, c.refundCount])).toEqual([
        ['JPY', -100, 0, 1],
        ['USD', 4500, 2, 1],
      ]);
      const { weeks } = await owner.analytics.weekly({ from: '2026-11-02', to: '2026-11-08' });
      expect(weeks[0]!.currencies.find((c) => c.currency === 'USD')).toMatchObject({
        totalMinor: 4500,
        count: 2,
        refundCount: 1,
      });
      const { points } = await owner.analytics.trends({ granularity: 'day', from: '2026-11-02', to: '2026-11-03' });
      expect(points.map((p) => [p.start, p.totalMinor, p.count, p.refundCount, p.refundedMinor])).toEqual([
        ['2026-11-02', 4000, 1, 0, 0],
        ['2026-11-03', 500, 1, 1, 1500],
      ]);
    });

    it('export marks each row with its kind (the last CSV column), and filters by kind', async () => {
      const { owner } = newOwner();
      await owner.expenses.create({ amount: '80.00', date: '2026-11-02' });
      const back = await owner.expenses.create({ amount: '80.00', date: '2026-11-05', kind: 'refund' });
      const csv = (await exported(owner, 'csv')).split('\r\n');
      expect(csv[0]!.split(',').at(-1)).toBe('kind');
      expect(csv.slice(1, 3).map((row) => [row.split(',')[2], row.split(',').at(-1)])).toEqual([
        ['80.00', 'expense'],
        ['80.00', 'refund'],
      ]);
      const refunds = JSON.parse(await exported(owner, 'json', 'refund')) as { id: string; kind: string }[];
      expect(refunds.map((e) => [e.id, e.kind])).toEqual([[back.id, 'refund']]);
    });

    it('refunds have their own 2^53−1 guard: expenses past it are refused even when refunds bring the net under', async () => {
      const { owner } = newOwner();
      const max = Number.MAX_SAFE_INTEGER;
      await owner.expenses.create({ amountMinor: max, date: '2026-11-02', kind: 'refund' });
      const refused = await expectTrackerError(
        owner.expenses.create({ amountMinor: 1, date: '2026-11-03', kind: 'refund' }),
        'VALIDATION_FAILED',
      );
      expect(refused.issues[0]).toMatchObject({ code: 'total_out_of_range' });
      await owner.expenses.create({ amountMinor: max, date: '2026-11-02' }); // net 0: fine
      // Net 1, but the expenses would total 2^53: the guard bounds expenses and refunds each,
      // so every net sum of any part of them stays exact, whichever parts a query takes.
      await expectTrackerError(owner.expenses.create({ amountMinor: 1, date: '2026-11-03' }), 'VALIDATION_FAILED');
      expect((await owner.expenses.list()).items).toHaveLength(2);
    });
  });
}
