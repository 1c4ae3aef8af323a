import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  decimalAmountSchema,
  idSchema,
  instantSchema,
  localDateSchema,
  noNul,
} from './common.js';

/** A recurring period: every `every` `unit`s from `anchor` (a date on which a period starts). */
export const recurringPeriodSchema = z
  .strictObject({
    unit: z.enum(['day', 'week', 'month', 'year']),
    every: z.int().min(1, 'every must be at least 1').max(366, 'every must be at most 366').default(1),
    anchor: localDateSchema.optional(),
  })
  .meta({ id: 'RecurringPeriod' });

/** A one-off period from `start` to `end`, both inclusive. */
export const oneOffPeriodSchema = z
  .strictObject({ start: localDateSchema, end: localDateSchema })
  .refine((p) => p.start <= p.end, { path: ['end'], message: 'end must not be before start' })
  .meta({ id: 'OneOffPeriod' });

/** A budget's period: recurring or one-off. */
export const periodInputSchema = z.union([recurringPeriodSchema, oneOffPeriodSchema]).meta({ id: 'PeriodInput' });

/** What a rule measures: spending so far, or the end-of-period forecast. */
export const alertKindSchema = z.enum(['spent', 'forecast']);

/** Input of an alert rule. */
export const alertRuleInputSchema = z
  .strictObject({
    thresholdPercent: z.int().min(1, 'thresholdPercent must be 1 to 1000').max(1000, 'thresholdPercent must be 1 to 1000'),
    kind: alertKindSchema.default('spent'),
    active: z.boolean().default(true),
  })
  .meta({ id: 'AlertRuleInput' });

/** Input of `owner.alerts.create()`: a rule on a budget. */
export const alertRuleCreateSchema = alertRuleInputSchema.extend({ budgetId: idSchema }).meta({ id: 'AlertRuleCreate' });

/** Input of `owner.alerts.create()`. */
export type AlertRuleCreate = z.input<typeof alertRuleCreateSchema>;

/** Input of `owner.alerts.update()`. */
export const alertRulePatchSchema = z
  .strictObject({
    thresholdPercent: z.int().min(1).max(1000).optional(),
    kind: alertKindSchema.optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'AlertRulePatch' });

/** Input of `owner.alerts.update()`. */
export type AlertRulePatch = z.input<typeof alertRulePatchSchema>;

/** An alert rule as returned. */
export const alertRuleSchema = z
  .object({
    id: idSchema,
    budgetId: idSchema,
    thresholdPercent: z.int(),
    kind: alertKindSchema,
    active: z.boolean(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'AlertRule' });

/** An alert rule. */
export type AlertRule = z.output<typeof alertRuleSchema>;

const budgetFields = {
  name: z.string().trim().min(1, 'Name must not be empty').max(100, 'Name must be at most 100 characters').refine(noNul, 'Must not contain NUL (U+0000) characters'),
  amountMinor: amountMinorSchema.optional(),
  amount: decimalAmountSchema.optional(),
  currency: currencySchema.optional(),
  categoryIds: z
    .array(idSchema)
    .max(50, 'A budget covers at most 50 categories')
    .transform((ids) => [...new Set(ids)])
    .optional(),
  period: periodInputSchema.optional(),
  rollover: z.enum(['none', 'surplus', 'full']).optional(),
  startsOn: localDateSchema.optional(),
  endsOn: localDateSchema.nullable().optional(),
};

const windowCheck = (value: { startsOn?: string; endsOn?: string | null }) =>
  !(value.startsOn && value.endsOn && value.endsOn < value.startsOn);

/**
 * Input of `owner.budgets.create()`: exactly one of `amount`/`amountMinor` per period;
 * `currency` defaults to the owner's; no `categoryIds` means all spending; `period`
 * defaults to calendar months; `alertRules` defaults to `spent` at 80 % and 100 %
 * (give `[]` for none).
 */
export const budgetInputSchema = z
  .strictObject({ ...budgetFields, alertRules: z.array(alertRuleInputSchema).max(20).optional() })
  .superRefine((value, ctx) => {
    if ((value.amount === undefined) === (value.amountMinor === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Give the limit as amount (decimal) or amountMinor (integer), exactly one' });
    }
    if (!windowCheck(value)) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'endsOn must not be before startsOn' });
  })
  .meta({ id: 'BudgetInput' });

/** Input of `owner.budgets.create()`. */
export type BudgetInput = z.input<typeof budgetInputSchema>;

/** Input of `owner.budgets.update()`: any subset of the fields. */
export const budgetPatchSchema = z
  .strictObject({ ...budgetFields, name: budgetFields.name.optional() })
  .superRefine((value, ctx) => {
    if (value.amount !== undefined && value.amountMinor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Give amount or amountMinor, not both' });
    }
    if (!windowCheck(value)) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'endsOn must not be before startsOn' });
  })
  .meta({ id: 'BudgetPatch' });

/** Input of `owner.budgets.update()`. */
export type BudgetPatch = z.input<typeof budgetPatchSchema>;

/** A stored period definition: recurring with its anchor resolved, or one-off. */
export const periodSchema = z
  .union([
    z.object({ unit: z.enum(['day', 'week', 'month', 'year']), every: z.int(), anchor: localDateSchema }),
    z.object({ start: localDateSchema, end: localDateSchema }),
  ])
  .meta({ id: 'Period' });

/** A budget as returned. */
export const budgetSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    amountMinor: amountMinorSchema,
    amount: z.string(),
    currency: z.string(),
    categoryIds: z.array(idSchema),
    period: periodSchema,
    rollover: z.enum(['none', 'surplus', 'full']),
    startsOn: localDateSchema,
    endsOn: localDateSchema.nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Budget' });

/** A budget. */
export type Budget = z.output<typeof budgetSchema>;

/** A date range, inclusive. */
export const dateRangeSchema = z.object({ start: localDateSchema, end: localDateSchema }).meta({ id: 'DateRange' });

/** A budget's figures for one period. */
export const budgetStatusSchema = z
  .object({
    budgetId: idSchema,
    currency: z.string(),
    period: dateRangeSchema,
    limitMinor: z.int(),
    rolloverMinor: z.int(),
    availableMinor: z.int(),
    spentMinor: z.int(),
    remainingMinor: z.int(),
    percentUsed: z.number().nullable(),
    daysElapsed: z.int(),
    daysTotal: z.int(),
    dailyAllowanceMinor: z.int(),
    projectedSpendMinor: z.int(),
    projectedExceedDate: localDateSchema.nullable(),
    state: z.enum(['ok', 'warning', 'exceeded']),
  })
  .meta({ id: 'BudgetStatus' });

/** A budget's figures for one period. */
export type BudgetStatus = z.output<typeof budgetStatusSchema>;

/** Query of `owner.budgets.status()`: the period containing `date` (default: today). */
export const budgetStatusQuerySchema = z.strictObject({ date: localDateSchema.optional() }).meta({ id: 'BudgetStatusQuery' });

/** Query of `owner.budgets.history()`: the last `periods` closed periods (default 6, at most 120). */
export const budgetHistoryQuerySchema = z
  .strictObject({ periods: z.coerce.number().int().min(1).max(120).default(6) })
  .meta({ id: 'BudgetHistoryQuery' });

/** A notification stored when an alert rule fired. */
export const notificationSchema = z
  .object({
    id: idSchema,
    budgetId: idSchema,
    ruleId: idSchema,
    kind: alertKindSchema,
    period: dateRangeSchema,
    thresholdPercent: z.int(),
    currency: z.string(),
    spentMinor: z.int(),
    availableMinor: z.int(),
    projectedSpendMinor: z.int(),
    message: z.string(),
    createdAt: instantSchema,
    readAt: instantSchema.nullable(),
  })
  .meta({ id: 'Notification' });

/** A notification. */
export type Notification = z.output<typeof notificationSchema>;

/** Query of `owner.notifications.list()`. */
export const notificationListQuerySchema = z
  .strictObject({
    unread: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .optional(),
    budgetId: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.string().optional(),
  })
  .meta({ id: 'NotificationListQuery' });

/** Query of `owner.notifications.list()`. */
export type NotificationListQuery = z.input<typeof notificationListQuerySchema>;
