import { z } from 'zod';
import { notFound, TrackerError, validationError } from '../errors.js';
import { localDateSchema } from '../common-schemas.js';
import { formatAmount } from '../money.js';
import { newId } from '../ids.js';
import { assertOpen, parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';
import { addDays } from '../dates.js';
import { nextOccurrence, occurrenceOn, occurrencesBetween, type Occurrence } from './occurrences.js';
import { postScheduledExpense } from './post-expense.js';
import { scheduleRef, toOccurrence } from './presenters.js';
import type { OccurrenceRecord, ScheduleRecord } from './repository.js';
import {
  isSettled,
  scheduleRangeSchema,
  type OccurrenceState,
  type ScheduleOccurrence,
  type SchedulePostResult,
  type ScheduleRange,
  type UpcomingOccurrence,
} from './schema.js';
import { loadSchedule } from './service.js';

/** The most stored occurrences one `occurrences()` call returns. */
const MAX_OCCURRENCES = 1000;

/** The occurrence of `schedule` on nominal date `date`, or `VALIDATION_FAILED` (`not_an_occurrence`). */
function occurrenceOf(schedule: ScheduleRecord, date: string): Occurrence {
  const found = occurrenceOn(schedule.recurrence, date);
  if (!found) {
    throw validationError([
      {
        path: ['date'],
        code: 'not_an_occurrence',
        message: `Schedule ${schedule.id} has no occurrence on ${date}: give an occurrence's nominal date`,
      },
    ]);
  }
  return found;
}

/**
 * Stores an occurrence's new state: inserted when it has no row (claimed by the unique key),
 * or moved from its stored state. `false` when another writer got there first.
 */
export async function storeOccurrence(
  scope: WriteScope,
  existing: OccurrenceRecord | null,
  next: OccurrenceRecord,
): Promise<boolean> {
  if (!existing) return scope.tx.schedules.insertOccurrence(next);
  return scope.tx.schedules.updateOccurrence({ ...next, createdAt: existing.createdAt }, existing.state);
}

/** A new occurrence record of `schedule` at the scope's instant. */
export function occurrenceRecord(
  scope: WriteScope,
  schedule: ScheduleRecord,
  occurrence: Occurrence,
  state: OccurrenceState,
  expenseId: string | null,
): OccurrenceRecord {
  return {
    ownerId: schedule.ownerId,
    scheduleId: schedule.id,
    nominal: occurrence.nominal,
    due: occurrence.due,
    state,
    expenseId,
    createdAt: scope.at,
    updatedAt: scope.at,
  };
}

/**
 * Puts `schedule`'s cursor (its `nextOccurrence`) on `next`, or `null` when the series has ended,
 * unless it is there already. The cursor is bookkeeping, not an edit: `updatedAt` stays the owner's.
 */
export async function setCursor(scope: WriteScope, schedule: ScheduleRecord, next: Occurrence | null): Promise<void> {
  if (next?.nominal === schedule.nextNominal && next?.due === schedule.nextDue) return;
  await scope.tx.schedules.update({ ...schedule, nextNominal: next?.nominal ?? null, nextDue: next?.due ?? null });
}

/**
 * Moves `schedule`'s cursor (its `nextOccurrence`, the first occurrence not yet settled) past
 * `settled`, an occurrence just settled ahead of the due work (skipped, posted now, or matched by
 * an import), when the cursor was on it: to the first later occurrence with no stored row or a
 * `pending` one, or `null` when the series ends first. Any other cursor stays where it is: it is
 * on an earlier occurrence, which is still open, or the series has ended.
 */
export async function moveCursorPast(scope: WriteScope, schedule: ScheduleRecord, settled: Occurrence): Promise<void> {
  if (schedule.nextNominal !== settled.nominal) return;
  let next = nextOccurrence(schedule.recurrence, addDays(settled.due, 1));
  // One lookup per occurrence settled ahead of time in a row: each is a stored row the owner made.
  while (next) {
    const stored = await scope.tx.schedules.findOccurrence(schedule.ownerId, schedule.id, next.nominal);
    if (!stored || !isSettled(stored.state)) break;
    next = nextOccurrence(schedule.recurrence, addDays(next.due, 1));
  }
  await setCursor(scope, schedule, next);
}

/**
 * Reopens the bill occurrences settled by expenses being deleted in the scope's transaction (by
 * the owner, or by an import's revert): a `matched` occurrence goes back to `pending` with no
 * expense, `schedule.occurrence.reopened` is recorded, and its schedule's cursor moves back to it
 * when it is further on, so the due work looks for a payment again and marks it `missed` once its
 * window has closed. A `posted` occurrence stays posted: its expense was the schedule's own, and
 * an occurrence is posted at most once.
 */
export async function reopenBillsOf(scope: WriteScope, ownerId: string, expenseIds: readonly string[]): Promise<void> {
  if (expenseIds.length === 0) return;
  const settled = await scope.tx.schedules.occurrencesOfExpenses(ownerId, expenseIds);
  for (const row of settled) {
    if (row.state !== 'matched') continue;
    const reopened: OccurrenceRecord = { ...row, state: 'pending', expenseId: null, updatedAt: scope.at };
    if (!(await scope.tx.schedules.updateOccurrence(reopened, 'matched'))) continue;
    const schedule = await scope.tx.schedules.findById(ownerId, row.scheduleId);
    if (!schedule) continue; // its occurrences go with it
    // Where the rule puts it now (a changed weekend shift may move its due date); an occurrence
    // the rule no longer has stays pending beside it, as one left by a rule change does.
    const current = occurrenceOn(schedule.recurrence, row.nominal);
    if (current && (schedule.nextNominal === null || current.nominal < schedule.nextNominal)) {
      await setCursor(scope, schedule, current);
    }
    scope.record({
      type: 'schedule.occurrence.reopened',
      data: { schedule: scheduleRef(schedule), occurrence: toOccurrence(reopened) },
    });
  }
}

function conflict(occurrence: OccurrenceRecord, action: string): TrackerError {
  return new TrackerError(
    'CONFLICT',
    `The occurrence on ${occurrence.nominal} is already ${occurrence.state}: it cannot be ${action}`,
    { details: { state: occurrence.state, nominal: occurrence.nominal } },
  );
}

/**
 * Skips one occurrence (by its nominal date): it will not be posted or expected. Skipping a
 * skipped occurrence changes nothing; one posted, matched or missed is a `CONFLICT`.
 */
export async function skipOccurrence(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  date: string,
): Promise<ScheduleOccurrence> {
  const nominal = parseInput(localDateSchema, date, ['date']);
  return write(ctx, ownerId, async (scope) => {
    const schedule = await loadSchedule(scope, ownerId, id);
    const occurrence = occurrenceOf(schedule, nominal);
    const existing = await scope.tx.schedules.findOccurrence(ownerId, id, nominal);
    if (existing?.state === 'skipped') return toOccurrence(existing);
    if (existing && existing.state !== 'pending') throw conflict(existing, 'skipped');
    const next = occurrenceRecord(scope, schedule, occurrence, 'skipped', null);
    await storeOccurrence(scope, existing, next);
    await moveCursorPast(scope, schedule, occurrence);
    const result = toOccurrence(next);
    scope.record({
      type: 'schedule.occurrence.skipped',
      data: { schedule: scheduleRef(schedule), occurrence: result },
    });
    return result;
  });
}

/**
 * Posts one occurrence now, whatever its mode or due date: the expense is dated on its due
 * date, or today when that is still ahead (paying early). An occurrence already posted or
 * matched is a `CONFLICT`; a skipped, missed or pending one is posted.
 */
export async function postOccurrenceNow(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  date: string,
): Promise<SchedulePostResult> {
  const nominal = parseInput(localDateSchema, date, ['date']);
  return write(ctx, ownerId, async (scope) => {
    const schedule = await loadSchedule(scope, ownerId, id);
    const occurrence = occurrenceOf(schedule, nominal);
    const existing = await scope.tx.schedules.findOccurrence(ownerId, id, nominal);
    if (existing && (existing.state === 'posted' || existing.state === 'matched')) throw conflict(existing, 'posted');
    const expenseId = newId('exp');
    const next = occurrenceRecord(scope, schedule, occurrence, 'posted', expenseId);
    await storeOccurrence(scope, existing, next);
    await moveCursorPast(scope, schedule, occurrence);
    const day = occurrence.due < scope.today ? occurrence.due : scope.today;
    const expense = await postScheduledExpense(scope, schedule, day, expenseId);
    const result = toOccurrence(next);
    scope.record({
      type: 'schedule.occurrence.posted',
      data: { schedule: scheduleRef(schedule), occurrence: result, expense },
    });
    return { occurrence: result, expense };
  });
}

/**
 * Query of `owner.schedules.occurrences()`: stored occurrences by due date, both ends
 * inclusive and optional.
 *
 * @example
 * ```ts
 * import { occurrenceQuerySchema } from '@expense-tracker/core';
 *
 * occurrenceQuerySchema.parse({ from: '2027-01-01' }); // { from: '2027-01-01' }
 * ```
 */
export const occurrenceQuerySchema = z
  .strictObject({ from: localDateSchema.optional(), to: localDateSchema.optional() })
  .meta({ id: 'ScheduleOccurrenceQuery' });

/**
 * Query of `owner.schedules.occurrences()`.
 *
 * @example
 * ```ts
 * import type { OccurrenceQueryInput } from '@expense-tracker/core';
 *
 * const query: OccurrenceQueryInput = { from: '2027-01-01', to: '2027-06-30' };
 * await owner.schedules.occurrences(scheduleId, query);
 * ```
 */
export type OccurrenceQueryInput = z.input<typeof occurrenceQuerySchema>;

/** The stored occurrences of a schedule (what happened to it), by due date; at most 1,000. */
export async function listScheduleOccurrences(
  ctx: ServiceContext,
  ownerId: string,
  id: string,
  query: OccurrenceQueryInput = {},
): Promise<ScheduleOccurrence[]> {
  const { from, to } = parseInput(occurrenceQuerySchema, query);
  assertOpen(ctx);
  const schedule = await ctx.store.schedules.findById(ownerId, id);
  if (!schedule) throw notFound('Schedule', id);
  const rows = await ctx.store.schedules.listOccurrences(ownerId, {
    scheduleId: id,
    ...(from ? { fromDue: from } : {}),
    ...(to ? { toDue: to } : {}),
    limit: MAX_OCCURRENCES,
  });
  return rows.map(toOccurrence);
}

/**
 * The occurrences of the owner's enabled schedules due in a range, computed from the
 * calendar and writing nothing, each with the state of its stored row when it has one. By
 * due date, then schedule name and id.
 */
export async function upcomingOccurrences(
  ctx: ServiceContext,
  ownerId: string,
  range: ScheduleRange,
): Promise<UpcomingOccurrence[]> {
  const { from, to } = parseInput(scheduleRangeSchema, range);
  assertOpen(ctx);
  const schedules = (await ctx.store.schedules.list(ownerId)).filter((s) => s.enabled);
  const stored = new Map<string, OccurrenceState>();
  for (const row of await ctx.store.schedules.listOccurrences(ownerId, { fromDue: from, toDue: to, limit: 100_000 })) {
    stored.set(`${row.scheduleId}|${row.nominal}`, row.state);
  }
  const found: UpcomingOccurrence[] = [];
  for (const schedule of schedules) {
    const { template } = schedule;
    for (const occurrence of occurrencesBetween(schedule.recurrence, from, to)) {
      found.push({
        ...occurrence,
        scheduleId: schedule.id,
        name: schedule.name,
        mode: schedule.mode,
        amountMinor: template.amountMinor,
        amount: formatAmount(template.amountMinor, template.currency),
        currency: template.currency,
        state: stored.get(`${schedule.id}|${occurrence.nominal}`) ?? null,
      });
    }
  }
  const order = (a: UpcomingOccurrence, b: UpcomingOccurrence) =>
    a.due.localeCompare(b.due) || a.name.localeCompare(b.name) || a.scheduleId.localeCompare(b.scheduleId);
  return found.sort(order);
}
