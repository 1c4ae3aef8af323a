import type { z } from 'zod';
import type { periodSchema } from './schema.js';
import {
  addDays,
  dayNumberOf,
  daysInMonth,
  fromDayNumber,
  MAX_LOCAL_DATE,
  MIN_LOCAL_DATE,
  toDayNumber,
} from '../dates.js';

/**
 * A recurring budget period: every `every` `unit`s, starting from `anchor` (a date on which a
 * period starts; periods repeat forwards and backwards from it). Derived from the stored
 * period schema, so the units are defined once.
 *
 * @example
 * ```ts
 * import type { RecurringPeriod } from '@expense-tracker/core/store';
 *
 * // Every other week, from Monday 5 January 2026 (and backwards from it): 19 Jan–1 Feb is one.
 * const fortnightly: RecurringPeriod = { unit: 'week', every: 2, anchor: '2026-01-05' };
 * ```
 */
export type RecurringPeriod = Extract<z.output<typeof periodSchema>, { unit: unknown }>;

/**
 * A one-off budget period: `start` to `end`, both inclusive.
 *
 * @example
 * ```ts
 * import type { OneOffPeriod } from '@expense-tracker/core/store';
 *
 * const trip: OneOffPeriod = { start: '2026-07-01', end: '2026-07-14' }; // 14 days, both ends included
 * ```
 */
export type OneOffPeriod = Extract<z.output<typeof periodSchema>, { start: string }>;

/**
 * A budget's period definition.
 *
 * @example
 * ```ts
 * import type { PeriodDefinition } from '@expense-tracker/core/store';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const period: PeriodDefinition | undefined = (await store.budgets.findById(owner.ownerId, budget.id))?.period;
 * if (period) console.log('unit' in period ? `every ${period.every} ${period.unit} from ${period.anchor}` : `${period.start} to ${period.end}`);
 * ```
 */
export type PeriodDefinition = RecurringPeriod | OneOffPeriod;

/**
 * One concrete period: inclusive dates.
 *
 * @example
 * ```ts
 * import { daysIn, periodAt, type DateRange } from './periods.js'; // internal to core
 *
 * const february: DateRange = periodAt({ unit: 'month', every: 1, anchor: '2026-01-01' }, 1);
 * february; // { start: '2026-02-01', end: '2026-02-28' }
 * daysIn(february); // 28
 * ```
 */
export interface DateRange {
  start: string;
  end: string;
}

/**
 * Whether a period definition is recurring.
 *
 * @example
 * ```ts
 * import { isRecurring } from './periods.js'; // internal to core
 *
 * isRecurring({ unit: 'month', every: 1, anchor: '2026-01-01' }); // true
 * isRecurring({ start: '2026-07-01', end: '2026-07-14' }); // false
 * ```
 */
export function isRecurring(period: PeriodDefinition): period is RecurringPeriod {
  return 'unit' in period;
}

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

const MIN_DAY = toDayNumber(MIN_LOCAL_DATE);
const MAX_DAY = toDayNumber(MAX_LOCAL_DATE);

/**
 * The date `months` months after the anchor, on the anchor's day of month clamped to the
 * month's last day: an anchor on the 31st gives 30 April and 28 (or 29) February. Always
 * computed from the anchor, never from the previous period, so a clamp never drifts.
 *
 * @example
 * ```ts
 * import { addMonthsClamped } from './periods.js'; // internal to core
 *
 * addMonthsClamped('2026-01-31', 1); // '2026-02-28'
 * addMonthsClamped('2024-01-31', 1); // '2024-02-29'
 * addMonthsClamped('2026-01-31', 3); // '2026-04-30'
 * addMonthsClamped('2026-01-31', -2); // '2025-11-30'
 * addMonthsClamped('9999-12-15', 1); // '9999-12-31': dates have four-digit years
 * ```
 */
export function addMonthsClamped(anchor: string, months: number): string {
  return fromDayNumber(monthsLaterDay(anchor, months));
}

/** The day number of {@link addMonthsClamped}, for any year (not clipped). */
function monthsLaterDay(anchor: string, months: number): number {
  const [y, m, d] = parts(anchor);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return dayNumberOf(year, month, Math.min(d, daysInMonth(year, month)));
}

/**
 * The day number of the start of the k-th recurring period (k = 0 starts on the anchor;
 * negative k go back), not clipped: it may lie outside the supported date range.
 */
function startDay(period: RecurringPeriod, k: number): number {
  switch (period.unit) {
    case 'day':
      return toDayNumber(period.anchor) + k * period.every;
    case 'week':
      return toDayNumber(period.anchor) + k * period.every * 7;
    case 'month':
      return monthsLaterDay(period.anchor, k * period.every);
    case 'year':
      return monthsLaterDay(period.anchor, k * period.every * 12);
  }
}

/** The date of a day number, clipped to the supported range. */
function clipped(day: number): string {
  return fromDayNumber(Math.min(Math.max(day, MIN_DAY), MAX_DAY));
}

/** The start of the k-th recurring period (k = 0 starts on the anchor; negative k go back), clipped to the supported range. */
export function periodStart(period: RecurringPeriod, k: number): string {
  return clipped(startDay(period, k));
}

/**
 * Whether the k-th recurring period has a day within the supported range
 * ({@link MIN_LOCAL_DATE}..{@link MAX_LOCAL_DATE}); {@link periodAt} of one that has none
 * would be clipped to nothing.
 */
export function periodInRange(period: RecurringPeriod, k: number): boolean {
  return startDay(period, k + 1) - 1 >= MIN_DAY && startDay(period, k) <= MAX_DAY;
}

/**
 * The k-th recurring period. Periods are clipped to the supported dates: one that would
 * start before {@link MIN_LOCAL_DATE} starts on it, one that would end after
 * {@link MAX_LOCAL_DATE} (a yearly period anchored on 1 March, say) ends on it.
 *
 * @example
 * ```ts
 * import { periodAt } from './periods.js'; // internal to core
 *
 * const monthly = { unit: 'month', every: 1, anchor: '2026-01-25' } as const;
 * periodAt(monthly, 0); // { start: '2026-01-25', end: '2026-02-24' }
 * periodAt(monthly, -1); // { start: '2025-12-25', end: '2026-01-24' }
 * ```
 */
export function periodAt(period: RecurringPeriod, k: number): DateRange {
  return { start: clipped(startDay(period, k)), end: clipped(startDay(period, k + 1) - 1) };
}

/**
 * The index k of the recurring period containing `date`.
 *
 * @example
 * ```ts
 * import { periodAt, periodIndexOf } from './periods.js'; // internal to core
 *
 * const monthly = { unit: 'month', every: 1, anchor: '2026-01-25' } as const;
 * periodIndexOf(monthly, '2026-03-02'); // 1
 * periodAt(monthly, 1); // { start: '2026-02-25', end: '2026-03-24' }: it contains 2 March
 * periodIndexOf(monthly, '2026-01-24'); // -1: before the anchor
 * ```
 */
export function periodIndexOf(period: RecurringPeriod, date: string): number {
  const day = toDayNumber(date);
  let k: number;
  if (period.unit === 'day' || period.unit === 'week') {
    const length = period.every * (period.unit === 'week' ? 7 : 1);
    k = Math.floor((day - toDayNumber(period.anchor)) / length);
  } else {
    const [ay, am] = parts(period.anchor);
    const [dy, dm] = parts(date);
    const months = dy * 12 + dm - (ay * 12 + am);
    k = Math.floor(months / (period.every * (period.unit === 'year' ? 12 : 1)));
  }
  // The estimate is off by at most one around clamped month ends: settle it exactly, on
  // unclipped day numbers (clipped starts would all be equal past the end of the range).
  while (startDay(period, k) > day) k -= 1;
  while (startDay(period, k + 1) <= day) k += 1;
  return k;
}

/**
 * The period containing `date`: for a recurring definition there is always one; for a
 * one-off, `null` when the date is outside it.
 *
 * @example
 * ```ts
 * import { periodContaining } from './periods.js'; // internal to core
 *
 * periodContaining({ unit: 'month', every: 1, anchor: '2026-01-25' }, '2026-03-02');
 * // { start: '2026-02-25', end: '2026-03-24' }
 * ```
 */
export function periodContaining(period: PeriodDefinition, date: string): DateRange | null {
  if (!isRecurring(period))
    return date >= period.start && date <= period.end ? { start: period.start, end: period.end } : null;
  return periodAt(period, periodIndexOf(period, date));
}

/**
 * The period right before `range` (recurring), or `null` for a one-off.
 *
 * @example
 * ```ts
 * import { previousPeriod } from './periods.js'; // internal to core
 *
 * previousPeriod({ unit: 'month', every: 1, anchor: '2026-01-25' }, { start: '2026-02-25', end: '2026-03-24' });
 * // { start: '2026-01-25', end: '2026-02-24' }
 * previousPeriod({ start: '2026-07-01', end: '2026-07-14' }, { start: '2026-07-01', end: '2026-07-14' }); // null
 * ```
 */
export function previousPeriod(period: PeriodDefinition, range: DateRange): DateRange | null {
  if (!isRecurring(period)) return null;
  return periodAt(period, periodIndexOf(period, range.start) - 1);
}

/**
 * Inclusive number of days in a range.
 *
 * @example
 * ```ts
 * import { daysIn } from './periods.js'; // internal to core
 *
 * daysIn({ start: '2026-11-01', end: '2026-11-30' }); // 30
 * daysIn({ start: '2026-11-25', end: '2026-11-25' }); // 1
 * ```
 */
export function daysIn(range: DateRange): number {
  return toDayNumber(range.end) - toDayNumber(range.start) + 1;
}

/**
 * The default anchor of a recurring period created on `today`: today for days, the last
 * `weekStartsOn` day for weeks, the 1st of the month for months, 1 January for years.
 *
 * @example
 * ```ts
 * import { defaultAnchor } from './periods.js'; // internal to core
 *
 * // 2026-11-25 is a Wednesday.
 * defaultAnchor('week', '2026-11-25', 1); // '2026-11-23': the Monday before
 * defaultAnchor('week', '2026-11-25', 0); // '2026-11-22': the Sunday before
 * defaultAnchor('month', '2026-11-25', 1); // '2026-11-01'
 * defaultAnchor('year', '2026-11-25', 1); // '2026-01-01'
 * ```
 */
export function defaultAnchor(unit: RecurringPeriod['unit'], today: string, weekStartsOn: 0 | 1): string {
  switch (unit) {
    case 'day':
      return today;
    case 'week': {
      const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
      return addDays(today, -((weekday - weekStartsOn + 7) % 7));
    }
    case 'month':
      return `${today.slice(0, 7)}-01`;
    case 'year':
      return `${today.slice(0, 4)}-01-01`;
  }
}
