import { z } from 'zod';
import { MAX_LOCAL_DATE, MIN_LOCAL_DATE } from '../dates.js';
import { budgetStatusSchema } from '../budgets/schema.js';
import { isLocalDate } from '../dates.js';
import { currencySchema, idSchema, localDateSchema } from '../common-schemas.js';
import { expenseFilterFields } from '../expenses/schema.js';

const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Expected a month written YYYY-MM')
  .refine(
    (month) => month >= MIN_LOCAL_DATE.slice(0, 7),
    `Expected a month from ${MIN_LOCAL_DATE.slice(0, 7)} to ${MAX_LOCAL_DATE.slice(0, 7)}`,
  );

const MONTH_OR_DATE_MESSAGE = 'Expected a month written YYYY-MM or a date written YYYY-MM-DD';

/** A month, or a date standing for the month that contains it (`from=2026-01-15` is January). */
const monthOrDateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, { message: MONTH_OR_DATE_MESSAGE, abort: true })
  .refine((value) => value.length === 7 || isLocalDate(value), MONTH_OR_DATE_MESSAGE)
  .meta({
    description: 'A month (YYYY-MM), or a date (YYYY-MM-DD) that stands for the month containing it',
    example: '2026-01',
  });

/** Whether the range's start comes after its end: by month, and by day when both are dates. */
const monthsReversed = (from: string, to: string) =>
  from.slice(0, 7) > to.slice(0, 7) || (from.length === 10 && to.length === 10 && from > to);

const rangeCheck = (value: { from?: string; to?: string }) => !(value.from && value.to && value.from > value.to);

/**
 * Query of `owner.analytics.summary()`: an inclusive date range (default: the current month).
 *
 * @example
 * ```ts
 * import { summaryQuerySchema } from '@expense-tracker/core';
 *
 * summaryQuerySchema.parse({ from: '2026-11-01', to: '2026-11-30' }); // { from: '2026-11-01', to: '2026-11-30' }
 * summaryQuerySchema.safeParse({ from: '2026-12-01', to: '2026-11-01' }).success; // false: 'from must not be after to'
 * ```
 */
export const summaryQuerySchema = z
  .strictObject({ from: localDateSchema.optional(), to: localDateSchema.optional() })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'SummaryQuery' });

/**
 * Query of `owner.analytics.summary()`.
 *
 * @example
 * ```ts
 * import type { SummaryQuery } from '@expense-tracker/core';
 *
 * const lastQuarter: SummaryQuery = { from: '2026-07-01', to: '2026-09-30' };
 * const summary = await owner.analytics.summary(lastQuarter);
 * ```
 */
export type SummaryQuery = z.input<typeof summaryQuerySchema>;

/**
 * How analytics report refunds beside the net total: `totalMinor` is expenses less refunds
 * (below 0 when refunds exceed spending), `count` counts expenses only, and these count and
 * sum the refunds apart. Two counts rather than a net one: "12 purchases, 2 refunds" is what a
 * statement shows, and a net count (10) would describe no transaction at all.
 */
const refundFields = {
  refundCount: z.int().meta({ description: 'Refunds (not included in count)' }),
  refundedMinor: z.int().meta({ description: 'The refunds, already subtracted from totalMinor' }),
  refunded: z.string().meta({ description: 'refundedMinor as an exact decimal', example: '0.00' }),
};

/**
 * Spending of one category in one currency.
 *
 * @example
 * ```ts
 * import type { z } from 'zod';
 * import type { categoryTotalSchema } from '@expense-tracker/core';
 *
 * type CategoryTotal = z.output<typeof categoryTotalSchema>;
 * const { months } = await owner.analytics.monthly({ fromMonth: '2026-11', toMonth: '2026-11' });
 * const totals: CategoryTotal[] = months[0]?.currencies[0]?.byCategory ?? [];
 * for (const row of totals) console.log(row.categoryName ?? 'Uncategorized', row.total, row.count);
 * ```
 */
export const categoryTotalSchema = z
  .object({
    categoryId: idSchema.nullable(),
    categoryName: z.string().nullable(),
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    ...refundFields,
  })
  .meta({ id: 'CategoryTotal' });

/**
 * Spending of one currency over a range, with its share per category.
 *
 * @example
 * ```ts
 * import type { z } from 'zod';
 * import type { currencySummarySchema } from '@expense-tracker/core';
 *
 * type CurrencySummary = z.output<typeof currencySummarySchema>;
 * const { currencies } = await owner.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
 * const usd: CurrencySummary | undefined = currencies.find((c) => c.currency === 'USD');
 * for (const row of usd?.byCategory ?? []) console.log(row.categoryName ?? 'Uncategorized', `${row.sharePercent} %`);
 * ```
 */
export const currencySummarySchema = z
  .object({
    currency: z.string(),
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    ...refundFields,
    averagePerDayMinor: z.int(),
    averagePerDay: z.string(),
    previousTotalMinor: z.int(),
    changeMinor: z.int(),
    changePercent: z.number().nullable(),
    byCategory: z.array(categoryTotalSchema.extend({ sharePercent: z.number() })),
  })
  .meta({ id: 'CurrencySummary' });

/**
 * The answer of `owner.analytics.summary()`.
 *
 * @example
 * ```ts
 * import { summarySchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /analytics/summary` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const summary = summarySchema.parse(await api('/analytics/summary?from=2026-11-01&to=2026-11-30'));
 * ```
 */
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

/**
 * The answer of `owner.analytics.summary()`.
 *
 * @example
 * ```ts
 * import type { Summary } from '@expense-tracker/core';
 *
 * const summary: Summary = await owner.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
 * summary.days; // 30
 * summary.previous; // { from: '2026-10-02', to: '2026-10-31' }: the 30 days before, for `changePercent`
 * for (const c of summary.currencies) console.log(c.currency, c.total, c.changePercent);
 * ```
 */
export type Summary = z.output<typeof summarySchema>;

/**
 * Spending of one currency in one bucket (month or week), by category.
 *
 * @example
 * ```ts
 * import type { z } from 'zod';
 * import type { bucketCurrencySchema } from '@expense-tracker/core';
 *
 * type BucketCurrency = z.output<typeof bucketCurrencySchema>;
 * const { weeks } = await owner.analytics.weekly();
 * for (const week of weeks) {
 *   const eur: BucketCurrency | undefined = week.currencies.find((c) => c.currency === 'EUR');
 *   console.log(week.start, eur?.total ?? '0.00');
 * }
 * ```
 */
export const bucketCurrencySchema = z
  .object({
    currency: z.string(),
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    ...refundFields,
    byCategory: z.array(categoryTotalSchema),
  })
  .meta({ id: 'BucketCurrency' });

/**
 * Query of `owner.analytics.monthly()`: inclusive months (default: the last 12, this one
 * included). The range is `from`/`to`, as every analytics query takes it, each a month
 * (`YYYY-MM`) or a date (`YYYY-MM-DD`, standing for the month that contains it); or, the
 * older form, `fromMonth`/`toMonth` as months. One form per query: giving both is a
 * `VALIDATION_FAILED` at `fromMonth` (or `toMonth`).
 *
 * @example
 * ```ts
 * import { monthlyQuerySchema } from '@expense-tracker/core';
 *
 * monthlyQuerySchema.parse({ from: '2026-01', to: '2026-06' }); // { from: '2026-01', to: '2026-06' }
 * monthlyQuerySchema.parse({ from: '2026-01-15', to: '2026-06-30' }); // January to June
 * monthlyQuerySchema.parse({ fromMonth: '2026-01', toMonth: '2026-06' }); // the same months, the older way
 * monthlyQuerySchema.safeParse({ from: '2026-01', fromMonth: '2026-01' }).success; // false: one form only
 * monthlyQuerySchema.safeParse({ fromMonth: '2026-13' }).success; // false: 'Expected a month written YYYY-MM'
 * ```
 */
export const monthlyQuerySchema = z
  .strictObject({
    from: monthOrDateSchema.optional(),
    to: monthOrDateSchema.optional(),
    fromMonth: monthSchema
      .optional()
      .meta({ description: 'The first month, YYYY-MM: the older name of `from` (use one form)' }),
    toMonth: monthSchema
      .optional()
      .meta({ description: 'The last month, YYYY-MM: the older name of `to` (use one form)' }),
  })
  .superRefine((value, ctx) => {
    const monthKeys = (['fromMonth', 'toMonth'] as const).filter((key) => value[key] !== undefined);
    const rangeForm = value.from !== undefined || value.to !== undefined;
    if (rangeForm && monthKeys.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [monthKeys[0]!],
        message: 'Give the range as from/to or as fromMonth/toMonth, not both',
      });
      return;
    }
    const [fromKey, toKey] = rangeForm ? (['from', 'to'] as const) : (['fromMonth', 'toMonth'] as const);
    const from = value[fromKey];
    const to = value[toKey];
    if (from !== undefined && to !== undefined && monthsReversed(from, to)) {
      ctx.addIssue({ code: 'custom', path: [fromKey], message: `${fromKey} must not be after ${toKey}` });
    }
  })
  .meta({ id: 'MonthlyQuery' });

/**
 * Query of `owner.analytics.monthly()`.
 *
 * @example
 * ```ts
 * import type { MonthlyQuery } from '@expense-tracker/core';
 *
 * const firstHalf: MonthlyQuery = { from: '2026-01', to: '2026-06' };
 * const { months } = await owner.analytics.monthly(firstHalf); // six months, empty ones included
 * ```
 */
export type MonthlyQuery = z.input<typeof monthlyQuerySchema>;

/**
 * The answer of `owner.analytics.monthly()`: every month of the range, empty ones included.
 *
 * @example
 * ```ts
 * import { monthlySchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /analytics/monthly` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const { months } = monthlySchema.parse(await api('/analytics/monthly?fromMonth=2026-01&toMonth=2026-12'));
 * ```
 */
export const monthlySchema = z
  .object({
    fromMonth: monthSchema,
    toMonth: monthSchema,
    months: z.array(
      z.object({
        month: monthSchema,
        start: localDateSchema,
        end: localDateSchema,
        currencies: z.array(bucketCurrencySchema),
      }),
    ),
  })
  .meta({ id: 'Monthly' });

/**
 * The answer of `owner.analytics.monthly()`.
 *
 * @example
 * ```ts
 * import type { Monthly } from '@expense-tracker/core';
 *
 * const monthly: Monthly = await owner.analytics.monthly({ fromMonth: '2026-01', toMonth: '2026-03' });
 * monthly.months.map((m) => [m.month, m.start, m.end]);
 * // [['2026-01', '2026-01-01', '2026-01-31'], ['2026-02', '2026-02-01', '2026-02-28'], ['2026-03', '2026-03-01', '2026-03-31']]
 * ```
 */
export type Monthly = z.output<typeof monthlySchema>;

/**
 * Query of `owner.analytics.weekly()`: the weeks touching the range (default: the last 12).
 *
 * @example
 * ```ts
 * import { weeklyQuerySchema } from '@expense-tracker/core';
 *
 * weeklyQuerySchema.parse({ from: '2026-11-01', to: '2026-11-30' }); // { from: '2026-11-01', to: '2026-11-30' }
 * weeklyQuerySchema.safeParse({ from: '2026-11-31' }).success; // false: not a date
 * ```
 */
export const weeklyQuerySchema = summaryQuerySchema.meta({ id: 'WeeklyQuery' });

/**
 * Query of `owner.analytics.weekly()`.
 *
 * @example
 * ```ts
 * import type { WeeklyQuery } from '@expense-tracker/core';
 *
 * const november: WeeklyQuery = { from: '2026-11-01', to: '2026-11-30' };
 * const { weeks } = await owner.analytics.weekly(november); // every week touching November
 * ```
 */
export type WeeklyQuery = z.input<typeof weeklyQuerySchema>;

/**
 * The answer of `owner.analytics.weekly()`: every week of the range, weeks starting on the owner's `weekStartsOn`.
 *
 * @example
 * ```ts
 * import { weeklySchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /analytics/weekly` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const { weekStartsOn, weeks } = weeklySchema.parse(await api('/analytics/weekly?from=2026-11-01&to=2026-11-30'));
 * ```
 */
export const weeklySchema = z
  .object({
    weekStartsOn: z.union([z.literal(0), z.literal(1)]),
    weeks: z.array(
      z.object({ start: localDateSchema, end: localDateSchema, currencies: z.array(bucketCurrencySchema) }),
    ),
  })
  .meta({ id: 'Weekly' });

/**
 * The answer of `owner.analytics.weekly()`.
 *
 * @example
 * ```ts
 * import type { Weekly } from '@expense-tracker/core';
 *
 * // Weeks start on Monday (weekStartsOn: 1) unless the owner's settings say Sunday (0).
 * const weekly: Weekly = await owner.analytics.weekly({ from: '2026-11-02', to: '2026-11-15' });
 * weekly.weeks.map((w) => `${w.start}..${w.end}`); // ['2026-11-02..2026-11-08', '2026-11-09..2026-11-15']
 * ```
 */
export type Weekly = z.output<typeof weeklySchema>;

/**
 * Query of `owner.analytics.trends()`.
 *
 * @example
 * ```ts
 * import { trendsQuerySchema } from '@expense-tracker/core';
 *
 * trendsQuerySchema.parse({}); // { granularity: 'month', window: 3 }
 * trendsQuerySchema.parse({ granularity: 'week', window: '4' }); // { granularity: 'week', window: 4 }
 * trendsQuerySchema.safeParse({ granularity: 'hour' }).success; // false
 * ```
 */
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

/**
 * Query of `owner.analytics.trends()`.
 *
 * @example
 * ```ts
 * import type { TrendsQuery } from '@expense-tracker/core';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const query: TrendsQuery = { granularity: 'week', categoryId: food.id, window: 4 };
 * const { points } = await owner.analytics.trends(query); // with a 4-week moving average
 * ```
 */
export type TrendsQuery = z.input<typeof trendsQuerySchema>;

/**
 * One point of a trend series.
 *
 * @example
 * ```ts
 * import type { z } from 'zod';
 * import type { trendPointSchema } from '@expense-tracker/core';
 *
 * type TrendPoint = z.output<typeof trendPointSchema>;
 * const { points } = await owner.analytics.trends({ granularity: 'month' });
 * const rising: TrendPoint[] = points.filter((p) => (p.changeMinor ?? 0) > 0);
 * ```
 */
export const trendPointSchema = z
  .object({
    start: localDateSchema,
    end: localDateSchema,
    totalMinor: z.int(),
    total: z.string(),
    count: z.int(),
    ...refundFields,
    movingAverageMinor: z.int(),
    changeMinor: z.int().nullable(),
    changePercent: z.number().nullable(),
  })
  .meta({ id: 'TrendPoint' });

/**
 * The answer of `owner.analytics.trends()`: a zero-filled series in one currency.
 *
 * @example
 * ```ts
 * import { trendsSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /analytics/trends` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const { currency, points } = trendsSchema.parse(await api('/analytics/trends?granularity=week'));
 * ```
 */
export const trendsSchema = z
  .object({
    granularity: z.enum(['day', 'week', 'month']),
    currency: z.string(),
    categoryId: z.string().nullable(),
    window: z.int(),
    points: z.array(trendPointSchema),
  })
  .meta({ id: 'Trends' });

/**
 * The answer of `owner.analytics.trends()`.
 *
 * @example
 * ```ts
 * import type { Trends } from '@expense-tracker/core';
 *
 * const trends: Trends = await owner.analytics.trends({ granularity: 'day', from: '2026-11-01', to: '2026-11-30' });
 * trends.points.length; // 30: one per day, days without spending included
 * trends.currency; // the owner's currency unless `currency` was given
 * ```
 */
export type Trends = z.output<typeof trendsSchema>;

/**
 * Options of `owner.export()`: the format and the listing filters.
 *
 * @example
 * ```ts
 * import { exportQuerySchema } from '@expense-tracker/core';
 *
 * exportQuerySchema.parse({}); // { format: 'csv' }
 * exportQuerySchema.parse({ format: 'ndjson', from: '2026-01-01', tag: 'work' }); // { format: 'ndjson', from: '2026-01-01', tag: ['work'] }
 * exportQuerySchema.safeParse({ format: 'xlsx' }).success; // false
 * ```
 */
export const exportQuerySchema = z
  .strictObject({ format: z.enum(['csv', 'json', 'ndjson']).default('csv'), ...expenseFilterFields })
  .refine(rangeCheck, { path: ['from'], message: 'from must not be after to' })
  .meta({ id: 'ExportQuery' });

/**
 * Options of `owner.export()`.
 *
 * @example
 * ```ts
 * import type { ExportQuery } from '@expense-tracker/core';
 *
 * const query: ExportQuery = { format: 'json', currency: 'EUR', from: '2026-01-01' };
 * let json = '';
 * for await (const chunk of owner.export(query)) json += chunk;
 * JSON.parse(json); // an array of expenses, oldest first
 * ```
 */
export type ExportQuery = z.input<typeof exportQuerySchema>;
