import { describe, expect, it } from 'vitest';
import type { OwnerHandle } from '../../owner.js';
import type { ConformanceEnv } from '../harness.js';

/** One expense to create: date, amount, and optionally a category id and currency. */
type Spend = [date: string, amount: string, categoryId?: string | null, currency?: string];

/** Creates the expenses in one batch. */
async function spend(owner: OwnerHandle, items: readonly Spend[]): Promise<void> {
  await owner.expenses.createMany(
    items.map(([date, amount, categoryId, currency]) => ({ date, amount, categoryId, currency })),
  );
}

/** Budget status and history: every figure, every kind of period, time zones, rollover. */
export function budgetStatusTests(getEnv: () => ConformanceEnv): void {
  describe('budget status and history', () => {
    it('status() gives exact figures from matching expenses only: currency, period and categories (with subcategories)', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const produce = await owner.categories.create({ name: 'Produce', parentId: food.id });
      const other = await owner.categories.create({ name: 'Other' });
      env.clock.set('2026-11-21T12:00:00Z');
      const groceries = await owner.budgets.create({ name: 'Groceries', amount: '400.00', categoryIds: [food.id] });
      const all = await owner.budgets.create({ name: 'All', amount: '1000' });
      await spend(owner, [
        ['2026-11-02', '120.00', food.id],
        ['2026-11-10', '105.50', produce.id], // a subcategory counts
        ['2026-11-21', '74.50', food.id],
        ['2026-11-05', '99.00', food.id, 'EUR'], // another currency
        ['2026-10-31', '80.00', food.id], // the previous period
        ['2026-12-01', '60.00', food.id], // the next period
        ['2026-11-12', '33.00', null], // uncategorized
        ['2026-11-15', '20.00', other.id], // a category the budget does not cover
      ]);
      expect(await owner.budgets.status(groceries.id)).toEqual({
        budgetId: groceries.id,
        currency: 'USD',
        period: { start: '2026-11-01', end: '2026-11-30' },
        limitMinor: 40000,
        rolloverMinor: 0,
        availableMinor: 40000,
        spentMinor: 30000,
        remainingMinor: 10000,
        percentUsed: 75,
        daysElapsed: 21,
        daysTotal: 30,
        dailyAllowanceMinor: 1000, // 100.00 over the 10 days left, today included
        projectedSpendMinor: 42857, // floor(30000 * 30 / 21)
        scheduledMinor: 0, // no schedules: the forecast is all pace
        scheduledSpentMinor: 0,
        paceMinor: 12857, // floor(30000 * 9 / 21): the 9 days after today
        projectedExceedDate: '2026-11-29', // 400.00 at 300.00 per 21 days is passed on day 29
        forecastConfident: true, // a quarter of the month has passed
        forecastConfidentFrom: '2026-11-08',
        state: 'warning',
      });
      // The overall budget counts every category and uncategorized spending, in its currency only.
      expect(await owner.budgets.status(all.id)).toMatchObject({
        spentMinor: 35300,
        remainingMinor: 64700,
        percentUsed: 35.3,
        dailyAllowanceMinor: 6470,
        projectedSpendMinor: 50428,
        projectedExceedDate: null,
        state: 'ok',
      });
      // A past period: closed, so every day has elapsed and the forecast is what was spent.
      expect(await owner.budgets.status(groceries.id, { date: '2026-10-15' })).toEqual({
        budgetId: groceries.id,
        currency: 'USD',
        period: { start: '2026-10-01', end: '2026-10-31' },
        limitMinor: 40000,
        rolloverMinor: 0,
        availableMinor: 40000,
        spentMinor: 8000,
        remainingMinor: 32000,
        percentUsed: 20,
        daysElapsed: 31,
        daysTotal: 31,
        dailyAllowanceMinor: 0,
        projectedSpendMinor: 8000,
        scheduledMinor: 0,
        scheduledSpentMinor: 0,
        paceMinor: 0,
        projectedExceedDate: null,
        forecastConfident: true,
        forecastConfidentFrom: '2026-10-08',
        state: 'ok',
      });
      expect(await owner.budgets.status(groceries.id, { date: '2026-12-10' })).toMatchObject({
        period: { start: '2026-12-01', end: '2026-12-31' },
        spentMinor: 6000,
        daysElapsed: 0,
      });
    });

    it('overallStatus() is null without an overall budget, and is the oldest overall budget’s status() when there is one', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      expect(await owner.budgets.overallStatus()).toBeNull();
      const food = await owner.categories.create({ name: 'Food' });
      await owner.budgets.create({ name: 'Food', amount: '100', categoryIds: [food.id] });
      await owner.expenses.create({ amount: '30', description: 'Lunch', categoryId: food.id });
      expect(await owner.budgets.overallStatus()).toBeNull(); // a category budget is not the overall one
      const first = await owner.budgets.create({ name: 'All', amount: '500' });
      await owner.budgets.create({ name: 'Also all', amount: '900' });
      await owner.expenses.create({ amount: '12.50', description: 'Taxi' });
      const status = await owner.budgets.overallStatus();
      expect(status).toEqual(await owner.budgets.status(first.id));
      expect(status).toMatchObject({ budgetId: first.id, limitMinor: 50000, spentMinor: 4250 });
      const lastYear = await owner.budgets.overallStatus({ date: '2025-01-15' });
      expect(lastYear).toEqual(await owner.budgets.status(first.id, { date: '2025-01-15' }));
      await expect(owner.budgets.overallStatus({ date: 'yesterday' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });

    it('status() is exceeded from the day spending passes the limit, and counts a subcategory created after the budget', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'Food',
        amount: '100',
        categoryIds: [food.id],
        alertRules: [],
      });
      const snacks = await owner.categories.create({ name: 'Snacks', parentId: food.id });
      await spend(owner, [
        ['2026-11-03', '60.00', food.id],
        ['2026-11-09', '40.00', snacks.id],
        ['2026-11-11', '0.01', snacks.id],
      ]);
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        spentMinor: 10001,
        remainingMinor: -1,
        percentUsed: 100.01,
        dailyAllowanceMinor: 0,
        projectedExceedDate: '2026-11-11',
        state: 'exceeded',
      });
    });

    it('weekly periods start on the owner’s weekStartsOn: Monday by default, Sunday when set to 0', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z'); // a Saturday
      await spend(owner, [
        ['2026-11-15', '10.00'], // Sunday
        ['2026-11-16', '20.00'], // Monday
        ['2026-11-21', '5.00'], // Saturday
        ['2026-11-22', '7.00'], // Sunday
        ['2026-11-23', '100.00'], // the next Monday
      ]);
      const monday = await owner.budgets.create({ name: 'Week', amount: '100', period: { unit: 'week' } });
      expect(monday.period).toEqual({ unit: 'week', every: 1, anchor: '2026-11-16' });
      expect(await owner.budgets.status(monday.id)).toMatchObject({
        period: { start: '2026-11-16', end: '2026-11-22' },
        spentMinor: 3200,
        daysElapsed: 6,
        daysTotal: 7,
      });
      await owner.settings.update({ weekStartsOn: 0 });
      const sunday = await owner.budgets.create({ name: 'Week from Sunday', amount: '100', period: { unit: 'week' } });
      expect(sunday.period).toEqual({ unit: 'week', every: 1, anchor: '2026-11-15' });
      expect(await owner.budgets.status(sunday.id)).toMatchObject({
        period: { start: '2026-11-15', end: '2026-11-21' },
        spentMinor: 3500,
        daysElapsed: 7,
        daysTotal: 7,
      });
      expect((await owner.budgets.history(sunday.id, { periods: 1 })).map((s) => s.period)).toEqual([
        { start: '2026-11-08', end: '2026-11-14' },
      ]);
      // A stored budget keeps its anchor when the setting changes.
      expect((await owner.budgets.status(monday.id)).period).toEqual({ start: '2026-11-16', end: '2026-11-22' });
    });

    it('bi-weekly periods are 14 days from the anchor, forwards and backwards', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      await spend(owner, [
        ['2026-11-15', '10.00'],
        ['2026-11-16', '20.00'],
        ['2026-11-29', '1.00'],
        ['2026-11-30', '50.00'],
      ]);
      const budget = await owner.budgets.create({
        name: 'Fortnight',
        amount: '100',
        period: { unit: 'week', every: 2, anchor: '2026-11-02' },
      });
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        period: { start: '2026-11-16', end: '2026-11-29' },
        spentMinor: 2100,
        daysElapsed: 6,
        daysTotal: 14,
      });
      expect(await owner.budgets.status(budget.id, { date: '2026-11-15' })).toMatchObject({
        period: { start: '2026-11-02', end: '2026-11-15' },
        spentMinor: 1000,
      });
      expect((await owner.budgets.history(budget.id, { periods: 2 })).map((s) => s.period)).toEqual([
        { start: '2026-10-19', end: '2026-11-01' },
        { start: '2026-11-02', end: '2026-11-15' },
      ]);
    });

    it('a monthly period anchored on the 31st clamps to the month’s last day, with no gaps or overlaps', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-02-15T12:00:00Z');
      await spend(owner, [
        ['2026-02-27', '10.00'],
        ['2026-02-28', '20.00'],
      ]);
      const budget = await owner.budgets.create({
        name: 'From the 31st',
        amount: '100',
        period: { unit: 'month', anchor: '2026-01-31' },
      });
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        period: { start: '2026-01-31', end: '2026-02-27' },
        spentMinor: 1000,
        daysElapsed: 16,
        daysTotal: 28,
      });
      const periodOf = async (date: string) => (await owner.budgets.status(budget.id, { date })).period;
      expect(await periodOf('2026-02-28')).toEqual({ start: '2026-02-28', end: '2026-03-30' });
      expect((await owner.budgets.status(budget.id, { date: '2026-03-01' })).spentMinor).toBe(2000);
      expect(await periodOf('2026-04-15')).toEqual({ start: '2026-03-31', end: '2026-04-29' });
      expect(await periodOf('2026-04-30')).toEqual({ start: '2026-04-30', end: '2026-05-30' });
      expect(await periodOf('2025-12-31')).toEqual({ start: '2025-12-31', end: '2026-01-30' });
    });

    it('a leap year: February 2028 has 29 days, a 31st anchor clamps to the 29th, and the year has 366 days', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2028-02-29T12:00:00Z');
      await spend(owner, [
        ['2028-01-31', '1.00'],
        ['2028-02-28', '2.00'],
        ['2028-02-29', '4.00'],
        ['2028-03-01', '8.00'],
      ]);
      const month = await owner.budgets.create({ name: 'Month', amount: '100' });
      expect(await owner.budgets.status(month.id)).toMatchObject({
        period: { start: '2028-02-01', end: '2028-02-29' },
        spentMinor: 600,
        daysElapsed: 29,
        daysTotal: 29,
      });
      const from31 = await owner.budgets.create({
        name: 'From the 31st',
        amount: '100',
        period: { unit: 'month', anchor: '2028-01-31' },
      });
      expect(await owner.budgets.status(from31.id)).toMatchObject({
        period: { start: '2028-02-29', end: '2028-03-30' },
        spentMinor: 1200,
        daysElapsed: 1,
        daysTotal: 31,
      });
      expect(await owner.budgets.status(from31.id, { date: '2028-02-28' })).toMatchObject({
        period: { start: '2028-01-31', end: '2028-02-28' },
        spentMinor: 300,
        daysTotal: 29,
      });
      const year = await owner.budgets.create({ name: 'Year', amount: '1000', period: { unit: 'year' } });
      expect(await owner.budgets.status(year.id)).toMatchObject({
        period: { start: '2028-01-01', end: '2028-12-31' },
        spentMinor: 1500,
        daysElapsed: 60,
        daysTotal: 366,
      });
    });

    it('a pay cycle from the 25th runs to the 24th of the next month', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-03-02T12:00:00Z');
      await spend(owner, [
        ['2026-02-24', '1.00'],
        ['2026-02-25', '2.00'],
        ['2026-03-24', '4.00'],
        ['2026-03-25', '8.00'],
      ]);
      const budget = await owner.budgets.create({
        name: 'Pay cycle',
        amount: '100',
        period: { unit: 'month', anchor: '2026-01-25' },
      });
      expect(budget.startsOn).toBe('2026-02-25');
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        period: { start: '2026-02-25', end: '2026-03-24' },
        spentMinor: 600,
        daysElapsed: 6,
        daysTotal: 28,
      });
      expect(await owner.budgets.history(budget.id, { periods: 1 })).toMatchObject([
        { period: { start: '2026-01-25', end: '2026-02-24' }, spentMinor: 100, daysElapsed: 31, daysTotal: 31 },
      ]);
    });

    it('yearly and quarterly periods', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      await spend(owner, [
        ['2025-12-31', '1.00'],
        ['2026-01-01', '2.00'],
        ['2026-09-30', '4.00'],
        ['2026-10-01', '8.00'],
        ['2026-12-31', '16.00'],
        ['2027-01-01', '32.00'],
      ]);
      const year = await owner.budgets.create({ name: 'Year', amount: '5000', period: { unit: 'year' } });
      expect(year.period).toEqual({ unit: 'year', every: 1, anchor: '2026-01-01' });
      expect(await owner.budgets.status(year.id)).toMatchObject({
        period: { start: '2026-01-01', end: '2026-12-31' },
        spentMinor: 3000,
        daysElapsed: 325,
        daysTotal: 365,
      });
      const quarter = await owner.budgets.create({
        name: 'Quarter',
        amount: '500',
        period: { unit: 'month', every: 3, anchor: '2026-01-01' },
      });
      expect(await owner.budgets.status(quarter.id)).toMatchObject({
        period: { start: '2026-10-01', end: '2026-12-31' },
        spentMinor: 2400,
        daysElapsed: 52,
        daysTotal: 92,
      });
    });

    it('a one-off budget covers its dates only, and appears in history once it has closed', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-21T12:00:00Z');
      await spend(owner, [
        ['2026-11-09', '1.00'],
        ['2026-11-10', '2.00'],
        ['2026-11-24', '4.00'],
        ['2026-11-25', '8.00'],
      ]);
      const budget = await owner.budgets.create({
        name: 'Trip',
        amount: '100',
        period: { start: '2026-11-10', end: '2026-11-24' },
      });
      expect(budget.startsOn).toBe('2026-11-10');
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        period: { start: '2026-11-10', end: '2026-11-24' },
        spentMinor: 600,
        daysElapsed: 12,
        daysTotal: 15,
      });
      expect(await owner.budgets.history(budget.id)).toEqual([]);
      env.clock.set('2026-11-25T12:00:00Z');
      expect(await owner.budgets.history(budget.id)).toMatchObject([
        { period: { start: '2026-11-10', end: '2026-11-24' }, spentMinor: 600, daysElapsed: 15, daysTotal: 15 },
      ]);
    });

    it('"today" is the owner’s local date: the period and daysElapsed follow the owner’s time zone, not UTC', async () => {
      const env = getEnv();
      const auckland = env.newOwner();
      const losAngeles = env.newOwner();
      await auckland.settings.update({ timezone: 'Pacific/Auckland' });
      await losAngeles.settings.update({ timezone: 'America/Los_Angeles' });

      env.clock.set('2026-11-30T12:00:00Z'); // already 1 December, 01:00, in Auckland
      const nz = await auckland.budgets.create({ name: 'Month', amount: '310' });
      expect(nz).toMatchObject({ period: { anchor: '2026-12-01' }, startsOn: '2026-12-01' });
      await auckland.expenses.create({ amount: '10' });
      await auckland.expenses.create({ amount: '99', date: '2026-11-30' });
      expect(await auckland.budgets.status(nz.id)).toMatchObject({
        period: { start: '2026-12-01', end: '2026-12-31' },
        spentMinor: 1000,
        daysElapsed: 1,
        daysTotal: 31,
        projectedSpendMinor: 31000,
      });

      env.clock.set('2026-12-01T03:00:00Z'); // still 30 November, 19:00, in Los Angeles
      const la = await losAngeles.budgets.create({ name: 'Month', amount: '300' });
      expect(la).toMatchObject({ period: { anchor: '2026-11-01' }, startsOn: '2026-11-01' });
      await losAngeles.expenses.create({ amount: '10' });
      await losAngeles.expenses.create({ amount: '99', date: '2026-12-01' });
      expect(await losAngeles.budgets.status(la.id)).toMatchObject({
        period: { start: '2026-11-01', end: '2026-11-30' },
        spentMinor: 1000,
        daysElapsed: 30,
        daysTotal: 30,
        dailyAllowanceMinor: 29000,
      });
    });

    it('history() applies rollover period after period: surplus carries what was left, full carries overspend too', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-10T12:00:00Z');
      const create = (name: string, rollover: 'none' | 'surplus' | 'full') =>
        owner.budgets.create({ name, amount: '100.00', rollover, startsOn: '2026-08-01', alertRules: [] });
      const none = await create('None', 'none');
      const surplus = await create('Surplus', 'surplus');
      const full = await create('Full', 'full');
      await spend(owner, [
        ['2026-07-15', '500.00'], // before the budgets start: carries nothing
        ['2026-08-12', '60.00'],
        ['2026-09-05', '100.00'],
        ['2026-09-20', '150.00'],
        ['2026-10-03', '30.00'],
        ['2026-10-25', '20.00'],
        ['2026-11-02', '10.00'],
      ]);
      const closed = (start: string, end: string, days: number) => ({
        period: { start, end },
        forecastConfident: true,
        forecastConfidentFrom: `${start.slice(0, 8)}08`,
        limitMinor: 10000,
        daysElapsed: days,
        daysTotal: days,
        dailyAllowanceMinor: 0,
        scheduledMinor: 0, // a closed period: nothing is coming, and no pace
        scheduledSpentMinor: 0,
        paceMinor: 0,
      });
      const august = {
        ...closed('2026-08-01', '2026-08-31', 31),
        rolloverMinor: 0,
        availableMinor: 10000,
        spentMinor: 6000,
        remainingMinor: 4000,
        percentUsed: 60,
        projectedSpendMinor: 6000,
        projectedExceedDate: null,
        state: 'ok',
      };
      const september = {
        ...closed('2026-09-01', '2026-09-30', 30),
        spentMinor: 25000,
        projectedSpendMinor: 25000,
        projectedExceedDate: '2026-09-20',
        state: 'exceeded',
      };
      const october = { ...closed('2026-10-01', '2026-10-31', 31), spentMinor: 5000, projectedSpendMinor: 5000 };

      expect(await owner.budgets.history(surplus.id, { periods: 3 })).toEqual([
        { budgetId: surplus.id, currency: 'USD', ...august },
        {
          budgetId: surplus.id,
          currency: 'USD',
          ...september,
          rolloverMinor: 4000,
          availableMinor: 14000,
          remainingMinor: -11000,
          percentUsed: 178.57,
        },
        // The overspend does not carry: October starts from the plain limit.
        {
          budgetId: surplus.id,
          currency: 'USD',
          ...october,
          rolloverMinor: 0,
          availableMinor: 10000,
          remainingMinor: 5000,
          percentUsed: 50,
          projectedExceedDate: null,
          state: 'ok',
        },
      ]);
      expect(await owner.budgets.status(surplus.id)).toMatchObject({
        rolloverMinor: 5000,
        availableMinor: 15000,
        spentMinor: 1000,
        remainingMinor: 14000,
      });

      const fullHistory = await owner.budgets.history(full.id, { periods: 3 });
      expect(fullHistory).toEqual([
        { budgetId: full.id, currency: 'USD', ...august },
        {
          budgetId: full.id,
          currency: 'USD',
          ...september,
          rolloverMinor: 4000,
          availableMinor: 14000,
          remainingMinor: -11000,
          percentUsed: 178.57,
        },
        // 110.00 overspent: October has -10.00 available, so no percentage; the first expense exceeds it.
        {
          budgetId: full.id,
          currency: 'USD',
          ...october,
          rolloverMinor: -11000,
          availableMinor: -1000,
          remainingMinor: -6000,
          percentUsed: null,
          projectedExceedDate: '2026-10-03',
          state: 'exceeded',
        },
      ]);
      expect(await owner.budgets.status(full.id)).toMatchObject({
        rolloverMinor: -6000,
        availableMinor: 4000,
        spentMinor: 1000,
        remainingMinor: 3000,
        percentUsed: 25,
      });
      // A shorter window still carries from the budget's first period; status of a past period agrees.
      expect(await owner.budgets.history(full.id, { periods: 2 })).toEqual(fullHistory.slice(1));
      expect(await owner.budgets.status(full.id, { date: '2026-10-15' })).toEqual(fullHistory[2]);

      expect(
        (await owner.budgets.history(none.id, { periods: 3 })).map((s) => [
          s.rolloverMinor,
          s.availableMinor,
          s.percentUsed,
        ]),
      ).toEqual([
        [0, 10000, 60],
        [0, 10000, 250],
        [0, 10000, 50],
      ]);
      expect(await owner.budgets.status(none.id)).toMatchObject({ rolloverMinor: 0, availableMinor: 10000 });
    });

    it('an update that moves an expense between categories, dates or currencies moves it between budgets’ figures', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      const travel = await owner.categories.create({ name: 'Travel' });
      env.clock.set('2026-11-21T12:00:00Z');
      const foodBudget = await owner.budgets.create({
        name: 'Food',
        amount: '100',
        categoryIds: [food.id],
        alertRules: [],
      });
      const travelBudget = await owner.budgets.create({
        name: 'Travel',
        amount: '100',
        categoryIds: [travel.id],
        alertRules: [],
      });
      const spent = async () => [
        (await owner.budgets.status(foodBudget.id)).spentMinor,
        (await owner.budgets.status(travelBudget.id)).spentMinor,
        (await owner.budgets.status(travelBudget.id, { date: '2026-10-01' })).spentMinor,
      ];
      const expense = await owner.expenses.create({ amount: '40', date: '2026-11-05', categoryId: food.id });
      expect(await spent()).toEqual([4000, 0, 0]);
      await owner.expenses.update(expense.id, { categoryId: travel.id });
      expect(await spent()).toEqual([0, 4000, 0]);
      await owner.expenses.update(expense.id, { date: '2026-10-28', amount: '45' });
      expect(await spent()).toEqual([0, 0, 4500]);
      await owner.expenses.update(expense.id, { currency: 'EUR', amount: '45' });
      expect(await spent()).toEqual([0, 0, 0]);
      await owner.expenses.replace(expense.id, {
        amount: '12',
        currency: 'USD',
        date: '2026-11-20',
        categoryId: food.id,
      });
      expect(await spent()).toEqual([1200, 0, 0]);
      await owner.expenses.update(expense.id, { categoryId: null });
      expect(await spent()).toEqual([0, 0, 0]);
    });

    it('rebuildTotals() returns the number of total rows, repairs damaged totals and leaves status unchanged', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      const food = await owner.categories.create({ name: 'Food' });
      env.clock.set('2026-11-21T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'Food',
        amount: '400',
        categoryIds: [food.id],
        rollover: 'full',
        startsOn: '2026-10-01',
      });
      await spend(owner, [
        ['2026-10-02', '50.00', food.id],
        ['2026-11-02', '12.00', food.id],
        ['2026-11-02', '13.00', food.id], // the same (date, currency, category) row
        ['2026-11-03', '9.00', food.id, 'EUR'],
        ['2026-11-04', '1.00', null],
      ]);
      const gone = await owner.expenses.create({ amount: '7', date: '2026-11-05', categoryId: food.id });
      await owner.expenses.delete(gone.id); // leaves nothing to count on 2026-11-05
      const before = await owner.budgets.status(budget.id);
      expect(before).toMatchObject({ spentMinor: 2500, rolloverMinor: 35000 });

      if (env.raw) {
        // Damage the stored totals, as a manual change to the database could.
        await env.raw('delete from et_daily_total where owner_id = ? and date = ?', [owner.ownerId, '2026-10-02']);
        await env.raw('update et_daily_total set amount_minor = amount_minor + 999 where owner_id = ? and date = ?', [
          owner.ownerId,
          '2026-11-02',
        ]);
        expect(await owner.budgets.status(budget.id)).not.toEqual(before);
      }
      expect(await owner.rebuildTotals()).toBe(4);
      expect(await owner.budgets.status(budget.id)).toEqual(before);
      expect(await owner.rebuildTotals()).toBe(4);
      expect(await owner.budgets.status(budget.id)).toEqual(before);
    });
  });
}
