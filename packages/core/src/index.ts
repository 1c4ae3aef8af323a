/**
 * `@expense-tracker/core`: exact-money expense tracking and budgeting, embedded in your
 * Node app over SQLite or PostgreSQL. This entry is for app developers: the tracker and its
 * owner handles, money and date helpers, errors, events, and the zod schemas of every input
 * and answer. Store authors find the `Store` interface on `@expense-tracker/core/store`; the
 * bundled Kysely store, its tables and a host's own tables are on `@expense-tracker/core/kysely`.
 *
 * @packageDocumentation
 */
export { Tracker, type TrackerOptions, type TrackerListener } from './tracker.js';
export { isPostgresUrl, type DatabaseInput } from './store/open-database.js';
export type { RemoteEventsOptions } from './store/remote-events.js';
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
export type { Follower, FollowOptions } from './services/follow.js';
export type { OverallBudgetChange } from './services/budgets.js';
export type { IdempotencyKeyOptions } from './services/idempotency.js';
export {
  ERROR_CODES,
  TrackerError,
  isTrackerError,
  type ErrorCode,
  type TrackerErrorOptions,
  type ValidationIssue,
} from './errors.js';
export { EVENT_TYPES, type TrackerEvent, type TrackerEventMap, type TrackerEventType } from './events.js';
export { CURRENCY_EXPONENTS, currencyExponent, isCurrencyCode } from './currencies.js';
export { formatAmount, parseAmount } from './money.js';
export { addDays, isLocalDate, isTimeZone, localDate, MAX_LOCAL_DATE, MIN_LOCAL_DATE } from './dates.js';
export { systemClock, type Clock } from './clock.js';
export { CSV_COLUMNS, EXPORT_BATCH_SIZE, EXPORT_CHUNK_SIZE } from './services/export.js';
export { MAX_BUCKETS } from './services/analytics.js';

// The zod schemas of inputs and answers, with the types derived from them.
export {
  amountMinorSchema,
  currencySchema,
  decimalAmountSchema,
  idSchema,
  instantSchema,
  localDateSchema,
  ownerIdSchema,
  positiveAmountMinorSchema,
  positiveDecimalAmountSchema,
  isStorableText,
  storableText,
  timeZoneSchema,
} from './schemas/common.js';
export {
  DEFAULT_OWNER_SETTINGS,
  ownerSettingsPatchSchema,
  ownerSettingsSchema,
  type OwnerSettings,
  type OwnerSettingsPatch,
} from './schemas/owner.js';
export {
  categoryDeleteOptionsSchema,
  categoryInputSchema,
  categoryPatchSchema,
  categorySchema,
  type Category,
  type CategoryDeleteOptions,
  type CategoryInput,
  type CategoryPatch,
} from './schemas/category.js';
export {
  MAX_BATCH_SIZE,
  expenseBatchSchema,
  expenseInputSchema,
  expenseListQuerySchema,
  expensePageSchema,
  expensePatchSchema,
  expenseSchema,
  type Expense,
  type ExpenseInput,
  type ExpenseListQuery,
  type ExpensePage,
  type ExpensePatch,
} from './schemas/expense.js';
export { changesPageSchema, changesQuerySchema, type ChangesQuery } from './schemas/changes.js';
export { changeEventOf, changeEventSchema, eventDataSchemas } from './schemas/events.js';
export {
  alertKindSchema,
  alertRuleCreateSchema,
  alertRuleInputSchema,
  alertRulePatchSchema,
  alertRuleSchema,
  budgetHistoryQuerySchema,
  budgetInputSchema,
  budgetPatchSchema,
  budgetSchema,
  budgetStatusQuerySchema,
  budgetStatusSchema,
  dateRangeSchema,
  notificationListQuerySchema,
  notificationSchema,
  oneOffPeriodSchema,
  overallBudgetInputSchema,
  periodInputSchema,
  periodSchema,
  recurringPeriodSchema,
  type AlertRule,
  type AlertRuleCreate,
  type AlertRulePatch,
  type Budget,
  type BudgetInput,
  type BudgetPatch,
  type BudgetStatus,
  type Notification,
  type NotificationListQuery,
  type OverallBudgetInput,
} from './schemas/budget.js';
export {
  bucketCurrencySchema,
  categoryTotalSchema,
  currencySummarySchema,
  exportQuerySchema,
  monthlyQuerySchema,
  monthlySchema,
  summaryQuerySchema,
  summarySchema,
  trendPointSchema,
  trendsQuerySchema,
  trendsSchema,
  weeklyQuerySchema,
  weeklySchema,
  type ExportQuery,
  type Monthly,
  type MonthlyQuery,
  type Summary,
  type SummaryQuery,
  type Trends,
  type TrendsQuery,
  type Weekly,
  type WeeklyQuery,
} from './schemas/analytics.js';
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhooks/webhook-dispatcher.js';
export type { DispatchReport } from './webhooks/dispatch.js';
export type { WebhookOptions } from './webhooks/webhook-runtime.js';
export type { WebhooksApi } from './webhooks/webhooks-api.js';
export type { WebhookTestResult } from './webhooks/message-service.js';
export type {
  Deliverer,
  DeliveryFailureReason,
  DeliveryOutcome,
  DeliveryRequest,
  ResolveHost,
  ResolvedAddress,
} from './webhooks/deliver.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './webhooks/retry-schedule.js';
export type { SecretBoxKey } from './webhooks/secret-box.js';
export {
  webhookEndpointDisabledDataSchema,
  webhookEndpointInputSchema,
  webhookEndpointPatchSchema,
  webhookEndpointSchema,
  webhookEventTypeSchema,
  webhookMessageDeadDataSchema,
  webhookMessageQuerySchema,
  webhookMessageSchema,
  webhookReplaySchema,
  webhookRotateSchema,
  webhookUrlSchema,
  type CreatedWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
  type WebhookMessage,
  type WebhookMessageQuery,
  type WebhookReplay,
  type WebhookRotate,
} from './webhooks/webhook-schemas.js';
