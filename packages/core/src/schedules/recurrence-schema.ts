import { z } from 'zod';
import { recurringPeriodSchema } from '../budgets/schema.js';
import { localDateSchema } from '../common-schemas.js';

/**
 * A day of the week, as the recurrence names it.
 *
 * @example
 * ```ts
 * import { weekdayNameSchema } from '@expense-tracker/core';
 *
 * weekdayNameSchema.options; // ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
 * ```
 */
export const weekdayNameSchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/**
 * A day of the week, as the recurrence names it.
 *
 * @example
 * ```ts
 * import type { WeekdayName } from '@expense-tracker/core';
 *
 * const payday: WeekdayName = 'fri';
 * ```
 */
export type WeekdayName = z.output<typeof weekdayNameSchema>;

/**
 * One weekday of a recurrence. With unit `week` it has no `nth` (each chosen weekday of
 * the week); with `month` or `year` it needs one: 1–4 counts from the start of the month,
 * −1 to −4 from its end (−1 is the last). There is no 5th: most months have only four of a
 * weekday, and a rule that skipped those months would break "one occurrence per period".
 *
 * @example
 * ```ts
 * import { recurrenceWeekdaySchema } from '@expense-tracker/core';
 *
 * recurrenceWeekdaySchema.parse({ weekday: 'tue', nth: 2 }); // the 2nd Tuesday
 * recurrenceWeekdaySchema.parse({ weekday: 'fri', nth: -1 }); // the last Friday
 * recurrenceWeekdaySchema.safeParse({ weekday: 'fri', nth: 5 }).success; // false
 * ```
 */
export const recurrenceWeekdaySchema = z.strictObject({
  weekday: weekdayNameSchema,
  nth: z
    .int()
    .refine(
      (n) => n !== 0 && n >= -4 && n <= 4,
      'nth must be 1 to 4, or -1 (the last) to -4: a 5th weekday is missing from most months',
    )
    .optional(),
});

/**
 * One weekday of a recurrence, with `nth` for monthly and yearly rules.
 *
 * @example
 * ```ts
 * import type { RecurrenceWeekday } from '@expense-tracker/core';
 *
 * const lastFriday: RecurrenceWeekday = { weekday: 'fri', nth: -1 };
 * ```
 */
export type RecurrenceWeekday = z.output<typeof recurrenceWeekdaySchema>;

/**
 * A day of the month: 1–31, or −1 for the last day. A day past the end of a short month
 * falls on that month's last day (the 31st is 30 April and 28 or 29 February), so a month is
 * never skipped, unlike RFC 5545's BYMONTHDAY.
 */
const monthDaySchema = z
  .int()
  .refine((d) => d === -1 || (d >= 1 && d <= 31), 'A day of the month is 1 to 31, or -1 for the last day');

/**
 * How an occurrence on a Saturday or Sunday moves: `keep` stays, `before` goes to the
 * Friday before, `after` to the Monday after (unless another occurrence is on the way).
 *
 * @example
 * ```ts
 * import { weekendShiftSchema } from '@expense-tracker/core';
 *
 * weekendShiftSchema.options; // ['keep', 'before', 'after']
 * ```
 */
export const weekendShiftSchema = z.enum(['keep', 'before', 'after']);

/**
 * How an occurrence on a weekend moves.
 *
 * @example
 * ```ts
 * import type { WeekendShift } from '@expense-tracker/core';
 *
 * const shift: WeekendShift = 'after'; // Saturday and Sunday move to Monday
 * ```
 */
export type WeekendShift = z.output<typeof weekendShiftSchema>;

/**
 * When a recurrence ends: `after` N occurrences (counted on nominal dates, so a weekend
 * shift never changes the count), or `on` a date (the last nominal date it may have).
 *
 * @example
 * ```ts
 * import { recurrenceEndSchema } from '@expense-tracker/core';
 *
 * recurrenceEndSchema.parse({ after: 12 }); // twelve occurrences
 * recurrenceEndSchema.parse({ on: '2026-12-31' }); // none with a nominal date after that
 * recurrenceEndSchema.safeParse({ after: 12, on: '2026-12-31' }).success; // false: one of them
 * ```
 */
export const recurrenceEndSchema = z.union(
  [
    z.strictObject({ after: z.int().min(1, 'after must be at least 1').max(100_000, 'after must be at most 100000') }),
    z.strictObject({ on: localDateSchema }),
  ],
  { error: 'end is { after: N } (occurrences) or { on: "YYYY-MM-DD" } (the last date), one of them' },
);

/**
 * When a recurrence ends.
 *
 * @example
 * ```ts
 * import type { RecurrenceEnd } from '@expense-tracker/core';
 *
 * const yearOnly: RecurrenceEnd = { after: 12 };
 * ```
 */
export type RecurrenceEnd = z.output<typeof recurrenceEndSchema>;

/**
 * A schedule's recurrence: the budget period's `unit`, `every` and `anchor` (the same
 * definition, extended; here the anchor is required, since it is where the series starts),
 * plus which days of each period it falls on, a weekend shift, and an end. The series starts
 * on the anchor: no occurrence is ever before it, and the anchor is one only when it matches.
 *
 * Shapes that make no sense are refused rather than guessed at, each with its own message
 * (see `checkRecurrence`); docs/schedules.md gives the reasons.
 *
 * @example
 * ```ts
 * import { recurrenceSchema } from '@expense-tracker/core';
 *
 * recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-31' }); // the 31st, or the month's last day
 * recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-01', days: [15, -1] }); // twice a month
 * recurrenceSchema.parse({ unit: 'month', anchor: '2026-01-01', weekdays: [{ weekday: 'tue', nth: 2 }] });
 * recurrenceSchema.parse({ unit: 'week', every: 2, anchor: '2026-01-05', weekdays: [{ weekday: 'mon' }, { weekday: 'thu' }] });
 * recurrenceSchema.safeParse({ unit: 'week', anchor: '2026-01-05', days: [1] }).success; // false: days are days of a month
 * ```
 */
export const recurrenceSchema = recurrenceSchemaNamed('ScheduleRecurrence');

/**
 * The recurrence of a schedule as returned: the same checks under its own OpenAPI name, as
 * its defaults are filled (an input and an output of one name must convert alike).
 *
 * @example
 * ```ts
 * import { savedRecurrenceSchema } from '@expense-tracker/core';
 *
 * savedRecurrenceSchema.parse({ unit: 'month', anchor: '2027-01-31' }).weekendShift; // 'keep'
 * ```
 */
export const savedRecurrenceSchema = recurrenceSchemaNamed('ScheduleRecurrenceSaved');

/** The recurrence schema, named `id` in the OpenAPI document. */
function recurrenceSchemaNamed(id: string) {
  return recurringPeriodSchema
    .extend({
      anchor: localDateSchema,
      days: z
        .array(monthDaySchema)
        .min(1, 'days must not be empty: leave it out for the anchor’s day')
        .max(31)
        .transform(sortDays)
        .optional(),
      weekdays: z
        .array(recurrenceWeekdaySchema)
        .min(1, 'weekdays must not be empty: leave it out for the anchor’s weekday')
        .max(28)
        .transform(uniqueWeekdays)
        .optional(),
      weekendShift: weekendShiftSchema.default('keep'),
      end: recurrenceEndSchema.optional(),
    })
    .superRefine((value, ctx) => checkRecurrence(value, ctx))
    .meta({ id });
}

/**
 * A schedule's recurrence as given (defaults not applied).
 *
 * @example
 * ```ts
 * import type { RecurrenceInput } from '@expense-tracker/core';
 *
 * const twiceAMonth: RecurrenceInput = { unit: 'month', anchor: '2027-01-01', days: [15, -1], weekendShift: 'before' };
 * ```
 */
export type RecurrenceInput = z.input<typeof recurrenceSchema>;

/**
 * A schedule's recurrence as parsed: the shape the calendar functions take.
 *
 * @example
 * ```ts
 * import { recurrenceSchema, type Recurrence } from '@expense-tracker/core';
 *
 * const rule: Recurrence = recurrenceSchema.parse({ unit: 'month', anchor: '2027-01-31' });
 * rule.weekendShift; // 'keep'
 * ```
 */
export type Recurrence = z.output<typeof recurrenceSchema>;

/** The fields `checkRecurrence` reads. */
interface RecurrenceFields {
  unit: z.output<typeof recurringPeriodSchema>['unit'];
  anchor: string;
  days?: number[] | undefined;
  weekdays?: RecurrenceWeekday[] | undefined;
  end?: RecurrenceEnd | undefined;
}

/** Days in calendar order, each once; −1 (the last day) after the numbered ones. */
function sortDays(days: number[]): number[] {
  const key = (d: number) => (d === -1 ? 32 : d);
  return [...new Set(days)].sort((a, b) => key(a) - key(b));
}

/** Each (weekday, nth) once. */
function uniqueWeekdays(weekdays: RecurrenceWeekday[]): RecurrenceWeekday[] {
  const seen = new Map<string, RecurrenceWeekday>();
  for (const w of weekdays) seen.set(`${w.weekday}:${w.nth ?? ''}`, w);
  return [...seen.values()];
}

/** The days from the 28th on that can fall on one date: all of them do in a 28-day February. */
const MONTH_TAIL = new Set([28, 29, 30, 31, -1]);

/**
 * The checks across fields. Each refuses a shape whose meaning would be a guess:
 * - `days` with unit `day` or `week`: days are days of a month.
 * - `weekdays` with unit `day`; `nth` with unit `week` (a week has one Tuesday); no `nth`
 *   with `month`/`year` (every Tuesday of a month is a weekly rule: say so with unit `week`).
 * - `days` and `weekdays` together: RFC 5545 intersects them, people expect a union; neither
 *   is obvious, so neither is guessed.
 * - two `days` from 28–31 and −1: in February they fall on one date, and the month would
 *   have one occurrence fewer than the others.
 * - the same weekday counted from both ends where the two can meet (the 4th and the last
 *   Tuesday are one date in a month with four Tuesdays), for the same reason.
 * - an `end.on` before the anchor: a schedule with no occurrence at all.
 */
function checkRecurrence(value: RecurrenceFields, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const monthly = value.unit === 'month' || value.unit === 'year';
  if (value.days && !monthly)
    issue(['days'], `days are days of a month: use them with unit month or year, not ${value.unit}`);
  if (value.days && value.weekdays) issue(['weekdays'], 'Give days or weekdays, not both');
  if (value.days && value.days.filter((d) => MONTH_TAIL.has(d)).length > 1) {
    issue(['days'], 'days may hold only one of 28, 29, 30, 31 and -1: they fall on the same date in February');
  }
  if (value.weekdays) checkWeekdays(value.unit, value.weekdays, issue);
  if (value.end && 'on' in value.end && value.end.on < value.anchor)
    issue(['end', 'on'], 'end.on must not be before the anchor');
}

function checkWeekdays(
  unit: RecurrenceFields['unit'],
  weekdays: RecurrenceWeekday[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (unit === 'day') return issue(['weekdays'], 'weekdays need unit week, month or year');
  weekdays.forEach((w, i) => {
    if (unit === 'week' && w.nth !== undefined)
      issue(['weekdays', i, 'nth'], 'nth counts weekdays in a month: with unit week, leave nth out');
    if (unit !== 'week' && w.nth === undefined)
      issue(
        ['weekdays', i, 'nth'],
        'With unit month or year, each weekday needs nth (1 to 4, or -1 for the last); for every such weekday use unit week',
      );
  });
  for (const a of weekdays) {
    // The nth and the mth-from-last meet in a month with c of that weekday when n = c + 1 − m,
    // and every month has four or five of each weekday.
    const meets = weekdays.find(
      (b) =>
        b.weekday === a.weekday && (a.nth ?? 0) > 0 && (b.nth ?? 0) < 0 && [5, 6].includes((a.nth ?? 0) - (b.nth ?? 0)),
    );
    if (meets)
      issue(
        ['weekdays'],
        `nth ${a.nth} and ${meets.nth} of ${a.weekday} fall on the same date in some months: choose one`,
      );
  }
}
