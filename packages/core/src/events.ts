import type { Budget, Notification } from './schemas/budget.js';
import type { Category } from './schemas/category.js';
import type { Expense } from './schemas/expense.js';

/**
 * What each event type carries in `data`. A `type` (not an `interface`), as mitt needs.
 * Names are `aggregate.pastTenseVerb`.
 */
export type TrackerEventMap = {
  'expense.created': { expense: Expense };
  'expense.updated': { expense: Expense; previous: Expense };
  'expense.deleted': { expense: Expense };
  'category.created': { category: Category };
  'category.updated': { category: Category; previous: Category };
  /**
   * A category was deleted. When expenses used it, they now belong to `reassignedTo`
   * (`null`: uncategorized); `expenseCount` says how many moved.
   */
  'category.deleted': { category: Category; reassignedTo: string | null; expenseCount: number };
  'budget.created': { budget: Budget };
  'budget.updated': { budget: Budget; previous: Budget };
  'budget.deleted': { budget: Budget };
  /** An alert rule fired: its stored notification, and the budget's name for display. */
  'alert.triggered': { notification: Notification; budget: { id: string; name: string } };
};

/** One of the event types. */
export type TrackerEventType = keyof TrackerEventMap;

/**
 * An event as written to the outbox and emitted after commit.
 *
 * `seq` is per owner, gapless and in commit order: a reader that has seen every event up to
 * `seq` N will never later find a new event with a seq ≤ N.
 */
export type TrackerEvent<T extends TrackerEventType = TrackerEventType> = {
  [K in T]: {
    /** Position in the owner's change feed, from 1. */
    seq: number;
    /** The owner the change belongs to. */
    ownerId: string;
    /** The event type. */
    type: K;
    /** The payload of this type. */
    data: TrackerEventMap[K];
    /** When the change was committed (ISO 8601 UTC). */
    at: string;
  };
}[T];

/** An event before it is given its seq, as services produce it. */
export type PendingEvent = {
  [K in TrackerEventType]: { type: K; data: TrackerEventMap[K] };
}[TrackerEventType];

/** All event types, for validation and documentation. */
export const EVENT_TYPES = [
  'expense.created',
  'expense.updated',
  'expense.deleted',
  'category.created',
  'category.updated',
  'category.deleted',
  'budget.created',
  'budget.updated',
  'budget.deleted',
  'alert.triggered',
] as const satisfies readonly TrackerEventType[];
