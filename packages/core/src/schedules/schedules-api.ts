import type { ServiceContext } from '../write-context.js';
import {
  listScheduleOccurrences,
  postOccurrenceNow,
  skipOccurrence,
  upcomingOccurrences,
  type OccurrenceQueryInput,
} from './occurrence-actions.js';
import type {
  Schedule,
  ScheduleCreate,
  ScheduleOccurrence,
  SchedulePatch,
  SchedulePostResult,
  ScheduleRange,
  UpcomingOccurrence,
} from './schema.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, updateSchedule } from './service.js';

/**
 * The owner's recurring expenses and bills (SPEC §7.3), as `owner.schedules`. A `post`
 * schedule creates its expense when an occurrence comes due; an `expect` schedule (a bill)
 * waits for a matching expense, typed or imported, and links it. The due work
 * (`tracker.runDue`) does both; these methods manage schedules and act on one occurrence.
 *
 * @example
 * ```ts
 * const rent = await owner.schedules.create({ name: 'Rent', recurrence: { unit: 'month', anchor: '2027-01-31' }, template: { amount: '1200.00' } });
 * (await owner.schedules.upcoming({ from: '2027-02-01', to: '2027-04-30' })).map((o) => o.due);
 * // ['2027-02-28', '2027-03-31', '2027-04-30']
 * ```
 */
export interface SchedulesApi {
  /**
   * Creates a schedule. Its first occurrence is the first due today or later.
   * @throws {@link TrackerError} `VALIDATION_FAILED`
   * @example
   * ```ts
   * await owner.schedules.create({ name: 'Power bill', mode: 'expect', tolerancePercent: 5, recurrence: { unit: 'month', anchor: '2027-01-15', weekendShift: 'after' }, template: { amount: '80.00' } });
   * ```
   */
  create(input: ScheduleCreate): Promise<Schedule>;
  /**
   * One schedule.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * (await owner.schedules.get(scheduleId)).nextOccurrence;
   * ```
   */
  get(id: string): Promise<Schedule>;
  /**
   * The owner's schedules, by name.
   * @example
   * ```ts
   * (await owner.schedules.list()).map((s) => s.name);
   * ```
   */
  list(): Promise<Schedule[]>;
  /**
   * Changes a schedule. A new recurrence, or enabling it again, starts from today.
   * @throws {@link TrackerError} `NOT_FOUND`, `VALIDATION_FAILED`
   * @example
   * ```ts
   * await owner.schedules.update(scheduleId, { template: { amount: '1250.00' } });
   * ```
   */
  update(id: string, patch: SchedulePatch): Promise<Schedule>;
  /**
   * Deletes a schedule and its occurrence history; the expenses it posted stay.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * await owner.schedules.delete(scheduleId);
   * ```
   */
  delete(id: string): Promise<void>;
  /**
   * What happened to a schedule's occurrences (posted, skipped, matched, missed, pending), by due date.
   * @throws {@link TrackerError} `NOT_FOUND`
   * @example
   * ```ts
   * const history = await owner.schedules.occurrences(scheduleId, { from: '2027-01-01' });
   * ```
   */
  occurrences(id: string, query?: OccurrenceQueryInput): Promise<ScheduleOccurrence[]>;
  /**
   * The occurrences of the enabled schedules due in a range (at most 366 days), without writing.
   * @throws {@link TrackerError} `VALIDATION_FAILED`
   * @example
   * ```ts
   * const march = await owner.schedules.upcoming({ from: '2027-03-01', to: '2027-03-31' });
   * ```
   */
  upcoming(range: ScheduleRange): Promise<UpcomingOccurrence[]>;
  /**
   * Skips the occurrence with this nominal date: it is neither posted nor expected.
   * @throws {@link TrackerError} `NOT_FOUND`; `VALIDATION_FAILED` (`not_an_occurrence`); `CONFLICT` when already posted, matched or missed
   * @example
   * ```ts
   * await owner.schedules.skip(scheduleId, '2027-08-31'); // no rent in August
   * ```
   */
  skip(id: string, date: string): Promise<ScheduleOccurrence>;
  /**
   * Posts the occurrence with this nominal date now, dated on its due date (today when that is still ahead).
   * @throws {@link TrackerError} `NOT_FOUND`; `VALIDATION_FAILED` (`not_an_occurrence`); `CONFLICT` when already posted or matched
   * @example
   * ```ts
   * const { expense } = await owner.schedules.postNow(scheduleId, '2027-03-31');
   * ```
   */
  postNow(id: string, date: string): Promise<SchedulePostResult>;
}

/**
 * `owner.schedules` for one owner; `w` gives a write's context (with the idempotency key,
 * when the handle has one).
 */
export function createSchedulesApi(
  ctx: ServiceContext,
  ownerId: string,
  w: (operation: string, ...args: unknown[]) => ServiceContext,
): SchedulesApi {
  return {
    create: (input) => createSchedule(w('schedules.create', input), ownerId, input),
    get: (id) => getSchedule(ctx, ownerId, id),
    list: () => listSchedules(ctx, ownerId),
    update: (id, patch) => updateSchedule(w('schedules.update', id, patch), ownerId, id, patch),
    delete: (id) => deleteSchedule(w('schedules.delete', id), ownerId, id),
    occurrences: (id, query) => listScheduleOccurrences(ctx, ownerId, id, query),
    upcoming: (range) => upcomingOccurrences(ctx, ownerId, range),
    skip: (id, date) => skipOccurrence(w('schedules.skip', id, date), ownerId, id, date),
    postNow: (id, date) => postOccurrenceNow(w('schedules.postNow', id, date), ownerId, id, date),
  };
}
