import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, fromDayNumber, isLocalDate, toDayNumber } from '../src/dates.js';
import {
  addMonthsClamped,
  daysIn,
  defaultAnchor,
  periodAt,
  periodContaining,
  periodIndexOf,
  periodInRange,
  periodStart,
  previousPeriod,
  type DateRange,
  type RecurringPeriod,
} from '../src/budgets/periods.js';

const range = (start: string, end: string): DateRange => ({ start, end });
const monthly = (anchor: string, every = 1): RecurringPeriod => ({ unit: 'month', every, anchor });

const FIRST_DAY = toDayNumber('1970-01-01');
const LAST_DAY = toDayNumber('2100-12-31');
const date = fc.integer({ min: FIRST_DAY, max: LAST_DAY }).map(fromDayNumber);
const definition: fc.Arbitrary<RecurringPeriod> = fc.record({
  unit: fc.constantFrom('day' as const, 'week' as const, 'month' as const, 'year' as const),
  every: fc.integer({ min: 1, max: 24 }),
  anchor: date,
});
const pad = (n: number) => String(n).padStart(2, '0');
/** A valid date in 1970–2100 on one of `days` of its month. */
const dateOnDay = (days: number[], months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) =>
  fc
    .tuple(fc.integer({ min: 1970, max: 2100 }), fc.constantFrom(...months), fc.constantFrom(...days))
    .map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`)
    .filter(isLocalDate);
/** The `YYYY-MM` that is `months` after `date`'s month, and that month's last day (computed independently). */
const shiftMonth = (date: string, months: number): [string, number] => {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const [y, m] = [Math.floor(index / 12), (index % 12) + 1];
  return [`${y}-${pad(m)}`, new Date(Date.UTC(y, m, 0)).getUTCDate()];
};

describe('recurring periods', () => {
  it('a weekly period anchored on a Monday runs Monday to Sunday', () => {
    const weekly: RecurringPeriod = { unit: 'week', every: 1, anchor: '2026-03-02' };
    expect(periodContaining(weekly, '2026-03-02')).toEqual(range('2026-03-02', '2026-03-08'));
    expect(periodContaining(weekly, '2026-03-08')).toEqual(range('2026-03-02', '2026-03-08'));
    expect(periodContaining(weekly, '2026-03-09')).toEqual(range('2026-03-09', '2026-03-15'));
    expect(periodContaining(weekly, '2026-02-27')).toEqual(range('2026-02-23', '2026-03-01'));
  });

  it('a bi-weekly period contains a date 3 weeks after the anchor, and repeats backwards before it', () => {
    const biWeekly: RecurringPeriod = { unit: 'week', every: 2, anchor: '2026-03-02' };
    expect(periodContaining(biWeekly, '2026-03-23')).toEqual(range('2026-03-16', '2026-03-29'));
    expect(periodContaining(biWeekly, '2026-02-20')).toEqual(range('2026-02-16', '2026-03-01'));
    expect(periodIndexOf(biWeekly, '2026-02-20')).toBe(-1);
  });

  it('a monthly period anchored on the 31st clamps to each month end from the anchor, never drifting to the 28th', () => {
    const def = monthly('2026-01-31');
    expect([0, 1, 2, 3, 4].map((k) => periodAt(def, k))).toEqual([
      range('2026-01-31', '2026-02-27'),
      range('2026-02-28', '2026-03-30'),
      range('2026-03-31', '2026-04-29'),
      range('2026-04-30', '2026-05-30'),
      range('2026-05-31', '2026-06-29'),
    ]);
    expect(periodStart(def, 11)).toBe('2026-12-31');
    expect(periodContaining(def, '2026-03-15')).toEqual(range('2026-02-28', '2026-03-30'));
  });

  it('a monthly period anchored on 31 January in the leap year 2028 starts on 29 February', () => {
    const def = monthly('2028-01-31');
    expect(periodAt(def, 0)).toEqual(range('2028-01-31', '2028-02-28'));
    expect(periodAt(def, 1)).toEqual(range('2028-02-29', '2028-03-30'));
  });

  it('a pay-cycle month from the 25th puts 2 March in 25 February – 24 March', () => {
    const payCycle = monthly('2026-01-25');
    expect(periodContaining(payCycle, '2026-03-02')).toEqual(range('2026-02-25', '2026-03-24'));
    expect(periodContaining(payCycle, '2026-02-24')).toEqual(range('2026-01-25', '2026-02-24'));
  });

  it('a quarterly period (3 months) spans calendar quarters and its previous period is the quarter before', () => {
    const quarterly = monthly('2026-01-01', 3);
    const q2 = periodContaining(quarterly, '2026-05-15');
    expect(q2).toEqual(range('2026-04-01', '2026-06-30'));
    expect(previousPeriod(quarterly, q2!)).toEqual(range('2026-01-01', '2026-03-31'));
    expect(periodContaining(quarterly, '2025-12-31')).toEqual(range('2025-10-01', '2025-12-31'));
  });

  it('a yearly period runs from the anchor to the day before its anniversary', () => {
    const taxYear: RecurringPeriod = { unit: 'year', every: 1, anchor: '2026-04-06' };
    expect(periodContaining(taxYear, '2027-01-10')).toEqual(range('2026-04-06', '2027-04-05'));
    expect(periodContaining(taxYear, '2026-04-05')).toEqual(range('2025-04-06', '2026-04-05'));
  });

  it('a yearly period anchored on 29 February 2024 starts on 28 February in common years and 29 in leap years', () => {
    const def: RecurringPeriod = { unit: 'year', every: 1, anchor: '2024-02-29' };
    expect(periodStart(def, 1)).toBe('2025-02-28');
    expect(periodStart(def, 4)).toBe('2028-02-29');
    expect(periodStart(def, -1)).toBe('2023-02-28');
    expect(periodAt(def, 0)).toEqual(range('2024-02-29', '2025-02-27'));
  });

  it('a daily period is one day, and every 10 days is ten days, forwards and backwards', () => {
    const daily: RecurringPeriod = { unit: 'day', every: 1, anchor: '2026-03-02' };
    expect(periodContaining(daily, '2026-05-05')).toEqual(range('2026-05-05', '2026-05-05'));
    const tenDays: RecurringPeriod = { unit: 'day', every: 10, anchor: '2026-03-01' };
    expect(periodContaining(tenDays, '2026-03-25')).toEqual(range('2026-03-21', '2026-03-30'));
    expect(periodContaining(tenDays, '2026-02-25')).toEqual(range('2026-02-19', '2026-02-28'));
  });
});

describe('one-off periods', () => {
  const oneOff = { start: '2026-03-10', end: '2026-04-09' };

  it('contains its first and last day and nothing outside them', () => {
    expect(periodContaining(oneOff, '2026-03-10')).toEqual(oneOff);
    expect(periodContaining(oneOff, '2026-04-09')).toEqual(oneOff);
    expect(periodContaining(oneOff, '2026-03-09')).toBeNull();
    expect(periodContaining(oneOff, '2026-04-10')).toBeNull();
  });

  it('has no previous period', () => {
    expect(previousPeriod(oneOff, oneOff)).toBeNull();
  });
});

describe('defaultAnchor', () => {
  it('for weeks starting Monday is the Monday on or before today', () => {
    expect(defaultAnchor('week', '2026-03-04', 1)).toBe('2026-03-02'); // Wednesday
    expect(defaultAnchor('week', '2026-03-02', 1)).toBe('2026-03-02'); // Monday
    expect(defaultAnchor('week', '2026-03-08', 1)).toBe('2026-03-02'); // Sunday
  });

  it('for weeks starting Sunday is the Sunday on or before today', () => {
    expect(defaultAnchor('week', '2026-03-04', 0)).toBe('2026-03-01');
    expect(defaultAnchor('week', '2026-03-02', 0)).toBe('2026-03-01');
    expect(defaultAnchor('week', '2026-03-08', 0)).toBe('2026-03-08');
  });

  it('is today for days, the 1st for months and 1 January for years', () => {
    expect(defaultAnchor('day', '2026-03-04', 1)).toBe('2026-03-04');
    expect(defaultAnchor('month', '2026-03-04', 1)).toBe('2026-03-01');
    expect(defaultAnchor('year', '2026-03-04', 1)).toBe('2026-01-01');
  });
});

describe('daysIn', () => {
  it('counts 29 days in a leap February and 28 in a common one, both ends inclusive', () => {
    expect(daysIn(range('2028-02-01', '2028-02-29'))).toBe(29);
    expect(daysIn(range('2026-02-01', '2026-02-28'))).toBe(28);
    expect(daysIn(range('2026-03-02', '2026-03-02'))).toBe(1);
  });
});

describe('period properties', () => {
  it('every date falls in exactly one period, the one periodIndexOf names', () => {
    fc.assert(
      fc.property(definition, date, (def, d) => {
        const p = periodContaining(def, d)!;
        expect(p.start <= d && d <= p.end).toBe(true);
        const k = periodIndexOf(def, d);
        expect(periodAt(def, k)).toEqual(p);
        for (const other of [periodAt(def, k - 1), periodAt(def, k + 1)]) {
          expect(other.start <= d && d <= other.end).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('consecutive periods tile the calendar with no gap and no overlap', () => {
    fc.assert(
      fc.property(definition, date, (def, origin) => {
        const first = periodIndexOf(def, origin) - 25;
        for (let k = first; k < first + 50; k++) {
          // Periods wholly before 1900-01-01 (24 years × 25 back from 1970) are outside the supported range.
          if (!periodInRange(def, k)) continue;
          const p = periodAt(def, k);
          expect(p.start <= p.end).toBe(true);
          expect(periodAt(def, k + 1).start).toBe(addDays(p.end, 1));
          expect(periodIndexOf(def, p.start)).toBe(k);
          expect(periodIndexOf(def, p.end)).toBe(k);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('clamping a 29th–31st anchor never loses or repeats a day over 400 consecutive days', () => {
    const clampedDef = fc.record({
      unit: fc.constantFrom('month' as const, 'year' as const),
      every: fc.integer({ min: 1, max: 24 }),
      anchor: dateOnDay([29, 30, 31]),
    });
    fc.assert(
      fc.property(clampedDef, date, (def, from) => {
        const days = Array.from({ length: 400 }, (_, i) => addDays(from, i));
        const indices = days.map((d) => periodIndexOf(def, d));
        const counts = new Map<number, number>();
        indices.forEach((k, i) => {
          if (i > 0) expect([0, 1]).toContain(k - indices[i - 1]!);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        });
        const last = days[days.length - 1]!;
        let covered = 0;
        for (const [k, count] of counts) {
          const p = periodAt(def, k);
          const clipped = range(p.start < from ? from : p.start, p.end > last ? last : p.end);
          expect(count).toBe(daysIn(clipped));
          covered += daysIn(clipped);
        }
        expect(covered).toBe(days.length);
        const firstK = indices[0]!;
        const lastK = indices[indices.length - 1]!;
        let total = 0;
        for (let k = firstK; k <= lastK; k++) total += daysIn(periodAt(def, k));
        expect(total).toBe(daysIn(range(periodAt(def, firstK).start, periodAt(def, lastK).end)));
      }),
      { numRuns: 100 },
    );
  });

  it('a monthly anchor on the 31st starts each period on the 31st, or on the last day of a shorter month', () => {
    fc.assert(
      fc.property(
        dateOnDay([31], [1, 3, 5, 7, 8, 10, 12]),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: -60, max: 60 }),
        (anchor, every, k) => {
          const [yearMonth, lastDay] = shiftMonth(anchor, k * every);
          fc.pre(yearMonth >= '1900-01'); // earlier periods are clipped to 1900-01-01
          expect(periodStart(monthly(anchor, every), k)).toBe(`${yearMonth}-${lastDay < 31 ? lastDay : 31}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the previous period of a recurring period ends the day before it starts', () => {
    fc.assert(
      fc.property(definition, date, (def, d) => {
        const p = periodContaining(def, d)!;
        const prev = previousPeriod(def, p)!;
        expect(prev.end).toBe(addDays(p.start, -1));
        expect(prev.start <= prev.end).toBe(true);
        expect(periodIndexOf(def, prev.start)).toBe(periodIndexOf(def, d) - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('periods are clipped to 1900-01-01..9999-12-31: the first and last ones stop there, and none lies wholly outside', () => {
    const eons: RecurringPeriod = { unit: 'year', every: 366, anchor: '9999-12-31' };
    expect(periodContaining(eons, '2026-06-15')).toEqual(range('1947-12-31', '2313-12-30'));
    expect(periodContaining(eons, '9999-12-31')).toEqual(range('9999-12-31', '9999-12-31'));
    expect(periodContaining(eons, '1900-01-01')).toEqual(range('1900-01-01', '1947-12-30'));
    expect(periodIndexOf(eons, '1900-01-01')).toBe(-23);
    expect([
      periodInRange(eons, -23),
      periodInRange(eons, -24),
      periodInRange(eons, 0),
      periodInRange(eons, 1),
    ]).toEqual([true, false, true, false]);
    expect(periodContaining({ unit: 'year', every: 1, anchor: '2026-03-01' }, '9999-12-31')).toEqual(
      range('9999-03-01', '9999-12-31'),
    );
    expect(periodContaining(monthly('2026-01-31'), '9999-12-31')).toEqual(range('9999-12-31', '9999-12-31'));
    expect(periodContaining({ unit: 'week', every: 1, anchor: '2026-03-02' }, '1900-01-01')).toEqual(
      range('1900-01-01', '1900-01-07'),
    );
    // Every day of the range is in exactly one in-range period, up to the last one.
    fc.assert(
      fc.property(
        definition,
        fc.integer({ min: toDayNumber('9990-01-01'), max: toDayNumber('9999-12-31') }).map(fromDayNumber),
        (def, d) => {
          const k = periodIndexOf(def, d);
          const p = periodAt(def, k);
          expect(p.start <= d && d <= p.end && p.end <= '9999-12-31').toBe(true);
          expect(periodInRange(def, k)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('date arithmetic keeps four-digit years: past 9999-12-31 it stays there', () => {
    expect(addDays('9999-12-31', 1)).toBe('9999-12-31');
    expect(addDays('9999-12-25', 30)).toBe('9999-12-31');
    expect(addMonthsClamped('9999-12-15', 1)).toBe('9999-12-31');
    expect(addDays('0000-01-05', -10)).toBe('0000-01-01');
    expect(addDays('1900-01-01', -1)).toBe('1899-12-31');
  });
});
