/**
 * Calendar dates (`YYYY-MM-DD`, the owner's local date) and the few operations the SDK
 * needs on them. Dates are handled as plain day numbers, never as instants, so nothing is
 * off by one around midnight or a DST change.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

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

/** The `YYYY-MM-DD` date of a day number. */
export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * `date` moved by `days` (negative moves back).
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
  if (last && last.minute === minute && ms >= WHOLE_MINUTE_OFFSETS_SINCE) return last.date;
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
