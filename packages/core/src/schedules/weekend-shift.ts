import { weekdayOf } from './nominal-dates.js';
import type { WeekendShift } from './recurrence-schema.js';

/**
 * The due day of an occurrence on nominal day `day`, given the nominal days of its
 * neighbours in the series (`null` where there is none).
 *
 * A Saturday or Sunday moves to the Friday before (`before`) or the Monday after (`after`),
 * unless another occurrence's nominal date lies on the way, up to and including the target:
 * then it stays on its nominal date. That one rule is why a shift can never put two
 * occurrences on one due date, reorder them, or drop one (Saturday and Sunday with `after`
 * give Saturday and Monday, not Monday twice), and it needs only the neighbours' nominal
 * dates, never their due dates, so it cannot cascade.
 *
 * A due date may leave the nominal date's month or period (`before` moves Sunday the 1st to
 * Friday the 30th): the nominal date stays the occurrence's key and its month, and the due
 * date is the day the money moves. The supported dates start on a Monday (1900-01-01) and
 * end on a Friday (9999-12-31), so a shift never leaves them.
 */
export function dueDay(shift: WeekendShift, day: number, previous: number | null, next: number | null): number {
  const weekday = weekdayOf(day);
  if (shift === 'keep' || (weekday !== 0 && weekday !== 6)) return day;
  if (shift === 'after') {
    const monday = day + (weekday === 6 ? 2 : 1);
    return next !== null && next <= monday ? day : monday;
  }
  const friday = day - (weekday === 6 ? 1 : 2);
  return previous !== null && previous >= friday ? day : friday;
}
