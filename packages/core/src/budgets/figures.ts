import { readSchedules, scheduledSpend } from './scheduled-spend.js';
import { computeStatus, type DailySpend, type StatusFigures } from './status.js';
import { isRecurring, periodAt, periodIndexOf, type DateRange } from './periods.js';
import type { BudgetRecord, CategoryRecord, StoreSession, TotalsGroup, TotalsRow } from '../store/store.js';

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
 * period (one-off), answered from the daily totals with one query: {@link budgetsFigures} of
 * this one budget. With rollover, the query reaches back to the budget's first period so the
 * carry is applied period after period. The period containing today (and any later one) also
 * reads the owner's schedules, for the forecast's scheduled part ({@link scheduledSpend}),
 * unless `scheduled: false` (an alert check with no `forecast` rule pending: `spent` rules need
 * no forecast, and the due work posting thousands of occurrences must not read every schedule
 * for each).
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
  const [figures] = await budgetsFigures(session, [{ budget, range, covered }], today, options);
  return figures!;
}

/** One budget of {@link budgetsFigures}: its periods `from..to` and the categories it covers (`undefined`: all). */
export interface FiguresRequest {
  budget: BudgetRecord;
  range: { from: number; to: number };
  covered: Set<string> | undefined;
}

/** A request with what it needs from the daily totals: the days `from..to`. */
interface Plan extends FiguresRequest {
  first: number;
  withRollover: boolean;
  periods: DateRange[];
  /** The first period's start; with rollover, the start of the budget's first period. */
  from: string;
  /** The last period's end. */
  to: string;
}

function planOf(request: FiguresRequest): Plan {
  const { budget, range } = request;
  const first = firstIndex(budget);
  const withRollover = budget.rollover !== 'none' && isRecurring(budget.period) && range.to > first;
  const periods = periodsOf(budget, range.from, range.to);
  // With rollover the sums reach back to the budget's first period, for the carry.
  const queryFrom = withRollover ? Math.min(first, range.from) : range.from;
  return {
    ...request,
    first,
    withRollover,
    periods,
    from: queryFrom === range.from ? periods[0]!.start : periodsOf(budget, queryFrom, queryFrom)[0]!.start,
    to: periods[periods.length - 1]!.end,
  };
}

/** Whether two coverages are the same categories (`undefined`, all spending, only equals itself). */
function sameCoverage(a: Set<string> | undefined, b: Set<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((id) => b.has(id));
}

/**
 * Each plan's spending per day (dates ascending, days without any expense absent), from one
 * totals query over the union of the plans' days. The query is grouped only by what tells the
 * plans apart: by date alone when they share one currency and one coverage (so one budget's
 * query is the one it always was), by currency when their currencies differ, by category when
 * their coverages do. It is filtered by the currency when they share one, and by the categories
 * they cover between them when none covers all spending.
 */
async function dailySpending(session: StoreSession, ownerId: string, plans: readonly Plan[]): Promise<DailySpend[][]> {
  const [head] = plans;
  const currencies = new Set(plans.map((plan) => plan.budget.currency));
  const sameScope = plans.every((plan) => sameCoverage(plan.covered, head!.covered));
  const categoryIds = plans.every((plan) => plan.covered !== undefined)
    ? [...new Set(plans.flatMap((plan) => [...plan.covered!]))]
    : undefined;
  const groupBy: TotalsGroup[] = ['date'];
  if (currencies.size > 1) groupBy.push('currency');
  if (!sameScope) groupBy.push('category');
  const rows = await session.totals.query(ownerId, {
    from: plans.reduce((min, plan) => (plan.from < min ? plan.from : min), head!.from),
    to: plans.reduce((max, plan) => (plan.to > max ? plan.to : max), head!.to),
    ...(currencies.size === 1 ? { currency: head!.budget.currency } : {}),
    ...(categoryIds ? { categoryIds } : {}),
    groupBy,
  });
  return plans.map((plan) => {
    const days: DailySpend[] = [];
    for (let i = firstOnOrAfter(rows, plan.from); i < rows.length && rows[i]!.date! <= plan.to; i += 1) {
      const row = rows[i]!;
      if (row.currency !== undefined && row.currency !== plan.budget.currency) continue;
      const covered = plan.covered;
      if (
        row.categoryId !== undefined &&
        covered !== undefined &&
        (row.categoryId === null || !covered.has(row.categoryId))
      )
        continue;
      // Rows of one date are adjacent (ordered by date first): they add up into one day.
      const last = days[days.length - 1];
      if (last !== undefined && last.date === row.date) last.amountMinor += row.amountMinor;
      else days.push({ date: row.date!, amountMinor: row.amountMinor });
    }
    return days;
  });
}

/** The index of the first row dated `date` or later (rows in date order). */
function firstOnOrAfter(rows: readonly TotalsRow[], date: string): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (rows[mid]!.date! < date) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The figures of several budgets of one owner, each for its periods `range.from..range.to`
 * (recurring) or its one period (one-off), as {@link budgetFigures} answers for each alone,
 * from one totals query for all of them (see `dailySpending`) and, for the periods containing
 * today or later, one read of the owner's schedules ({@link readSchedules}) unless
 * `scheduled: false`. So the statements it runs do not grow with the number of budgets.
 * Answers in the order of `requests`.
 */
export async function budgetsFigures(
  session: StoreSession,
  requests: readonly FiguresRequest[],
  today: string,
  options: { scheduled?: boolean } = {},
): Promise<StatusFigures[][]> {
  const [head] = requests;
  if (!head) return [];
  const ownerId = head.budget.ownerId;
  if (requests.some((request) => request.budget.ownerId !== ownerId))
    throw new Error('budgetsFigures: every budget must be of one owner');
  const plans = requests.map(planOf);
  const spending = await dailySpending(session, ownerId, plans);
  const reading =
    options.scheduled === false
      ? null
      : await readSchedules(
          session,
          ownerId,
          plans.flatMap((plan) => plan.periods),
          today,
        );
  const answers: StatusFigures[][] = [];
  for (const [i, plan] of plans.entries()) {
    const { budget, range, periods, first, covered } = plan;
    // Days and periods are both in date order: walk them together. Earlier days only add to
    // their period's spending, for the carry.
    const daily = periods.map(() => [] as DailySpend[]);
    const spentBefore = new Map<number, number>();
    let p = 0;
    for (const day of spending[i]!) {
      if (day.date < periods[0]!.start) {
        const index = periodIndex(budget, day.date);
        spentBefore.set(index, (spentBefore.get(index) ?? 0) + day.amountMinor);
        continue;
      }
      while (p < periods.length - 1 && day.date > periods[p]!.end) p += 1;
      daily[p]!.push(day);
    }
    let carries: number[] = periods.map(() => 0);
    if (plan.withRollover) {
      const spent = new Map(spentBefore);
      daily.forEach((days, k) =>
        spent.set(
          range.from + k,
          days.reduce((sum, d) => sum + d.amountMinor, 0),
        ),
      );
      carries = carriesInto(budget.rollover as 'surplus' | 'full', budget.amountMinor, first, spent, range);
    }
    const figures: StatusFigures[] = [];
    for (const [k, period] of periods.entries()) {
      // Closed periods (all of a history) read no schedules: see scheduledSpend.
      const scheduled = reading ? await reading.spend(budget, period, covered) : undefined;
      figures.push(
        computeStatus({
          period,
          limitMinor: budget.amountMinor,
          rolloverMinor: carries[k]!,
          daily: daily[k]!,
          today,
          scheduled,
        }),
      );
    }
    answers.push(figures);
  }
  return answers;
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
