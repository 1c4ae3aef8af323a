import { z } from 'zod';
import { budgetStatusSchema } from './budget.js';
import { currencySchema, idSchema, localDateSchema } from './common.js';
import { expenseFilterFields } from './expense.js';

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Expected a month written YYYY-MM');

const rangeCheck = (value: { from?: string; to?: string }) => !(value.from && value.to && value.from > value.to);

/** Query of `owner.analytics.summary()`: an inclusive date range (default: the current month). */
export const summaryQuerySchema = z
  .strictObject({ from: localDateSchema.optional(), to: localDateSchema.optional() })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'SummaryQuery' });

/** Query of `owner.analytics.summary()`. */
export type SummaryQuery = z.input<typeof summaryQuerySchema>;

/** Spending of one category in one currency. */
export const categoryTotalSchema = z
  .object({
    categoryId: idSchema.nullable(),
    categoryName: z.string().nullable(),
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
  })
  .meta({ id: 'CategoryTotal' });

/** Spending of one currency over a range, with its share per category. */
export const currencySummarySchema = z
  .object({
    currency: z.string(),
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    averagePerDayMinor: z.int(),
    averagePerDay: z.string(),
    previousTotalMinor: z.int(),
    changeMinor: z.int(),
    changePercent: z.number().nullable(),
    byCategory: z.array(categoryTotalSchema.extend({ sharePercent: z.number() })),
  })
  .meta({ id: 'CurrencySummary' });

/** The answer of `owner.analytics.summary()`. */
export const summarySchema = z
  .object({
    from: localDateSchema,
    to: localDateSchema,
    days: z.int(),
    previous: z.object({ from: localDateSchema, to: localDateSchema }),
    currencies: z.array(currencySummarySchema),
    budgets: z.array(budgetStatusSchema.extend({ name: z.string() })),
  })
  .meta({ id: 'Summary' });

/** The answer of `owner.analytics.summary()`. */
export type Summary = z.output<typeof summarySchema>;

/** Spending of one currency in one bucket (month or week), by category. */
export const bucketCurrencySchema = z
  .object({ currency: z.string(), totalMinor: z.int(), total: z.string(), count: z.int(), byCategory: z.array(categoryTotalSchema) })
  .meta({ id: 'BucketCurrency' });

/** Query of `owner.analytics.monthly()`: inclusive months (default: the last 12, this one included). */
export const monthlyQuerySchema = z
  .strictObject({ fromMonth: monthSchema.optional(), toMonth: monthSchema.optional() })
  .refine((v) => !(v.fromMonth && v.toMonth && v.fromMonth > v.toMonth), { path: ['fromMonth'], message: 'fromMonth must not be after toMonth' })
  .meta({ id: 'MonthlyQuery' });

/** Query of `owner.analytics.monthly()`. */
export type MonthlyQuery = z.input<typeof monthlyQuerySchema>;

/** The answer of `owner.analytics.monthly()`: every month of the range, empty ones included. */
export const monthlySchema = z
  .object({
    fromMonth: monthSchema,
    toMonth: monthSchema,
    months: z.array(z.object({ month: monthSchema, start: localDateSchema, end: localDateSchema, currencies: z.array(bucketCurrencySchema) })),
  })
  .meta({ id: 'Monthly' });

/** The answer of `owner.analytics.monthly()`. */
export type Monthly = z.output<typeof monthlySchema>;

/** Query of `owner.analytics.weekly()`: the weeks touching the range (default: the last 12). */
export const weeklyQuerySchema = summaryQuerySchema.meta({ id: 'WeeklyQuery' });

/** Query of `owner.analytics.weekly()`. */
export type WeeklyQuery = z.input<typeof weeklyQuerySchema>;

/** The answer of `owner.analytics.weekly()`: every week of the range, weeks starting on the owner's `weekStartsOn`. */
export const weeklySchema = z
  .object({
    weekStartsOn: z.union([z.literal(0), z.literal(1)]),
    weeks: z.array(z.object({ start: localDateSchema, end: localDateSchema, currencies: z.array(bucketCurrencySchema) })),
  })
  .meta({ id: 'Weekly' });

/** The answer of `owner.analytics.weekly()`. */
export type Weekly = z.output<typeof weeklySchema>;

/** Query of `owner.analytics.trends()`. */
export const trendsQuerySchema = z
  .strictObject({
    granularity: z.enum(['day', 'week', 'month']).default('month'),
    from: localDateSchema.optional(),
    to: localDateSchema.optional(),
    categoryId: z.union([z.literal('none'), idSchema]).optional(),
    currency: currencySchema.optional(),
    window: z.coerce.number().int().min(1).max(24).default(3),
  })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'TrendsQuery' });

/** Query of `owner.analytics.trends()`. */
export type TrendsQuery = z.input<typeof trendsQuerySchema>;

/** One point of a trend series. */
export const trendPointSchema = z
  .object({
    start: localDateSchema,
    end: localDateSchema,
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    movingAverageMinor: z.int(),
    changeMinor: z.int().nullable(),
    changePercent: z.number().nullable(),
  })
  .meta({ id: 'TrendPoint' });

/** The answer of `owner.analytics.trends()`: a zero-filled series in one currency. */
export const trendsSchema = z
  .object({
    granularity: z.enum(['day', 'week', 'month']),
    currency: z.string(),
    categoryId: z.string().nullable(),
    window: z.int(),
    points: z.array(trendPointSchema),
  })
  .meta({ id: 'Trends' });

/** The answer of `owner.analytics.trends()`. */
export type Trends = z.output<typeof trendsSchema>;

/** Options of `owner.export()`: the format and the listing filters. */
export const exportQuerySchema = z
  .strictObject({ format: z.enum(['csv', 'json', 'ndjson']).default('csv'), ...expenseFilterFields })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'ExportQuery' });

/** Options of `owner.export()`. */
export type ExportQuery = z.input<typeof exportQuerySchema>;
