/**
 * Schedules (SPEC §7.3): the recurrence calendar, pure logic with no I/O. Not exported from
 * the package root yet: the schedule service, its tables and routes come in later steps.
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
