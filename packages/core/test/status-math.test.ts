/**
 * The budget status maths on its own: pure functions, no database. Property tests use
 * fast-check, whose failure report names the seed and path to replay the case
 * (`fc.assert(..., { seed, path })`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, toDayNumber } from '../src/dates.js';
import {
  computeStatus,
  mulDiv,
  percentOf,
  rolloverChain,
  type DailySpend,
  type StatusInput,
} from '../src/budgets/status.js';

const NOVEMBER = { start: '2026-11-01', end: '2026-11-30' };

/** floor(a·b / c), the slow and obvious way. */
function floorDiv(a: number, b: number, c: number): bigint {
  const [n, d] = [BigInt(a) * BigInt(b), BigInt(c)];
  const q = n / d;
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
}

describe('mulDiv', () => {
  it('is a·b/c rounded down, towards minus infinity for negative results', () => {
    expect(mulDiv(7, 3, 2)).toBe(10);
    expect(mulDiv(8, 3, 2)).toBe(12);
    expect(mulDiv(-7, 3, 2)).toBe(-11);
    expect(mulDiv(7, -3, 2)).toBe(-11);
    expect(mulDiv(7, 3, -2)).toBe(-11);
    expect(mulDiv(-7, -3, 2)).toBe(10);
    expect(mulDiv(0, 31, 7)).toBe(0);
  });

  it('is exact where a float product would not be: 2^53 - 1 spent in 30 of 31 days', () => {
    const spent = Number.MAX_SAFE_INTEGER;
    expect(mulDiv(spent, 30, 31)).toBe(Number(floorDiv(spent, 30, 31)));
    expect(mulDiv(spent, 30, 31)).not.toBe(Math.floor((spent * 30) / 31));
  });

  it('q = mulDiv(a, b, c) satisfies q·c ≤ a·b < (q + 1)·c for c > 0, and the mirror for c < 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: -4_000, max: 4_000 }),
        fc.integer({ min: -400, max: 400 }).filter((c) => c !== 0),
        (a, b, c) => {
          const q = BigInt(mulDiv(a, b, c));
          const [ab, bc] = [BigInt(a) * BigInt(b), BigInt(c)];
          if (bc > 0n) expect(q * bc <= ab && ab < (q + 1n) * bc).toBe(true);
          else expect(q * bc >= ab && ab > (q + 1n) * bc).toBe(true);
        },
      ),
    );
  });
});

describe('percentOf', () => {
  it('has two decimals, rounded half away from zero', () => {
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(5, 4)).toBe(125);
    expect(percentOf(0, 7)).toBe(0);
    // 1/20000 is 0.005 %: exactly half a hundredth, so it goes up (and down for a refund).
    expect(percentOf(1, 20_000)).toBe(0.01);
    expect(percentOf(-1, 20_000)).toBe(-0.01);
    expect(percentOf(1, 20_001)).toBe(0);
  });

  it('is exact for sums past 2^53 / 10000, where part · 10000 would lose digits as a float', () => {
    expect(percentOf(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(100);
    expect(percentOf(Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER)).toBe(100);
    expect(percentOf(4_503_599_627_370_496, Number.MAX_SAFE_INTEGER)).toBe(50);
  });

  it('is the nearest hundredth of a percent, ties away from zero, and odd in the part (property)', () => {
    // Parts up to ten times the whole (1000 %) either way: figures a budget shows.
    const partAndWhole = fc
      .integer({ min: 1, max: 2 ** 45 })
      .chain((whole) =>
        fc.tuple(
          fc.integer({ min: -Math.min(10 * whole, 2 ** 46), max: Math.min(10 * whole, 2 ** 46) }),
          fc.constant(whole),
        ),
      );
    fc.assert(
      fc.property(partAndWhole, ([part, whole]) => {
        const result = percentOf(part, whole);
        const basisPoints = Math.round(result * 100);
        expect(Math.abs(result * 100 - basisPoints)).toBeLessThan(1e-6);
        // |bp·whole − part·10000| ≤ whole/2: the nearest hundredth.
        const error = BigInt(basisPoints) * BigInt(whole) - BigInt(part) * 10_000n;
        const twice = 2n * (error < 0n ? -error : error);
        expect(twice <= BigInt(whole)).toBe(true);
        // On an exact tie, the larger magnitude.
        if (twice === BigInt(whole))
          expect(BigInt(Math.abs(basisPoints)) * BigInt(whole) > BigInt(Math.abs(part)) * 10_000n).toBe(true);
        // `+ 0` makes -0 and 0 one value.
        expect(percentOf(-part, whole) + 0).toBe(-result + 0);
      }),
    );
  });
});

describe('rolloverChain', () => {
  it('carries nothing with none, only what was left with surplus, and an overspend too with full', () => {
    expect(rolloverChain('none', 10_000, [8_000, 13_000])).toEqual([0, 0, 0]);
    expect(rolloverChain('surplus', 10_000, [8_000, 13_000])).toEqual([0, 2_000, 0]);
    expect(rolloverChain('full', 10_000, [8_000, 13_000])).toEqual([0, 2_000, -1_000]);
    expect(rolloverChain('full', 10_000, [])).toEqual([0]);
    // A full rollover can eat more than a whole limit: the next period starts below zero.
    expect(rolloverChain('full', 10_000, [25_000, 0])).toEqual([0, -15_000, -5_000]);
  });

  it('has one carry per period plus the next, starting at 0; full telescopes, surplus never goes below it or 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 20_000_000 }), { maxLength: 40 }),
        (limit, spent) => {
          const [none, surplus, full] = [
            rolloverChain('none', limit, spent),
            rolloverChain('surplus', limit, spent),
            rolloverChain('full', limit, spent),
          ];
          for (const chain of [none, surplus, full]) {
            expect(chain).toHaveLength(spent.length + 1);
            expect(chain[0]).toBe(0);
          }
          expect(none.every((c) => c === 0)).toBe(true);
          spent.forEach((s, i) => {
            // Each carry is what the period had (limit + carry) minus what it spent, floored at 0 for surplus.
            expect(full[i + 1]).toBe(limit + full[i]! - s);
            expect(surplus[i + 1]).toBe(Math.max(0, limit + surplus[i]! - s));
            expect(surplus[i + 1]).toBeGreaterThanOrEqual(full[i + 1]!);
          });
          // Over the whole run, full carries exactly the limits not spent.
          expect(full.at(-1)).toBe(limit * spent.length - spent.reduce((a, b) => a + b, 0));
        },
      ),
    );
  });
});

describe('computeStatus', () => {
  const daily: DailySpend[] = [
    { date: '2026-11-09', amountMinor: 8_000 },
    { date: '2026-11-02', amountMinor: 12_000 },
    // Outside the period: ignored.
    { date: '2026-10-31', amountMinor: 99_999 },
    { date: '2026-12-01', amountMinor: 99_999 },
  ];
  const input = (extra: Partial<StatusInput> = {}): StatusInput => ({
    period: NOVEMBER,
    limitMinor: 40_000,
    rolloverMinor: 0,
    daily,
    today: '2026-11-10',
    ...extra,
  });

  it('on day 10 of 30 with 200.00 of 400.00 spent: every figure', () => {
    expect(computeStatus(input())).toEqual({
      period: NOVEMBER,
      limitMinor: 40_000,
      rolloverMinor: 0,
      availableMinor: 40_000,
      spentMinor: 20_000,
      remainingMinor: 20_000,
      percentUsed: 50,
      daysElapsed: 10,
      daysTotal: 30,
      dailyAllowanceMinor: 952, // 20000 over the 21 days left, today included, rounded down
      projectedSpendMinor: 60_000,
      scheduledMinor: 0,
      scheduledSpentMinor: 0,
      paceMinor: 40_000, // 20.00 a day for the 20 days after today
      projectedExceedDate: '2026-11-21', // 200.00 in 10 days passes 400.00 on day 21
      forecastConfident: true,
      forecastConfidentFrom: '2026-11-08',
      state: 'warning',
    });
  });

  it('before the period: nothing elapsed, the whole period left, the forecast is what was spent', () => {
    const status = computeStatus(input({ today: '2026-10-20', daily: [] }));
    expect(status).toMatchObject({
      daysElapsed: 0,
      spentMinor: 0,
      dailyAllowanceMinor: 1_333,
      projectedSpendMinor: 0,
      projectedExceedDate: null,
      state: 'ok',
    });
  });

  it('after the period: all of it elapsed, no allowance, the forecast is what was spent', () => {
    const status = computeStatus(input({ today: '2026-12-15' }));
    expect(status).toMatchObject({
      daysElapsed: 30,
      dailyAllowanceMinor: 0,
      projectedSpendMinor: 20_000,
      projectedExceedDate: null,
      state: 'ok',
    });
  });

  it('a rollover adds to (or, negative, takes from) what is available', () => {
    expect(computeStatus(input({ rolloverMinor: 5_000 }))).toMatchObject({
      availableMinor: 45_000,
      remainingMinor: 25_000,
      percentUsed: 44.44,
    });
    expect(computeStatus(input({ rolloverMinor: -25_000 }))).toMatchObject({
      availableMinor: 15_000,
      remainingMinor: -5_000,
      state: 'exceeded',
    });
  });

  it('overspent: exceeded, and the exceed date is the day the running sum passed what was available', () => {
    const status = computeStatus(input({ limitMinor: 15_000 }));
    expect(status).toMatchObject({
      state: 'exceeded',
      remainingMinor: -5_000,
      dailyAllowanceMinor: 0,
      projectedExceedDate: '2026-11-09',
    });
    // From a total alone, that day cannot be known.
    expect(computeStatus(input({ limitMinor: 15_000, daily: { totalMinor: 20_000 } })).projectedExceedDate).toBeNull();
  });

  it('nothing available (a full rollover ate the limit): no percentage, and any spending is at least a warning', () => {
    expect(computeStatus(input({ rolloverMinor: -40_000, daily: [] }))).toMatchObject({
      availableMinor: 0,
      percentUsed: null,
      state: 'ok',
    });
    expect(computeStatus(input({ rolloverMinor: -40_000 }))).toMatchObject({ percentUsed: null, state: 'exceeded' });
  });

  it('80 % spent is a warning on the last day, 79.99 % is not', () => {
    const last = (amountMinor: number) =>
      computeStatus(input({ today: NOVEMBER.end, daily: [{ date: NOVEMBER.start, amountMinor }] })).state;
    expect(last(32_000)).toBe('warning');
    expect(last(31_996)).toBe('ok');
    expect(last(40_000)).toBe('warning');
    expect(last(40_001)).toBe('exceeded');
  });

  /** A period of 1–400 days in 2000–2100, today up to 10 days either side, spending on days in and around it. */
  const scenario = fc
    .record({
      startDay: fc.integer({ min: toDayNumber('2000-01-01'), max: toDayNumber('2100-01-01') }),
      length: fc.integer({ min: 1, max: 400 }),
      todayOffset: fc.integer({ min: -10, max: 410 }),
      limitMinor: fc.integer({ min: 0, max: 10_000_000_000 }),
      rolloverMinor: fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
      spends: fc.array(
        fc.record({
          offset: fc.integer({ min: -5, max: 405 }),
          amountMinor: fc.integer({ min: 1, max: 1_000_000_000 }),
        }),
        { maxLength: 30 },
      ),
    })
    .map(({ startDay, length, todayOffset, limitMinor, rolloverMinor, spends }) => {
      const period = { start: fromDayNumber(startDay), end: fromDayNumber(startDay + length - 1) };
      const today = addDays(period.start, Math.min(todayOffset, length + 10));
      const daily = spends.map((s) => ({ date: addDays(period.start, s.offset), amountMinor: s.amountMinor }));
      return { period, length, today, limitMinor, rolloverMinor, daily };
    });

  it('keeps its money figures whole and consistent: available, remaining, the allowance and the forecast (property)', () => {
    fc.assert(
      fc.property(scenario, ({ period, length, today, limitMinor, rolloverMinor, daily }) => {
        const s = computeStatus({ period, limitMinor, rolloverMinor, daily, today });
        const inPeriod = daily.filter((d) => d.date >= period.start && d.date <= period.end);
        expect(s.spentMinor).toBe(inPeriod.reduce((sum, d) => sum + d.amountMinor, 0));
        expect(s.availableMinor).toBe(limitMinor + rolloverMinor);
        expect(s.remainingMinor).toBe(s.availableMinor - s.spentMinor);
        for (const figure of [
          s.spentMinor,
          s.availableMinor,
          s.remainingMinor,
          s.dailyAllowanceMinor,
          s.projectedSpendMinor,
        ]) {
          expect(Number.isSafeInteger(figure)).toBe(true);
        }
        expect(s.daysTotal).toBe(length);
        expect(s.daysElapsed).toBeGreaterThanOrEqual(0);
        expect(s.daysElapsed).toBeLessThanOrEqual(length);
        const daysLeft = today > period.end ? 0 : length - s.daysElapsed + (s.daysElapsed === 0 ? 0 : 1);
        // The allowance spreads what remains over the days left, rounded down; nothing once overspent or over.
        if (s.remainingMinor > 0 && daysLeft > 0) {
          expect(s.dailyAllowanceMinor * daysLeft).toBeLessThanOrEqual(s.remainingMinor);
          expect((s.dailyAllowanceMinor + 1) * daysLeft).toBeGreaterThan(s.remainingMinor);
        } else expect(s.dailyAllowanceMinor).toBe(0);
        // The forecast continues the pace so far to the end of the period, rounded down.
        if (s.daysElapsed > 0 && s.daysElapsed < length) {
          expect(BigInt(s.projectedSpendMinor) * BigInt(s.daysElapsed) <= BigInt(s.spentMinor) * BigInt(length)).toBe(
            true,
          );
          expect(
            BigInt(s.projectedSpendMinor + 1) * BigInt(s.daysElapsed) > BigInt(s.spentMinor) * BigInt(length),
          ).toBe(true);
        } else expect(s.projectedSpendMinor).toBe(s.spentMinor);
      }),
    );
  });

  it('states exceeded exactly when spending passed what was available, and ok only below 80 % of it (property)', () => {
    fc.assert(
      fc.property(scenario, ({ period, today, limitMinor, rolloverMinor, daily }) => {
        const s = computeStatus({ period, limitMinor, rolloverMinor, daily, today });
        expect(s.state === 'exceeded').toBe(s.spentMinor > s.availableMinor);
        if (s.state === 'ok' && s.availableMinor > 0) expect(s.spentMinor * 100).toBeLessThan(s.availableMinor * 80);
        if (s.state === 'ok' && s.availableMinor <= 0) expect(s.spentMinor).toBe(0);
        // A forecast that does not count yet never makes a warning on its own.
        if (!s.forecastConfident && s.state === 'warning')
          expect(s.spentMinor * 100).toBeGreaterThanOrEqual(s.availableMinor * 80);
        if (s.percentUsed !== null) expect(s.availableMinor).toBeGreaterThan(0);
      }),
    );
  });

  it('dates an overspend on the day the running sum first passed what was available, and a forecast one within the period (property)', () => {
    fc.assert(
      fc.property(scenario, ({ period, today, limitMinor, rolloverMinor, daily }) => {
        const s = computeStatus({ period, limitMinor, rolloverMinor, daily, today });
        const date = s.projectedExceedDate;
        if (date === null) return;
        expect(date >= period.start && date <= period.end).toBe(true);
        if (s.spentMinor > s.availableMinor) {
          const inPeriod = daily.filter((d) => d.date >= period.start && d.date <= period.end);
          const upTo = (last: string, inclusive: boolean) =>
            inPeriod
              .filter((d) => (inclusive ? d.date <= last : d.date < last))
              .reduce((sum, d) => sum + d.amountMinor, 0);
          // A day with spending, by which the sum passed what was available and before which it
          // had not (with less than nothing available, no spending at all is "not yet").
          expect(inPeriod.some((d) => d.date === date)).toBe(true);
          expect(upTo(date, true)).toBeGreaterThan(s.availableMinor);
          expect(upTo(date, false)).toBeLessThanOrEqual(Math.max(s.availableMinor, 0));
        } else {
          // At the pace so far, the spending by that day passes what is available, and by the day before it does not.
          const n = toDayNumber(date) - toDayNumber(period.start) + 1;
          expect(BigInt(s.spentMinor) * BigInt(n) > BigInt(s.availableMinor) * BigInt(s.daysElapsed)).toBe(true);
          expect(BigInt(s.spentMinor) * BigInt(n - 1) <= BigInt(s.availableMinor) * BigInt(s.daysElapsed)).toBe(true);
        }
      }),
    );
  });

  it('answers the same from a total as from the days, but for the date of an overspend (property)', () => {
    fc.assert(
      fc.property(scenario, ({ period, today, limitMinor, rolloverMinor, daily }) => {
        const fromDays = computeStatus({ period, limitMinor, rolloverMinor, daily, today });
        const fromTotal = computeStatus({
          period,
          limitMinor,
          rolloverMinor,
          daily: { totalMinor: fromDays.spentMinor },
          today,
        });
        if (fromDays.spentMinor > fromDays.availableMinor)
          expect(fromTotal).toEqual({ ...fromDays, projectedExceedDate: null });
        else expect(fromTotal).toEqual(fromDays);
      }),
    );
  });
});
