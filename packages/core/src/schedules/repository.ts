import type { ExpenseKind } from '../expenses/schema.js';
import type { Recurrence } from './recurrence-schema.js';
import type { OccurrenceState, ScheduleMode } from './schema.js';

/**
 * The expense a schedule posts or expects, resolved to minor units and a currency when saved.
 *
 * @example
 * ```ts
 * import type { ScheduleTemplateRecord } from '@expense-tracker/core/store';
 *
 * const template: ScheduleTemplateRecord | undefined = (await store.schedules.findById(owner.ownerId, scheduleId))?.template;
 * template?.amountMinor; // e.g. 120000 for 1,200.00
 * ```
 */
export interface ScheduleTemplateRecord {
  amountMinor: number;
  kind: ExpenseKind;
  currency: string;
  categoryId: string | null;
  description: string | null;
  merchant: string | null;
  tags: string[];
  notes: string | null;
}

/**
 * A schedule as stored. The SDK returns it to you as a {@link index!Schedule}.
 *
 * @example
 * ```ts
 * import type { ScheduleRecord } from '@expense-tracker/core/store';
 *
 * const rent = await owner.schedules.create({ name: 'Rent', recurrence: { unit: 'month', anchor: '2027-01-31' }, template: { amount: '1200' } });
 * const record: ScheduleRecord | null = await store.schedules.findById(owner.ownerId, rent.id);
 * record?.nextDue; // the due date of the first occurrence not yet settled
 * ```
 */
export interface ScheduleRecord {
  id: string;
  ownerId: string;
  name: string;
  recurrence: Recurrence;
  template: ScheduleTemplateRecord;
  mode: ScheduleMode;
  windowDays: number;
  /** The match tolerance in basis points of the amount (100 = 1 %). */
  toleranceBp: number;
  enabled: boolean;
  /** The nominal date of the first occurrence not yet settled, `null` when the series ended. */
  nextNominal: string | null;
  /** Its due date. */
  nextDue: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * One occurrence of a schedule that something happened to, keyed by (owner, schedule,
 * nominal date).
 *
 * @example
 * ```ts
 * import type { OccurrenceRecord } from '@expense-tracker/core/store';
 *
 * const rows: OccurrenceRecord[] = await store.schedules.listOccurrences(owner.ownerId, { scheduleId, limit: 100 });
 * ```
 */
export interface OccurrenceRecord {
  ownerId: string;
  scheduleId: string;
  nominal: string;
  due: string;
  state: OccurrenceState;
  expenseId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Which occurrences `listOccurrences` reads: of one schedule or all, by due date (inclusive).
 *
 * @example
 * ```ts
 * import type { OccurrenceQuery } from '@expense-tracker/core/store';
 *
 * const query: OccurrenceQuery = { scheduleId, fromDue: '2027-01-01', limit: 100 };
 * await store.schedules.listOccurrences(owner.ownerId, query);
 * ```
 */
export interface OccurrenceQuery {
  scheduleId?: string;
  fromDue?: string;
  toDue?: string;
  limit: number;
}

/**
 * Schedules and their occurrences. Every method but {@link ScheduleRepository.listDue} is
 * scoped to `ownerId` and MUST NOT read or change another owner's rows. It is the
 * `schedules` repository of a {@link Store}; use `owner.schedules` in applications.
 *
 * @example
 * ```ts
 * import type { ScheduleRepository } from '@expense-tracker/core/store';
 *
 * const schedules: ScheduleRepository = store.schedules;
 * await schedules.findById('someone-else', scheduleId); // null: scoped by owner
 * ```
 */
export interface ScheduleRepository {
  /** Inserts a schedule; an id the owner already has is a `CONFLICT`. */
  insert(record: ScheduleRecord): Promise<void>;
  /** The owner's schedule, or `null`. */
  findById(ownerId: string, id: string): Promise<ScheduleRecord | null>;
  /** All the owner's schedules, by name, then id. */
  list(ownerId: string): Promise<ScheduleRecord[]>;
  /** Replaces the stored fields of the owner's schedule; `false` when there is none. */
  update(record: ScheduleRecord): Promise<boolean>;
  /** Deletes the owner's schedule and its occurrences; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /**
   * Across owners: enabled schedules whose `nextDue` is on or before `date`, by owner then id,
   * after the `after` key when given, at most `limit`. What the due work reads; the caller
   * then works each owner's schedules under that owner's lock.
   */
  listDue(
    date: string,
    after: { ownerId: string; id: string } | null,
    limit: number,
  ): Promise<{ ownerId: string; id: string }[]>;
  /**
   * Inserts the occurrence unless the owner's (schedule, nominal date) already has one:
   * `true` when this call inserted it. Decided by the unique key (the bundled store's is
   * `(owner_id, schedule_id, nominal_date)`), not by reading first, so two instances that
   * claim one occurrence at once cannot both win.
   */
  insertOccurrence(record: OccurrenceRecord): Promise<boolean>;
  /** The owner's occurrence of a schedule on a nominal date, or `null`. */
  findOccurrence(ownerId: string, scheduleId: string, nominal: string): Promise<OccurrenceRecord | null>;
  /**
   * Replaces the occurrence's state, expense and `updatedAt` if its state is still `from`:
   * `true` when this call changed it (so two changes from one state cannot both succeed).
   */
  updateOccurrence(record: OccurrenceRecord, from: OccurrenceState): Promise<boolean>;
  /** The owner's occurrences, by due date then schedule id, at most `limit`. */
  listOccurrences(ownerId: string, query: OccurrenceQuery): Promise<OccurrenceRecord[]>;
  /**
   * The owner's occurrences settled by any of these expenses (`expenseId` among them), in no
   * particular order: at most one per expense (the bundled store's unique key is
   * `(owner_id, expense_id)`).
   */
  occurrencesOfExpenses(ownerId: string, expenseIds: readonly string[]): Promise<OccurrenceRecord[]>;
}
