import type { z } from 'zod';
import type { eventDataSchemas } from './changes/event-schema.js';
import type { Actor } from './actor.js';

/**
 * What each event type carries in `data`. A `type` (not an `interface`), as mitt needs.
 * Names are `aggregate.pastTenseVerb`. Derived from {@link eventDataSchemas}, the one
 * definition the change feed's schema and the server's OpenAPI document come from too:
 *
 * - `expense.created`, `expense.deleted`: `{ expense }`; `expense.updated`: `{ expense, previous }`
 * - `category.created`: `{ category }`; `category.updated`: `{ category, previous }`;
 *   `category.deleted`: `{ category, reassignedTo, expenseCount }` (when expenses used it, they now
 *   belong to `reassignedTo`, `null` for uncategorized; `expenseCount` says how many moved)
 * - `budget.created`, `budget.deleted`: `{ budget }`; `budget.updated`: `{ budget, previous }`
 * - `alert.triggered`: `{ notification, budget: { id, name } }` (the stored notification, and the
 *   budget's name for display)
 * - `import.previewed`, `import.committed`, `import.reverted`: `{ import }` (with its counts)
 * - `notice.posted`: `{ notification }` (a stored notice: a dead webhook message, an expiring API token)
 * - `webhook.message.dead`: `{ endpoint: { id, url }, message }` (a message given up after its last attempt);
 *   `webhook.endpoint.disabled`: `{ endpoint: { id, url }, reason: 'gone', status: 410 }`
 * - `schedule.created`, `schedule.deleted`: `{ schedule }`; `schedule.updated`: `{ schedule, previous }`
 * - `schedule.occurrence.posted|matched`: `{ schedule: { id, name }, occurrence, expense }` (the
 *   expense posted, or the existing one that settled a bill); `schedule.occurrence.skipped|missed`:
 *   `{ schedule: { id, name }, occurrence }`. A bill waiting in its window (`pending`) has no event.
 *
 * @example
 * ```ts
 * import type { TrackerEventMap } from '@expense-tracker/core';
 *
 * function onCategoryDeleted(data: TrackerEventMap['category.deleted']): void {
 *   console.log(`${data.category.name} deleted; ${data.expenseCount} expenses moved to ${data.reassignedTo ?? 'uncategorized'}`);
 * }
 * tracker.on('category.deleted', (event) => onCategoryDeleted(event.data));
 * ```
 */
export type TrackerEventMap = {
  [K in keyof typeof eventDataSchemas]: z.output<(typeof eventDataSchemas)[K]>;
};

/**
 * One of the event types.
 *
 * @example
 * ```ts
 * import { EVENT_TYPES, type TrackerEventType } from '@expense-tracker/core';
 *
 * // Narrow a type name read from a query string or a message before subscribing to it.
 * const isEventType = (name: string): name is TrackerEventType => (EVENT_TYPES as readonly string[]).includes(name);
 * isEventType('expense.created'); // true
 * isEventType('expense.exploded'); // false
 * ```
 */
export type TrackerEventType = keyof TrackerEventMap;

/**
 * An event as written to the outbox and emitted after commit.
 *
 * `seq` is per owner, gapless and in commit order: a reader that has seen every event up to
 * `seq` N will never later find a new event with a seq ≤ N.
 *
 * @example
 * ```ts
 * import type { TrackerEvent } from '@expense-tracker/core';
 *
 * // A union discriminated by `type`: switching on it narrows `data`.
 * function describe(event: TrackerEvent): string {
 *   switch (event.type) {
 *     case 'expense.created':
 *       return `${event.ownerId} spent ${event.data.expense.amount} ${event.data.expense.currency}`;
 *     case 'alert.triggered':
 *       return event.data.notification.message;
 *     default:
 *       return `${event.type} #${event.seq} at ${event.at}`;
 *   }
 * }
 * tracker.on('*', (event) => console.log(describe(event)));
 * ```
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
    /** Who made the change: the owner's account by default (`tracker.forOwner(id, { actor })`). */
    actor: Actor;
  };
}[T];

/**
 * An event before it is given its seq, as services produce it.
 *
 * @example
 * ```ts
 * import type { PendingEvent } from '@expense-tracker/core/store';
 *
 * // What a Store's `events.append` receives; it answers with the events' seqs (e.g. when
 * // testing a custom store; the SDK's own writes append their events themselves).
 * const category = await owner.categories.create({ name: 'Food' });
 * const pending: PendingEvent = { type: 'category.created', data: { category } };
 * const [stored] = await store.transaction((tx) => tx.events.append('store-test', [pending], new Date().toISOString()));
 * stored?.seq; // 1: the first event of owner 'store-test'
 * ```
 */
export type PendingEvent = {
  [K in TrackerEventType]: { type: K; data: TrackerEventMap[K] };
}[TrackerEventType];

/**
 * All event types, for validation and documentation.
 *
 * @example
 * ```ts
 * import { EVENT_TYPES } from '@expense-tracker/core';
 *
 * EVENT_TYPES.filter((type) => type.startsWith('budget.')); // ['budget.created', 'budget.updated', 'budget.deleted']
 * ```
 */
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
  'import.previewed',
  'import.committed',
  'import.reverted',
  'rule.created',
  'rule.updated',
  'rule.deleted',
  'rule.reordered',
  'rule.applied',
  'rule.reverted',
  'notice.posted',
  'webhook.message.dead',
  'webhook.endpoint.disabled',
  'schedule.created',
  'schedule.updated',
  'schedule.deleted',
  'schedule.occurrence.posted',
  'schedule.occurrence.matched',
  'schedule.occurrence.skipped',
  'schedule.occurrence.missed',
  'schedule.occurrence.reopened',
] as const satisfies readonly TrackerEventType[];
