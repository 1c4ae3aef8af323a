/**
 * `@expense-tracker/core/store`: for store authors. The {@link Store} interface a tracker runs
 * on (the adapter boundary between the SDK and a database), its repositories and the records
 * they read and write, and {@link toStoreError} to turn a driver's errors into the
 * `TrackerError`s the interface requires. Prove a store of yours with the conformance suite of
 * `@expense-tracker/core/testing`, and run a tracker on it with `Tracker.open({ store })`.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import type { Store } from '@expense-tracker/core/store';
 *
 * declare const myStore: Store; // a class of yours over another engine
 * const tracker = await Tracker.open({ store: myStore });
 * await tracker.migrate(); // runs myStore.migrate()
 * ```
 *
 * @packageDocumentation
 */
export type {
  AlertRuleRecord,
  AlertRuleRepository,
  BudgetRecord,
  BudgetRepository,
  CategoryRecord,
  CategoryRepository,
  Dialect,
  EventRecord,
  EventRepository,
  ExpenseFilter,
  ExpenseKind,
  ExpenseIdentity,
  ExpensePageRequest,
  ExpenseRecord,
  ExpenseRepository,
  NotificationQuery,
  BudgetNotificationRecord,
  NoticeRecord,
  NotificationRecord,
  NotificationRepository,
  OwnerLock,
  OwnerRepository,
  Store,
  StoreSession,
  TotalsDelta,
  TotalsGroup,
  TotalsQuery,
  TotalsRepository,
  TotalsRow,
} from './store.js';
export type { IdempotencyRecord, IdempotencyRepository } from '../idempotency/repository.js';
export type {
  ImportProfileRecord,
  ImportRecord,
  ImportRepository,
  ImportRowBill,
  ImportRowCount,
  ImportRowRecord,
} from '../imports/repository.js';
export type { RuleRecord, RuleRepository, RuleRunChangeRecord, RuleRunRecord } from '../rules/repository.js';
export type {
  WebhookAttemptResult,
  WebhookEndpointRecord,
  WebhookMessageRecord,
  WebhookMessageState,
  WebhookRepository,
} from '../webhooks/webhook-repository.js';
export type {
  OccurrenceQuery,
  OccurrenceRecord,
  ScheduleRecord,
  ScheduleRepository,
  ScheduleTemplateRecord,
} from '../schedules/repository.js';
export type { PendingEvent } from '../events.js';
export type { OneOffPeriod, PeriodDefinition, RecurringPeriod } from '../budgets/periods.js';
export { toStoreError } from './driver-errors.js';
