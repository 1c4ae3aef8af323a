/**
 * Schedules (SPEC §7.3): the recurrence calendar, pure logic with no I/O. This is the
 * module's index, the names the rest of core imports; it is not called `index.ts` because
 * that name marks the package's entry points (STYLE.md, and public-surface.test.ts counts
 * them). Not exported from the package root yet: the schedule service, its tables and
 * routes come in later steps.
 */
export {
  recurrenceEndSchema,
  recurrenceSchema,
  recurrenceWeekdaySchema,
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
