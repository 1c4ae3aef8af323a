import { describe, expect, it } from 'vitest';
import { runDueSchedules } from '../../schedules/run-due.js';
import { internalsOf } from '../../tracker.js';
import type { ConformanceEnv } from '../harness.js';

/** The due work of the suite's tracker at `instant`: what `tracker.runDue({ now })` runs. */
function runDue(env: ConformanceEnv, instant: string) {
  return runDueSchedules(internalsOf(env.tracker).context, new Date(instant));
}

/**
 * Forecasts that know what is coming (SPEC §7.3): budget status adds the period's upcoming
 * scheduled amounts to its projection, says which part is known and which is pace, and
 * `forecast` alert rules use it. Through the owner handle, on the real store.
 */
export function forecastTests(getEnv: () => ConformanceEnv): void {
  describe('forecast with schedules', () => {
    it('status adds the period’s upcoming scheduled amounts and takes the pace from other spending', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-01T09:00:00Z');
      const home = await owner.categories.create({ name: 'Home' });
      const food = await owner.categories.create({ name: 'Food' });
      const overall = await owner.budgets.create({ name: 'All', amount: '1500', alertRules: [] });
      const groceries = await owner.budgets.create({
        name: 'Food',
        amount: '400',
        categoryIds: [food.id],
        alertRules: [],
      });
      const rent = await owner.schedules.create({
        name: 'Rent',
        recurrence: { unit: 'month', anchor: '2026-01-25' },
        template: { amount: '1000.00', categoryId: home.id },
      });
      await owner.schedules.create({
        name: 'Power',
        mode: 'expect',
        recurrence: { unit: 'month', anchor: '2026-01-20' },
        template: { amount: '80.00', categoryId: home.id },
      });
      await owner.schedules.create({
        name: 'Paris flat',
        recurrence: { unit: 'month', anchor: '2026-01-15' },
        template: { amount: '500.00', currency: 'EUR' }, // another currency: never in a USD budget
      });
      env.clock.set('2026-11-10T12:00:00Z');
      await owner.expenses.create({ amount: '100', date: '2026-11-05', categoryId: food.id });
      expect(await owner.budgets.status(overall.id)).toMatchObject({
        spentMinor: 10_000,
        scheduledMinor: 108_000, // rent on the 25th, power on the 20th
        scheduledSpentMinor: 0,
        paceMinor: 20_000, // 100.00 in 10 days, for the 20 days after today
        projectedSpendMinor: 138_000,
        projectedExceedDate: null,
        state: 'ok',
      });
      // The food budget's scope holds no schedule: its forecast is the pace alone.
      expect(await owner.budgets.status(groceries.id)).toMatchObject({
        scheduledMinor: 0,
        projectedSpendMinor: 30_000,
      });

      // Skipping the power bill takes it out; posting the rent moves it from scheduled to spent, not into the pace.
      await owner.schedules.skip((await owner.schedules.list()).find((s) => s.name === 'Power')!.id, '2026-11-20');
      await runDue(env, '2026-11-25T12:00:00Z');
      env.clock.set('2026-11-26T12:00:00Z');
      const after = await owner.budgets.status(overall.id);
      expect(after).toMatchObject({
        spentMinor: 110_000,
        scheduledSpentMinor: 100_000,
        scheduledMinor: 0,
        paceMinor: 1_538, // 100.00 over 26 days, for 4 more, rounded down
        projectedSpendMinor: 111_538,
      });
      // December's status knows December's rent is coming.
      expect(await owner.budgets.status(overall.id, { date: '2026-12-15' })).toMatchObject({
        period: { start: '2026-12-01', end: '2026-12-31' },
        scheduledMinor: 108_000,
        paceMinor: 0,
        projectedSpendMinor: 108_000,
      });
      // A closed period's figures read no schedules.
      env.clock.set('2026-12-02T12:00:00Z');
      const [november] = await owner.budgets.history(overall.id, { periods: 1 });
      expect(november).toMatchObject({
        spentMinor: 110_000,
        scheduledMinor: 0,
        paceMinor: 0,
        projectedSpendMinor: 110_000,
      });
      expect(rent.id).toBeTruthy();
    });

    it('a forecast rule fires once when a new schedule takes the known part over its threshold', async () => {
      const env = getEnv();
      const owner = env.newOwner();
      env.clock.set('2026-11-02T12:00:00Z'); // day 2 of 30: the pace does not count yet, the known part does
      const budget = await owner.budgets.create({
        name: 'Month',
        amount: '1000',
        alertRules: [{ thresholdPercent: 100, kind: 'forecast' }],
      });
      await owner.expenses.create({ amount: '50' });
      expect(await owner.notifications.list()).toEqual([]);
      await owner.schedules.create({
        name: 'Rent',
        recurrence: { unit: 'month', anchor: '2026-01-25' },
        template: { amount: '990.00' },
      });
      const [notification, ...rest] = await owner.notifications.list();
      expect(rest).toEqual([]);
      expect(notification).toMatchObject({ kind: 'forecast', budgetId: budget.id, spentMinor: 5_000 });
      expect(notification!.message).toContain('990.00 USD of it scheduled');
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        forecastConfident: false,
        scheduledMinor: 99_000,
        state: 'warning', // rent on the 25th takes it to 104 %
        projectedExceedDate: '2026-11-25',
      });
      // More writes in the period fire nothing more.
      await owner.expenses.create({ amount: '10' });
      await owner.schedules.update((await owner.schedules.list())[0]!.id, { template: { amount: '995.00' } });
      env.clock.set('2026-11-20T12:00:00Z');
      await owner.expenses.create({ amount: '10' });
      expect(await owner.notifications.list()).toHaveLength(1);
    });
  });
}
