import { percentOf } from '../budgets/status.js';
import { addMonthsClamped, defaultAnchor } from '../budgets/periods.js';
import { addDays, daysInMonth, localDate, MAX_LOCAL_DATE, toDayNumber } from '../dates.js';
import { validationError } from '../errors.js';
import { formatAmount } from '../money.js';
import {
  monthlyQuerySchema,
  summaryQuerySchema,
  trendsQuerySchema,
  weeklyQuerySchema,
  type Monthly,
  type MonthlyQuery,
  type Summary,
  type SummaryQuery,
  type Trends,
  type TrendsQuery,
  type Weekly,
  type WeeklyQuery,
} from './schema.js';
import type { OwnerSettings } from '../owners/schema.js';
import type { BudgetRecord, CategoryRecord, TotalsRow } from '../store/store.js';
import { activePeriod, budgetsFigures, coveredCategories } from '../budgets/figures.js';
import { toBudgetStatus } from '../presenters.js';
import { assertOpen, parseInput, type ServiceContext } from '../write-context.js';
import { readOwner } from '../owners/config.js';

/**
 * The most buckets one analytics answer has, so a request cannot ask for unbounded work.
 *
 * @example
 * ```ts
 * import { isTrackerError, MAX_BUCKETS } from '@expense-tracker/core';
 *
 * MAX_BUCKETS; // 1000
 * try {
 *   await owner.analytics.trends({ granularity: 'day', from: '2020-01-01', to: '2026-12-31' });
 * } catch (error) {
 *   // 2,557 days: VALIDATION_FAILED, 'The range has 1001 buckets; at most 1000 are allowed'
 *   if (isTrackerError(error, 'VALIDATION_FAILED')) console.log(error.issues[0]?.message);
 * }
 * ```
 */
export const MAX_BUCKETS = 1000;

/** `part` as a percentage of `whole`, two decimals; `null` when `whole` is 0. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : percentOf(part, whole);
}

function lastDayOfMonth(month: string): string {
  return `${month}-${String(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))).padStart(2, '0')}`;
}

/** The month after `month` (`YYYY-MM`), or `null` after 9999-12, the last month there is. */
function nextMonth(month: string): string | null {
  return month >= MAX_LOCAL_DATE.slice(0, 7) ? null : addMonthsClamped(`${month}-01`, 1).slice(0, 7);
}

interface Context {
  settings: OwnerSettings;
  today: string;
  names: Map<string, string>;
}

async function context(
  ctx: ServiceContext,
  ownerId: string,
): Promise<
  Context & { categories: readonly CategoryRecord[]; budgets: readonly BudgetRecord[]; hasSchedules: boolean }
> {
  assertOpen(ctx);
  const { settings, categories, budgets, hasSchedules } = await readOwner(ctx, ownerId);
  return {
    settings,
    hasSchedules,
    today: localDate(ctx.clock.now(), settings.timezone),
    categories,
    budgets,
    names: new Map(categories.map((c) => [c.id, c.name])),
  };
}

function tooMany(path: string, count: number): never {
  throw validationError([
    { path: [path], code: 'too_big', message: `The range has ${count} buckets; at most ${MAX_BUCKETS} are allowed` },
  ]);
}

/** The refund figures of an analytics row: how many, and how much (already netted out of the total). */
function refundFigures(refundCount: number, refundedMinor: number, currency: string) {
  return { refundCount, refundedMinor, refunded: formatAmount(refundedMinor, currency) };
}

/** Adds two totals rows' figures (the keys of `a` kept). */
function addRows(a: TotalsRow, b: TotalsRow): TotalsRow {
  return {
    ...a,
    amountMinor: a.amountMinor + b.amountMinor,
    count: a.count + b.count,
    refundMinor: a.refundMinor + b.refundMinor,
    refundCount: a.refundCount + b.refundCount,
  };
}

/** Groups rows of one bucket into per-currency totals with a per-category breakdown. */
function byCurrency(rows: readonly TotalsRow[], names: Map<string, string>) {
  const currencies = new Map<string, TotalsRow[]>();
  for (const row of rows) {
    const list = currencies.get(row.currency!) ?? [];
    list.push(row);
    currencies.set(row.currency!, list);
  }
  return [...currencies.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, list]) => {
      const sum = list.reduce(addRows);
      const byCategory = list
        .map((r) => ({
          categoryId: r.categoryId ?? null,
          categoryName: r.categoryId ? (names.get(r.categoryId) ?? null) : null,
          totalMinor: r.amountMinor,
          total: formatAmount(r.amountMinor, currency),
          count: r.count,
          ...refundFigures(r.refundCount, r.refundMinor, currency),
        }))
        .sort((a, b) => b.totalMinor - a.totalMinor || String(a.categoryId).localeCompare(String(b.categoryId)));
      return {
        currency,
        totalMinor: sum.amountMinor,
        total: formatAmount(sum.amountMinor, currency),
        count: sum.count,
        ...refundFigures(sum.refundCount, sum.refundMinor, currency),
        byCategory,
      };
    });
}

/**
 * Totals and counts per currency over a range, the average per day, the share of each
 * category, the change against the previous range of equal length, and the status of each
 * budget active today.
 */
export async function summary(ctx: ServiceContext, ownerId: string, query: SummaryQuery = {}): Promise<Summary> {
  const q = parseInput(summaryQuerySchema, query);
  const c = await context(ctx, ownerId);
  const from = q.from ?? (q.to ? `${q.to.slice(0, 7)}-01` : `${c.today.slice(0, 7)}-01`);
  const to = q.to ?? (q.from ? lastDayOfMonth(q.from.slice(0, 7)) : lastDayOfMonth(c.today.slice(0, 7)));
  if (from > to)
    throw validationError([{ path: ['from'], code: 'invalid_range', message: 'from must not be after to' }]);
  const days = toDayNumber(to) - toDayNumber(from) + 1;
  const previous = { from: addDays(from, -days), to: addDays(from, -1) };
  // The budgets active today: all their figures from one totals query (and one read of the
  // schedules), beside the range's two.
  const active = c.budgets.flatMap((budget) => {
    const current = activePeriod(budget, c.today);
    return current
      ? [
          {
            budget,
            range: { from: current.index, to: current.index },
            covered: coveredCategories(budget, c.categories),
          },
        ]
      : [];
  });
  const [rows, previousRows, figures] = await Promise.all([
    ctx.store.totals.query(ownerId, { from, to, groupBy: ['currency', 'category'] }),
    ctx.store.totals.query(ownerId, { ...previous, groupBy: ['currency'] }),
    budgetsFigures(ctx.store, active, c.today, { scheduled: c.hasSchedules }),
  ]);
  const previousTotals = new Map(previousRows.map((r) => [r.currency!, r.amountMinor]));
  const currencies = byCurrency(rows, c.names).map((entry) => {
    const previousTotalMinor = previousTotals.get(entry.currency) ?? 0;
    const averagePerDayMinor = Math.floor(entry.totalMinor / days);
    return {
      currency: entry.currency,
      totalMinor: entry.totalMinor,
      total: entry.total,
      count: entry.count,
      ...refundFigures(entry.refundCount, entry.refundedMinor, entry.currency),
      averagePerDayMinor,
      averagePerDay: formatAmount(averagePerDayMinor, entry.currency),
      previousTotalMinor,
      changeMinor: entry.totalMinor - previousTotalMinor,
      changePercent: percent(entry.totalMinor - previousTotalMinor, previousTotalMinor),
      byCategory: entry.byCategory.map((cat) => ({
        ...cat,
        sharePercent: percent(cat.totalMinor, entry.totalMinor) ?? 0,
      })),
    };
  });
  // Currencies spent only in the previous range still show, with a zero total.
  for (const [currency, previousTotalMinor] of previousTotals) {
    if (currencies.some((entry) => entry.currency === currency)) continue;
    currencies.push({
      currency,
      totalMinor: 0,
      total: formatAmount(0, currency),
      count: 0,
      ...refundFigures(0, 0, currency),
      averagePerDayMinor: 0,
      averagePerDay: formatAmount(0, currency),
      previousTotalMinor,
      changeMinor: -previousTotalMinor,
      changePercent: -100,
      byCategory: [],
    });
  }
  currencies.sort((a, b) => (a.currency < b.currency ? -1 : 1));
  const statuses = active.map(({ budget }, i) => ({ ...toBudgetStatus(budget, figures[i]![0]!), name: budget.name }));
  return { from, to, days, previous, currencies, budgets: statuses };
}

/** Per month, per currency and per category (uncategorized as `null`), every month listed. */
export async function monthly(ctx: ServiceContext, ownerId: string, query: MonthlyQuery = {}): Promise<Monthly> {
  const q = parseInput(monthlyQuerySchema, query);
  const c = await context(ctx, ownerId);
  // `from`/`to` may be dates: each stands for the month that contains it. The schema allows
  // one form per query, so errors name the key the caller used.
  const fromKey = q.from !== undefined || q.to !== undefined ? 'from' : 'fromMonth';
  const givenFrom = q.from?.slice(0, 7) ?? q.fromMonth;
  const givenTo = q.to?.slice(0, 7) ?? q.toMonth;
  const toMonth = givenTo ?? (givenFrom ? addMonthsClamped(`${givenFrom}-01`, 11).slice(0, 7) : c.today.slice(0, 7));
  const fromMonth = givenFrom ?? addMonthsClamped(`${toMonth}-01`, -11).slice(0, 7);
  if (fromMonth > toMonth)
    throw validationError([
      {
        path: [fromKey],
        code: 'invalid_range',
        message: `${fromKey} must not be after ${fromKey === 'from' ? 'to' : 'toMonth'}`,
      },
    ]);
  const months: string[] = [];
  for (let m: string | null = fromMonth; m !== null && m <= toMonth; m = nextMonth(m)) {
    months.push(m);
    if (months.length > MAX_BUCKETS) tooMany(fromKey, months.length);
  }
  const rows = await ctx.store.totals.query(ownerId, {
    from: `${fromMonth}-01`,
    to: lastDayOfMonth(toMonth),
    groupBy: ['month', 'currency', 'category'],
  });
  const byMonth = new Map<string, TotalsRow[]>();
  for (const row of rows) byMonth.set(row.month!, [...(byMonth.get(row.month!) ?? []), row]);
  return {
    fromMonth,
    toMonth,
    months: months.map((month) => ({
      month,
      start: `${month}-01`,
      end: lastDayOfMonth(month),
      currencies: byCurrency(byMonth.get(month) ?? [], c.names),
    })),
  };
}

/** Per week (starting on the owner's `weekStartsOn`), per currency and per category, every week listed. */
export async function weekly(ctx: ServiceContext, ownerId: string, query: WeeklyQuery = {}): Promise<Weekly> {
  const q = parseInput(weeklyQuerySchema, query);
  const c = await context(ctx, ownerId);
  const weekStart = (date: string) => defaultAnchor('week', date, c.settings.weekStartsOn);
  const last = weekStart(q.to ?? (q.from ? addDays(q.from, 7 * 12 - 1) : c.today));
  const first = weekStart(q.from ?? addDays(last, -7 * 11));
  if (first > last)
    throw validationError([{ path: ['from'], code: 'invalid_range', message: 'from must not be after to' }]);
  const count = (toDayNumber(last) - toDayNumber(first)) / 7 + 1;
  if (count > MAX_BUCKETS) tooMany('from', count);
  const rows = await ctx.store.totals.query(ownerId, {
    from: first,
    to: addDays(last, 6),
    groupBy: ['date', 'currency', 'category'],
  });
  const byWeek = new Map<string, Map<string, TotalsRow>>();
  for (const row of rows) {
    // Days of one week fold into one row per (currency, category).
    const week = weekStart(row.date!);
    const groups = byWeek.get(week) ?? new Map<string, TotalsRow>();
    const key = `${row.currency}\u0000${row.categoryId ?? ''}`;
    const current = groups.get(key);
    const { date: _date, ...withoutDate } = row;
    groups.set(key, current ? addRows(current, row) : withoutDate);
    byWeek.set(week, groups);
  }
  const weeks = Array.from({ length: count }, (_, i) => addDays(first, 7 * i)).map((start) => ({
    start,
    end: addDays(start, 6),
    currencies: byCurrency([...(byWeek.get(start)?.values() ?? [])], c.names),
  }));
  return { weekStartsOn: c.settings.weekStartsOn, weeks };
}

/**
 * A zero-filled series of one currency (default: the owner's), optionally of one category,
 * by day, week or month: totals, counts, a moving average over `window` points and the
 * change against the previous point.
 */
export async function trends(ctx: ServiceContext, ownerId: string, query: TrendsQuery = {}): Promise<Trends> {
  const q = parseInput(trendsQuerySchema, query);
  const c = await context(ctx, ownerId);
  const currency = q.currency ?? c.settings.currency;
  const bucketStart = (date: string) =>
    q.granularity === 'day'
      ? date
      : q.granularity === 'week'
        ? defaultAnchor('week', date, c.settings.weekStartsOn)
        : `${date.slice(0, 7)}-01`;
  // The bucket after `start`, or `null` after the last one that has a day up to 9999-12-31.
  const next = (start: string): string | null => {
    if (q.granularity === 'month') return nextMonth(start.slice(0, 7)) && addMonthsClamped(start, 1);
    const step = q.granularity === 'day' ? 1 : 7;
    const after = addDays(start, step); // 9999-12-31 at most
    return toDayNumber(after) - toDayNumber(start) < step ? null : after;
  };
  const bucketEnd = (start: string) =>
    q.granularity === 'day' ? start : q.granularity === 'week' ? addDays(start, 6) : lastDayOfMonth(start.slice(0, 7));
  const defaultSpan = { day: 30, week: 12, month: 12 }[q.granularity];
  const last = bucketStart(q.to ?? c.today);
  let first = bucketStart(q.from ?? last);
  if (q.from === undefined) for (let i = 1; i < defaultSpan; i += 1) first = bucketStart(addDays(first, -1));
  if (first > last)
    throw validationError([{ path: ['from'], code: 'invalid_range', message: 'from must not be after to' }]);
  const starts: string[] = [];
  for (let s: string | null = first; s !== null && s <= last; s = next(s)) {
    starts.push(s);
    if (starts.length > MAX_BUCKETS) tooMany('from', starts.length);
  }
  const end = bucketEnd(last);
  const rows = await ctx.store.totals.query(ownerId, {
    from: first,
    to: end,
    currency,
    categoryIds: q.categoryId === undefined ? undefined : [q.categoryId === 'none' ? null : q.categoryId],
    groupBy: [q.granularity === 'month' ? 'month' : 'date'],
  });
  const zero: TotalsRow = { amountMinor: 0, count: 0, refundMinor: 0, refundCount: 0 };
  const buckets = new Map<string, TotalsRow>();
  for (const row of rows) {
    const start = q.granularity === 'month' ? `${row.month!}-01` : bucketStart(row.date!);
    buckets.set(start, addRows(buckets.get(start) ?? zero, row));
  }
  const totals = starts.map((start) => buckets.get(start) ?? zero);
  const points = starts.map((start, i) => {
    const { amountMinor, count, refundCount, refundMinor } = totals[i]!;
    const windowed = totals.slice(Math.max(0, i - q.window + 1), i + 1);
    const previous = i > 0 ? totals[i - 1]!.amountMinor : null;
    return {
      start,
      end: bucketEnd(start),
      totalMinor: amountMinor,
      total: formatAmount(amountMinor, currency),
      count,
      ...refundFigures(refundCount, refundMinor, currency),
      movingAverageMinor: Math.floor(windowed.reduce((sum, t) => sum + t.amountMinor, 0) / windowed.length),
      changeMinor: previous === null ? null : amountMinor - previous,
      changePercent: previous === null ? null : percent(amountMinor - previous, previous),
    };
  });
  return { granularity: q.granularity, currency, categoryId: q.categoryId ?? null, window: q.window, points };
}
