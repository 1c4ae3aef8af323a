import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  idSchema,
  instantSchema,
  localDateSchema,
  positiveAmountMinorSchema,
  positiveDecimalAmountSchema,
  storableText,
} from '../common-schemas.js';

/** The units a recurring period counts in: the one definition the schemas and the period maths share. */
const periodUnitSchema = z.enum(['day', 'week', 'month', 'year']);

/**
 * A recurring period: every `every` `unit`s from `anchor` (a date on which a period starts).
 *
 * @example
 * ```ts
 * import { recurringPeriodSchema } from '@expense-tracker/core';
 *
 * recurringPeriodSchema.parse({ unit: 'week' }); // { unit: 'week', every: 1 }: the anchor is chosen on create
 * recurringPeriodSchema.parse({ unit: 'month', every: 3, anchor: '2026-01-01' }); // quarters
 * recurringPeriodSchema.safeParse({ unit: 'fortnight' }).success; // false
 * ```
 */
export const recurringPeriodSchema = z
  .strictObject({
    unit: periodUnitSchema,
    every: z.int().min(1, 'every must be at least 1').max(366, 'every must be at most 366').default(1),
    anchor: localDateSchema.optional(),
  })
  .meta({ id: 'RecurringPeriod' });

/**
 * A one-off period from `start` to `end`, both inclusive.
 *
 * @example
 * ```ts
 * import { oneOffPeriodSchema } from '@expense-tracker/core';
 *
 * oneOffPeriodSchema.parse({ start: '2026-07-01', end: '2026-07-14' }); // a two-week trip
 * oneOffPeriodSchema.safeParse({ start: '2026-07-14', end: '2026-07-01' }).success; // false: 'end must not be before start'
 * ```
 */
export const oneOffPeriodSchema = z
  .strictObject({ start: localDateSchema, end: localDateSchema })
  .refine((p) => p.start <= p.end, { path: ['end'], message: 'end must not be before start' })
  .meta({ id: 'OneOffPeriod' });

/**
 * A budget's period: recurring or one-off.
 *
 * @example
 * ```ts
 * import { periodInputSchema } from '@expense-tracker/core';
 *
 * periodInputSchema.parse({ unit: 'month' }); // { unit: 'month', every: 1 }
 * periodInputSchema.parse({ start: '2026-12-01', end: '2026-12-31' }); // { start: '2026-12-01', end: '2026-12-31' }
 * ```
 */
export const periodInputSchema = z.union([recurringPeriodSchema, oneOffPeriodSchema]).meta({ id: 'PeriodInput' });

/**
 * What a rule measures: spending so far, or the end-of-period forecast.
 *
 * @example
 * ```ts
 * import { alertKindSchema } from '@expense-tracker/core';
 *
 * alertKindSchema.options; // ['spent', 'forecast']
 * alertKindSchema.parse('forecast'); // 'forecast'
 * ```
 */
export const alertKindSchema = z.enum(['spent', 'forecast']);

/**
 * Input of an alert rule. Also what each item of `alertRules` in `owner.budgets.create()` takes.
 *
 * @example
 * ```ts
 * import { alertRuleInputSchema } from '@expense-tracker/core';
 *
 * alertRuleInputSchema.parse({ thresholdPercent: 90 }); // { thresholdPercent: 90, kind: 'spent', active: true }
 * alertRuleInputSchema.safeParse({ thresholdPercent: 0 }).success; // false: 1 to 1000
 * ```
 */
export const alertRuleInputSchema = z
  .strictObject({
    thresholdPercent: z
      .int()
      .min(1, 'thresholdPercent must be 1 to 1000')
      .max(1000, 'thresholdPercent must be 1 to 1000'),
    kind: alertKindSchema.default('spent'),
    active: z.boolean().default(true),
  })
  .meta({ id: 'AlertRuleInput' });

/**
 * Input of `owner.alerts.create()`: a rule on a budget.
 *
 * @example
 * ```ts
 * import { alertRuleCreateSchema } from '@expense-tracker/core';
 *
 * alertRuleCreateSchema.parse({ budgetId: 'bud_01JD…', thresholdPercent: 100 });
 * // { thresholdPercent: 100, kind: 'spent', active: true, budgetId: 'bud_01JD…' }
 * alertRuleCreateSchema.safeParse({ thresholdPercent: 100 }).success; // false: budgetId is required
 * ```
 */
export const alertRuleCreateSchema = alertRuleInputSchema
  .extend({ budgetId: idSchema })
  .meta({ id: 'AlertRuleCreate' });

/**
 * Input of `owner.alerts.create()`.
 *
 * @example
 * ```ts
 * import type { AlertRuleCreate } from '@expense-tracker/core';
 *
 * const budget = await owner.budgets.create({ name: 'Eating out', amount: '200' });
 * const rule: AlertRuleCreate = { budgetId: budget.id, thresholdPercent: 50 };
 * await owner.alerts.create(rule); // fires once a period, when half of it is spent
 * ```
 */
export type AlertRuleCreate = z.input<typeof alertRuleCreateSchema>;

/**
 * Input of `owner.alerts.update()`.
 *
 * @example
 * ```ts
 * import { alertRulePatchSchema } from '@expense-tracker/core';
 *
 * alertRulePatchSchema.parse({ active: false }); // { active: false }
 * alertRulePatchSchema.safeParse({ thresholdPercent: 0 }).success; // false: 1 to 1000
 * ```
 */
export const alertRulePatchSchema = z
  .strictObject({
    thresholdPercent: z.int().min(1).max(1000).optional(),
    kind: alertKindSchema.optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: 'AlertRulePatch' });

/**
 * Input of `owner.alerts.update()`.
 *
 * @example
 * ```ts
 * import type { AlertRulePatch } from '@expense-tracker/core';
 *
 * const budget = await owner.budgets.create({ name: 'Eating out', amount: '200' });
 * const [rule] = await owner.alerts.list({ budgetId: budget.id }); // the default 80 % rule
 * const patch: AlertRulePatch = { thresholdPercent: 90, kind: 'forecast' };
 * if (rule) await owner.alerts.update(rule.id, patch);
 * ```
 */
export type AlertRulePatch = z.input<typeof alertRulePatchSchema>;

/**
 * An alert rule as returned.
 *
 * @example
 * ```ts
 * import { alertRuleSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /alerts?budgetId=…` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const rules = alertRuleSchema.array().parse(await api(`/alerts?budgetId=${process.env.BUDGET_ID}`));
 * ```
 */
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

/**
 * An alert rule.
 *
 * @example
 * ```ts
 * import type { AlertRule } from '@expense-tracker/core';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const rules: AlertRule[] = await owner.alerts.list({ budgetId: budget.id });
 * rules.map((rule) => `${rule.kind} ${rule.thresholdPercent} %`); // ['spent 80 %', 'spent 100 %']: the defaults
 * ```
 */
export type AlertRule = z.output<typeof alertRuleSchema>;

const budgetFields = {
  name: storableText(
    z.string().trim().min(1, 'Name must not be empty').max(100, 'Name must be at most 100 characters'),
  ),
  amountMinor: positiveAmountMinorSchema.optional(),
  amount: positiveDecimalAmountSchema.optional(),
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
 *
 * @example
 * ```ts
 * import { budgetInputSchema } from '@expense-tracker/core';
 *
 * budgetInputSchema.parse({ name: 'Groceries', amount: '400', categoryIds: ['cat_1', 'cat_1'] });
 * // { name: 'Groceries', amount: '400', categoryIds: ['cat_1'] }
 * budgetInputSchema.safeParse({ name: 'Groceries' }).success; // false: give amount or amountMinor
 * ```
 */
export const budgetInputSchema = z
  .strictObject({ ...budgetFields, alertRules: z.array(alertRuleInputSchema).max(20).optional() })
  .superRefine(checkBudgetInput)
  .meta({ id: 'BudgetInput' });

/** The checks of a whole budget's input: one limit, and a window that does not end before it starts. */
function checkBudgetInput(
  value: { amount?: unknown; amountMinor?: unknown; startsOn?: string; endsOn?: string | null },
  ctx: z.RefinementCtx,
): void {
  if ((value.amount === undefined) === (value.amountMinor === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['amount'],
      message: 'Give the limit as amount (decimal) or amountMinor (integer), exactly one',
    });
  }
  if (!windowCheck(value))
    ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'endsOn must not be before startsOn' });
}

const { categoryIds: _allSpending, ...overallBudgetFields } = budgetFields;

/**
 * Input of the *overall* budget, the one over all spending (the server's `POST` and `PUT
 * /budget` take it): {@link budgetInputSchema} without `categoryIds`, and with `name`
 * defaulting to `"Overall"` (on a replace too, like every field left out), so the seed's
 * `{ amount }` or `{ amount, currency }` is a whole budget. Its output is a
 * {@link BudgetInput} for `owner.budgets.create()` or `replace()`.
 *
 * @example
 * ```ts
 * import { overallBudgetInputSchema } from '@expense-tracker/core';
 *
 * const input = overallBudgetInputSchema.parse({ amount: '100.00', currency: 'usd' });
 * // { name: 'Overall', amount: '100.00', currency: 'USD' }: calendar months, alerts at 80 % and 100 %
 * const overall = (await owner.budgets.overall()) ?? (await owner.budgets.create(input));
 * overallBudgetInputSchema.safeParse({ amount: '100', categoryIds: ['cat_1'] }).success; // false: use budgetInputSchema for that
 * ```
 */
export const overallBudgetInputSchema = z
  .strictObject({
    ...overallBudgetFields,
    name: budgetFields.name.default('Overall'),
    alertRules: z.array(alertRuleInputSchema).max(20).optional(),
  })
  .superRefine(checkBudgetInput)
  .meta({ id: 'OverallBudgetInput' });

/**
 * Input of `owner.budgets.create()`.
 *
 * @example
 * ```ts
 * import type { BudgetInput } from '@expense-tracker/core';
 *
 * const trip: BudgetInput = {
 *   name: 'Summer trip', amount: '1500', currency: 'EUR',
 *   period: { start: '2026-07-01', end: '2026-07-14' },
 *   alertRules: [{ thresholdPercent: 100, kind: 'forecast' }],
 * };
 * const budget = await owner.budgets.create(trip);
 * ```
 */
export type BudgetInput = z.input<typeof budgetInputSchema>;

/**
 * Input of `owner.budgets.setOverall()`: a budget's input without a name (it defaults to
 * `"Overall"`). `categoryIds` may come along, as in the object given to `create()`, only
 * when it is empty: the overall budget covers all spending.
 *
 * @example
 * ```ts
 * import type { OverallBudgetInput } from '@expense-tracker/core';
 *
 * const input: OverallBudgetInput = { amount: '2000', currency: 'EUR' }; // the seed's shape
 * const { budget, created } = await owner.budgets.setOverall(input);
 * budget.name; // 'Overall'
 * ```
 */
export type OverallBudgetInput = z.input<typeof overallBudgetInputSchema> & { categoryIds?: readonly string[] };

/**
 * Input of `owner.budgets.update()`: any subset of the fields.
 *
 * @example
 * ```ts
 * import { budgetPatchSchema } from '@expense-tracker/core';
 *
 * budgetPatchSchema.parse({ rollover: 'surplus' }); // { rollover: 'surplus' }
 * budgetPatchSchema.safeParse({ amount: '450', amountMinor: 45000 }).success; // false: 'Give amount or amountMinor, not both'
 * ```
 */
export const budgetPatchSchema = z
  .strictObject({ ...budgetFields, name: budgetFields.name.optional() })
  .superRefine((value, ctx) => {
    if (value.amount !== undefined && value.amountMinor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'Give amount or amountMinor, not both' });
    }
    if (!windowCheck(value))
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'endsOn must not be before startsOn' });
  })
  .meta({ id: 'BudgetPatch' });

/**
 * Input of `owner.budgets.update()`.
 *
 * @example
 * ```ts
 * import type { BudgetPatch } from '@expense-tracker/core';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const patch: BudgetPatch = { amount: '450', endsOn: '2026-12-31' };
 * await owner.budgets.update(budget.id, patch);
 * ```
 */
export type BudgetPatch = z.input<typeof budgetPatchSchema>;

/**
 * A stored period definition: recurring with its anchor resolved, or one-off.
 *
 * @example
 * ```ts
 * import { periodSchema } from '@expense-tracker/core';
 *
 * const weekly = await owner.budgets.create({ name: 'Weekly', amount: '100', period: { unit: 'week' } });
 * periodSchema.parse(weekly.period); // { unit: 'week', every: 1, anchor: <the first day of this week> }
 * periodSchema.safeParse({ unit: 'week', every: 1 }).success; // false: a stored period has its anchor
 * ```
 */
export const periodSchema = z
  .union([
    z.object({ unit: periodUnitSchema, every: z.int(), anchor: localDateSchema }),
    z.object({ start: localDateSchema, end: localDateSchema }),
  ])
  .meta({ id: 'Period' });

/**
 * A budget as returned.
 *
 * @example
 * ```ts
 * import { budgetSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /budgets` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const budgets = budgetSchema.array().parse(await api('/budgets'));
 * ```
 */
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

/**
 * A budget.
 *
 * @example
 * ```ts
 * import type { Budget } from '@expense-tracker/core';
 *
 * const groceries: Budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * groceries.amountMinor; // 40000
 * groceries.period; // { unit: 'month', every: 1, anchor: <the 1st of this month> }
 * groceries.categoryIds; // []: all spending
 * ```
 */
export type Budget = z.output<typeof budgetSchema>;

/**
 * A date range, inclusive.
 *
 * @example
 * ```ts
 * import { dateRangeSchema } from '@expense-tracker/core';
 *
 * dateRangeSchema.parse({ start: '2026-11-01', end: '2026-11-30' }); // { start: '2026-11-01', end: '2026-11-30' }
 * dateRangeSchema.safeParse({ start: '2026-11-01' }).success; // false
 * ```
 */
export const dateRangeSchema = z.object({ start: localDateSchema, end: localDateSchema }).meta({ id: 'DateRange' });

/**
 * A budget's figures for one period.
 *
 * @example
 * ```ts
 * import { budgetStatusSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /budgets/{id}/status` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const status = budgetStatusSchema.parse(await api(`/budgets/${process.env.BUDGET_ID}/status`));
 * console.log(`${status.spentMinor} of ${status.availableMinor} minor units spent: ${status.state}`);
 * ```
 */
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
    projectedSpendMinor: z.int().meta({
      description:
        'The forecast of spending at the end of the period: `spentMinor + scheduledMinor + paceMinor`, what is known first, then the pace',
    }),
    scheduledMinor: z.int().meta({
      description:
        "Known: the amounts of the period's schedule occurrences due after today and not yet settled (posted early, skipped, matched), in the budget's currency and categories; schedules in another currency are left out",
    }),
    scheduledSpentMinor: z.int().meta({
      description:
        'Of `spentMinor`, what expenses posted or matched by schedules make up: left out of the pace, since they recur as `scheduledMinor` (0 for a closed period)',
    }),
    paceMinor: z.int().meta({
      description:
        'The pace: spending other than schedules’ (`spentMinor - scheduledSpentMinor`) per day elapsed, times the days after today, rounded down; 0 before and after the period',
    }),
    projectedExceedDate: localDateSchema.nullable(),
    forecastConfident: z.boolean().meta({
      description:
        'Whether enough of the period has passed for the pace forecast to count: a quarter of it, and at least 3 days. Before that the forecast is shown but does not make the state `warning` or fire a `forecast` alert rule.',
    }),
    forecastConfidentFrom: localDateSchema.meta({
      description: 'The first day of the period on which the pace forecast counts',
    }),
    state: z.enum(['ok', 'warning', 'exceeded']),
  })
  .meta({ id: 'BudgetStatus' });

/**
 * A budget's figures for one period.
 *
 * @example
 * ```ts
 * import { formatAmount, type BudgetStatus } from '@expense-tracker/core';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const status: BudgetStatus = await owner.budgets.status(budget.id);
 * if (status.state !== 'ok') console.log(`${status.percentUsed} % used, ${formatAmount(status.remainingMinor, status.currency)} left`);
 * ```
 */
export type BudgetStatus = z.output<typeof budgetStatusSchema>;

/**
 * Query of `owner.budgets.status()`: the period containing `date` (default: today).
 *
 * @example
 * ```ts
 * import { budgetStatusQuerySchema } from '@expense-tracker/core';
 *
 * budgetStatusQuerySchema.parse({}); // {}: today
 * budgetStatusQuerySchema.parse({ date: '2026-10-15' }); // the period containing 15 October
 * ```
 */
export const budgetStatusQuerySchema = z
  .strictObject({ date: localDateSchema.optional() })
  .meta({ id: 'BudgetStatusQuery' });

/**
 * Query of `owner.budgets.history()`: the last `periods` closed periods (default 6, at most 120).
 *
 * @example
 * ```ts
 * import { budgetHistoryQuerySchema } from '@expense-tracker/core';
 *
 * budgetHistoryQuerySchema.parse({}); // { periods: 6 }
 * budgetHistoryQuerySchema.parse({ periods: '12' }); // { periods: 12 }
 * budgetHistoryQuerySchema.safeParse({ periods: 121 }).success; // false
 * ```
 */
export const budgetHistoryQuerySchema = z
  .strictObject({ periods: z.coerce.number().int().min(1).max(120).default(6) })
  .meta({ id: 'BudgetHistoryQuery' });

/**
 * A notification stored when an alert rule fired: what `alert.triggered` carries, and the
 * `spent`/`forecast` members of {@link notificationSchema}'s union.
 *
 * @example
 * ```ts
 * import { budgetNotificationSchema } from '@expense-tracker/core';
 *
 * tracker.on('alert.triggered', (event) => {
 *   const notification = budgetNotificationSchema.parse(event.data.notification);
 *   console.log(notification.thresholdPercent, notification.period.start);
 * });
 * ```
 */
export const budgetNotificationSchema = z
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
  .meta({ id: 'BudgetNotification' });

/**
 * A notification an alert rule raised.
 *
 * @example
 * ```ts
 * import type { BudgetNotification } from '@expense-tracker/core';
 *
 * tracker.on('alert.triggered', (event) => {
 *   const notification: BudgetNotification = event.data.notification;
 *   console.log(event.data.budget.name, notification.message, notification.period.start);
 * });
 * ```
 */
export type BudgetNotification = z.output<typeof budgetNotificationSchema>;

/**
 * A notice: a notification that is not a budget alert, such as a webhook message given up
 * (`topic: 'webhook.message.dead'`) or an API token about to expire (the server's
 * `api-token.expiring`). Stored once per owner, `topic` and `subjectId`.
 *
 * @example
 * ```ts
 * import { noticeSchema } from '@expense-tracker/core';
 *
 * tracker.on('notice.posted', (event) => {
 *   const notice = noticeSchema.parse(event.data.notification);
 *   console.log(notice.topic, notice.subjectId, notice.message);
 * });
 * ```
 */
export const noticeSchema = z
  .object({
    id: idSchema,
    kind: z.literal('notice'),
    topic: z.string().meta({ description: 'What the notice is about (`webhook.message.dead`, `api-token.expiring`)' }),
    subjectId: z.string().meta({ description: 'The record it is about: the message, the token' }),
    message: z.string(),
    data: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .meta({ description: 'Details for display, per topic (`url`, `expiresAt`, ...)' }),
    createdAt: instantSchema,
    readAt: instantSchema.nullable(),
  })
  .meta({ id: 'Notice' });

/**
 * A notice.
 *
 * @example
 * ```ts
 * import type { Notice } from '@expense-tracker/core';
 *
 * const notices = (await owner.notifications.list()).filter((n): n is Notice => n.kind === 'notice');
 * for (const notice of notices) console.log(notice.topic, notice.message);
 * ```
 */
export type Notice = z.output<typeof noticeSchema>;

/**
 * A stored notification: a budget alert (`kind: 'spent' | 'forecast'`) or a notice
 * (`kind: 'notice'`). A union discriminated by `kind`.
 *
 * @example
 * ```ts
 * import { notificationSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /notifications?unread=true` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * for (const notification of notificationSchema.array().parse(await api('/notifications?unread=true'))) {
 *   console.log(notification.kind === 'notice' ? notification.topic : notification.thresholdPercent, notification.message);
 * }
 * ```
 */
export const notificationSchema = z
  .discriminatedUnion('kind', [budgetNotificationSchema, noticeSchema])
  .meta({ id: 'Notification' });

/**
 * A notification: narrow it by `kind` (`'notice'`, or a budget alert's `'spent'`/`'forecast'`).
 *
 * @example
 * ```ts
 * import type { Notification } from '@expense-tracker/core';
 *
 * const unread: Notification[] = await owner.notifications.list({ unread: true });
 * for (const n of unread) console.log(n.kind === 'notice' ? `${n.topic}: ${n.message}` : `${n.period.start}: ${n.message}`);
 * ```
 */
export type Notification = z.output<typeof notificationSchema>;

/**
 * Query of `owner.notifications.list()`.
 *
 * @example
 * ```ts
 * import { notificationListQuerySchema } from '@expense-tracker/core';
 *
 * notificationListQuerySchema.parse({ unread: 'true' }); // { unread: true, limit: 50 }: query strings work
 * notificationListQuerySchema.parse({ unread: false, limit: 10 }); // { unread: false, limit: 10 }
 * ```
 */
export const notificationListQuerySchema = z
  .strictObject({
    unread: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
    budgetId: idSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: storableText(z.string()).optional(),
  })
  .meta({ id: 'NotificationListQuery' });

/**
 * Query of `owner.notifications.list()`.
 *
 * @example
 * ```ts
 * import type { NotificationListQuery } from '@expense-tracker/core';
 *
 * const query: NotificationListQuery = { unread: true, limit: 20 };
 * const page = await owner.notifications.list(query);
 * // The next page: the ones before the last id of this one.
 * const next = page.length === 20 ? await owner.notifications.list({ ...query, before: page[19]!.id }) : [];
 * ```
 */
export type NotificationListQuery = z.input<typeof notificationListQuerySchema>;
