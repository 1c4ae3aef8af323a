import { addDays } from '../dates.js';
import { newId } from '../ids.js';
import { toExpense } from '../presenters.js';
import { write, type ServiceContext, type WriteScope } from '../write-context.js';
import { findBillMatch } from './match-bill.js';
import { nextOccurrence, occurrencesBetween, type Occurrence } from './occurrences.js';
import { occurrenceRecord, setCursor, storeOccurrence } from './occurrence-actions.js';
import { flushScheduledExpenses, postScheduledExpense } from './post-expense.js';
import type { ExpenseRecord } from '../store/store.js';
import { scheduleRef, toOccurrence } from './presenters.js';
import type { OccurrenceRecord, ScheduleRecord } from './repository.js';
import { isSettled } from './schema.js';

/**
 * What one pass of `runDueSchedules` did.
 *
 * @example
 * ```ts
 * import type { ScheduleDueReport } from '@expense-tracker/core';
 *
 * const report: ScheduleDueReport = { posted: 3, matched: 1, missed: 0 };
 * ```
 */
export interface ScheduleDueReport {
  /** Occurrences of `post` schedules whose expense this pass created. */
  posted: number;
  /** Bill occurrences this pass settled with an existing expense. */
  matched: number;
  /** Bill occurrences whose window closed with no match. */
  missed: number;
}

/** Schedules read per page of the due list. */
const DUE_PAGE = 200;

/**
 * Occurrences one schedule settles per transaction: a long catch-up (a daily schedule after
 * months of downtime) commits in steps rather than in one long transaction. More than the
 * most bill occurrences that can wait at once (a daily bill with the longest window, 31
 * days), so every step makes progress.
 */
const STEP = 200;

/** Settles one due occurrence; `true` when it is still waiting (a bill within its window). */
async function settle(
  scope: WriteScope,
  schedule: ScheduleRecord,
  occurrence: Occurrence,
  report: ScheduleDueReport,
  batch: ExpenseRecord[],
  existing: OccurrenceRecord | null,
) {
  if (existing && isSettled(existing.state)) return false;
  const ref = scheduleRef(schedule);
  if (schedule.mode === 'post') {
    const expenseId = newId('exp');
    const next = occurrenceRecord(scope, schedule, occurrence, 'posted', expenseId);
    // The claim: only the writer whose insert (or state change) lands posts the expense.
    if (!(await storeOccurrence(scope, existing, next))) return false;
    const expense = await postScheduledExpense(scope, schedule, occurrence.due, expenseId, batch);
    scope.record({
      type: 'schedule.occurrence.posted',
      data: { schedule: ref, occurrence: toOccurrence(next), expense },
    });
    report.posted += 1;
    return false;
  }
  const match = await findBillMatch(scope, schedule, occurrence.due);
  if (match) {
    const next = occurrenceRecord(scope, schedule, occurrence, 'matched', match.id);
    if (!(await storeOccurrence(scope, existing, next))) return false;
    const data = { schedule: ref, occurrence: toOccurrence(next), expense: toExpense(match) };
    scope.record({ type: 'schedule.occurrence.matched', data });
    report.matched += 1;
    return false;
  }
  if (scope.today > addDays(occurrence.due, schedule.windowDays)) {
    const next = occurrenceRecord(scope, schedule, occurrence, 'missed', null);
    if (!(await storeOccurrence(scope, existing, next))) return false;
    scope.record({ type: 'schedule.occurrence.missed', data: { schedule: ref, occurrence: toOccurrence(next) } });
    report.missed += 1;
    return false;
  }
  if (!existing) await storeOccurrence(scope, null, occurrenceRecord(scope, schedule, occurrence, 'pending', null));
  return true;
}

/**
 * Days by which a stored occurrence's due date can differ from the one computed now for the
 * same nominal date: a weekend shift moves a date by at most 2 days, and the recurrence's
 * shift may have been changed since the row was stored.
 */
const SHIFT_MARGIN_DAYS = 4;

/**
 * The step's stored occurrences by nominal date, read in one query rather than one per
 * occurrence. Should a row still be missed, nothing is posted twice: the insert that claims an
 * occurrence finds its key taken.
 */
async function storedOccurrences(scope: WriteScope, schedule: ScheduleRecord, step: readonly Occurrence[]) {
  const byNominal = new Map<string, OccurrenceRecord>();
  if (step.length === 0) return byNominal;
  const rows = await scope.tx.schedules.listOccurrences(schedule.ownerId, {
    scheduleId: schedule.id,
    fromDue: addDays(step[0]!.due, -SHIFT_MARGIN_DAYS),
    toDue: addDays(step[step.length - 1]!.due, SHIFT_MARGIN_DAYS),
    limit: 2 * step.length + 100, // more than the rows the range can hold
  });
  for (const row of rows) byNominal.set(row.nominal, row);
  return byNominal;
}

/**
 * Settles up to {@link STEP} due occurrences of one schedule from its cursor and moves the
 * cursor to the first one not settled (a bill still waiting) or the next not yet due.
 * Returns whether occurrences due today are left for another step.
 */
async function settleSchedule(scope: WriteScope, schedule: ScheduleRecord, report: ScheduleDueReport) {
  if (!schedule.enabled || schedule.nextDue === null || schedule.nextDue > scope.today) return false;
  const due = occurrencesBetween(schedule.recurrence, schedule.nextDue, scope.today);
  const step = due.slice(0, STEP);
  let waiting: Occurrence | null = null;
  // The step's posted expenses are stored together, as createMany stores a batch: one insert,
  // one totals update, one alert check (measured by bench:run-due).
  const batch: ExpenseRecord[] = [];
  const stored = await storedOccurrences(scope, schedule, step);
  for (const occurrence of step) {
    const existing = stored.get(occurrence.nominal) ?? null;
    if ((await settle(scope, schedule, occurrence, report, batch, existing)) && !waiting) waiting = occurrence;
  }
  await flushScheduledExpenses(scope, schedule.ownerId, batch);
  const more = due.length > step.length;
  const after = more ? step[step.length - 1]!.due : scope.today;
  const next = waiting ?? nextOccurrence(schedule.recurrence, addDays(after, 1));
  await setCursor(scope, schedule, next);
  return more;
}

/** Works one owner's due schedules, each under the owner's write lock, until none has a step left. */
async function runOwner(ctx: ServiceContext, ownerId: string, ids: string[], report: ScheduleDueReport) {
  let pending = ids;
  while (pending.length > 0) {
    pending = await write(ctx, ownerId, async (scope) => {
      const again: string[] = [];
      for (const id of pending) {
        // Read again under the lock: another instance may have moved the cursor meanwhile.
        const schedule = await scope.tx.schedules.findById(ownerId, id);
        if (schedule && (await settleSchedule(scope, schedule, report))) again.push(id);
      }
      return again;
    });
  }
}

/**
 * The schedules' due work at `now` (SPEC §7.0, §7.3): every occurrence due since each
 * schedule's cursor, in each owner's time zone, is settled, so a pass after downtime catches
 * up on everything due since, each dated on its due date. A `post` occurrence creates its
 * expense (source `schedule`) in the same transaction as the occurrence row that claims it;
 * an `expect` occurrence is `matched` to an existing expense, `missed` once its window
 * closed, and waits (`pending`) in between. Safe on several instances at once: each owner's
 * work runs under the owner's lock and every occurrence is claimed by its unique key, so
 * each is posted once. Its writes carry `actor: { kind: 'system' }`.
 *
 * Time is `now`, never waited for: tests move it. `tracker.runDue({ now })` calls this.
 */
export async function runDueSchedules(ctx: ServiceContext, now: Date): Promise<ScheduleDueReport> {
  const due: ServiceContext = { ...ctx, clock: { now: () => now }, actor: { kind: 'system' } };
  const report: ScheduleDueReport = { posted: 0, matched: 0, missed: 0 };
  // No time zone is ahead of UTC by a day or more: a schedule due on this date anywhere is listed.
  const latest = addDays(now.toISOString().slice(0, 10), 1);
  let after: { ownerId: string; id: string } | null = null;
  for (;;) {
    const page = await ctx.store.schedules.listDue(latest, after, DUE_PAGE);
    const byOwner = new Map<string, string[]>();
    for (const { ownerId, id } of page) byOwner.set(ownerId, [...(byOwner.get(ownerId) ?? []), id]);
    for (const [ownerId, ids] of byOwner) await runOwner(due, ownerId, ids, report);
    if (page.length < DUE_PAGE) return report;
    after = page[page.length - 1]!;
  }
}
