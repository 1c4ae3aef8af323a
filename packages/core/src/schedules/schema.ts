import { z } from 'zod';
import { idSchema, instantSchema, localDateSchema } from '../common-schemas.js';
import { expenseInputSchema, expenseKindSchema, expenseSchema } from '../expenses/schema.js';
import { recurrenceSchema, savedRecurrenceSchema } from './recurrence-schema.js';

const expense = expenseInputSchema.shape;

/**
 * The expense a schedule posts (or, for a bill, expects): an expense's fields without its
 * date (each occurrence's due date is its date) and its source (always the schedule).
 * Exactly one of `amount` and `amountMinor`; `currency` defaults to the owner's.
 *
 * @example
 * ```ts
 * import { scheduleTemplateSchema } from '@expense-tracker/core';
 *
 * scheduleTemplateSchema.parse({ amount: '1200.00', currency: 'eur', merchant: 'Landlord' }).currency; // 'EUR'
 * scheduleTemplateSchema.safeParse({ merchant: 'Landlord' }).success; // false: an amount is required
 * ```
 */
export const scheduleTemplateSchema = z
  .strictObject({
    amountMinor: expense.amountMinor,
    amount: expense.amount,
    kind: expense.kind,
    currency: expense.currency,
    categoryId: expense.categoryId,
    description: expense.description,
    merchant: expense.merchant,
    tags: expense.tags,
    notes: expense.notes,
  })
  .superRefine((value, ctx) => {
    if ((value.amount === undefined) === (value.amountMinor === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'Give the amount as amount or as amountMinor, one of them',
      });
    }
  })
  .meta({ id: 'ScheduleTemplateInput' });

/**
 * What a schedule posts or expects, as given.
 *
 * @example
 * ```ts
 * import type { ScheduleTemplateInput } from '@expense-tracker/core';
 *
 * const template: ScheduleTemplateInput = { amount: '39.90', merchant: 'Fibre Co', tags: ['bills'] };
 * ```
 */
export type ScheduleTemplateInput = z.input<typeof scheduleTemplateSchema>;

/**
 * `post` creates the expense when an occurrence comes due; `expect` (a bill) waits for a
 * matching expense, typed or imported, and links it.
 *
 * @example
 * ```ts
 * import { scheduleModeSchema } from '@expense-tracker/core';
 *
 * scheduleModeSchema.options; // ['post', 'expect']
 * ```
 */
export const scheduleModeSchema = z.enum(['post', 'expect']).meta({ id: 'ScheduleMode' });

/**
 * `post` or `expect`.
 *
 * @example
 * ```ts
 * import type { ScheduleMode } from '@expense-tracker/core';
 *
 * const mode: ScheduleMode = 'expect'; // a bill: wait for the bank line
 * ```
 */
export type ScheduleMode = z.output<typeof scheduleModeSchema>;

/**
 * A match tolerance in percent of the amount, 0 to 50 with at most two decimals (stored as
 * whole basis points, so the comparison is exact integer arithmetic).
 */
const tolerancePercentSchema = z
  .number()
  .min(0)
  .max(50)
  .refine((p) => Number.isInteger(Math.round(p * 100)) && Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, {
    message: 'tolerancePercent takes at most two decimals',
  })
  .meta({ description: 'How far the matching expense’s amount may be from the template’s, in percent', example: 1 });

const scheduleFields = {
  name: z.string().trim().min(1).max(200),
  recurrence: recurrenceSchema,
  template: scheduleTemplateSchema,
  mode: scheduleModeSchema,
  windowDays: z
    .int()
    .min(0)
    .max(31)
    .meta({ description: 'Days before and after the due date a matching expense may be dated (expect mode)' }),
  tolerancePercent: tolerancePercentSchema,
  enabled: z.boolean(),
};

/**
 * Input of `owner.schedules.create()`. `mode` defaults to `post`, `windowDays` to 3,
 * `tolerancePercent` to 0, `enabled` to true.
 *
 * @example
 * ```ts
 * import { scheduleCreateSchema } from '@expense-tracker/core';
 *
 * scheduleCreateSchema.parse({ name: 'Rent', recurrence: { unit: 'month', anchor: '2027-01-31' }, template: { amount: '1200.00' } }).mode; // 'post'
 * ```
 */
export const scheduleCreateSchema = z
  .strictObject({
    ...scheduleFields,
    mode: scheduleFields.mode.default('post'),
    windowDays: scheduleFields.windowDays.default(3),
    tolerancePercent: scheduleFields.tolerancePercent.default(0),
    enabled: scheduleFields.enabled.default(true),
  })
  .meta({ id: 'ScheduleCreate' });

/**
 * Input of `owner.schedules.create()`.
 *
 * @example
 * ```ts
 * import type { ScheduleCreate } from '@expense-tracker/core';
 *
 * const input: ScheduleCreate = { name: 'Rent', recurrence: { unit: 'month', anchor: '2027-01-31' }, template: { amount: '1200.00' } };
 * await owner.schedules.create(input);
 * ```
 */
export type ScheduleCreate = z.input<typeof scheduleCreateSchema>;

/**
 * Input of `owner.schedules.update()`: the fields to change. A new recurrence, or enabling a
 * disabled schedule, starts it again from today: occurrences due before are not posted.
 *
 * @example
 * ```ts
 * import { schedulePatchSchema } from '@expense-tracker/core';
 *
 * schedulePatchSchema.parse({ enabled: false }); // { enabled: false }
 * ```
 */
export const schedulePatchSchema = z
  .strictObject({
    name: scheduleFields.name.optional(),
    recurrence: scheduleFields.recurrence.optional(),
    template: scheduleFields.template.optional(),
    mode: scheduleFields.mode.optional(),
    windowDays: scheduleFields.windowDays.optional(),
    tolerancePercent: scheduleFields.tolerancePercent.optional(),
    enabled: scheduleFields.enabled.optional(),
  })
  .meta({ id: 'SchedulePatch' });

/**
 * Input of `owner.schedules.update()`.
 *
 * @example
 * ```ts
 * import type { SchedulePatch } from '@expense-tracker/core';
 *
 * const patch: SchedulePatch = { tolerancePercent: 2.5 };
 * await owner.schedules.update(scheduleId, patch);
 * ```
 */
export type SchedulePatch = z.input<typeof schedulePatchSchema>;

/** An occurrence's place in the calendar: its key (`nominal`) and the day it falls due. */
const occurrenceDatesSchema = z.object({
  nominal: localDateSchema.meta({ description: 'Where the rule puts it: the occurrence’s key' }),
  due: localDateSchema.meta({ description: 'The nominal date after the weekend shift: the expense’s date' }),
});

/**
 * A schedule as the SDK returns it; `template.amount` is the exact decimal of `amountMinor`.
 *
 * @example
 * ```ts
 * import type { Schedule } from '@expense-tracker/core';
 *
 * const rent: Schedule = await owner.schedules.get(scheduleId);
 * rent.nextOccurrence; // { nominal: '2027-02-28', due: '2027-02-28' }, null once the series ended
 * ```
 */
export const scheduleSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    recurrence: savedRecurrenceSchema,
    template: z.object({
      amountMinor: z.int(),
      amount: z.string(),
      kind: expenseKindSchema,
      currency: z.string(),
      categoryId: idSchema.nullable(),
      description: z.string().nullable(),
      merchant: z.string().nullable(),
      tags: z.array(z.string()),
      notes: z.string().nullable(),
    }),
    mode: scheduleModeSchema,
    windowDays: z.int(),
    tolerancePercent: z.number(),
    enabled: z.boolean(),
    nextOccurrence: occurrenceDatesSchema
      .nullable()
      .meta({ description: 'The first occurrence not yet settled; null when the series ended' }),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Schedule' });

/**
 * A schedule.
 *
 * @example
 * ```ts
 * import type { Schedule } from '@expense-tracker/core';
 *
 * const schedules: Schedule[] = await owner.schedules.list();
 * ```
 */
export type Schedule = z.output<typeof scheduleSchema>;

/**
 * What happened to an occurrence: `posted` (the schedule created its expense), `skipped`
 * (by hand), `matched` (a bill settled by an existing expense), `missed` (a bill whose
 * window closed with no match), `pending` (a bill due and waiting for its match).
 *
 * @example
 * ```ts
 * import { occurrenceStateSchema } from '@expense-tracker/core';
 *
 * occurrenceStateSchema.parse('matched'); // 'matched'
 * occurrenceStateSchema.safeParse('paid').success; // false
 * ```
 */
export const occurrenceStateSchema = z
  .enum(['posted', 'skipped', 'matched', 'missed', 'pending'])
  .meta({ id: 'ScheduleOccurrenceState' });

/**
 * One of the states of {@link occurrenceStateSchema}.
 *
 * @example
 * ```ts
 * import type { OccurrenceState } from '@expense-tracker/core';
 *
 * const settled: OccurrenceState[] = ['posted', 'matched'];
 * ```
 */
export type OccurrenceState = z.output<typeof occurrenceStateSchema>;

const SETTLED: ReadonlySet<OccurrenceState> = new Set(['posted', 'skipped', 'matched', 'missed']);

/** Whether an occurrence in `state` is settled: nothing more is posted or expected for it (all but `pending`). */
export function isSettled(state: OccurrenceState): boolean {
  return SETTLED.has(state);
}

/**
 * A stored occurrence of a schedule.
 *
 * @example
 * ```ts
 * import type { ScheduleOccurrence } from '@expense-tracker/core';
 *
 * const history: ScheduleOccurrence[] = await owner.schedules.occurrences(scheduleId);
 * history.map((o) => [o.due, o.state, o.expenseId]);
 * ```
 */
export const scheduleOccurrenceSchema = occurrenceDatesSchema
  .extend({
    scheduleId: idSchema,
    state: occurrenceStateSchema,
    expenseId: idSchema.nullable().meta({ description: 'The expense posted or matched' }),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'ScheduleOccurrence' });

/**
 * A stored occurrence of a schedule.
 *
 * @example
 * ```ts
 * import type { ScheduleOccurrence } from '@expense-tracker/core';
 *
 * const skipped: ScheduleOccurrence = await owner.schedules.skip(scheduleId, '2027-08-31');
 * ```
 */
export type ScheduleOccurrence = z.output<typeof scheduleOccurrenceSchema>;

/**
 * The most days `upcoming` covers in one call.
 *
 * @example
 * ```ts
 * import { MAX_SCHEDULE_RANGE_DAYS } from '@expense-tracker/core';
 *
 * MAX_SCHEDULE_RANGE_DAYS; // 366: a year, leap or not
 * ```
 */
export const MAX_SCHEDULE_RANGE_DAYS = 366;

/**
 * A range of due dates, both ends inclusive, at most {@link MAX_SCHEDULE_RANGE_DAYS} days.
 *
 * @example
 * ```ts
 * import { scheduleRangeSchema } from '@expense-tracker/core';
 *
 * scheduleRangeSchema.parse({ from: '2027-01-01', to: '2027-12-31' });
 * ```
 */
export const scheduleRangeSchema = z
  .strictObject({ from: localDateSchema, to: localDateSchema })
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'to must not be before from' })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 < MAX_SCHEDULE_RANGE_DAYS, {
    path: ['to'],
    message: `A range covers at most ${MAX_SCHEDULE_RANGE_DAYS} days`,
  })
  .meta({ id: 'ScheduleRange' });

/**
 * A range of due dates.
 *
 * @example
 * ```ts
 * import type { ScheduleRange } from '@expense-tracker/core';
 *
 * const march: ScheduleRange = { from: '2027-03-01', to: '2027-03-31' };
 * await owner.schedules.upcoming(march);
 * ```
 */
export type ScheduleRange = z.input<typeof scheduleRangeSchema>;

/**
 * One occurrence of `upcoming`: computed from the calendar, with the state of its stored row
 * when there is one (`null`: nothing has happened to it yet).
 *
 * @example
 * ```ts
 * import type { UpcomingOccurrence } from '@expense-tracker/core';
 *
 * const next: UpcomingOccurrence[] = await owner.schedules.upcoming({ from: '2027-03-01', to: '2027-03-31' });
 * next.map((o) => `${o.due} ${o.name} ${o.amount} ${o.currency}`);
 * ```
 */
export const upcomingOccurrenceSchema = occurrenceDatesSchema
  .extend({
    scheduleId: idSchema,
    name: z.string(),
    mode: scheduleModeSchema,
    amountMinor: z.int(),
    amount: z.string(),
    currency: z.string(),
    state: occurrenceStateSchema.nullable(),
  })
  .meta({ id: 'UpcomingOccurrence' });

/**
 * One occurrence of `upcoming`.
 *
 * @example
 * ```ts
 * import type { UpcomingOccurrence } from '@expense-tracker/core';
 *
 * const next: UpcomingOccurrence | undefined = (await owner.schedules.upcoming({ from: '2027-03-01', to: '2027-03-31' }))[0];
 * ```
 */
export type UpcomingOccurrence = z.output<typeof upcomingOccurrenceSchema>;

/**
 * What `owner.schedules.postNow()` returns: the occurrence, now `posted`, and its expense.
 *
 * @example
 * ```ts
 * import type { SchedulePostResult } from '@expense-tracker/core';
 *
 * const { occurrence, expense }: SchedulePostResult = await owner.schedules.postNow(scheduleId, '2027-03-31');
 * ```
 */
export const schedulePostResultSchema = z
  .object({ occurrence: scheduleOccurrenceSchema, expense: expenseSchema })
  .meta({ id: 'SchedulePostResult' });

/**
 * What `owner.schedules.postNow()` returns.
 *
 * @example
 * ```ts
 * import type { SchedulePostResult } from '@expense-tracker/core';
 *
 * const result: SchedulePostResult = await owner.schedules.postNow(scheduleId, '2027-03-31');
 * result.expense.source; // { kind: 'schedule', id: scheduleId }
 * ```
 */
export type SchedulePostResult = z.output<typeof schedulePostResultSchema>;
