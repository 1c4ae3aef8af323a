import { addDays } from '../dates.js';
import { toExpense } from '../presenters.js';
import type { ExpenseRecord, StoreSession } from '../store/store.js';
import type { WriteScope } from '../write-context.js';
import { toleranceBounds } from './match-bill.js';
import { occurrenceOn, occurrencesBetween, type Occurrence } from './occurrences.js';
import { moveCursorPast, occurrenceRecord, storeOccurrence } from './occurrence-actions.js';
import { scheduleRef, toOccurrence } from './presenters.js';
import type { ScheduleRecord } from './repository.js';

/**
 * States from which an occurrence can no longer be settled by a bank line. `missed` is not
 * among them: a bank statement imported after the window closed is the late evidence that
 * the bill was paid inside it.
 */
const CLOSED = new Set(['posted', 'skipped', 'matched']);

/**
 * A bank line: what an import row knows of the expense it would create.
 *
 * @example
 * ```ts
 * import type { BankLine } from './bill-for-line.js'; // internal to core
 *
 * const line: BankLine = { date: '2027-02-01', amountMinor: 120_300, currency: 'EUR' };
 * ```
 */
export interface BankLine {
  date: string;
  amountMinor: number;
  currency: string;
}

/** The bill occurrence a line would settle, with its schedule. */
export interface LineBill {
  schedule: ScheduleRecord;
  occurrence: Occurrence;
}

/**
 * Whether `line` fits `schedule`'s occurrence by the rules of `findBillMatch`: an `expect`
 * schedule's, the same currency, an expense (a debit), the amount within the tolerance, and
 * the date within the match window either side of the due date. Only occurrences due from
 * the day the schedule was created count: an old statement does not settle bills that
 * predate the schedule.
 */
export function lineFitsBill(schedule: ScheduleRecord, occurrence: Occurrence, line: BankLine): boolean {
  const { template } = schedule;
  if (schedule.mode !== 'expect' || template.kind !== 'expense' || template.currency !== line.currency) return false;
  const { min, max } = toleranceBounds(template.amountMinor, schedule.toleranceBp);
  return (
    line.amountMinor >= min &&
    line.amountMinor <= max &&
    occurrence.due >= schedule.createdAt.slice(0, 10) &&
    line.date >= addDays(occurrence.due, -schedule.windowDays) &&
    line.date <= addDays(occurrence.due, schedule.windowDays)
  );
}

/**
 * The bill each line would settle, or `null`: among the owner's enabled `expect` schedules,
 * the occurrence the line fits ({@link lineFitsBill}) that is not settled yet and not taken by
 * an earlier line (`claimed`, keys `scheduleId|nominal`, shared across a file's chunks). Of
 * several, the one due nearest the line's date, then nearest in amount, then the lowest
 * schedule id: the same order `findBillMatch` uses.
 */
export async function billsForLines(
  session: StoreSession,
  ownerId: string,
  lines: readonly (BankLine | null)[],
  claimed: Set<string>,
): Promise<(LineBill | null)[]> {
  const bills = (await session.schedules.list(ownerId)).filter((s) => s.enabled && s.mode === 'expect');
  if (bills.length === 0) return lines.map(() => null);
  const found: (LineBill | null)[] = [];
  for (const line of lines) {
    let best: { bill: LineBill; score: [number, number, string] } | null = null;
    for (const schedule of line === null ? [] : bills) {
      const from = addDays(line!.date, -schedule.windowDays);
      const to = addDays(line!.date, schedule.windowDays);
      for (const occurrence of occurrencesBetween(schedule.recurrence, from, to)) {
        if (!lineFitsBill(schedule, occurrence, line!) || claimed.has(`${schedule.id}|${occurrence.nominal}`)) continue;
        const stored = await session.schedules.findOccurrence(ownerId, schedule.id, occurrence.nominal);
        if (stored && CLOSED.has(stored.state)) continue;
        const score: [number, number, string] = [
          Math.abs(Date.parse(occurrence.due) - Date.parse(line!.date)),
          Math.abs(schedule.template.amountMinor - line!.amountMinor),
          schedule.id,
        ];
        if (best === null || compare(score, best.score) < 0) best = { bill: { schedule, occurrence }, score };
      }
    }
    if (best) claimed.add(`${best.bill.schedule.id}|${best.bill.occurrence.nominal}`);
    found.push(best?.bill ?? null);
  }
  return found;
}

function compare(a: [number, number, string], b: [number, number, string]): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/**
 * Settles the bill occurrence `(scheduleId, nominal)` with `expense`, just created by an
 * import, in the scope's transaction: the occurrence becomes `matched` to it and
 * `schedule.occurrence.matched` is recorded, so the due work posts nothing for it. Checked
 * again under the owner's lock: `false` (and nothing changed) when the schedule is gone, no
 * longer fits the expense, or the occurrence was settled since the preview.
 */
export async function settleBillWithExpense(
  scope: WriteScope,
  bill: { scheduleId: string; nominal: string },
  expense: ExpenseRecord,
): Promise<boolean> {
  const schedule = await scope.tx.schedules.findById(expense.ownerId, bill.scheduleId);
  const occurrence = schedule && occurrenceOn(schedule.recurrence, bill.nominal);
  if (!schedule?.enabled || !occurrence || expense.kind !== 'expense' || !lineFitsBill(schedule, occurrence, expense)) {
    return false;
  }
  const existing = await scope.tx.schedules.findOccurrence(expense.ownerId, schedule.id, occurrence.nominal);
  if (existing && CLOSED.has(existing.state)) return false;
  const next = occurrenceRecord(scope, schedule, occurrence, 'matched', expense.id);
  if (!(await storeOccurrence(scope, existing, next))) return false;
  await moveCursorPast(scope, schedule, occurrence);
  scope.record({
    type: 'schedule.occurrence.matched',
    data: { schedule: scheduleRef(schedule), occurrence: toOccurrence(next), expense: toExpense(expense) },
  });
  return true;
}
