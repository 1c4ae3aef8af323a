import { describe, expect, it } from 'vitest';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Sums within the range a JavaScript number holds exactly: each amount may be up to 2^53−1
 * minor units, but a write that would take the owner's all-time total in a currency (of
 * which every day, period, range and category sum is a part) past that is refused, and the
 * figures derived from sums (forecasts, rollover) stay within it too.
 */
export function sumTests(getEnv: () => ConformanceEnv): void {
  describe('sums within 2^53−1', () => {
    it('a create, batch or update that would take a currency’s total past 2^53−1 is refused, stores nothing, and every sum still answers', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      clock.set('2026-11-15T12:00:00Z');
      const budget = await owner.budgets.create({ name: 'All', amountMinor: 1000, alertRules: [] });
      const big = await owner.expenses.create({ amountMinor: MAX - 10, date: '2026-11-10' });
      const small = await owner.expenses.create({ amountMinor: 5, date: '2026-11-11' });
      const before = await owner.changes();

      const refused = await expectTrackerError(
        owner.expenses.create({ amountMinor: 6, date: '2026-11-12' }),
        'VALIDATION_FAILED',
        ['amount'],
      );
      expect(refused.issues[0]).toMatchObject({ code: 'total_out_of_range' });
      expect(refused.message).toContain('90071992547409.91 USD');
      // Another day, another category, another year: the same total, the same refusal.
      await expectTrackerError(owner.expenses.create({ amount: '0.06', date: '2020-01-01' }), 'VALIDATION_FAILED', [
        'amount',
      ]);
      await expectTrackerError(
        owner.expenses.createMany([{ amountMinor: 1 }, { amountMinor: 5 }]),
        'VALIDATION_FAILED',
        [],
      );
      await expectTrackerError(owner.expenses.update(small.id, { amountMinor: 11 }), 'VALIDATION_FAILED', ['amount']);
      await expectTrackerError(
        owner.expenses.replace(small.id, { amountMinor: 11, date: '2026-01-01' }),
        'VALIDATION_FAILED',
        ['amount'],
      );
      expect(await owner.changes()).toEqual(before);
      expect((await owner.expenses.list()).items.map((e) => e.amountMinor)).toEqual([5, MAX - 10]);

      // Exactly 2^53−1 is fine; other currencies have totals of their own; lowering always works.
      await owner.expenses.create({ amountMinor: 5, date: '2026-11-12' });
      await owner.expenses.create({ amountMinor: MAX, currency: 'EUR', date: '2026-11-12' });
      await owner.expenses.update(small.id, { amountMinor: 4 });
      await owner.expenses.create({ amountMinor: 1, date: '2026-11-13' });

      const status = await owner.budgets.status(budget.id);
      expect(status).toMatchObject({
        spentMinor: MAX,
        remainingMinor: 1000 - MAX,
        availableMinor: 1000,
        state: 'exceeded',
      });
      const { percentUsed, ...figures } = status;
      expect(percentUsed).toBeGreaterThan(1e14);
      for (const value of Object.values(figures))
        if (typeof value === 'number') expect(Number.isSafeInteger(value), String(value)).toBe(true);
      const summary = await owner.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
      expect(summary.currencies.map((c) => [c.currency, c.totalMinor, c.total])).toEqual([
        ['EUR', MAX, '90071992547409.91'],
        ['USD', MAX, '90071992547409.91'],
      ]);
      const monthly = await owner.analytics.monthly({ fromMonth: '2026-11', toMonth: '2026-11' });
      expect(monthly.months[0]!.currencies.find((c) => c.currency === 'USD')!.totalMinor).toBe(MAX);
      const trends = await owner.analytics.trends({
        granularity: 'day',
        from: '2026-11-09',
        to: '2026-11-14',
        window: 6,
      });
      expect(trends.points.map((p) => p.totalMinor)).toEqual([0, MAX - 10, 4, 5, 1, 0]);
      expect(trends.points.at(-1)!.movingAverageMinor).toBe(Math.floor(MAX / 6));
      expect(
        (await owner.analytics.weekly({ from: '2026-11-09', to: '2026-11-15' })).weeks[0]!.currencies.map(
          (c) => c.totalMinor,
        ),
      ).toEqual([MAX, MAX]);

      // Deleting makes room again.
      await owner.expenses.delete(big.id);
      expect(await owner.expenses.create({ amountMinor: MAX - 10, date: '2026-11-14' })).toMatchObject({
        amountMinor: MAX - 10,
      });
    });

    it('a batch whose own amounts pass 2^53−1 together is refused before anything is written', async () => {
      const owner = getEnv().newOwner();
      const error = await expectTrackerError(
        owner.expenses.createMany([
          { amountMinor: MAX, date: '2026-03-01' },
          { amountMinor: MAX, date: '2026-03-01' },
        ]),
        'VALIDATION_FAILED',
        [],
      );
      expect(error.issues[0]?.code).toBe('total_out_of_range');
      const thousand = Array.from({ length: 1000 }, () => ({ amountMinor: MAX, date: '2026-03-01' }));
      await expectTrackerError(owner.expenses.createMany(thousand), 'VALIDATION_FAILED', []);
      expect((await owner.expenses.list()).items).toEqual([]);
      expect((await owner.changes()).events).toEqual([]);
      // One of them alone is fine, and so is the owner's status afterwards.
      await owner.expenses.create({ amountMinor: MAX, date: '2026-03-01' });
      expect((await owner.analytics.summary({ from: '2026-03-01', to: '2026-03-31' })).currencies[0]!.totalMinor).toBe(
        MAX,
      );
    });

    it('a forecast and a growing rollover are capped at 2^53−1 instead of leaving the exact range', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      clock.set('2026-01-01T12:00:00Z');
      // The first day of a year spent at the limit: at that pace the year would cost 365 times as much.
      const yearly = await owner.budgets.create({
        name: 'Year',
        amountMinor: MAX,
        period: { unit: 'year', anchor: '2026-01-01' },
        alertRules: [],
      });
      await owner.expenses.create({ amountMinor: MAX - 1, date: '2026-01-01' });
      expect(await owner.budgets.status(yearly.id)).toMatchObject({
        spentMinor: MAX - 1,
        daysElapsed: 1,
        daysTotal: 365,
        projectedSpendMinor: MAX,
        state: 'warning',
      });

      // A daily surplus of 2^52 every day: from the second day on, limit + carry would pass 2^53−1.
      const daily = await owner.budgets.create({
        name: 'Daily',
        amountMinor: 2 ** 52,
        currency: 'EUR',
        rollover: 'surplus',
        period: { unit: 'day', anchor: '2026-01-01' },
        startsOn: '2026-01-01',
        alertRules: [],
      });
      clock.set('2026-01-05T12:00:00Z');
      const history = await owner.budgets.history(daily.id, { periods: 4 });
      expect(history.map((h) => [h.period.start, h.rolloverMinor, h.availableMinor])).toEqual([
        ['2026-01-01', 0, 2 ** 52],
        ['2026-01-02', MAX - 2 ** 52, MAX],
        ['2026-01-03', MAX - 2 ** 52, MAX],
        ['2026-01-04', MAX - 2 ** 52, MAX],
      ]);
      expect(await owner.budgets.status(daily.id)).toMatchObject({
        rolloverMinor: MAX - 2 ** 52,
        availableMinor: MAX,
        remainingMinor: MAX,
        spentMinor: 0,
      });
    });
  });
}
