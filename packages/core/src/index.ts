/**
 * `@expense-tracker/core`: exact-money expense tracking and budgeting, embedded in your
 * Node app over SQLite or PostgreSQL.
 *
 * @packageDocumentation
 */
export { Tracker, type TrackerOptions, type TrackerListener } from './tracker.js';
export { OwnerHandle, type CategoriesApi, type ExpensesApi, type OwnerSettingsApi } from './owner.js';
export type { ChangesPage } from './services/changes.js';
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
export { addDays, isLocalDate, isTimeZone, localDate } from './dates.js';
export { systemClock, type Clock } from './clock.js';
export * from './schemas/common.js';
export * from './schemas/owner.js';
export * from './schemas/category.js';
export * from './schemas/expense.js';
export * from './schemas/changes.js';
export type {
  CategoryRecord,
  CategoryRepository,
  Dialect,
  EventRecord,
  EventRepository,
  ExpenseFilter,
  ExpensePageRequest,
  ExpenseRecord,
  ExpenseRepository,
  OwnerRepository,
  Store,
  StoreSession,
} from './store/store.js';
export { KyselyStore, MIGRATION_TABLE, type KyselyStoreOptions } from './store/kysely-store.js';
export type { CategoryTable, Database, EventTable, ExpenseTable, ExpenseTagTable, Int8, OwnerTable } from './store/database.js';
export type { DatabaseInput } from './store/open-database.js';
