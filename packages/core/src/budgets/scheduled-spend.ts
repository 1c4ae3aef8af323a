import { addDays } from '../dates.js';
import { occurrencesBetween } from '../schedules/occurrences.js';
import type { BudgetRecord, StoreSession } from '../store/store.js';
import type { DateRange } from './periods.js';
import type { DailySpend, ScheduledSpend } from './status.js';

/** Occurrence states after which nothing more is posted or expected. */
const SETTLED = new Set(['posted', 'skipped', 'matched', 'missed']);

/**
 * How far before a period an occurrence that settled with an expense dated in it can be due:
 * a bill's match window (at most 31 days) reaches that far either side of its due date.
 */
const WINDOW_REACH_DAYS = 31;

/** The most stored occurrences read for one period. */
const MAX_ROWS = 10_000;

const signed = (kind: string, amountMinor: number) => (kind === 'refund' ? -amountMinor : amountMinor);

/**
 * What the owner's schedules tell a budget's forecast for `period` (SPEC §7.3), seen on
 * `today`. Upcoming: each enabled schedule whose template is in the budget's currency and
 * scope (its category covered, or any category for a budget of all spending), its
 * occurrences due after today within the period, less those already settled (posted early,
 * skipped, matched); `post` and `expect` alike, at the template's amount. A schedule in
 * another currency is left out, as expenses in another currency are: sums never mix
 * currencies. Spent: the expenses that settled the period's occurrences (posted or matched)
 * and that count in the budget (its currency and scope, dated in the period), at their own
 * amounts. Nothing for a closed period, whose forecast is what was spent.
 */
export async function scheduledSpend(
  session: StoreSession,
  budget: BudgetRecord,
  period: DateRange,
  today: string,
  covered: Set<string> | undefined,
): Promise<ScheduledSpend | undefined> {
  if (today > period.end) return undefined;
  const schedules = await session.schedules.list(budget.ownerId);
  if (schedules.length === 0) return undefined;
  const inScope = (currency: string, categoryId: string | null) =>
    currency === budget.currency && (covered === undefined || (categoryId !== null && covered.has(categoryId)));
  const rows = await session.schedules.listOccurrences(budget.ownerId, {
    fromDue: addDays(period.start, -WINDOW_REACH_DAYS),
    toDue: period.end,
    limit: MAX_ROWS,
  });
  const stored = new Map(rows.map((row) => [`${row.scheduleId}|${row.nominal}`, row.state]));
  const upcoming: DailySpend[] = [];
  const from = today < period.start ? period.start : addDays(today, 1);
  for (const schedule of schedules) {
    const { template } = schedule;
    if (!schedule.enabled || schedule.nextDue === null || !inScope(template.currency, template.categoryId)) continue;
    for (const occurrence of occurrencesBetween(schedule.recurrence, from, period.end)) {
      const state = stored.get(`${schedule.id}|${occurrence.nominal}`);
      if (state !== undefined && SETTLED.has(state)) continue;
      upcoming.push({ date: occurrence.due, amountMinor: signed(template.kind, template.amountMinor) });
    }
  }
  let spentMinor = 0;
  for (const row of rows) {
    if ((row.state !== 'posted' && row.state !== 'matched') || row.expenseId === null) continue;
    const expense = await session.expenses.findById(budget.ownerId, row.expenseId);
    if (!expense || expense.date < period.start || expense.date > period.end) continue;
    if (inScope(expense.currency, expense.categoryId)) spentMinor += signed(expense.kind, expense.amountMinor);
  }
  return { upcoming, spentMinor };
}
