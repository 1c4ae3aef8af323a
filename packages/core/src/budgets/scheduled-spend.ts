import { addDays } from '../dates.js';
import { occurrencesBetween } from '../schedules/occurrences.js';
import type { OccurrenceRecord, ScheduleRecord } from '../schedules/repository.js';
import { isSettled } from '../schedules/schema.js';
import type { BudgetRecord, ExpenseRecord, StoreSession } from '../store/store.js';
import type { DateRange } from './periods.js';
import type { DailySpend, ScheduledSpend } from './status.js';

/**
 * How far before a period an occurrence that settled with an expense dated in it can be due:
 * a bill's match window (at most 31 days) reaches that far either side of its due date.
 */
const WINDOW_REACH_DAYS = 31;

/** The most stored occurrences read for one period. */
const MAX_ROWS = 10_000;

const signed = (kind: string, amountMinor: number) => (kind === 'refund' ? -amountMinor : amountMinor);

/** The due dates whose occurrences can tell a period's forecast something. */
function windowOf(period: DateRange): { fromDue: string; toDue: string } {
  return { fromDue: addDays(period.start, -WINDOW_REACH_DAYS), toDue: period.end };
}

/**
 * What the owner's schedules tell the forecasts of several budgets' periods, read once: the
 * owner's schedules, the occurrences due in the periods' windows and the expenses that settled
 * them. `null` when no period asked about is open on `today` or the owner has no schedules:
 * then every period's scheduled part is `undefined`, as {@link scheduledSpend} answers.
 */
export interface ScheduleReading {
  /** {@link scheduledSpend} of one budget's period, from what was read. */
  spend(budget: BudgetRecord, period: DateRange, covered: Set<string> | undefined): Promise<ScheduledSpend | undefined>;
}

/**
 * Reads the owner's schedules once for the forecasts of `periods` (of any of the owner's
 * budgets), seen on `today`. Closed periods read nothing. The occurrences of all open periods
 * come from one read over the union of their windows; only if that read reaches its row limit
 * (so a period's own read might have seen other rows) does each period read its window as
 * {@link scheduledSpend} does alone, so the answers are the same either way. Expenses that
 * settled an occurrence are looked up once each, whichever budgets count them.
 */
export async function readSchedules(
  session: StoreSession,
  ownerId: string,
  periods: readonly DateRange[],
  today: string,
): Promise<ScheduleReading | null> {
  const open = periods.filter((period) => today <= period.end);
  if (open.length === 0) return null;
  const schedules = await session.schedules.list(ownerId);
  if (schedules.length === 0) return null;
  const windows = open.map(windowOf);
  const union = {
    fromDue: windows.reduce((min, w) => (w.fromDue < min ? w.fromDue : min), windows[0]!.fromDue),
    toDue: windows.reduce((max, w) => (w.toDue > max ? w.toDue : max), windows[0]!.toDue),
  };
  const all = await session.schedules.listOccurrences(ownerId, { ...union, limit: MAX_ROWS });
  const complete = all.length < MAX_ROWS;
  const byWindow = new Map<string, Promise<OccurrenceRecord[]>>();
  const occurrencesIn = (window: { fromDue: string; toDue: string }): Promise<OccurrenceRecord[]> => {
    if (window.fromDue === union.fromDue && window.toDue === union.toDue) return Promise.resolve(all);
    if (complete) return Promise.resolve(all.filter((row) => row.due >= window.fromDue && row.due <= window.toDue));
    const key = `${window.fromDue}|${window.toDue}`;
    let rows = byWindow.get(key);
    if (!rows) {
      rows = session.schedules.listOccurrences(ownerId, { ...window, limit: MAX_ROWS });
      byWindow.set(key, rows);
    }
    return rows;
  };
  const expenses = new Map<string, Promise<ExpenseRecord | null>>();
  const expense = (id: string): Promise<ExpenseRecord | null> => {
    let found = expenses.get(id);
    if (!found) {
      found = session.expenses.findById(ownerId, id);
      expenses.set(id, found);
    }
    return found;
  };
  return {
    spend: async (budget, period, covered) => {
      if (today > period.end) return undefined;
      return spendOf(schedules, await occurrencesIn(windowOf(period)), expense, budget, period, today, covered);
    },
  };
}

/** A budget's scheduled part for one open period, from the owner's schedules and the period's occurrences. */
async function spendOf(
  schedules: readonly ScheduleRecord[],
  rows: readonly OccurrenceRecord[],
  expense: (id: string) => Promise<ExpenseRecord | null>,
  budget: BudgetRecord,
  period: DateRange,
  today: string,
  covered: Set<string> | undefined,
): Promise<ScheduledSpend> {
  const inScope = (currency: string, categoryId: string | null) =>
    currency === budget.currency && (covered === undefined || (categoryId !== null && covered.has(categoryId)));
  const stored = new Map(rows.map((row) => [`${row.scheduleId}|${row.nominal}`, row.state]));
  const upcoming: DailySpend[] = [];
  const from = today < period.start ? period.start : addDays(today, 1);
  for (const schedule of schedules) {
    const { template } = schedule;
    if (!schedule.enabled || schedule.nextDue === null || !inScope(template.currency, template.categoryId)) continue;
    for (const occurrence of occurrencesBetween(schedule.recurrence, from, period.end)) {
      const state = stored.get(`${schedule.id}|${occurrence.nominal}`);
      if (state !== undefined && isSettled(state)) continue;
      upcoming.push({ date: occurrence.due, amountMinor: signed(template.kind, template.amountMinor) });
    }
  }
  let spentMinor = 0;
  for (const row of rows) {
    if ((row.state !== 'posted' && row.state !== 'matched') || row.expenseId === null) continue;
    const found = await expense(row.expenseId);
    if (!found || found.date < period.start || found.date > period.end) continue;
    if (inScope(found.currency, found.categoryId)) spentMinor += signed(found.kind, found.amountMinor);
  }
  return { upcoming, spentMinor };
}

/**
 * What the owner's schedules tell a budget's forecast for `period` (SPEC §7.3), seen on
 * `today`. Upcoming: each enabled schedule whose template is in the budget's currency and
 * scope (its category covered, or any category for a budget of all spending), its
 * occurrences due after today within the period, less those already settled (posted early,
 * skipped, matched); `post` and `expect` alike, at the template's amount. A schedule in
 * another currency is left out, as expenses in another currency are: sums never mix
 * currencies. Spent: the expenses that settled the period's occurrences (posted or matched)
 * and that count in the budget (its currency and scope, dated in the period), at their own
 * amounts. Nothing for a closed period, whose forecast is what was spent. Several budgets'
 * periods read once through {@link readSchedules}.
 */
export async function scheduledSpend(
  session: StoreSession,
  budget: BudgetRecord,
  period: DateRange,
  today: string,
  covered: Set<string> | undefined,
): Promise<ScheduledSpend | undefined> {
  const reading = await readSchedules(session, budget.ownerId, [period], today);
  return reading ? reading.spend(budget, period, covered) : undefined;
}
