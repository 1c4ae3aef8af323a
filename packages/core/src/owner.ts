import type {
  AlertRule,
  AlertRuleCreate,
  AlertRulePatch,
  Budget,
  BudgetInput,
  OverallBudgetInput,
  BudgetPatch,
  BudgetStatus,
  Notice,
  Notification,
  NotificationListQuery,
} from './budgets/schema.js';
import type { Category, CategoryDeleteOptions, CategoryInput, CategoryPatch } from './categories/schema.js';
import type { Expense, ExpenseInput, ExpenseListQuery, ExpensePage, ExpensePatch } from './expenses/schema.js';
import type { ChangesQuery } from './changes/schema.js';
import type { OwnerSettings, OwnerSettingsPatch } from './owners/schema.js';
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from './categories/service.js';
import { readChanges, type ChangesPage } from './changes/service.js';
import { follow, type Follower, type FollowOptions } from './changes/follow.js';
import type { ServiceContext } from './write-context.js';
import { createRulesApi, type RulesApi } from './rules/rules-api.js';
import { createSchedulesApi, type SchedulesApi } from './schedules/schedules-api.js';
import { IdempotencyScope, type IdempotencyKeyOptions } from './idempotency/service.js';
import { createWebhooksApi, type WebhooksApi } from './webhooks/webhooks-api.js';
import {
  createExpense,
  createExpenses,
  deleteExpense,
  getExpense,
  listExpenses,
  listExpensesJson,
  updateExpense,
} from './expenses/service.js';
import { getSettings, updateSettings } from './owners/settings.js';
import { postNotice, type NoticeInput } from './notifications/notices.js';
import {
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  listNotifications,
  markNotificationRead,
  updateAlertRule,
} from './alerts/service.js';
import {
  budgetHistory,
  budgetStatus,
  overallBudgetStatus,
  setOverallBudget,
  type OverallBudgetChange,
  createBudget,
  deleteBudget,
  findOverallBudget,
  getBudget,
  listBudgets,
  updateBudget,
} from './budgets/service.js';
import { rebuildTotals } from './expenses/maintenance.js';
import { previewImport, type ImportInput, type ImportPreviewOptions } from './imports/preview.js';
import { commitImport, revertImport, type ImportCommitOptions, type ImportRevertOptions } from './imports/commit.js';
import {
  decideImportRow,
  getImport,
  importExpenseRows,
  listImportRows,
  listImports,
  profileService,
  type AggregatorRow,
  type ImportProfileInput,
} from './imports/service.js';
import type {
  Import,
  ImportDecisionInput,
  ImportProfile,
  ImportRow,
  ImportRowPage,
  ImportRowsQuery,
} from './imports/schema.js';
import { monthly, summary, trends, weekly } from './analytics/service.js';
import { exportExpenses } from './expenses/export.js';
import type {
  ExportQuery,
  Monthly,
  MonthlyQuery,
  Summary,
  SummaryQuery,
  Trends,
  TrendsQuery,
  Weekly,
  WeeklyQuery,
} from './analytics/schema.js';

/**
 * An owner's settings. Reached as `owner.settings`.
 *
 * @example
 * ```ts
 * import type { OwnerSettingsApi } from '@expense-tracker/core';
 *
 * async function useEuros(settings: OwnerSettingsApi): Promise<void> {
 *   if ((await settings.get()).currency !== 'EUR') await settings.update({ currency: 'EUR' });
 * }
 * await useEuros(owner.settings);
 * ```
 */
export interface OwnerSettingsApi {
  /**
   * The settings, or the defaults (`UTC`, `USD`, weeks from Monday) when never saved.
   *
   * @example
   * ```ts
   * const { timezone, currency } = await owner.settings.get();
   * ```
   */
  get(): Promise<OwnerSettings>;
  /**
   * Changes some settings; returns them all.
   *
   * @example
   * ```ts
   * await owner.settings.update({ timezone: 'Europe/Berlin', currency: 'EUR' });
   * ```
   * @throws `VALIDATION_FAILED` for an unknown time zone or currency
   */
  update(patch: OwnerSettingsPatch): Promise<OwnerSettings>;
}

/**
 * An owner's categories. Reached as `owner.categories`.
 *
 * @example
 * ```ts
 * import type { CategoriesApi, Category } from '@expense-tracker/core';
 *
 * // Find a category by name, creating it the first time.
 * async function categoryNamed(categories: CategoriesApi, name: string): Promise<Category> {
 *   const existing = (await categories.list()).find((c) => c.name.toLowerCase() === name.toLowerCase());
 *   return existing ?? categories.create({ name });
 * }
 * const food = await categoryNamed(owner.categories, 'Food');
 * ```
 */
export interface CategoriesApi {
  /**
   * Creates a category. Names are unique per owner, case-insensitively.
   *
   * @example
   * ```ts
   * const food = await owner.categories.create({ name: 'Food', color: '#22AA55' });
   * const groceries = await owner.categories.create({ name: 'Groceries', parentId: food.id });
   * ```
   * @throws `VALIDATION_FAILED` for bad input or a parent that is not a top-level category of the owner;
   *   `CONFLICT` when the name is taken
   */
  create(input: CategoryInput): Promise<Category>;
  /**
   * The category with this id.
   *
   * @example
   * ```ts
   * const category = await owner.categories.get('cat_01JD…');
   * ```
   * @throws `NOT_FOUND` when the owner has no such category
   */
  get(id: string): Promise<Category>;
  /**
   * All categories, by name.
   *
   * @example
   * ```ts
   * for (const category of await owner.categories.list()) console.log(category.name);
   * ```
   */
  list(): Promise<Category[]>;
  /**
   * Changes the given fields; `null` clears an optional one.
   *
   * @example
   * ```ts
   * await owner.categories.update(food.id, { color: '#FF8800' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT` (name taken)
   */
  update(id: string, patch: CategoryPatch): Promise<Category>;
  /**
   * Replaces the category: fields the input leaves out are cleared.
   *
   * @example
   * ```ts
   * await owner.categories.replace(food.id, { name: 'Food & drink' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`, `CONFLICT` (name taken)
   */
  replace(id: string, input: CategoryInput): Promise<Category>;
  /**
   * Deletes a category. Expenses are never deleted: when some use it, say where they go.
   *
   * @example
   * ```ts
   * await owner.categories.delete(snacks.id, { reassignTo: food.id });
   * await owner.categories.delete(misc.id, { uncategorize: true });
   * ```
   * @throws `NOT_FOUND`; `CONFLICT` when expenses use it and neither option is given
   *   (`details.expenseCount` says how many), or when it has subcategories
   */
  delete(id: string, options?: CategoryDeleteOptions): Promise<void>;
}

/**
 * An owner's expenses. Reached as `owner.expenses`.
 *
 * @example
 * ```ts
 * import type { ExpensesApi } from '@expense-tracker/core';
 *
 * // Code that only records spending can take just this part of the owner handle.
 * async function recordLunch(expenses: ExpensesApi, amount: string) {
 *   return expenses.create({ amount, description: 'Lunch', tags: ['food'] });
 * }
 * await recordLunch(owner.expenses, '12.50');
 * ```
 */
export interface ExpensesApi {
  /**
   * Creates an expense. Give the amount as `amount` (decimal string or number, parsed
   * exactly) or `amountMinor` (integer minor units). `currency` defaults to the owner's,
   * `date` to today in the owner's time zone.
   *
   * @example
   * ```ts
   * const lunch = await owner.expenses.create({ amount: '12.50', description: 'Lunch', tags: ['work'] });
   * lunch.amountMinor; // 1250
   * ```
   * @throws `VALIDATION_FAILED` naming the field (too many decimals, unknown currency, unknown category, ...)
   */
  create(input: ExpenseInput): Promise<Expense>;
  /**
   * Creates 1 to 1,000 expenses in one transaction: all are stored, or none.
   *
   * @example
   * ```ts
   * await owner.expenses.createMany([{ amount: '3.20' }, { amount: '18', date: '2026-11-01' }]);
   * ```
   * @throws `VALIDATION_FAILED` with issue paths starting at the item's index
   */
  createMany(inputs: readonly ExpenseInput[]): Promise<Expense[]>;
  /**
   * The expense with this id.
   *
   * @example
   * ```ts
   * const expense = await owner.expenses.get(lunch.id);
   * ```
   * @throws `NOT_FOUND` when the owner has no such expense
   */
  get(id: string): Promise<Expense>;
  /**
   * One page of expenses, newest first by default. Pass `nextCursor` back as `cursor`.
   *
   * @example
   * ```ts
   * let page = await owner.expenses.list({ from: '2026-11-01', tag: 'work', limit: 100 });
   * while (page.nextCursor) page = await owner.expenses.list({ from: '2026-11-01', tag: 'work', limit: 100, cursor: page.nextCursor });
   * ```
   * @throws `VALIDATION_FAILED` for bad filters or a cursor made for another sort order
   */
  list(query?: ExpenseListQuery): Promise<ExpensePage>;
  /**
   * The same page as {@link list}, as its JSON text: exactly `JSON.stringify(await list(query))`.
   * On SQLite the database writes each expense's JSON, so a server or proxy that passes the
   * page on as it is skips making objects only to serialize them again (the REST API answers
   * `GET /expenses` this way); with PostgreSQL or a store that has no `listJson`, it
   * serializes {@link list}'s page.
   *
   * @example
   * ```ts
   * import { createServer } from 'node:http';
   *
   * createServer(async (_request, response) => {
   *   const text = await owner.expenses.listJson({ from: '2026-11-01', limit: 50 });
   *   response.writeHead(200, { 'content-type': 'application/json' }).end(text);
   * }).listen(8080);
   * ```
   * @throws `VALIDATION_FAILED` as {@link list} does
   */
  listJson(query?: ExpenseListQuery): Promise<string>;
  /**
   * Changes the given fields; `null` clears an optional one. Changing `currency` needs the amount too.
   *
   * @example
   * ```ts
   * await owner.expenses.update(lunch.id, { amount: '13.00', notes: null });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  update(id: string, patch: ExpensePatch): Promise<Expense>;
  /**
   * Replaces the expense: the amount is required; optional fields left out are cleared;
   * `currency` and `date` left out are kept.
   *
   * @example
   * ```ts
   * await owner.expenses.replace(lunch.id, { amount: '13.00', description: 'Team lunch' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  replace(id: string, input: ExpenseInput): Promise<Expense>;
  /**
   * Deletes an expense.
   *
   * @example
   * ```ts
   * await owner.expenses.delete(lunch.id);
   * ```
   * @throws `NOT_FOUND` when the owner has no such expense
   */
  delete(id: string): Promise<void>;
  /**
   * Imports bank lines an aggregator delivered (Plaid, GoCardless, your own feed), straight to
   * commit, with the duplicate detection of a bank file: a line already stored (same
   * `externalId`, or same fingerprint and occurrence, for this `sourceKey`) is skipped, a
   * hand-typed expense of the same amount within ±3 days is linked, credits are ignored.
   * Returns the import (see `owner.imports`), which `owner.imports.revert()` undoes.
   *
   * @example
   * ```ts
   * const result = await owner.expenses.import(
   *   [{ date: '2026-11-03', amount: '3.99', description: 'CAFE NORD', externalId: 'txn_81' }],
   *   { sourceKey: 'plaid:acc_42' },
   * );
   * result.counts.created; // 1, then 0 when the same line comes again
   * ```
   * @throws `VALIDATION_FAILED` for no rows, more than 50,000, or a bad source key
   */
  import(rows: readonly AggregatorRow[], options: { sourceKey: string } & ImportCommitOptions): Promise<Import>;
}

/**
 * An owner's budgets. Reached as `owner.budgets`.
 *
 * @example
 * ```ts
 * import type { BudgetsApi } from '@expense-tracker/core';
 *
 * // The names of the budgets that are over their limit today.
 * async function exceeded(budgets: BudgetsApi): Promise<string[]> {
 *   const names: string[] = [];
 *   for (const budget of await budgets.list()) {
 *     if ((await budgets.status(budget.id)).state === 'exceeded') names.push(budget.name);
 *   }
 *   return names;
 * }
 * await exceeded(owner.budgets);
 * ```
 */
export interface BudgetsApi {
  /**
   * Creates a budget: a limit per period in one currency, over all spending or some
   * categories (and their subcategories). Gets `spent` alert rules at 80 % and 100 % unless
   * `alertRules` says otherwise.
   *
   * @example
   * ```ts
   * const groceries = await owner.budgets.create({
   *   name: 'Groceries', amount: '400', categoryIds: [food.id],
   *   period: { unit: 'month', anchor: '2026-01-25' }, rollover: 'surplus',
   * });
   * ```
   * @throws `VALIDATION_FAILED` naming the field (an unknown category, a bad period, ...)
   */
  create(input: BudgetInput): Promise<Budget>;
  /**
   * The budget with this id.
   *
   * @example
   * ```ts
   * const budget = await owner.budgets.get(groceries.id);
   * ```
   * @throws `NOT_FOUND`
   */
  get(id: string): Promise<Budget>;
  /**
   * All budgets, oldest first.
   *
   * @example
   * ```ts
   * for (const budget of await owner.budgets.list()) console.log(budget.name, budget.amount);
   * ```
   */
  list(): Promise<Budget[]>;
  /**
   * The overall budget: the oldest budget with no category filter, or `null`.
   *
   * @example
   * ```ts
   * const overall = await owner.budgets.overall();
   * ```
   */
  overall(): Promise<Budget | null>;
  /**
   * Sets the overall budget (no category filter) in one write: replaces the owner's overall
   * budget when there is one (as {@link replace} does: its alert rules stay), creates it
   * otherwise (as {@link create} does). Decided under the owner's write lock, so two
   * concurrent calls never create two.
   *
   * @example
   * ```ts
   * const { budget, created } = await owner.budgets.setOverall({ name: 'Month', amount: '2000' });
   * created; // true the first time; false when it replaced the overall budget
   * ```
   * @throws `VALIDATION_FAILED` (non-empty `categoryIds`; `alertRules` when replacing; as create/replace)
   */
  setOverall(input: OverallBudgetInput): Promise<OverallBudgetChange>;
  /**
   * Changes the given fields. Changing the currency needs the amount too; changing the
   * period moves `startsOn` to the start of the new current period unless given.
   *
   * @example
   * ```ts
   * await owner.budgets.update(groceries.id, { amount: '450' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  update(id: string, patch: BudgetPatch): Promise<Budget>;
  /**
   * Replaces the budget: fields left out go back to their defaults; its alert rules stay.
   *
   * @example
   * ```ts
   * await owner.budgets.replace(groceries.id, { name: 'Food', amount: '500' });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  replace(id: string, input: BudgetInput): Promise<Budget>;
  /**
   * Deletes the budget and its rules; notifications it raised stay.
   *
   * @example
   * ```ts
   * await owner.budgets.delete(groceries.id);
   * ```
   * @throws `NOT_FOUND`
   */
  delete(id: string): Promise<void>;
  /**
   * Every figure of the budget for the period containing `date` (default: today in the
   * owner's time zone): limit, rollover, spent, remaining, daily allowance, forecast, state.
   *
   * @example
   * ```ts
   * const { spentMinor, remainingMinor, projectedExceedDate, state } = await owner.budgets.status(groceries.id);
   * ```
   * @throws `NOT_FOUND`
   */
  status(id: string, query?: { date?: string }): Promise<BudgetStatus>;
  /**
   * The status of the overall budget (see {@link overall}), or `null` when there is none: one
   * read of the owner instead of two for `status((await overall()).id)`.
   *
   * @example
   * ```ts
   * const status = await owner.budgets.overallStatus();
   * if (status?.state === 'warning') console.log(`${status.percentUsed} % of the month's budget spent`);
   * ```
   */
  overallStatus(query?: { date?: string }): Promise<BudgetStatus | null>;
  /**
   * The figures of the last `periods` closed periods (default 6), oldest first, with
   * rollover applied period after period.
   *
   * @example
   * ```ts
   * const lastSix = await owner.budgets.history(groceries.id, { periods: 6 });
   * ```
   * @throws `NOT_FOUND`
   */
  history(id: string, query?: { periods?: number }): Promise<BudgetStatus[]>;
}

/**
 * An owner's alert rules. Reached as `owner.alerts`.
 *
 * @example
 * ```ts
 * import type { AlertsApi } from '@expense-tracker/core';
 *
 * // Silence every rule of a budget without deleting them.
 * async function mute(alerts: AlertsApi, budgetId: string): Promise<void> {
 *   for (const rule of await alerts.list({ budgetId })) await alerts.update(rule.id, { active: false });
 * }
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * await mute(owner.alerts, budget.id);
 * ```
 */
export interface AlertsApi {
  /**
   * Adds a rule to a budget: `spent` fires when spending reaches `thresholdPercent` of what
   * is available in the period, `forecast` when the end-of-period forecast does. Each rule
   * fires at most once per period. The rule is evaluated at once.
   *
   * @example
   * ```ts
   * await owner.alerts.create({ budgetId: groceries.id, thresholdPercent: 110, kind: 'forecast' });
   * ```
   * @throws `VALIDATION_FAILED` (an unknown budget, a threshold outside 1–1000)
   */
  create(input: AlertRuleCreate): Promise<AlertRule>;
  /**
   * The rule with this id.
   *
   * @example
   * ```ts
   * const rule = await owner.alerts.get(ruleId);
   * ```
   * @throws `NOT_FOUND`
   */
  get(id: string): Promise<AlertRule>;
  /**
   * The rules, of one budget when `budgetId` is given.
   *
   * @example
   * ```ts
   * const rules = await owner.alerts.list({ budgetId: groceries.id });
   * ```
   */
  list(query?: { budgetId?: string }): Promise<AlertRule[]>;
  /**
   * Changes a rule; it is evaluated at once.
   *
   * @example
   * ```ts
   * await owner.alerts.update(ruleId, { active: false });
   * ```
   * @throws `NOT_FOUND`, `VALIDATION_FAILED`
   */
  update(id: string, patch: AlertRulePatch): Promise<AlertRule>;
  /**
   * Deletes a rule.
   *
   * @example
   * ```ts
   * await owner.alerts.delete(ruleId);
   * ```
   * @throws `NOT_FOUND`
   */
  delete(id: string): Promise<void>;
}

/**
 * An owner's notifications: what alert rules raised, and notices (a dead webhook message, an
 * expiring API token, or one of your own). Reached as `owner.notifications`.
 *
 * @example
 * ```ts
 * import type { NotificationsApi } from '@expense-tracker/core';
 *
 * // Show the unread notifications once, then mark them read.
 * async function showUnread(notifications: NotificationsApi): Promise<void> {
 *   for (const n of await notifications.list({ unread: true })) {
 *     console.log(n.message);
 *     await notifications.markRead(n.id);
 *   }
 * }
 * await showUnread(owner.notifications);
 * ```
 */
export interface NotificationsApi {
  /**
   * Notifications, newest first; `unread: true` for the unread ones. Page with `before`
   * (the last id you have).
   *
   * @example
   * ```ts
   * const unread = await owner.notifications.list({ unread: true });
   * for (const n of unread) console.log(n.message);
   * ```
   */
  list(query?: NotificationListQuery): Promise<Notification[]>;
  /**
   * Marks a notification read; marking it again keeps the first `readAt`.
   *
   * @example
   * ```ts
   * await owner.notifications.markRead(notification.id);
   * ```
   * @throws `NOT_FOUND`
   */
  markRead(id: string): Promise<Notification>;
  /**
   * Posts a notice, once per `topic` and `subjectId`: the first call stores it, emits
   * `notice.posted` (in the change feed, so on the server's WebSocket too) and returns it;
   * a later call, on this instance or another, returns `null` and stores nothing. How the
   * server tells an owner that an API token is about to expire, and core a dead webhook message.
   *
   * @example
   * ```ts
   * const notice = await owner.notifications.post({ topic: 'backup.failed', subjectId: '2026-12-03', message: 'Last night’s backup failed' });
   * await owner.notifications.post({ topic: 'backup.failed', subjectId: '2026-12-03', message: 'again' }); // null: told once
   * ```
   * @throws `VALIDATION_FAILED` for a topic that is not lower-case dotted words, or a text too long
   */
  post(input: NoticeInput): Promise<Notice | null>;
}

/**
 * An owner's analytics, aggregated in SQL from the daily totals and grouped by currency.
 * Reached as `owner.analytics`.
 *
 * @example
 * ```ts
 * import type { AnalyticsApi } from '@expense-tracker/core';
 *
 * // This month's total per currency, as text.
 * async function monthToDate(analytics: AnalyticsApi): Promise<string[]> {
 *   const { currencies } = await analytics.summary();
 *   return currencies.map((c) => `${c.total} ${c.currency} in ${c.count} expenses`);
 * }
 * await monthToDate(owner.analytics);
 * ```
 */
export interface AnalyticsApi {
  /**
   * Totals and counts per currency over a range (default: the current month), the average
   * per day, each category's share, the change against the previous range of equal length,
   * and the status of each budget active today.
   *
   * @example
   * ```ts
   * const { currencies, budgets } = await owner.analytics.summary({ from: '2026-11-01', to: '2026-11-30' });
   * ```
   * @throws `VALIDATION_FAILED` for a bad range
   */
  summary(query?: SummaryQuery): Promise<Summary>;
  /**
   * Per month (`YYYY-MM`, every month of the range listed), per currency and per category.
   * The range is `from`/`to` as months or dates (a date stands for the month containing it),
   * or `fromMonth`/`toMonth` as months; one form per query. Default: the last 12 months, this
   * one included.
   *
   * @example
   * ```ts
   * const { months } = await owner.analytics.monthly({ from: '2026-01', to: '2026-12' });
   * await owner.analytics.monthly({ from: '2026-01-15', to: '2026-12-31' }); // the same twelve months
   * await owner.analytics.monthly({ fromMonth: '2026-01', toMonth: '2026-12' }); // the same, the older form
   * ```
   * @throws `VALIDATION_FAILED` for a bad range, both forms at once, or more than 1,000 months
   */
  monthly(query?: MonthlyQuery): Promise<Monthly>;
  /**
   * The same per week, weeks starting on the owner's `weekStartsOn`. Default: the last 12 weeks.
   *
   * @example
   * ```ts
   * const { weeks } = await owner.analytics.weekly({ from: '2026-10-01', to: '2026-11-30' });
   * ```
   * @throws `VALIDATION_FAILED` for a bad range or more than 1,000 weeks
   */
  weekly(query?: WeeklyQuery): Promise<Weekly>;
  /**
   * A zero-filled series by day, week or month in one currency (default: the owner's),
   * optionally of one category: totals, counts, a moving average and the change against the
   * previous point.
   *
   * @example
   * ```ts
   * const { points } = await owner.analytics.trends({ granularity: 'week', categoryId: food.id });
   * ```
   * @throws `VALIDATION_FAILED` for a bad range or more than 1,000 points
   */
  trends(query?: TrendsQuery): Promise<Trends>;
}

/**
 * An owner's saved CSV mappings. Reached as `owner.imports.profiles`.
 *
 * @example
 * ```ts
 * const profile = await owner.imports.profiles.create({
 *   name: 'My bank',
 *   profile: { date: { column: 'Date', format: 'DMY' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'EUR' } },
 * });
 * ```
 */
export interface ImportProfilesApi {
  /** Saves a mapping. @throws `VALIDATION_FAILED` for an invalid mapping */
  create(input: ImportProfileInput): Promise<ImportProfile>;
  /** A saved mapping. @throws `NOT_FOUND` */
  get(id: string): Promise<ImportProfile>;
  /** The owner's mappings, by name. */
  list(): Promise<ImportProfile[]>;
  /** Replaces a mapping. @throws `NOT_FOUND`, `VALIDATION_FAILED` */
  update(id: string, input: ImportProfileInput): Promise<ImportProfile>;
  /** Deletes a mapping. @throws `NOT_FOUND` */
  delete(id: string): Promise<void>;
}

/**
 * An owner's bank-file imports (SPEC §7.1): parse a file into a preview of every row and
 * what commit will do with it, change decisions, commit (idempotent, chunked, resumable),
 * revert. Reached as `owner.imports`.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 *
 * const preview = await owner.imports.preview(await readFile('statement.ofx'), { sourceKey: 'checking' });
 * const { items } = await owner.imports.rows(preview.id, { state: 'possible_duplicate' });
 * for (const row of items) if (row.candidateIds.length > 1) await owner.imports.decide(preview.id, row.n, { decision: 'create' });
 * const committed = await owner.imports.commit(preview.id);
 * committed.counts.created;
 * ```
 */
export interface ImportsApi {
  /**
   * Parses a bank file (bytes, or a stream such as a Node `Readable`) with bounded memory
   * (10 MB and 50,000 rows by default) and stores a preview: every row with its state and
   * default decision. Nothing is spent until `commit`.
   *
   * @example
   * ```ts
   * import { createReadStream } from 'node:fs';
   *
   * const preview = await owner.imports.preview(createReadStream('march.csv'), { sourceKey: 'checking', profileId: 'ipr_01JD…' });
   * ```
   * @throws `VALIDATION_FAILED` for an unreadable file (issue codes in `FILE_ISSUE_CODES`); `NOT_FOUND` for an unknown profile
   */
  preview(input: ImportInput, options: ImportPreviewOptions): Promise<Import>;
  /** An import with its counts. @throws `NOT_FOUND` */
  get(id: string): Promise<Import>;
  /** The owner's imports, newest first. */
  list(query?: { limit?: number; before?: string }): Promise<Import[]>;
  /** A page of an import's rows in file order, of one state if asked. @throws `NOT_FOUND` */
  rows(id: string, query?: ImportRowsQuery): Promise<ImportRowPage>;
  /**
   * Changes what commit does with one row of a previewed import.
   *
   * @example
   * ```ts
   * declare const importId: string;
   * await owner.imports.decide(importId, 7, { decision: 'link', expenseId: lunch.id });
   * ```
   * @throws `CONFLICT` once commit has begun; `VALIDATION_FAILED` for a row with nothing to decide
   */
  decide(id: string, n: number, input: ImportDecisionInput): Promise<ImportRow>;
  /**
   * Applies the decisions, 500 rows per transaction, with the same events as normal writes
   * and `import.committed` at the end. Idempotent: committing again returns the import.
   * Resumable: after a crash, commit again and it goes on from the first row not applied.
   *
   * @throws `CONFLICT` for a reverted import
   */
  commit(id: string, options?: ImportCommitOptions): Promise<Import>;
  /**
   * Removes exactly the expenses the import created and unlinks those it linked.
   *
   * @throws `CONFLICT` (issue `edited_since`) when some were edited since, unless `force`
   */
  revert(id: string, options?: ImportRevertOptions): Promise<Import>;
  /** Saved CSV mappings. */
  readonly profiles: ImportProfilesApi;
}

/**
 * Everything of one owner: every method is scoped to `ownerId` and cannot read or change
 * another owner's data. Get one with `tracker.forOwner(id)`.
 *
 * @example
 * ```ts
 * import { Tracker, type OwnerHandle } from '@expense-tracker/core';
 *
 * const tracker = await Tracker.open({ database: ':memory:' });
 * await tracker.migrate();
 * const alice: OwnerHandle = tracker.forOwner('alice');
 * const bob: OwnerHandle = tracker.forOwner('bob');
 * const lunch = await alice.expenses.create({ amount: '12.50' });
 * await bob.expenses.get(lunch.id).catch((error) => error.code); // 'NOT_FOUND': Bob cannot see Alice's expense
 * ```
 */
export class OwnerHandle {
  /** The owner's id. */
  readonly ownerId: string;
  /** The owner's settings. */
  readonly settings: OwnerSettingsApi;
  /** The owner's categories. */
  readonly categories: CategoriesApi;
  /** The owner's expenses. */
  readonly expenses: ExpensesApi;
  /** The owner's budgets, their status and history. */
  readonly budgets: BudgetsApi;
  /** The owner's alert rules. */
  readonly alerts: AlertsApi;
  /** The owner's notifications. */
  readonly notifications: NotificationsApi;
  /** The owner's analytics. */
  readonly analytics: AnalyticsApi;
  /** The owner's bank-file imports. */
  readonly imports: ImportsApi;
  /** Auto-categorisation rules (SPEC §7.2). */
  readonly rules: RulesApi;
  /** Recurring expenses and bills (SPEC §7.3). */
  readonly schedules: SchedulesApi;
  /** The owner's webhook endpoints and their messages. */
  readonly webhooks: WebhooksApi;
  readonly #ctx: ServiceContext;
  readonly #idempotency: IdempotencyScope | undefined;

  /** @internal */
  constructor(ctx: ServiceContext, ownerId: string, idempotency?: IdempotencyScope) {
    this.#ctx = ctx;
    this.#idempotency = idempotency;
    this.ownerId = ownerId;
    // The context of a write: under an idempotency key, it carries the key (see withIdempotencyKey).
    const w = (operation: string, ...args: unknown[]): ServiceContext =>
      idempotency ? { ...ctx, keyed: idempotency.forCall(operation, args) } : ctx;
    this.settings = {
      get: () => getSettings(ctx, ownerId),
      update: (patch) => updateSettings(w('settings.update', patch), ownerId, patch),
    };
    this.categories = {
      create: (input) => createCategory(w('categories.create', input), ownerId, input),
      get: (id) => getCategory(ctx, ownerId, id),
      list: () => listCategories(ctx, ownerId),
      update: (id, patch) => updateCategory(w('categories.update', id, patch), ownerId, id, patch, false),
      replace: (id, input) => updateCategory(w('categories.replace', id, input), ownerId, id, input, true),
      delete: (id, options) => deleteCategory(w('categories.delete', id, options), ownerId, id, options),
    };
    this.expenses = {
      create: (input) => createExpense(w('expenses.create', input), ownerId, input),
      createMany: (inputs) => createExpenses(w('expenses.createMany', inputs), ownerId, inputs),
      get: (id) => getExpense(ctx, ownerId, id),
      list: (query) => listExpenses(ctx, ownerId, query),
      listJson: (query) => listExpensesJson(ctx, ownerId, query),
      update: (id, patch) => updateExpense(w('expenses.update', id, patch), ownerId, id, patch, false),
      replace: (id, input) => updateExpense(w('expenses.replace', id, input), ownerId, id, input, true),
      delete: (id) => deleteExpense(w('expenses.delete', id), ownerId, id),
      import: (rows, options) => importExpenseRows(ctx, ownerId, rows, options),
    };
    this.budgets = {
      create: (input) => createBudget(w('budgets.create', input), ownerId, input),
      get: (id) => getBudget(ctx, ownerId, id),
      list: () => listBudgets(ctx, ownerId),
      overall: () => findOverallBudget(ctx, ownerId),
      setOverall: (input) => setOverallBudget(w('budgets.setOverall', input), ownerId, input),
      update: (id, patch) => updateBudget(w('budgets.update', id, patch), ownerId, id, patch, false),
      replace: (id, input) => updateBudget(w('budgets.replace', id, input), ownerId, id, input, true),
      delete: (id) => deleteBudget(w('budgets.delete', id), ownerId, id),
      status: (id, query) => budgetStatus(ctx, ownerId, id, query),
      overallStatus: (query) => overallBudgetStatus(ctx, ownerId, query),
      history: (id, query) => budgetHistory(ctx, ownerId, id, query),
    };
    this.alerts = {
      create: (input) => createAlertRule(w('alerts.create', input), ownerId, input),
      get: (id) => getAlertRule(ctx, ownerId, id),
      list: (query) => listAlertRules(ctx, ownerId, query?.budgetId),
      update: (id, patch) => updateAlertRule(w('alerts.update', id, patch), ownerId, id, patch),
      delete: (id) => deleteAlertRule(w('alerts.delete', id), ownerId, id),
    };
    this.notifications = {
      list: (query) => listNotifications(ctx, ownerId, query),
      markRead: (id) => markNotificationRead(w('notifications.markRead', id), ownerId, id),
      post: (input) => postNotice(ctx, ownerId, input),
    };
    this.imports = {
      preview: (input, options) => previewImport(ctx, ownerId, input, options),
      get: (id) => getImport(ctx, ownerId, id),
      list: (query) => listImports(ctx, ownerId, query),
      rows: (id, query) => listImportRows(ctx, ownerId, id, query),
      decide: (id, n, input) => decideImportRow(ctx, ownerId, id, n, input),
      commit: (id, options) => commitImport(ctx, ownerId, id, options),
      revert: (id, options) => revertImport(ctx, ownerId, id, options),
      profiles: {
        create: (input) => profileService.create(ctx, ownerId, input),
        get: (id) => profileService.get(ctx, ownerId, id),
        list: () => profileService.list(ctx, ownerId),
        update: (id, input) => profileService.update(ctx, ownerId, id, input),
        delete: (id) => profileService.delete(ctx, ownerId, id),
      },
    };
    this.analytics = {
      summary: (query) => summary(ctx, ownerId, query),
      monthly: (query) => monthly(ctx, ownerId, query),
      weekly: (query) => weekly(ctx, ownerId, query),
      trends: (query) => trends(ctx, ownerId, query),
    };
    this.rules = createRulesApi(ctx, ownerId, w);
    this.schedules = createSchedulesApi(ctx, ownerId, w);
    this.webhooks = createWebhooksApi(ctx, ownerId, w);
  }

  /**
   * This owner's handle with every write made under an idempotency `key`: a retry of a write
   * (after a timeout, a crash, a lost answer) returns the first attempt's result instead of
   * writing again. The key's record (its fingerprint and the write's result) is written in
   * the write's own transaction, so a committed write always has its record, whatever
   * happens after the commit.
   *
   * - The first write under a key runs and records its result for 24 hours; a later write
   *   under it with the same operation and fingerprint returns that result without writing
   *   (no event is emitted; `options.onReplay` is called).
   * - The same key for another operation or fingerprint is `IDEMPOTENCY_KEY_REUSED`.
   * - A write that fails records nothing: the key can be used again, e.g. with fixed input.
   * - A retry that runs while the first attempt is still writing waits for it (writes of one
   *   owner run one at a time) and then returns its result.
   * - Keys are per owner. A keyed handle stands for one write: once a write through it has
   *   committed (or replayed), another write through it is `IDEMPOTENCY_KEY_REUSED`. Reads
   *   through it are plain reads.
   *
   * @param key - 1 to 255 characters, chosen by the caller (e.g. a client's `Idempotency-Key`)
   * @example
   * ```ts
   * // A job that may run twice (a queue redelivers it after a crash) records the payment once.
   * async function recordPayment(job: { id: string; amount: string }) {
   *   return owner.withIdempotencyKey(`payment-${job.id}`).expenses.create({ amount: job.amount });
   * }
   * const first = await recordPayment({ id: 'job-7', amount: '42.00' });
   * const again = await recordPayment({ id: 'job-7', amount: '42.00' }); // nothing written
   * again.id === first.id; // true
   * ```
   * @throws `VALIDATION_FAILED` for an empty key or one longer than 255 characters
   */
  withIdempotencyKey(key: string, options?: IdempotencyKeyOptions): OwnerHandle {
    return new OwnerHandle(this.#ctx, this.ownerId, new IdempotencyScope(key, options));
  }

  /**
   * Exports the expenses matching the listing filters, oldest first, as CSV (default),
   * JSON or NDJSON, in chunks of text read batch by batch, so memory stays bounded. Wrap it
   * in `Readable.from()` to pipe it to a file or an HTTP response.
   *
   * @example
   * ```ts
   * import { createWriteStream } from 'node:fs';
   * import { Readable } from 'node:stream';
   * import { pipeline } from 'node:stream/promises';
   *
   * await pipeline(Readable.from(owner.export({ format: 'csv', from: '2026-01-01' })), createWriteStream('2026.csv'));
   * ```
   * @throws `VALIDATION_FAILED` (on first read) for a bad format or filter
   */
  export(query?: ExportQuery): AsyncIterable<string> {
    return exportExpenses(this.#ctx, this.ownerId, query);
  }

  /**
   * Recomputes the owner's daily totals from the expenses (they are kept up to date by every
   * write; this repairs them after a manual change to the database). Returns the number of
   * total rows.
   *
   * @example
   * ```ts
   * await owner.rebuildTotals();
   * ```
   */
  rebuildTotals(): Promise<number> {
    return rebuildTotals(
      this.#idempotency ? { ...this.#ctx, keyed: this.#idempotency.forCall('rebuildTotals', []) } : this.#ctx,
      this.ownerId,
    );
  }

  /**
   * Reads the change feed: the owner's events with `seq > after`, oldest first. A client
   * that was away passes the last seq it saw and catches up with nothing lost.
   *
   * @example
   * ```ts
   * let after = 0;
   * for (;;) {
   *   const { events } = await owner.changes({ after, limit: 200 });
   *   if (events.length === 0) break;
   *   after = events[events.length - 1]!.seq;
   * }
   * ```
   */
  changes(query?: ChangesQuery): Promise<ChangesPage> {
    return readChanges(this.#ctx, this.ownerId, query);
  }

  /**
   * Follows the owner's committed events: replays the change feed after `after` (`null`:
   * from now), then goes live, delivering every event once and in seq order. A live event
   * that skips a seq (committed by another process, with `listen`) is held while the gap is
   * read from the feed. This is what the server's notification socket pipes to its client.
   *
   * @example
   * ```ts
   * declare const lastSeenSeq: number | null;
   * declare const socket: { send(text: string): void; close(): void; on(event: 'close', listener: () => void): void };
   *
   * const follower = await owner.follow({
   *   after: lastSeenSeq, // from your client; null starts from now
   *   deliver: (event) => socket.send(JSON.stringify(event)),
   *   onError: () => socket.close(),
   * });
   * socket.on('close', () => follower.close());
   * ```
   * @throws `TRACKER_CLOSED` after `tracker.close()`; a store error when the feed's end cannot be read
   */
  follow(options: FollowOptions): Promise<Follower> {
    return follow(this.#ctx, this.ownerId, options);
  }
}
