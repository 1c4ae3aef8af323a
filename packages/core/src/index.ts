/**
 * `@expense-tracker/core`: exact-money expense tracking and budgeting, embedded in your
 * Node app over SQLite or PostgreSQL. This entry is for app developers: the tracker and its
 * owner handles, money and date helpers, errors, events, and the zod schemas of every input
 * and answer. Store authors find the `Store` interface on `@expense-tracker/core/store`; the
 * bundled Kysely store, its tables and a host's own tables are on `@expense-tracker/core/kysely`.
 *
 * @packageDocumentation
 */
export { Tracker, type OwnerHandleOptions, type TrackerOptions, type TrackerListener } from './tracker.js';
export { actorSchema, type Actor } from './actor.js';
export { isPostgresUrl, type DatabaseInput } from './store/open-database.js';
export type { RemoteEventsOptions } from './changes/remote-events.js';
export {
  OwnerHandle,
  type AlertsApi,
  type AnalyticsApi,
  type BudgetsApi,
  type CategoriesApi,
  type ExpensesApi,
  type ImportProfilesApi,
  type ImportsApi,
  type NotificationsApi,
  type OwnerSettingsApi,
} from './owner.js';
export type { ChangesPage } from './changes/service.js';
export type { Follower, FollowOptions } from './changes/follow.js';
export type { OverallBudgetChange } from './budgets/service.js';
export type { IdempotencyKeyOptions } from './idempotency/service.js';
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
export { CSV_COLUMNS, EXPORT_BATCH_SIZE, EXPORT_CHUNK_SIZE } from './expenses/export.js';
export { MAX_BUCKETS } from './analytics/service.js';

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
} from './common-schemas.js';
export {
  DEFAULT_OWNER_SETTINGS,
  ownerSettingsPatchSchema,
  ownerSettingsSchema,
  type OwnerSettings,
  type OwnerSettingsPatch,
} from './owners/schema.js';
export {
  categoryDeleteOptionsSchema,
  categoryInputSchema,
  categoryPatchSchema,
  categorySchema,
  type Category,
  type CategoryDeleteOptions,
  type CategoryInput,
  type CategoryPatch,
} from './categories/schema.js';
export {
  MAX_BATCH_SIZE,
  expenseBatchSchema,
  expenseInputSchema,
  expenseKindSchema,
  expenseListQuerySchema,
  expensePageSchema,
  expensePatchSchema,
  expenseSchema,
  type Expense,
  type ExpenseInput,
  type ExpenseKind,
  type ExpenseListQuery,
  type ExpensePage,
  type ExpensePatch,
} from './expenses/schema.js';
export {
  CATEGORY_SOURCES,
  SOURCE_KINDS,
  expenseSourceInputSchema,
  expenseSourceSchema,
  type CategorySource,
  type ExpenseSource,
  type SourceKind,
} from './expenses/provenance.js';
export {
  importDecisionSchema,
  importListQuerySchema,
  importProfileSchema,
  importRowPageSchema,
  importUploadOptionsSchema,
  type ImportUploadOptions,
  importRowRulesSchema,
  importRowSchema,
  importRowsQuerySchema,
  importSchema,
  type Import,
  type ImportDecisionInput,
  type ImportProfile,
  type ImportRow,
  type ImportRowPage,
  type ImportRowsQuery,
} from './imports/schema.js';
export {
  IMPORT_DECISIONS,
  IMPORT_ROW_STATES,
  IMPORT_STATES,
  type ImportDecision,
  type ImportRowState,
  type ImportState,
} from './imports/repository.js';
export {
  aggregatorRowSchema,
  importProfileInputSchema,
  type AggregatorRow,
  type ImportProfileInput,
} from './imports/service.js';
export type { ImportInput, ImportPreviewOptions, ImportProgress } from './imports/preview.js';
export type { ImportLimits } from './imports/limits.js';
export type { ImportCommitOptions, ImportRevertOptions } from './imports/commit.js';
export { BANK_FILE_FORMATS, type BankFileFormat } from './imports/bank-row.js';
export { TEXT_ENCODINGS, type TextEncoding } from './imports/text-decoding.js';
export { DATE_ORDERS, type DateOrder } from './imports/date-text.js';
export { FILE_ISSUE_CODES, type FileIssueCode } from './imports/file-errors.js';
export { csvProfileSchema, type CsvProfileInput } from './imports/csv-profile.js';
export { changesPageSchema, changesQuerySchema, type ChangesQuery } from './changes/schema.js';
export { changeEventOf, changeEventSchema, eventDataSchemas } from './changes/event-schema.js';
export {
  alertKindSchema,
  alertRuleCreateSchema,
  alertRuleInputSchema,
  alertRulePatchSchema,
  alertRuleSchema,
  budgetHistoryQuerySchema,
  budgetInputSchema,
  budgetNotificationSchema,
  budgetPatchSchema,
  budgetSchema,
  budgetStatusQuerySchema,
  budgetStatusSchema,
  dateRangeSchema,
  notificationListQuerySchema,
  noticeSchema,
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
  type BudgetNotification,
  type BudgetPatch,
  type BudgetStatus,
  type Notice,
  type Notification,
  type NotificationListQuery,
  type OverallBudgetInput,
} from './budgets/schema.js';
export { noticeInputSchema, type NoticeInput } from './notifications/notices.js';
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
} from './analytics/schema.js';
export {
  ruleApplySchema,
  ruleCreateSchema,
  ruleFieldChangeSchema,
  rulePatchSchema,
  ruleReorderSchema,
  ruleRevertResultSchema,
  ruleRunListQuerySchema,
  ruleRunSchema,
  ruleSuggestionSchema,
  ruleTestResultSchema,
  ruleTestSchema,
  savedRuleSchema,
  type RuleApplyInput,
  type RuleCreate,
  type RuleFieldChange,
  type RulePatch,
  type RuleReorder,
  type RuleRevertResult,
  type RuleRun,
  type RuleRunListQuery,
  type RuleTestInput,
  type RuleTestResult,
  type SavedRule,
} from './rules/schema.js';
export type { RulesApi } from './rules/rules-api.js';
export { RULE_ISSUE_CODES, type RuleIssueCode } from './rules/rule-issues.js';
export { toRuleIssues } from './rules/compile-rules.js';
export type { RuleSuggestion, RuleDraft } from './rules/suggest-rules.js';
export {
  ruleActionSchema,
  ruleDefinitionSchema,
  type RuleAction,
  type RuleActionInput,
  type RuleDefinitionInput,
} from './rules/rule-schema.js';
export { ruleConditionSchema, type RuleCondition, type RuleConditionInput } from './rules/rule-conditions.js';
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhooks/webhook-dispatcher.js';
export type { DispatchReport } from './webhooks/dispatch.js';
export type { DueWorkReport } from './due-work.js';
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
export {
  MAX_SCHEDULE_RANGE_DAYS,
  occurrenceStateSchema,
  scheduleCreateSchema,
  scheduleModeSchema,
  scheduleOccurrenceSchema,
  schedulePatchSchema,
  schedulePostResultSchema,
  scheduleRangeSchema,
  scheduleSchema,
  scheduleTemplateSchema,
  upcomingOccurrenceSchema,
  type OccurrenceState,
  type Schedule,
  type ScheduleCreate,
  type ScheduleMode,
  type ScheduleOccurrence,
  type SchedulePatch,
  type SchedulePostResult,
  type ScheduleRange,
  type ScheduleTemplateInput,
  type UpcomingOccurrence,
} from './schedules/schema.js';
export { occurrenceQuerySchema, type OccurrenceQueryInput } from './schedules/occurrence-actions.js';
export type { SchedulesApi } from './schedules/schedules-api.js';
export type { ScheduleDueReport } from './schedules/run-due.js';
export {
  recurrenceEndSchema,
  recurrenceSchema,
  recurrenceWeekdaySchema,
  savedRecurrenceSchema,
  weekdayNameSchema,
  weekendShiftSchema,
  type Recurrence,
  type RecurrenceEnd,
  type RecurrenceInput,
  type RecurrenceWeekday,
  type WeekdayName,
  type WeekendShift,
} from './schedules/calendar.js';
