import { describe, expect, it } from 'vitest';
import { addDays } from '../../dates.js';
import { formatAmount } from '../../money.js';
import type { OwnerHandle } from '../../owner.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';
import { seedOwner } from '../seeds.js';

/** "Now" in every analytics test: Sunday 10 May 2026, midday UTC. */
const NOW = '2026-05-10T12:00:00Z';

/** The refund figures of a row without refunds. */
function noRefunds(currency: string) {
  return { refundCount: 0, refundedMinor: 0, refunded: formatAmount(0, currency) };
}

/** One category's line in a breakdown; `null` is uncategorized. */
function line(
  category: { id: string; name: string } | null,
  totalMinor: number,
  total: string,
  count: number,
  currency = 'USD',
) {
  return {
    categoryId: category?.id ?? null,
    categoryName: category?.name ?? null,
    totalMinor,
    total,
    count,
    ...noRefunds(currency),
  };
}

/** One currency of a month or week. */
function money(
  currency: string,
  totalMinor: number,
  total: string,
  count: number,
  byCategory: ReturnType<typeof line>[],
) {
  const lines = byCategory.map((l) => ({ ...l, ...noRefunds(currency) }));
  return { currency, totalMinor, total, count, ...noRefunds(currency), byCategory: lines };
}

/** One point of a trend series. */
function point(
  start: string,
  end: string,
  totalMinor: number,
  total: string,
  count: number,
  movingAverageMinor: number,
  changeMinor: number | null,
  changePercent: number | null,
  currency = 'USD',
) {
  return {
    start,
    end,
    totalMinor,
    total,
    count,
    ...noRefunds(currency),
    movingAverageMinor,
    changeMinor,
    changePercent,
  };
}

/** Analytics: summary, monthly, weekly and trends, with exact figures, all from the daily totals. */
export function analyticsTests(getEnv: () => ConformanceEnv): void {
  /** A fresh owner, with the clock at {@link NOW} unless `now` says otherwise. */
  function newOwner(now = NOW): OwnerHandle {
    const env = getEnv();
    env.clock.set(now);
    return env.newOwner();
  }

  describe('analytics: summary', () => {
    it('summary() totals and counts each currency apart, with the average per day, category shares and the change against the previous range', async () => {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const travel = await owner.categories.create({ name: 'Travel' });
      await owner.expenses.createMany([
        { amount: '10.00', date: '2026-04-02', categoryId: food.id },
        { amount: '23.33', date: '2026-04-15', categoryId: food.id },
        { amount: '60.00', date: '2026-04-20', categoryId: travel.id },
        { amount: '6.67', date: '2026-04-30' },
        { amount: '5.00', currency: 'EUR', date: '2026-04-10', categoryId: food.id },
        // The previous range of equal length is 2 to 31 March.
        { amount: '30.00', date: '2026-03-02' },
        { amount: '50.00', date: '2026-03-31', categoryId: travel.id },
        { amount: '40.00', currency: 'GBP', date: '2026-03-15' },
        // Outside both ranges.
        { amount: '99.99', date: '2026-03-01' },
        { amount: '7.00', date: '2026-05-01' },
      ]);
      expect(await owner.analytics.summary({ from: '2026-04-01', to: '2026-04-30' })).toEqual({
        from: '2026-04-01',
        to: '2026-04-30',
        days: 30,
        previous: { from: '2026-03-02', to: '2026-03-31' },
        currencies: [
          {
            currency: 'EUR',
            totalMinor: 500,
            total: '5.00',
            count: 1,
            ...noRefunds('EUR'),
            averagePerDayMinor: 16,
            averagePerDay: '0.16',
            previousTotalMinor: 0,
            changeMinor: 500,
            changePercent: null,
            byCategory: [{ ...line(food, 500, '5.00', 1), sharePercent: 100 }],
          },
          {
            currency: 'GBP',
            totalMinor: 0,
            total: '0.00',
            count: 0,
            ...noRefunds('GBP'),
            averagePerDayMinor: 0,
            averagePerDay: '0.00',
            previousTotalMinor: 4000,
            changeMinor: -4000,
            changePercent: -100,
            byCategory: [],
          },
          {
            currency: 'USD',
            totalMinor: 10_000,
            total: '100.00',
            count: 4,
            ...noRefunds('USD'),
            averagePerDayMinor: 333,
            averagePerDay: '3.33',
            previousTotalMinor: 8000,
            changeMinor: 2000,
            changePercent: 25,
            byCategory: [
              { ...line(travel, 6000, '60.00', 1), sharePercent: 60 },
              { ...line(food, 3333, '33.33', 2), sharePercent: 33.33 },
              { ...line(null, 667, '6.67', 1), sharePercent: 6.67 },
            ],
          },
        ],
        budgets: [],
      });
    });

    it('summary() defaults to the current month in the owner’s time zone, compared with the days just before it', async () => {
      // 30 April 12:00 UTC is already 1 May 02:00 on Kiritimati (UTC+14).
      const owner = newOwner('2026-04-30T12:00:00Z');
      await owner.settings.update({ timezone: 'Pacific/Kiritimati' });
      await owner.expenses.createMany([
        { amount: '12.00', date: '2026-05-01' },
        { amount: '8.00', date: '2026-04-30' },
        { amount: '1.00', date: '2026-03-30' },
      ]);
      const result = await owner.analytics.summary();
      expect(result).toMatchObject({
        from: '2026-05-01',
        to: '2026-05-31',
        days: 31,
        previous: { from: '2026-03-31', to: '2026-04-30' },
      });
      expect(result.currencies).toEqual([
        expect.objectContaining({
          currency: 'USD',
          totalMinor: 1200,
          count: 1,
          averagePerDayMinor: 38,
          previousTotalMinor: 800,
          changeMinor: 400,
          changePercent: 50,
        }),
      ]);
      const february = await owner.analytics.summary({ from: '2026-02-01', to: '2026-02-28' });
      expect(february).toMatchObject({ days: 28, previous: { from: '2026-01-04', to: '2026-01-31' }, currencies: [] });
    });

    it('summary() lists the status of each budget active today, with its name, whatever the range asked about', async () => {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const groceries = await owner.budgets.create({
        name: 'Groceries',
        amount: '400',
        categoryIds: [food.id],
        period: { unit: 'month', anchor: '2026-01-01' },
      });
      const everything = await owner.budgets.create({
        name: 'Everything',
        amount: '1000',
        period: { unit: 'month', anchor: '2026-01-01' },
      });
      await owner.budgets.create({
        name: 'Winter trip',
        amount: '300',
        period: { start: '2026-01-01', end: '2026-01-31' },
      });
      await owner.budgets.create({
        name: 'Ended',
        amount: '50',
        period: { unit: 'month', anchor: '2026-01-01' },
        startsOn: '2026-01-01',
        endsOn: '2026-03-31',
      });
      await owner.expenses.createMany([
        { amount: '100.00', date: '2026-05-03', categoryId: food.id },
        { amount: '25.00', date: '2026-05-04' },
      ]);
      const expected = [
        { ...(await owner.budgets.status(groceries.id)), name: 'Groceries' },
        { ...(await owner.budgets.status(everything.id)), name: 'Everything' },
      ];
      expect(expected.map((b) => [b.spentMinor, b.period])).toEqual([
        [10_000, { start: '2026-05-01', end: '2026-05-31' }],
        [12_500, { start: '2026-05-01', end: '2026-05-31' }],
      ]);
      for (const query of [{}, { from: '2026-01-01', to: '2026-01-31' }]) {
        const { budgets } = await owner.analytics.summary(query);
        expect(budgets).toHaveLength(2);
        expect(budgets).toEqual(expect.arrayContaining(expected));
      }
    });

    it('summary() lists each active budget exactly as its own status does: currencies, subcategories, every kind of period, rollover, refunds and schedules', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      // Every kind of budget and every schedule; the clock is left at 10 May 2026, midday UTC.
      const { categories, budgets, schedules } = await seedOwner(owner, env.clock);
      const { food, groceries, home, travel } = categories;
      const basket = schedules.find((s) => s.name === 'Basket')!;
      await owner.expenses.createMany([
        { amount: '120.00', date: '2026-01-10', categoryId: food.id },
        { amount: '90.00', date: '2026-01-12', categoryId: groceries.id },
        { amount: '40.00', date: '2026-01-20' },
        { amount: '350.00', date: '2026-02-03', categoryId: groceries.id },
        { amount: '700.00', date: '2026-02-14', categoryId: travel.id },
        { amount: '50.00', date: '2026-03-05', categoryId: food.id },
        { amount: '300.00', currency: 'EUR', date: '2026-03-06', categoryId: home.id },
        { amount: '1200.00', date: '2026-03-15' },
        { amount: '60.00', date: '2026-04-28', categoryId: groceries.id },
        { amount: '20.00', kind: 'refund', date: '2026-04-29', categoryId: groceries.id },
        { amount: '100.00', currency: 'EUR', date: '2026-04-02' },
        { amount: '30.00', currency: 'GBP', date: '2026-04-10' },
        { amount: '45.50', date: '2026-05-04', categoryId: groceries.id },
        { amount: '12.34', date: '2026-05-09', categoryId: food.id },
        { amount: '250.00', date: '2026-05-02', categoryId: travel.id },
        { amount: '50.00', kind: 'refund', date: '2026-05-08', categoryId: travel.id },
        { amount: '120.00', currency: 'EUR', date: '2026-05-03', categoryId: home.id },
        { amount: '20.00', currency: 'GBP', date: '2026-05-05' },
        { amount: '15.00', date: '2026-05-10' },
        // A day whose spending nets to nothing.
        { amount: '10.00', date: '2026-05-06', categoryId: groceries.id },
        { amount: '10.00', kind: 'refund', date: '2026-05-06', categoryId: groceries.id },
        // What the Power bill of 8 May matches.
        { amount: '80.00', date: '2026-05-07', categoryId: home.id },
      ]);
      // Posts Gym and Basket of 4 May, matches Power of 8 May; the next basket is skipped.
      await env.tracker.runDue();
      await owner.schedules.skip(basket.id, '2026-05-18');

      /** The summary's budgets, checked against each budget's own status. */
      async function check(active: string[]) {
        const { budgets: listed } = await owner.analytics.summary();
        const expected = [];
        for (const budget of budgets.filter((b) => active.includes(b.name)))
          expected.push({ ...(await owner.budgets.status(budget.id)), name: budget.name });
        expect(listed.map((b) => b.name)).toEqual(active);
        expect(listed).toEqual(expected);
        return new Map(listed.map((b) => [b.name, b]));
      }

      /** The seed's budgets but the `inactive` ones, in the order they were created. */
      const allBut = (...inactive: string[]) => budgets.map((b) => b.name).filter((name) => !inactive.includes(name));

      const may = await check(allBut('Starts June', 'Ended', 'Winter'));
      // By hand: Food carries 90, 40, 290, then 550 (April: 60 less a 20 refund) into May.
      expect(may.get('Food surplus')).toMatchObject({ rolloverMinor: 55_000, scheduledSpentMinor: 2_500 });
      // All spending from February: -50, -300, then 660 into May.
      expect(may.get('All full')).toMatchObject({ rolloverMinor: 66_000, scheduledSpentMinor: 13_500 });
      expect(may.get('Home EUR')).toMatchObject({ spentMinor: 12_000, scheduledMinor: 50_000 });
      expect(may.get('Travel trip')).toMatchObject({ spentMinor: 20_000, scheduledMinor: 0 });
      // Rent, two of the three baskets left (18 May skipped), less the cashback refund.
      expect(may.get('Food and home')!.scheduledMinor).toBe(100_000 + 2 * 2_500 - 500);

      env.clock.set('2026-06-01T00:30:00Z');
      await check(allBut('Ended', 'Winter'));
      env.clock.set('2026-12-31T23:30:00Z'); // the trip ended on 15 June
      await check(allBut('Travel trip', 'Ended', 'Winter'));
    });

    it('summary() rejects a bad range with VALIDATION_FAILED at from', async () => {
      const owner = newOwner();
      await expectTrackerError(owner.analytics.summary({ from: '2026-05-02', to: '2026-05-01' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.analytics.summary({ from: '2026-02-30' }), 'VALIDATION_FAILED', ['from']);
      // @ts-expect-error -- `month` is no summary filter: the unknown key must be refused
      await expectTrackerError(owner.analytics.summary({ month: '2026-05' }), 'VALIDATION_FAILED');
    });
  });

  describe('analytics: monthly', () => {
    it('monthly() lists every month of the range, keeps December 2025, January 2026 and December 2026 apart, and breaks each currency down by category', async () => {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const travel = await owner.categories.create({ name: 'Travel' });
      await owner.expenses.createMany([
        { amount: '10.00', date: '2025-12-15', categoryId: food.id },
        { amount: '3.00', currency: 'EUR', date: '2025-12-31', categoryId: food.id },
        { amount: '5.00', date: '2026-01-01' },
        { amount: '1.00', date: '2026-01-31', categoryId: travel.id },
        { amount: '2.50', currency: 'EUR', date: '2026-01-20' },
        { amount: '20.00', date: '2026-12-15', categoryId: food.id },
        { amount: '4.00', date: '2025-10-31', categoryId: food.id },
        { amount: '8.00', date: '2026-03-01', categoryId: food.id },
      ]);
      expect(await owner.analytics.monthly({ fromMonth: '2025-11', toMonth: '2026-02' })).toEqual({
        fromMonth: '2025-11',
        toMonth: '2026-02',
        months: [
          { month: '2025-11', start: '2025-11-01', end: '2025-11-30', currencies: [] },
          {
            month: '2025-12',
            start: '2025-12-01',
            end: '2025-12-31',
            currencies: [
              money('EUR', 300, '3.00', 1, [line(food, 300, '3.00', 1)]),
              money('USD', 1000, '10.00', 1, [line(food, 1000, '10.00', 1)]),
            ],
          },
          {
            month: '2026-01',
            start: '2026-01-01',
            end: '2026-01-31',
            currencies: [
              money('EUR', 250, '2.50', 1, [line(null, 250, '2.50', 1)]),
              money('USD', 600, '6.00', 2, [line(null, 500, '5.00', 1), line(travel, 100, '1.00', 1)]),
            ],
          },
          { month: '2026-02', start: '2026-02-01', end: '2026-02-28', currencies: [] },
        ],
      });
      expect((await owner.analytics.monthly({ fromMonth: '2026-12', toMonth: '2026-12' })).months).toEqual([
        {
          month: '2026-12',
          start: '2026-12-01',
          end: '2026-12-31',
          currencies: [money('USD', 2000, '20.00', 1, [line(food, 2000, '20.00', 1)])],
        },
      ]);
    });

    it('monthly() defaults to the last 12 months ending this month in the owner’s time zone', async () => {
      // 1 June 02:00 UTC is still 31 May in New York.
      const owner = newOwner('2026-06-01T02:00:00Z');
      await owner.settings.update({ timezone: 'America/New_York' });
      await owner.expenses.createMany([
        { amount: '1.00', date: '2025-05-31' },
        { amount: '2.00', date: '2025-06-01' },
        { amount: '3.00', date: '2026-05-31' },
        { amount: '4.00', date: '2026-06-01' },
      ]);
      const result = await owner.analytics.monthly();
      expect(result.fromMonth).toBe('2025-06');
      expect(result.toMonth).toBe('2026-05');
      expect(result.months.map((m) => m.month)).toEqual([
        '2025-06',
        '2025-07',
        '2025-08',
        '2025-09',
        '2025-10',
        '2025-11',
        '2025-12',
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
      ]);
      expect(result.months.map((m) => m.currencies.map((c) => c.totalMinor))).toEqual([
        [200],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [300],
      ]);
    });

    it('monthly() rejects fromMonth after toMonth, a malformed month, and more than 1,000 months', async () => {
      const owner = newOwner();
      await expectTrackerError(
        owner.analytics.monthly({ fromMonth: '2026-05', toMonth: '2026-04' }),
        'VALIDATION_FAILED',
        ['fromMonth'],
      );
      await expectTrackerError(owner.analytics.monthly({ fromMonth: '2026-13' }), 'VALIDATION_FAILED', ['fromMonth']);
      await expectTrackerError(owner.analytics.monthly({ toMonth: '2026-1' }), 'VALIDATION_FAILED', ['toMonth']);
      await expectTrackerError(
        owner.analytics.monthly({ fromMonth: '1950-01', toMonth: '2033-05' }),
        'VALIDATION_FAILED',
        ['fromMonth'],
      );
      await expectTrackerError(
        owner.analytics.monthly({ fromMonth: '1900-01', toMonth: '2999-12' }),
        'VALIDATION_FAILED',
        ['fromMonth'],
      );
      expect((await owner.analytics.monthly({ fromMonth: '1950-01', toMonth: '2033-04' })).months).toHaveLength(1000);
    });

    it('monthly() takes the range as from/to, months or dates (a date stands for its month), like every other analytics query', async () => {
      const owner = newOwner();
      await owner.expenses.createMany([
        { amount: '1.00', date: '2025-12-31' },
        { amount: '2.00', date: '2026-01-01' },
        { amount: '4.00', date: '2026-02-28' },
        { amount: '8.00', date: '2026-03-01' },
      ]);
      const byMonths = await owner.analytics.monthly({ fromMonth: '2026-01', toMonth: '2026-02' });
      expect(byMonths.months.map((m) => [m.month, m.currencies.map((c) => c.totalMinor)])).toEqual([
        ['2026-01', [200]],
        ['2026-02', [400]],
      ]);
      // The same months however the range is written: months, dates inside them, or a mix.
      expect(await owner.analytics.monthly({ from: '2026-01', to: '2026-02' })).toEqual(byMonths);
      expect(await owner.analytics.monthly({ from: '2026-01-15', to: '2026-02-01' })).toEqual(byMonths);
      expect(await owner.analytics.monthly({ from: '2026-01-31', to: '2026-02' })).toEqual(byMonths);
      // Only `from`: twelve months from it, as with fromMonth.
      expect((await owner.analytics.monthly({ from: '2026-01-20' })).toMonth).toBe('2026-12');
      expect((await owner.analytics.monthly({ to: '2026-02-10' })).fromMonth).toBe('2025-03');
    });

    it('monthly() refuses both forms at once, from after to, and a malformed or impossible from/to, naming the key given', async () => {
      const owner = newOwner();
      await expectTrackerError(
        owner.analytics.monthly({ from: '2026-01', fromMonth: '2026-01' }),
        'VALIDATION_FAILED',
        ['fromMonth'],
      );
      await expectTrackerError(owner.analytics.monthly({ to: '2026-02', toMonth: '2026-02' }), 'VALIDATION_FAILED', [
        'toMonth',
      ]);
      await expectTrackerError(owner.analytics.monthly({ from: '2026-01', toMonth: '2026-02' }), 'VALIDATION_FAILED', [
        'toMonth',
      ]);
      await expectTrackerError(owner.analytics.monthly({ from: '2026-03', to: '2026-02-28' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.analytics.monthly({ from: '2026-02-10', to: '2026-02-09' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.analytics.monthly({ from: '2026-02-30' }), 'VALIDATION_FAILED', ['from']);
      await expectTrackerError(owner.analytics.monthly({ to: '2026-13' }), 'VALIDATION_FAILED', ['to']);
      await expectTrackerError(owner.analytics.monthly({ from: '26-01' }), 'VALIDATION_FAILED', ['from']);
      await expectTrackerError(owner.analytics.monthly({ from: '1900-01', to: '2999-12-31' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      // A date and a month of the same month are one month, in either order of precision.
      expect((await owner.analytics.monthly({ from: '2026-02-20', to: '2026-02' })).months.map((m) => m.month)).toEqual(
        ['2026-02'],
      );
    });
  });

  describe('analytics: weekly', () => {
    it('weekly() buckets weeks from Monday by default and from Sunday once weekStartsOn is 0, empty weeks included', async () => {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.expenses.createMany([
        { amount: '1.00', date: '2026-05-03', categoryId: food.id }, // Sunday
        { amount: '2.00', date: '2026-05-04' }, // Monday
        { amount: '10.00', date: '2026-05-10' }, // Sunday
        { amount: '3.00', currency: 'EUR', date: '2026-05-10' }, // Sunday
        { amount: '5.00', date: '2026-05-11' }, // Monday
      ]);
      expect(await owner.analytics.weekly({ from: '2026-04-20', to: '2026-05-17' })).toEqual({
        weekStartsOn: 1,
        weeks: [
          { start: '2026-04-20', end: '2026-04-26', currencies: [] },
          {
            start: '2026-04-27',
            end: '2026-05-03',
            currencies: [money('USD', 100, '1.00', 1, [line(food, 100, '1.00', 1)])],
          },
          {
            start: '2026-05-04',
            end: '2026-05-10',
            currencies: [
              money('EUR', 300, '3.00', 1, [line(null, 300, '3.00', 1)]),
              money('USD', 1200, '12.00', 2, [line(null, 1200, '12.00', 2)]),
            ],
          },
          {
            start: '2026-05-11',
            end: '2026-05-17',
            currencies: [money('USD', 500, '5.00', 1, [line(null, 500, '5.00', 1)])],
          },
        ],
      });

      await owner.settings.update({ weekStartsOn: 0 });
      expect(await owner.analytics.weekly({ from: '2026-04-26', to: '2026-05-16' })).toEqual({
        weekStartsOn: 0,
        weeks: [
          { start: '2026-04-26', end: '2026-05-02', currencies: [] },
          {
            start: '2026-05-03',
            end: '2026-05-09',
            currencies: [money('USD', 300, '3.00', 2, [line(null, 200, '2.00', 1), line(food, 100, '1.00', 1)])],
          },
          {
            start: '2026-05-10',
            end: '2026-05-16',
            currencies: [
              money('EUR', 300, '3.00', 1, [line(null, 300, '3.00', 1)]),
              money('USD', 1500, '15.00', 2, [line(null, 1500, '15.00', 2)]),
            ],
          },
        ],
      });
    });

    it('weekly() lists the whole weeks touching the range, and defaults to the last 12 weeks ending this week', async () => {
      const owner = newOwner();
      await owner.expenses.createMany([
        { amount: '2.00', date: '2026-05-04' },
        { amount: '10.00', date: '2026-05-10' },
      ]);
      const touching = await owner.analytics.weekly({ from: '2026-05-06', to: '2026-05-12' });
      expect(touching.weeks.map((w) => [w.start, w.end, w.currencies.map((c) => c.totalMinor)])).toEqual([
        ['2026-05-04', '2026-05-10', [1200]],
        ['2026-05-11', '2026-05-17', []],
      ]);
      const monday = (await owner.analytics.weekly()).weeks;
      expect([monday.length, monday[0]!.start, monday.at(-1)!.start]).toEqual([12, '2026-02-16', '2026-05-04']);
      await owner.settings.update({ weekStartsOn: 0 });
      const sunday = (await owner.analytics.weekly()).weeks;
      expect([sunday.length, sunday[0]!.start, sunday.at(-1)!.start]).toEqual([12, '2026-02-22', '2026-05-10']);
    });

    it('weekly() rejects a bad range and more than 1,000 weeks', async () => {
      const owner = newOwner();
      await expectTrackerError(owner.analytics.weekly({ from: '2026-05-10', to: '2026-05-01' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.analytics.weekly({ from: '2000-01-01', to: '2026-01-01' }), 'VALIDATION_FAILED', [
        'from',
      ]);
    });
  });

  describe('analytics: trends', () => {
    async function trendFixture() {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.expenses.createMany([
        { amount: '10.00', date: '2026-05-01', categoryId: food.id },
        { amount: '20.00', date: '2026-05-03', categoryId: food.id },
        { amount: '5.00', date: '2026-05-03' },
        { amount: '30.00', date: '2026-05-04' },
        { amount: '7.00', date: '2026-05-06', categoryId: food.id },
        { amount: '99.00', currency: 'EUR', date: '2026-05-02' },
        { amount: '500', currency: 'JPY', date: '2026-05-05' },
      ]);
      return { owner, food };
    }

    it('trends() by day is zero-filled, with the moving average over the window and the change against the previous point', async () => {
      const { owner } = await trendFixture();
      expect(
        await owner.analytics.trends({ granularity: 'day', from: '2026-05-01', to: '2026-05-07', window: 3 }),
      ).toEqual({
        granularity: 'day',
        currency: 'USD',
        categoryId: null,
        window: 3,
        points: [
          point('2026-05-01', '2026-05-01', 1000, '10.00', 1, 1000, null, null),
          point('2026-05-02', '2026-05-02', 0, '0.00', 0, 500, -1000, -100),
          point('2026-05-03', '2026-05-03', 2500, '25.00', 2, 1166, 2500, null),
          point('2026-05-04', '2026-05-04', 3000, '30.00', 1, 1833, 500, 20),
          point('2026-05-05', '2026-05-05', 0, '0.00', 0, 1833, -3000, -100),
          point('2026-05-06', '2026-05-06', 700, '7.00', 1, 1233, 700, null),
          point('2026-05-07', '2026-05-07', 0, '0.00', 0, 233, -700, -100),
        ],
      });
    });

    it('trends() by week and by month bucket whole weeks and months, across a year boundary', async () => {
      const { owner } = await trendFixture();
      expect(
        (await owner.analytics.trends({ granularity: 'week', from: '2026-04-29', to: '2026-05-17' })).points,
      ).toEqual([
        point('2026-04-27', '2026-05-03', 3500, '35.00', 3, 3500, null, null),
        point('2026-05-04', '2026-05-10', 3700, '37.00', 2, 3600, 200, 5.71),
        point('2026-05-11', '2026-05-17', 0, '0.00', 0, 2400, -3700, -100),
      ]);
      await owner.expenses.createMany([
        { amount: '4.00', date: '2025-12-31' },
        { amount: '6.00', date: '2026-01-01' },
        { amount: '50.00', date: '2026-12-01' },
      ]);
      expect(
        (await owner.analytics.trends({ granularity: 'month', from: '2025-11-15', to: '2026-02-01', window: 2 }))
          .points,
      ).toEqual([
        point('2025-11-01', '2025-11-30', 0, '0.00', 0, 0, null, null),
        point('2025-12-01', '2025-12-31', 400, '4.00', 1, 200, 400, null),
        point('2026-01-01', '2026-01-31', 600, '6.00', 1, 500, 200, 50),
        point('2026-02-01', '2026-02-28', 0, '0.00', 0, 300, -600, -100),
      ]);
    });

    it('trends() filters by category (none for uncategorized) and by currency, defaulting to the owner’s currency', async () => {
      const { owner, food } = await trendFixture();
      const totals = async (query: Parameters<OwnerHandle['analytics']['trends']>[0]) => {
        const result = await owner.analytics.trends({
          granularity: 'day',
          from: '2026-05-01',
          to: '2026-05-06',
          ...query,
        });
        return [result.currency, result.categoryId, result.points.map((p) => p.totalMinor)];
      };
      expect(await totals({ categoryId: food.id })).toEqual(['USD', food.id, [1000, 0, 2000, 0, 0, 700]]);
      expect(await totals({ categoryId: 'none' })).toEqual(['USD', 'none', [0, 0, 500, 3000, 0, 0]]);
      expect(await totals({ currency: 'EUR' })).toEqual(['EUR', null, [0, 9900, 0, 0, 0, 0]]);
      expect(await totals({ currency: 'jpy', categoryId: 'none' })).toEqual(['JPY', 'none', [0, 0, 0, 0, 500, 0]]);
      await owner.settings.update({ currency: 'EUR' });
      expect(await totals({})).toEqual(['EUR', null, [0, 9900, 0, 0, 0, 0]]);
    });

    it('trends() has exactly one point per bucket, defaults to 12 months (30 days, 12 weeks) ending now, and rejects more than 1,000 points', async () => {
      const owner = newOwner();
      const count = async (granularity: 'day' | 'week' | 'month', from?: string, to?: string) => {
        const { points } = await owner.analytics.trends({ granularity, from, to });
        return [points.length, points[0]!.start, points.at(-1)!.end];
      };
      expect(await count('day', '2026-01-01', '2026-12-31')).toEqual([365, '2026-01-01', '2026-12-31']);
      expect(await count('week', '2026-01-01', '2026-12-31')).toEqual([53, '2025-12-29', '2027-01-03']);
      expect(await count('month', '2026-01-01', '2026-12-31')).toEqual([12, '2026-01-01', '2026-12-31']);
      expect(await count('day', '2026-01-01', addDays('2026-01-01', 999))).toEqual([1000, '2026-01-01', '2028-09-26']);
      expect(await count('day')).toEqual([30, '2026-04-11', '2026-05-10']);
      expect(await count('week')).toEqual([12, '2026-02-16', '2026-05-10']);
      expect(await count('month')).toEqual([12, '2025-06-01', '2026-05-31']);
      expect(await owner.analytics.trends()).toMatchObject({
        granularity: 'month',
        currency: 'USD',
        categoryId: null,
        window: 3,
      });
      await expectTrackerError(
        owner.analytics.trends({ granularity: 'day', from: '2026-01-01', to: addDays('2026-01-01', 1000) }),
        'VALIDATION_FAILED',
        ['from'],
      );
      await expectTrackerError(
        owner.analytics.trends({ granularity: 'week', from: '2000-01-01', to: '2026-01-01' }),
        'VALIDATION_FAILED',
        ['from'],
      );
      await expectTrackerError(owner.analytics.trends({ from: '2026-05-02', to: '2026-05-01' }), 'VALIDATION_FAILED', [
        'from',
      ]);
      await expectTrackerError(owner.analytics.trends({ granularity: 'year' as 'day' }), 'VALIDATION_FAILED', [
        'granularity',
      ]);
      await expectTrackerError(owner.analytics.trends({ window: 0 }), 'VALIDATION_FAILED', ['window']);
    });
  });

  describe('analytics after writes', () => {
    it('updates, category changes and deletes move the figures of every analytics view', async () => {
      const owner = newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const travel = await owner.categories.create({ name: 'Travel' });
      const expense = await owner.expenses.create({ amount: '10.00', date: '2026-03-10', categoryId: food.id });
      const monthTotals = async () =>
        (await owner.analytics.monthly({ fromMonth: '2026-03', toMonth: '2026-04' })).months.map((m) => m.currencies);
      const categoryTrend = async (categoryId: string) =>
        (
          await owner.analytics.trends({ granularity: 'month', from: '2026-03-01', to: '2026-04-30', categoryId })
        ).points.map((p) => p.totalMinor);
      expect(await monthTotals()).toEqual([[money('USD', 1000, '10.00', 1, [line(food, 1000, '10.00', 1)])], []]);

      await owner.expenses.update(expense.id, { date: '2026-04-02', categoryId: travel.id, amount: '12.00' });
      expect(await monthTotals()).toEqual([[], [money('USD', 1200, '12.00', 1, [line(travel, 1200, '12.00', 1)])]]);
      expect(await categoryTrend(food.id)).toEqual([0, 0]);
      expect(await categoryTrend(travel.id)).toEqual([0, 1200]);
      const april = await owner.analytics.summary({ from: '2026-04-01', to: '2026-04-30' });
      expect(
        april.currencies.map((c) => [
          c.currency,
          c.totalMinor,
          c.previousTotalMinor,
          c.byCategory.map((b) => b.categoryId),
        ]),
      ).toEqual([['USD', 1200, 0, [travel.id]]]);

      await owner.expenses.update(expense.id, { currency: 'EUR', amount: '9.00' });
      await owner.categories.update(travel.id, { name: 'Trips' });
      expect(await monthTotals()).toEqual([
        [],
        [money('EUR', 900, '9.00', 1, [line({ id: travel.id, name: 'Trips' }, 900, '9.00', 1)])],
      ]);

      await owner.categories.delete(travel.id, { reassignTo: food.id });
      expect(await monthTotals()).toEqual([[], [money('EUR', 900, '9.00', 1, [line(food, 900, '9.00', 1)])]]);
      await owner.categories.delete(food.id, { uncategorize: true });
      expect(await monthTotals()).toEqual([[], [money('EUR', 900, '9.00', 1, [line(null, 900, '9.00', 1)])]]);

      await owner.expenses.delete(expense.id);
      expect(await monthTotals()).toEqual([[], []]);
      expect((await owner.analytics.summary({ from: '2026-04-01', to: '2026-04-30' })).currencies).toEqual([]);
      expect((await owner.analytics.weekly({ from: '2026-03-30', to: '2026-04-05' })).weeks).toEqual([
        { start: '2026-03-30', end: '2026-04-05', currencies: [] },
      ]);
    });

    it('analytics of one owner never include another owner’s spending', async () => {
      const owner = newOwner();
      const other = getEnv().newOwner();
      await other.expenses.create({ amount: '50.00', date: '2026-05-02' });
      await owner.expenses.create({ amount: '1.00', date: '2026-05-02' });
      getEnv().clock.set(NOW);
      expect((await owner.analytics.summary()).currencies.map((c) => c.totalMinor)).toEqual([100]);
      expect(
        (await owner.analytics.trends({ granularity: 'day', from: '2026-05-02', to: '2026-05-02' })).points[0]!
          .totalMinor,
      ).toBe(100);
    });
  });
}
