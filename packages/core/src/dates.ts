/**
 * Calendar dates (`YYYY-MM-DD`, the owner's local date) and the few operations the SDK
 * needs on them. Dates are handled as plain day numbers, never as instants, so nothing is
 * off by one around midnight or a DST change.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/**
 * The first date the SDK accepts anywhere (an expense's date, a filter, a budget's anchor,
 * `startsOn`, a one-off period, a status date). Budget periods are clipped to
 * {@link MIN_LOCAL_DATE}..{@link MAX_LOCAL_DATE}, so no computed date leaves it either.
 *
 * @example
 * ```ts
 * import { isTrackerError, MIN_LOCAL_DATE } from '@expense-tracker/core';
 *
 * MIN_LOCAL_DATE; // '1900-01-01'
 * try {
 *   await owner.expenses.create({ amount: '5', date: '1899-12-31' });
 * } catch (error) {
 *   if (isTrackerError(error, 'VALIDATION_FAILED')) console.log(error.issues[0]?.message); // 'Expected a date from 1900-01-01 to 9999-12-31'
 * }
 * ```
 */
export const MIN_LOCAL_DATE = '1900-01-01';

/**
 * The last date the SDK accepts anywhere: the last date with a four-digit year, which keeps
 * `YYYY-MM-DD` strings in date order when compared as text (as both databases do).
 *
 * @example
 * ```ts
 * import { MAX_LOCAL_DATE } from '@expense-tracker/core';
 *
 * MAX_LOCAL_DATE; // '9999-12-31'
 * // A yearly budget anchored on 1 March: its last period stops at the end of the range.
 * const budget = await owner.budgets.create({ name: 'Yearly', amount: '1000', period: { unit: 'year', anchor: '2026-03-01' } });
 * (await owner.budgets.status(budget.id, { date: MAX_LOCAL_DATE })).period; // { start: '9999-03-01', end: '9999-12-31' }
 * ```
 */
export const MAX_LOCAL_DATE = '9999-12-31';

/** Day number of 0000-01-01 (proleptic Gregorian), the first date with a four-digit year. */
const FIRST_WRITABLE_DAY = -719_528;
/** Day number of 9999-12-31. */
const LAST_WRITABLE_DAY = 2_932_896;

/**
 * Whether `value` is a real calendar date written `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * import { isLocalDate } from '@expense-tracker/core';
 *
 * isLocalDate('2024-02-29'); // true (a leap year)
 * isLocalDate('2026-02-29'); // false
 * isLocalDate('2026-2-3'); // false: months and days take two digits
 * ```
 */
export function isLocalDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === value;
}

/** Days since 1970-01-01 for a `YYYY-MM-DD` date. */
export function toDayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

/**
 * The `YYYY-MM-DD` date of a day number; a day before 0000-01-01 or after 9999-12-31 (which
 * has no four-digit year) gives that end of the range instead.
 */
export function fromDayNumber(day: number): string {
  const clamped = Math.min(Math.max(day, FIRST_WRITABLE_DAY), LAST_WRITABLE_DAY);
  return new Date(clamped * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date of any year, in integer
 * arithmetic (H. Hinnant's `days_from_civil`): period arithmetic may pass the years `Date`
 * writes with four digits before it is clipped to the supported range.
 */
export function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Days in a month (1–12) of any year of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * `date` moved by `days` (negative moves back). Dates have four-digit years: a result after
 * 9999-12-31 is 9999-12-31, one before 0000-01-01 is 0000-01-01.
 *
 * @example
 * ```ts
 * import { addDays } from '@expense-tracker/core';
 *
 * addDays('2026-02-27', 2); // '2026-03-01'
 * addDays('2026-01-01', -1); // '2025-12-31'
 * ```
 */
export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Whether `timeZone` is an IANA time zone this runtime knows.
 *
 * @example
 * ```ts
 * import { isTimeZone } from '@expense-tracker/core';
 *
 * isTimeZone('Europe/Berlin'); // true
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per time zone, the last minute asked about and its local date (a pure function's memo; one entry per zone). */
const lastLocalDate = new Map<string, { minute: number; date: string }>();
/** 1973-01-01: from then on, every zone's UTC offset is a whole number of minutes. */
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1973, 0, 1);

/**
 * The calendar date of `instant` in `timeZone`: what "today" is for an owner.
 *
 * @example
 * ```ts
 * import { localDate } from '@expense-tracker/core';
 *
 * localDate(new Date('2026-01-01T03:00:00Z'), 'America/New_York'); // '2025-12-31'
 * ```
 */
export function localDate(instant: Date, timeZone: string): string {
  const ms = instant.getTime();
  const minute = Math.floor(ms / 60_000);
  const last = lastLocalDate.get(timeZone);
  // Every zone's offset has been a whole number of minutes since 1973, so a day boundary
  // never falls inside a minute there: the same minute gives the same date.
  if (last?.minute === minute && ms >= WHOLE_MINUTE_OFFSETS_SINCE) return last.date;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats as YYYY-MM-DD; the parts are read explicitly to be safe across ICU versions.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  if (ms >= WHOLE_MINUTE_OFFSETS_SINCE) lastLocalDate.set(timeZone, { minute, date });
  return date;
}
