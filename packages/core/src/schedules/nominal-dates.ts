import { dayNumberOf, daysInMonth, fromDayNumber, MAX_LOCAL_DATE, toDayNumber } from '../dates.js';
import { periodIndexOf, periodInRange, periodStart } from '../budgets/periods.js';
import type { Recurrence, RecurrenceWeekday, WeekdayName } from './recurrence-schema.js';

/**
 * Nominal dates: the dates a recurrence falls on before any weekend shift, the key a stored
 * occurrence is known by. Every date here is a day number (days since 1970-01-01), so the
 * arithmetic is on integers; the periods come from the budget period functions, which clamp
 * each period's start from the anchor and so never drift.
 */

const MAX_DAY = toDayNumber(MAX_LOCAL_DATE);

/** `Date#getUTCDay()` numbering: 0 is Sunday. */
const WEEKDAY_NUMBER: Record<WeekdayName, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** The weekday of a day number, 0 (Sunday) to 6 (Saturday): 1970-01-01 was a Thursday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The date of the nth (or, negative, nth-from-last) given weekday of a month. */
function nthWeekday(year: number, month: number, wanted: RecurrenceWeekday): number {
  const weekday = WEEKDAY_NUMBER[wanted.weekday];
  const nth = wanted.nth ?? 1;
  if (nth > 0) {
    const first = dayNumberOf(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + (nth - 1) * 7;
  }
  const last = dayNumberOf(year, month, daysInMonth(year, month));
  return last - ((weekdayOf(last) - weekday + 7) % 7) + (nth + 1) * 7;
}

/**
 * The days of the month that holds `start` (a monthly or yearly period's start): the given
 * `days`, a day past the month's end on its last day (so the 31st is 30 April and the 28th or
 * 29th of February: a short month is never skipped); or the nth weekdays; or, with neither,
 * `start` itself, the anchor's day already clamped by the period function.
 */
function monthDays(rule: Recurrence, start: number): number[] {
  if (!rule.days && !rule.weekdays) return [start];
  const date = fromDayNumber(start);
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  const length = daysInMonth(year, month);
  // The schema refuses two days that could clamp to one date, so these stay distinct.
  if (rule.days) return rule.days.map((d) => dayNumberOf(year, month, d === -1 ? length : Math.min(d, length)));
  return (rule.weekdays ?? []).map((w) => nthWeekday(year, month, w)).sort((a, b) => a - b);
}

/** The days of the 7 from `start` (a weekly period's start) on the chosen weekdays, or `start` itself. */
function weekDays(rule: Recurrence, start: number): number[] {
  if (!rule.weekdays) return [start];
  const wanted = new Set(rule.weekdays.map((w) => WEEKDAY_NUMBER[w.weekday]));
  return [0, 1, 2, 3, 4, 5, 6].map((offset) => start + offset).filter((day) => wanted.has(weekdayOf(day)));
}

/**
 * The nominal days of the k-th period (k ≥ 0), ascending and distinct, none before the
 * anchor (the series starts there) nor after the last supported date. Every period from the
 * second on has the same number of them: the schema refuses the shapes where two could meet.
 */
export function nominalDaysOfPeriod(rule: Recurrence, k: number): number[] {
  const start = toDayNumber(periodStart(rule, k));
  const anchor = toDayNumber(rule.anchor);
  const days = rule.unit === 'day' ? [start] : rule.unit === 'week' ? weekDays(rule, start) : monthDays(rule, start);
  return days.filter((day) => day >= anchor && day <= MAX_DAY);
}

/**
 * The last nominal day the series may have: `end.on`, or the Nth nominal date of `end.after`
 * (found by arithmetic on the constant count per period, not by walking N dates), or
 * `Infinity` for a series without an end.
 */
export function lastNominalDay(rule: Recurrence): number {
  if (!rule.end) return Infinity;
  if ('on' in rule.end) return toDayNumber(rule.end.on);
  const n = rule.end.after;
  const first = nominalDaysOfPeriod(rule, 0);
  if (n <= first.length) return first[n - 1]!;
  if (!periodInRange(rule, 1)) return MAX_DAY;
  const perPeriod = nominalDaysOfPeriod(rule, 1).length;
  if (perPeriod === 0) return MAX_DAY; // only a period clipped at the end of the supported dates is empty
  const rest = n - first.length - 1;
  const k = 1 + Math.floor(rest / perPeriod);
  if (!periodInRange(rule, k)) return MAX_DAY;
  return nominalDaysOfPeriod(rule, k)[rest % perPeriod] ?? MAX_DAY;
}

/**
 * The nominal days on or after `fromDay`, ascending, up to the end of the series or of the
 * supported dates. Lazy: a caller that needs the next one computes a period or two.
 */
export function* nominalDaysFrom(rule: Recurrence, fromDay: number): Generator<number> {
  const last = Math.min(lastNominalDay(rule), MAX_DAY);
  const start = Math.max(fromDay, toDayNumber(rule.anchor));
  if (start > last) return;
  for (let k = Math.max(0, periodIndexOf(rule, fromDayNumber(start))); periodInRange(rule, k); k += 1) {
    for (const day of nominalDaysOfPeriod(rule, k)) {
      if (day > last) return;
      if (day >= start) yield day;
    }
  }
}
