/**
 * Schedules (SPEC §7.3): the recurrence calendar, pure logic with no I/O. This is the
 * module's index, the names the rest of core imports; it is not called `index.ts` because
 * that name marks the package's entry points (STYLE.md, and public-surface.test.ts counts
 * them). The recurrence schemas are exported from the package root (a schedule's input
 * holds one); the calendar functions stay internal, reached through `owner.schedules`.
 */
export {
  recurrenceEndSchema,
  recurrenceSchema,
  recurrenceWeekdaySchema,
  savedRecurrenceSchema,
  weekdayNameSchema,
  weekendShiftSchema,
  type Recurrence,
  type RecurrenceEnd,
  type RecurrenceInput,
  type RecurrenceWeekday,
  type WeekdayName,
  type WeekendShift,
} from './recurrence-schema.js';
export { nextOccurrence, occurrenceOn, occurrencesBetween, type Occurrence } from './occurrences.js';
