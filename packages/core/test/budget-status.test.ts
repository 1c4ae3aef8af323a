import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '../src/dates.js';
import { computeStatus, forecastConfidentFrom, forecastMinDays } from '../src/budgets/status.js';
import { daysIn, periodContaining, type DateRange, type PeriodDefinition } from '../src/budgets/periods.js';

/** One period of each unit (and a one-off), each containing 2027-01-15, with how long it is. */
const PERIODS: { name: string; definition: PeriodDefinition; days: number; confidentOn: number }[] = [
  { name: 'a day', definition: { unit: 'day', every: 1, anchor: '2027-01-01' }, days: 1, confidentOn: 1 },
  { name: 'every 2 days', definition: { unit: 'day', every: 2, anchor: '2027-01-01' }, days: 2, confidentOn: 2 },
  { name: 'every 3 days', definition: { unit: 'day', every: 3, anchor: '2027-01-01' }, days: 3, confidentOn: 3 },
  { name: 'a week', definition: { unit: 'week', every: 1, anchor: '2027-01-04' }, days: 7, confidentOn: 3 },
  { name: 'two weeks', definition: { unit: 'week', every: 2, anchor: '2027-01-04' }, days: 14, confidentOn: 4 },
  {
    name: 'a month of 31 days',
    definition: { unit: 'month', every: 1, anchor: '2027-01-01' },
    days: 31,
    confidentOn: 8,
  },
  {
    name: 'a month from payday',
    definition: { unit: 'month', every: 1, anchor: '2026-12-25' },
    days: 31,
    confidentOn: 8,
  },
  { name: 'a quarter', definition: { unit: 'month', every: 3, anchor: '2027-01-01' }, days: 90, confidentOn: 23 },
  { name: 'a year', definition: { unit: 'year', every: 1, anchor: '2027-01-01' }, days: 365, confidentOn: 92 },
  { name: 'a one-off of 10 days', definition: { start: '2027-01-10', end: '2027-01-19' }, days: 10, confidentOn: 3 },
];

/** Status on day `n` (1-based) of `period`, with 60 % of the limit spent on its first day. */
function statusOnDay(period: DateRange, n: number) {
  return computeStatus({
    period,
    limitMinor: 10_000,
    rolloverMinor: 0,
    daily: [{ date: period.start, amountMinor: 6_000 }],
    today: addDays(period.start, n - 1),
  });
}

describe('forecast confidence', () => {
  for (const { name, definition, days, confidentOn } of PERIODS) {
    const period = periodContaining(definition, '2027-01-15')!;

    it(`${name}: the pace forecast counts from day ${confidentOn} of ${days}`, () => {
      expect(daysIn(period)).toBe(days);
      expect(forecastMinDays(days)).toBe(confidentOn);
      expect(forecastConfidentFrom(period)).toBe(addDays(period.start, confidentOn - 1));
    });

    it(`${name}: on the first day, 60 % spent is not a warning unless the period is that day`, () => {
      const first = statusOnDay(period, 1);
      expect(first.daysElapsed).toBe(1);
      expect(first.forecastConfident).toBe(days === 1);
      // 60.00 spent on day 1 of a longer period forecasts over the limit, but the forecast does not count yet.
      if (days > 1) expect(first.projectedSpendMinor).toBeGreaterThan(10_000);
      expect(first.state).toBe('ok');
    });

    it(`${name}: on the second day the forecast counts only if the period is that short`, () => {
      if (days < 2) return expect(period.start).toBe(period.end);
      const second = statusOnDay(period, 2);
      expect(second.forecastConfident).toBe(confidentOn <= 2);
      expect(second.projectedSpendMinor).toBe(Math.floor((6_000 * days) / 2));
      expect(second.state).toBe(confidentOn <= 2 && second.projectedSpendMinor > 10_000 ? 'warning' : 'ok');
    });

    it(`${name}: on the last day the forecast is what was spent and counts`, () => {
      const last = statusOnDay(period, days);
      expect(last.daysElapsed).toBe(days);
      expect(last.forecastConfident).toBe(true);
      expect(last.projectedSpendMinor).toBe(6_000);
      expect(last.state).toBe('ok');
    });

    it(`${name}: from day ${confidentOn}, a pace that goes over is a warning`, () => {
      const status = statusOnDay(period, confidentOn);
      expect(status.forecastConfident).toBe(true);
      expect(status.state).toBe(status.projectedSpendMinor > 10_000 ? 'warning' : 'ok');
      if (confidentOn > 1) expect(statusOnDay(period, confidentOn - 1).forecastConfident).toBe(false);
    });
  }

  it('spending that already passed the limit is exceeded on any day, and 80 % spent is a warning on any day', () => {
    const period = { start: '2027-02-01', end: '2027-02-28' };
    const on = (today: string, amountMinor: number) =>
      computeStatus({
        period,
        limitMinor: 10_000,
        rolloverMinor: 0,
        daily: [{ date: period.start, amountMinor }],
        today,
      }).state;
    expect(on('2027-02-01', 10_001)).toBe('exceeded');
    expect(on('2027-02-01', 8_000)).toBe('warning');
    expect(on('2027-02-01', 7_999)).toBe('ok');
  });

  it('is monotonic: once the forecast counts it keeps counting to the end of the period (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: toDayNumber('2000-01-01'), max: toDayNumber('2100-01-01') }),
        fc.integer({ min: 1, max: 400 }),
        (startDay, length) => {
          const period = { start: fromDayNumber(startDay), end: fromDayNumber(startDay + length - 1) };
          const from = forecastConfidentFrom(period);
          expect(from >= period.start && from <= period.end).toBe(true);
          let seen = false;
          for (let n = 1; n <= length; n += 1) {
            const confident = statusOnDay(period, n).forecastConfident;
            if (seen) expect(confident).toBe(true);
            seen ||= confident;
            expect(confident).toBe(addDays(period.start, n - 1) >= from);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
