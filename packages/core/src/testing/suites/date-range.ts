import { describe, expect, it } from 'vitest';
import { MAX_LOCAL_DATE, MIN_LOCAL_DATE } from '../../dates.js';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/**
 * Dates within 1900-01-01..9999-12-31: every date input outside it is refused, and budget
 * periods and analytics buckets near either end are clipped to it, so status, history and
 * analytics answer there instead of failing on a date with a five-digit year.
 */
export function dateRangeTests(getEnv: () => ConformanceEnv): void {
  describe('dates within 1900-01-01..9999-12-31', () => {
    it('a date outside the range is refused wherever a date is taken, and nothing is stored', async () => {
      const owner = getEnv().newOwner();
      const expense = await owner.expenses.create({ amount: '1', date: MIN_LOCAL_DATE });
      const budget = await owner.budgets.create({
        name: 'B',
        amount: '10',
        period: { unit: 'month', anchor: MAX_LOCAL_DATE },
      });
      const before = await owner.changes();
      for (const date of ['1899-12-31', '0001-01-01', '0000-01-01']) {
        await expectTrackerError(owner.expenses.create({ amount: '1', date }), 'VALIDATION_FAILED', ['date']);
        await expectTrackerError(owner.expenses.update(expense.id, { date }), 'VALIDATION_FAILED', ['date']);
        await expectTrackerError(
          owner.expenses.createMany([{ amount: '1' }, { amount: '1', date }]),
          'VALIDATION_FAILED',
          [1, 'date'],
        );
        await expectTrackerError(owner.expenses.list({ from: date }), 'VALIDATION_FAILED', ['from']);
        await expectTrackerError(
          owner.budgets.create({ name: 'X', amount: '1', period: { unit: 'week', anchor: date } }),
          'VALIDATION_FAILED',
          ['period', 'anchor'],
        );
        await expectTrackerError(
          owner.budgets.create({ name: 'X', amount: '1', period: { start: date, end: '2026-01-01' } }),
          'VALIDATION_FAILED',
          ['period', 'start'],
        );
        await expectTrackerError(owner.budgets.update(budget.id, { startsOn: date }), 'VALIDATION_FAILED', [
          'startsOn',
        ]);
        await expectTrackerError(owner.budgets.status(budget.id, { date }), 'VALIDATION_FAILED', ['date']);
        await expectTrackerError(owner.analytics.summary({ from: date }), 'VALIDATION_FAILED', ['from']);
        await expectTrackerError(owner.analytics.trends({ from: date, to: '1900-01-10' }), 'VALIDATION_FAILED', [
          'from',
        ]);
        await expectTrackerError(owner.analytics.monthly({ fromMonth: date.slice(0, 7) }), 'VALIDATION_FAILED', [
          'fromMonth',
        ]);
      }
      expect(await owner.changes()).toEqual(before);
      expect(await owner.expenses.get(expense.id)).toEqual(expense);
    });

    it('a budget of 366-year periods anchored on 9999-12-31 answers status and history: periods stop at the ends of the range', async () => {
      const { clock } = getEnv();
      const owner = getEnv().newOwner();
      clock.set('2026-06-15T12:00:00Z');
      const budget = await owner.budgets.create({
        name: 'Eons',
        amount: '100',
        period: { unit: 'year', every: 366, anchor: MAX_LOCAL_DATE },
        alertRules: [],
      });
      await owner.expenses.createMany([
        { amount: '7', date: MIN_LOCAL_DATE },
        { amount: '9', date: MAX_LOCAL_DATE },
        { amount: '3', date: '2026-06-15' },
      ]);
      expect(await owner.budgets.status(budget.id)).toMatchObject({
        period: { start: '1947-12-31', end: '2313-12-30' },
        spentMinor: 300,
      });
      expect(await owner.budgets.status(budget.id, { date: MAX_LOCAL_DATE })).toMatchObject({
        period: { start: MAX_LOCAL_DATE, end: MAX_LOCAL_DATE },
        daysTotal: 1,
        spentMinor: 900,
        projectedSpendMinor: 900,
        state: 'ok',
      });
      // The period before the current one would start in 1581: it starts on 1900-01-01, and there is no earlier one.
      const history = await owner.budgets.history(budget.id, { periods: 120 });
      expect(history.map((h) => [h.period.start, h.period.end, h.spentMinor])).toEqual([
        ['1900-01-01', '1947-12-30', 700],
      ]);
      expect(await owner.budgets.status(budget.id, { date: MIN_LOCAL_DATE })).toMatchObject({
        period: { start: '1900-01-01', end: '1947-12-30' },
      });
    });

    it('periods that would run past 9999-12-31 end on it, with rollover from 1900 applied (daily, monthly, yearly, one-off)', async () => {
      const owner = getEnv().newOwner();
      const yearly = await owner.budgets.create({
        name: 'Y',
        amount: '100',
        period: { unit: 'year', anchor: '2026-03-01' },
        alertRules: [],
      });
      expect((await owner.budgets.status(yearly.id, { date: MAX_LOCAL_DATE })).period).toEqual({
        start: '9999-03-01',
        end: MAX_LOCAL_DATE,
      });
      const monthly = await owner.budgets.create({
        name: 'M',
        amount: '100',
        period: { unit: 'month', anchor: '2026-01-31' },
        alertRules: [],
      });
      expect(await owner.budgets.status(monthly.id, { date: MAX_LOCAL_DATE })).toMatchObject({
        period: { start: MAX_LOCAL_DATE, end: MAX_LOCAL_DATE },
        daysTotal: 1,
      });
      const rolling = await owner.budgets.create({
        name: 'R',
        amountMinor: 1,
        rollover: 'surplus',
        period: { unit: 'day', every: 366, anchor: MIN_LOCAL_DATE },
        startsOn: MIN_LOCAL_DATE,
        alertRules: [],
      });
      const last = await owner.budgets.status(rolling.id, { date: MAX_LOCAL_DATE });
      expect(last.period.end).toBe(MAX_LOCAL_DATE);
      expect(last.rolloverMinor).toBe(8083); // one minor unit carried from each of the 8,083 periods before
      const oneOff = await owner.budgets.create({
        name: 'O',
        amount: '1',
        period: { start: MIN_LOCAL_DATE, end: MAX_LOCAL_DATE },
        alertRules: [],
      });
      expect(await owner.budgets.status(oneOff.id)).toMatchObject({
        period: { start: MIN_LOCAL_DATE, end: MAX_LOCAL_DATE },
        daysTotal: 2_958_464,
      });
    });

    it('a daily budget rolling over from 1900-01-01, asked about 9999-12-31: the carry counts all 2,958,463 days before, less what was spent', async () => {
      const owner = getEnv().newOwner();
      const daily = await owner.budgets.create({
        name: 'D',
        amountMinor: 100,
        rollover: 'surplus',
        period: { unit: 'day', anchor: MIN_LOCAL_DATE },
        startsOn: MIN_LOCAL_DATE,
        alertRules: [],
      });
      await owner.expenses.createMany([
        { amountMinor: 250, date: '1900-01-02' },
        { amountMinor: 30, date: '2026-06-01' },
        { amountMinor: 7, date: MAX_LOCAL_DATE },
      ]);
      // 1900-01-02 spends the 100 it carries in and its own 100, and 50 more that the surplus mode forgives.
      expect(await owner.budgets.status(daily.id, { date: MAX_LOCAL_DATE })).toMatchObject({
        period: { start: MAX_LOCAL_DATE, end: MAX_LOCAL_DATE },
        rolloverMinor: 100 * (2_958_463 - 2) - 30,
        spentMinor: 7,
      });
    });

    it('analytics at the end of the range: the last week, month and buckets end on 9999-12-31 and count what is there', async () => {
      const owner = getEnv().newOwner();
      await owner.expenses.createMany([
        { amount: '1', date: '9999-12-30' },
        { amount: '2', date: MAX_LOCAL_DATE },
        { amount: '4', date: MIN_LOCAL_DATE },
      ]);
      const weekly = await owner.analytics.weekly({ from: '9999-12-20', to: MAX_LOCAL_DATE });
      expect(weekly.weeks.map((w) => [w.start, w.end, w.currencies[0]?.totalMinor ?? 0])).toEqual([
        ['9999-12-20', '9999-12-26', 0],
        ['9999-12-27', MAX_LOCAL_DATE, 300],
      ]);
      const monthly = await owner.analytics.monthly({ fromMonth: '9999-11', toMonth: '9999-12' });
      expect(monthly.months.map((m) => [m.month, m.start, m.end, m.currencies[0]?.totalMinor ?? 0])).toEqual([
        ['9999-11', '9999-11-01', '9999-11-30', 0],
        ['9999-12', '9999-12-01', MAX_LOCAL_DATE, 300],
      ]);
      expect((await owner.analytics.monthly({ fromMonth: '9999-12' })).months.map((m) => m.month)).toEqual(['9999-12']);
      for (const granularity of ['day', 'week', 'month'] as const) {
        const { points } = await owner.analytics.trends({ granularity, from: '9999-12-25', to: MAX_LOCAL_DATE });
        expect(points.at(-1)!.end, granularity).toBe(MAX_LOCAL_DATE);
        expect(
          points.reduce((sum, p) => sum + p.totalMinor, 0),
          granularity,
        ).toBe(300);
      }
      const all = await owner.analytics.summary({ from: MIN_LOCAL_DATE, to: MAX_LOCAL_DATE });
      expect(all).toMatchObject({
        days: 2_958_464,
        currencies: [{ currency: 'USD', totalMinor: 700, previousTotalMinor: 0 }],
      });
      expect(all.previous.to).toBe('1899-12-31');
      const december = await owner.analytics.summary({ from: '9999-12-01' });
      expect(december).toMatchObject({ to: MAX_LOCAL_DATE, currencies: [{ totalMinor: 300 }] });
    });
  });
}
