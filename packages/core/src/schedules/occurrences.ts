import { fromDayNumber, toDayNumber } from '../dates.js';
import { nominalDaysFrom } from './nominal-dates.js';
import type { Recurrence } from './recurrence-schema.js';
import { dueDay } from './weekend-shift.js';

/**
 * One occurrence of a recurrence: its `nominal` date, where the rule puts it (the key a
 * stored occurrence is known by: schedule + nominal date), and its `due` date, the nominal
 * date after the weekend shift (the day it is posted or expected, and the expense's date).
 */
export interface Occurrence {
  nominal: string;
  due: string;
}

/**
 * How far a weekend shift moves a date at most (Sunday to Friday, Saturday to Monday): the
 * nominal dates are read from this much before a range, for a Saturday due on the Monday it
 * starts on (and, with `before`, for the neighbour that decides a Sunday on its first days).
 */
const MAX_SHIFT_DAYS = 2;

/**
 * The occurrences whose due date is on or after `fromDay`, in order, lazily. Due dates are
 * strictly increasing, like nominal dates (the shift keeps order, see {@link dueDay}), so a
 * caller stops at the first one past its range.
 */
function* occurrencesFrom(rule: Recurrence, fromDay: number): Generator<Occurrence> {
  let previous: number | null = null;
  let current: number | null = null;
  const emit = (day: number, before: number | null, after: number | null): Occurrence | null => {
    const due = dueDay(rule.weekendShift, day, before, after);
    return due >= fromDay ? { nominal: fromDayNumber(day), due: fromDayNumber(due) } : null;
  };
  for (const next of nominalDaysFrom(rule, fromDay - MAX_SHIFT_DAYS)) {
    const occurrence = current === null ? null : emit(current, previous, next);
    if (occurrence) yield occurrence;
    [previous, current] = [current, next];
  }
  const last = current === null ? null : emit(current, previous, null);
  if (last) yield last;
}

/**
 * The occurrences of a recurrence whose due date is in `from`..`to` (inclusive), in date
 * order. By due date because that is when something happens: the day an expense is posted
 * and dated, and the budget period it counts in. Each occurrence also carries its nominal
 * date, which a weekend shift may have moved out of the range.
 *
 * The rule is a parsed {@link Recurrence} (the schema's checks are what keep every period's
 * occurrences distinct). The caller bounds the range: a daily rule gives a date per day.
 *
 * @example
 * ```ts
 * import { occurrencesBetween, recurrenceSchema } from './calendar.js'; // internal to core for now
 *
 * const rent = recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-31' });
 * occurrencesBetween(rent, '2026-01-01', '2026-04-30').map((o) => o.due);
 * // ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']: clamped from the anchor, never drifting to the 28th
 *
 * const payday = recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-01', days: [15, -1], weekendShift: 'before' });
 * occurrencesBetween(payday, '2026-02-01', '2026-02-28');
 * // [{ nominal: '2026-02-15', due: '2026-02-13' }, { nominal: '2026-02-28', due: '2026-02-27' }]
 * ```
 */
export function occurrencesBetween(rule: Recurrence, from: string, to: string): Occurrence[] {
  const found: Occurrence[] = [];
  for (const occurrence of occurrencesFrom(rule, toDayNumber(from))) {
    if (occurrence.due > to) break;
    found.push(occurrence);
  }
  return found;
}

/**
 * The first occurrence whose due date is on or after `date`, or `null` when the series has
 * ended (or runs past the last supported date) before it.
 *
 * @example
 * ```ts
 * import { nextOccurrence, recurrenceSchema } from './calendar.js'; // internal to core for now
 *
 * const lastFriday = recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-01', weekdays: [{ weekday: 'fri', nth: -1 }] });
 * nextOccurrence(lastFriday, '2026-01-31'); // { nominal: '2026-02-27', due: '2026-02-27' }
 * nextOccurrence({ ...lastFriday, end: { after: 1 } }, '2026-01-31'); // null: only 30 January
 * ```
 */
export function nextOccurrence(rule: Recurrence, date: string): Occurrence | null {
  for (const occurrence of occurrencesFrom(rule, toDayNumber(date))) return occurrence;
  return null;
}

/**
 * The occurrence whose nominal date is `nominal`, or `null` when the rule has none on that
 * date: what checks a stored key, or a date a person asks to skip or post now.
 *
 * @example
 * ```ts
 * import { occurrenceOn, recurrenceSchema } from './calendar.js'; // internal to core for now
 *
 * const rent = recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-31', weekendShift: 'after' });
 * occurrenceOn(rent, '2026-02-28'); // { nominal: '2026-02-28', due: '2026-03-02' }: a Saturday, due on Monday
 * occurrenceOn(rent, '2026-02-27'); // null
 * ```
 */
export function occurrenceOn(rule: Recurrence, nominal: string): Occurrence | null {
  for (const occurrence of occurrencesFrom(rule, toDayNumber(nominal) - MAX_SHIFT_DAYS)) {
    if (occurrence.nominal === nominal) return occurrence;
    if (occurrence.nominal > nominal) return null;
  }
  return null;
}
