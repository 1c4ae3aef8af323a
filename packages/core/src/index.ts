/**
 * `@expense-tracker/core`: exact-money expense tracking and budgeting, embedded in your
 * Node app over SQLite or PostgreSQL.
 *
 * @packageDocumentation
 */
export { Tracker, type TrackerOptions, type TrackerListener } from './tracker.js';
export type { RemoteEventsOptions } from './store/remote-events.js';
export { EVENTS_CHANNEL, type EventsNotification } from './store/kysely-events.js';
export {
  OwnerHandle,
  type AlertsApi,
  type AnalyticsApi,
  type BudgetsApi,
  type CategoriesApi,
  type ExpensesApi,
  type NotificationsApi,
  type OwnerSettingsApi,
} from './owner.js';
export type { ChangesPage } from './services/changes.js';
export type { OverallBudgetChange } from './services/budgets.js';
export type { IdempotencyKeyOptions } from './services/idempotency.js';
export type { IdempotencyRecord, IdempotencyRepository } from './store/idempotency-repository.js';
export {
  ERROR_CODES,
  TrackerError,
  isTrackerError,
  type ErrorCode,
  type TrackerErrorOptions,
  type ValidationIssue,
} from './errors.js';
export { EVENT_TYPES, type PendingEvent, type TrackerEvent, type TrackerEventMap, type TrackerEventType } from './events.js';
export { CURRENCY_EXPONENTS, currencyExponent, isCurrencyCode } from './currencies.js';
export { formatAmount, parseAmount } from './money.js';
export { addDays, isLocalDate, isTimeZone, localDate, MAX_LOCAL_DATE, MIN_LOCAL_DATE } from './dates.js';
export { systemClock, type Clock } from './clock.js';
export * from './schemas/common.js';
export * from './schemas/owner.js';
export * from './schemas/category.js';
export * from './schemas/expense.js';
export * from './schemas/changes.js';
export * from './schemas/events.js';
export * from './schemas/budget.js';
export * from './schemas/analytics.js';
export { neutraliseCell } from './domain/csv-cells.js';
export { CSV_COLUMNS, EXPORT_BATCH_SIZE, EXPORT_CHUNK_SIZE } from './services/export.js';
export { MAX_BUCKETS } from './services/analytics.js';
export {
  addMonthsClamped,
  daysIn,
  defaultAnchor,
  isRecurring,
  periodAt,
  periodContaining,
  periodIndexOf,
  previousPeriod,
  type DateRange,
  type OneOffPeriod,
  type PeriodDefinition,
  type RecurringPeriod,
} from './domain/periods.js';
export { computeStatus, forecastConfidentFrom, forecastMinDays, rolloverChain, WARNING_PERCENT, type DailySpend, type StatusFigures, type StatusInput } from './domain/budget-status.js';
export type {
  AlertRuleRecord,
  AlertRuleRepository,
  BudgetRecord,
  BudgetRepository,
  NotificationQuery,
  NotificationRecord,
  NotificationRepository,
  TotalsDelta,
  TotalsGroup,
  TotalsQuery,
  TotalsRepository,
  TotalsRow,
  CategoryRecord,
  CategoryRepository,
  Dialect,
  EventRecord,
  EventRepository,
  ExpenseFilter,
  ExpensePageRequest,
  ExpenseRecord,
  ExpenseRepository,
  OwnerLock,
  OwnerRepository,
  Store,
  StoreSession,
} from './store/store.js';
export { KyselyStore, MIGRATION_TABLE, type KyselyStoreOptions } from './store/kysely-store.js';
export { preparedQuery, type PreparedQuery } from './store/prepared-query.js';
export { toStoreError } from './store/driver-errors.js';
export type {
  AlertRuleTable,
  BudgetTable,
  CategoryTable,
  CurrencyTotalTable,
  DailyTotalTable,
  Database,
  EventTable,
  ExpenseTable,
  ExpenseTagTable,
  IdempotencyTable,
  Int8,
  NotificationTable,
  OwnerTable,
} from './store/database.js';
export type { DatabaseInput } from './store/open-database.js';
