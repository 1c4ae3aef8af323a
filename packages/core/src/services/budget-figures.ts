import { computeStatus, rolloverChain, type StatusFigures } from '../domain/budget-status.js';
import { isRecurring, periodAt, periodIndexOf, type DateRange } from '../domain/periods.js';
import type { BudgetStatus } from '../schemas/budget.js';
import type { BudgetRecord, CategoryRecord, StoreSession } from '../store/store.js';

/**
 * The categories a budget covers: its own and their subcategories; `undefined` for all
 * spending. Computed from the owner's categories, so a subcategory added later counts too.
 */
export function coveredCategories(budget: BudgetRecord, categories: readonly CategoryRecord[]): Set<string> | undefined {
  if (budget.categoryIds.length === 0) return undefined;
  const covered = new Set(budget.categoryIds);
  for (const category of categories) if (category.parentId !== null && covered.has(category.parentId)) covered.add(category.id);
  return covered;
}

/** The index of the budget's first period: the one containing `startsOn`. */
function firstIndex(budget: BudgetRecord): number {
  return isRecurring(budget.period) ? periodIndexOf(budget.period, budget.startsOn) : 0;
}

/** Periods `from..to` of a recurring budget (a one-off budget has the one). */
function periodsOf(budget: BudgetRecord, from: number, to: number): DateRange[] {
  const period = budget.period;
  if (!isRecurring(period)) return [{ start: period.start, end: period.end }];
  return Array.from({ length: to - from + 1 }, (_, i) => periodAt(period, from + i));
}

/** Adds the budget's id and currency to computed figures. */
export function toBudgetStatus(budget: BudgetRecord, figures: StatusFigures): BudgetStatus {
  return { budgetId: budget.id, currency: budget.currency, ...figures };
}

/**
 * The budget's figures for its periods with indices `from..to` (recurring) or its one
 * period (one-off), answered from the daily totals with one query. With rollover, the query
 * reaches back to the budget's first period so the carry is applied period after period.
 * `perDay: false` (alert checks) skips the per-day grouping when it can; the figures are the
 * same except that `projectedExceedDate` is not looked up once spending has passed the limit.
 */
export async function budgetFigures(
  session: StoreSession,
  budget: BudgetRecord,
  range: { from: number; to: number },
  today: string,
  covered: Set<string> | undefined,
  options: { perDay?: boolean } = {},
): Promise<StatusFigures[]> {
  const first = firstIndex(budget);
  const withRollover = budget.rollover !== 'none' && isRecurring(budget.period) && range.to > first;
  if (!withRollover && options.perDay === false && range.from === range.to) {
    // One period, no per-day figure wanted (alert checks): one sum, no grouping.
    const [period] = periodsOf(budget, range.from, range.to);
    const [row] = await session.totals.query(budget.ownerId, {
      from: period!.start,
      to: period!.end,
      currency: budget.currency,
      categoryIds: covered && [...covered],
      groupBy: [],
    });
    return [computeStatus({ period: period!, limitMinor: budget.amountMinor, rolloverMinor: 0, daily: { totalMinor: row?.amountMinor ?? 0 }, today })];
  }
  const queryFrom = withRollover ? Math.min(first, range.from) : range.from;
  const periods = periodsOf(budget, queryFrom, range.to);
  const rows = await session.totals.query(budget.ownerId, {
    from: periods[0]!.start,
    to: periods[periods.length - 1]!.end,
    currency: budget.currency,
    categoryIds: covered && [...covered],
    groupBy: ['date'],
  });
  // Rows and periods are both in date order: walk them together.
  const daily = periods.map(() => [] as { date: string; amountMinor: number }[]);
  let p = 0;
  for (const row of rows) {
    while (p < periods.length - 1 && row.date! > periods[p]!.end) p += 1;
    daily[p]!.push({ date: row.date!, amountMinor: row.amountMinor });
  }
  let carries: number[] = periods.map(() => 0);
  if (withRollover) {
    const offset = first - queryFrom; // periods before the first carry nothing
    const spent = daily.slice(offset).map((days) => days.reduce((sum, d) => sum + d.amountMinor, 0));
    const chain = rolloverChain(budget.rollover, budget.amountMinor, spent);
    carries = periods.map((_, i) => (i < offset ? 0 : chain[i - offset]!));
  }
  const skip = range.from - queryFrom;
  return periods.slice(skip).map((period, i) =>
    computeStatus({ period, limitMinor: budget.amountMinor, rolloverMinor: carries[i + skip]!, daily: daily[i + skip]!, today }),
  );
}

/** The index of the period containing `date` (0 for a one-off budget). */
export function periodIndex(budget: BudgetRecord, date: string): number {
  return isRecurring(budget.period) ? periodIndexOf(budget.period, date) : 0;
}

/** The budget's current period, or `null` when the budget is not active on `today`. */
export function activePeriod(budget: BudgetRecord, today: string): { index: number; period: DateRange } | null {
  if (today < budget.startsOn || (budget.endsOn !== null && today > budget.endsOn)) return null;
  const index = periodIndex(budget, today);
  const [period] = periodsOf(budget, index, index);
  if (!period || today < period.start || today > period.end) return null;
  return { index, period };
}
