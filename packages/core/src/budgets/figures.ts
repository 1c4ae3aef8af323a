import { scheduledSpend } from './scheduled-spend.js';
import { computeStatus, type StatusFigures } from './status.js';
import { isRecurring, periodAt, periodIndexOf, type DateRange } from './periods.js';
import type { BudgetRecord, CategoryRecord, StoreSession } from '../store/store.js';

/**
 * The categories a budget covers: its own and their subcategories; `undefined` for all
 * spending. Computed from the owner's categories, so a subcategory added later counts too.
 */
export function coveredCategories(
  budget: BudgetRecord,
  categories: readonly CategoryRecord[],
): Set<string> | undefined {
  if (budget.categoryIds.length === 0) return undefined;
  const covered = new Set(budget.categoryIds);
  for (const category of categories)
    if (category.parentId !== null && covered.has(category.parentId)) covered.add(category.id);
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

/**
 * The budget's figures for its periods with indices `from..to` (recurring) or its one
 * period (one-off), answered from the daily totals with one query. With rollover, the query
 * reaches back to the budget's first period so the carry is applied period after period.
 * The period containing today (and any later one) also reads the owner's schedules, for the
 * forecast's scheduled part ({@link scheduledSpend}), unless `scheduled: false` (an alert check
 * with no `forecast` rule pending: `spent` rules need no forecast, and the due work posting
 * thousands of occurrences must not read every schedule for each).
 * `perDay: false` (alert checks) skips the per-day grouping when it can; the figures are the
 * same except that `projectedExceedDate` is not looked up once spending has passed the limit.
 */
export async function budgetFigures(
  session: StoreSession,
  budget: BudgetRecord,
  range: { from: number; to: number },
  today: string,
  covered: Set<string> | undefined,
  options: { perDay?: boolean; scheduled?: boolean } = {},
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
    return [
      computeStatus({
        period: period!,
        limitMinor: budget.amountMinor,
        rolloverMinor: 0,
        daily: { totalMinor: row?.amountMinor ?? 0 },
        today,
        scheduled:
          options.scheduled === false ? undefined : await scheduledSpend(session, budget, period!, today, covered),
      }),
    ];
  }
  const periods = periodsOf(budget, range.from, range.to);
  // With rollover the sums reach back to the budget's first period, for the carry.
  const queryFrom = withRollover ? Math.min(first, range.from) : range.from;
  const rows = await session.totals.query(budget.ownerId, {
    from: queryFrom === range.from ? periods[0]!.start : periodsOf(budget, queryFrom, queryFrom)[0]!.start,
    to: periods[periods.length - 1]!.end,
    currency: budget.currency,
    categoryIds: covered && [...covered],
    groupBy: ['date'],
  });
  // Rows and periods are both in date order: walk them together. Earlier rows only add to
  // their period's spending, for the carry.
  const daily = periods.map(() => [] as { date: string; amountMinor: number }[]);
  const spentBefore = new Map<number, number>();
  let p = 0;
  for (const row of rows) {
    if (row.date! < periods[0]!.start) {
      const index = periodIndex(budget, row.date!);
      spentBefore.set(index, (spentBefore.get(index) ?? 0) + row.amountMinor);
      continue;
    }
    while (p < periods.length - 1 && row.date! > periods[p]!.end) p += 1;
    daily[p]!.push({ date: row.date!, amountMinor: row.amountMinor });
  }
  let carries: number[] = periods.map(() => 0);
  if (withRollover) {
    const spent = new Map(spentBefore);
    daily.forEach((days, i) =>
      spent.set(
        range.from + i,
        days.reduce((sum, d) => sum + d.amountMinor, 0),
      ),
    );
    carries = carriesInto(budget.rollover as 'surplus' | 'full', budget.amountMinor, first, spent, range);
  }
  const figures: StatusFigures[] = [];
  for (const [i, period] of periods.entries()) {
    // Closed periods (all of a history) read no schedules: see scheduledSpend.
    const scheduled =
      options.scheduled === false ? undefined : await scheduledSpend(session, budget, period, today, covered);
    figures.push(
      computeStatus({
        period,
        limitMinor: budget.amountMinor,
        rolloverMinor: carries[i]!,
        daily: daily[i]!,
        today,
        scheduled,
      }),
    );
  }
  return figures;
}

/**
 * The rollover carried into each period `range.from..range.to`, starting from 0 in the
 * budget's first period, as {@link rolloverChain} computes it period after period, but
 * stepping only through the periods with spending: a run of m periods without any adds m
 * limits (up to the cap) at once. So the cost follows the spending, not the number of
 * periods since `startsOn` (a daily budget from 1900 asked about 9999 has ~2.9 million).
 */
export function carriesInto(
  mode: 'surplus' | 'full',
  limitMinor: number,
  first: number,
  spent: ReadonlyMap<number, number>,
  range: { from: number; to: number },
): number[] {
  const cap = Number.MAX_SAFE_INTEGER - limitMinor; // limit + carry stays a safe integer
  const withSpending = [...spent.keys()]
    .filter((k) => k >= first && k < range.to && spent.get(k)! !== 0)
    .sort((a, b) => a - b);
  // After m periods without spending: each adds the limit (a surplus carry is never below 0 there).
  const idle = (carry: number, m: number) => {
    const next = BigInt(carry) + BigInt(m) * BigInt(limitMinor);
    return next > BigInt(cap) ? cap : Number(next);
  };
  // rolloverChain's one step: what was left of limit + carry.
  const step = (carry: number, spentMinor: number) => {
    const left = Math.min(limitMinor + carry - spentMinor, cap);
    return mode === 'surplus' ? Math.max(0, left) : left;
  };
  const carries: number[] = [];
  let k = first; // the carry below is the one into period k
  let carry = 0;
  let next = 0; // index into withSpending
  for (let target = range.from; target <= range.to; target += 1) {
    if (target <= first) {
      carries.push(0);
      continue;
    }
    while (k < target) {
      const spending = next < withSpending.length ? withSpending[next]! : Infinity;
      if (spending > k) {
        const until = Math.min(spending, target);
        carry = idle(carry, until - k);
        k = until;
      } else {
        carry = step(carry, spent.get(k)!);
        k += 1;
        next += 1;
      }
    }
    carries.push(carry);
  }
  return carries;
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
