import type { PeriodDefinition } from '../budgets/periods.js';
import type { OwnerSettings } from '../owners/schema.js';
import type { IdempotencyRepository } from '../idempotency/repository.js';
import type { Actor } from '../actor.js';
import type { CategorySource, SourceKind } from '../expenses/provenance.js';
import type { ImportRepository } from '../imports/repository.js';

/**
 * What an expense row is: `'expense'` (money spent) or `'refund'` (money back: a positive
 * amount that reduces spending in its category and day).
 *
 * @example
 * ```ts
 * import type { ExpenseKind } from '@expense-tracker/core/store';
 *
 * const kind: ExpenseKind = 'refund';
 * await owner.expenses.create({ amount: '20.00', kind }); // the day's total goes down by 20.00
 * ```
 */
export type ExpenseKind = 'expense' | 'refund';
import type { RuleRepository } from '../rules/repository.js';
import type { ScheduleRepository } from '../schedules/repository.js';
import type { WebhookRepository } from '../webhooks/webhook-repository.js';

/**
 * The SQL engines the bundled store speaks.
 *
 * @example
 * ```ts
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import type { Dialect } from '@expense-tracker/core/store';
 *
 * const store = await openKyselyStore({ database: process.env.DATABASE_URL ?? ':memory:' });
 * const dialect: Dialect = store.dialect; // 'postgres' for a postgres:// URL, else 'sqlite'
 * ```
 */
export type Dialect = 'sqlite' | 'postgres';

/**
 * A category as stored. It is what a {@link Store}'s `categories` repository reads and writes.
 * The SDK returns it to you as a {@link index!Category}, without `ownerId`.
 *
 * @example
 * ```ts
 * import type { CategoryRecord } from '@expense-tracker/core/store';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const record: CategoryRecord | null = await store.categories.findById(owner.ownerId, food.id);
 * record?.ownerId; // owner.ownerId
 * ```
 */
export interface CategoryRecord {
  id: string;
  ownerId: string;
  name: string;
  color: string | null;
  icon: string | null;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * An expense as stored. It is what a {@link Store}'s `expenses` repository reads and writes,
 * in minor units only. The SDK returns it to you as an {@link index!Expense}, with `amount` added.
 *
 * @example
 * ```ts
 * import type { ExpenseRecord } from '@expense-tracker/core/store';
 *
 * const lunch = await owner.expenses.create({ amount: '12.50' });
 * const record: ExpenseRecord | null = await store.expenses.findById(owner.ownerId, lunch.id);
 * record?.amountMinor; // 1250
 * ```
 */
export interface ExpenseRecord {
  id: string;
  ownerId: string;
  /** Always positive; a `'refund'` subtracts it from the totals. */
  amountMinor: number;
  kind: ExpenseKind;
  currency: string;
  date: string;
  categoryId: string | null;
  description: string | null;
  merchant: string | null;
  tags: string[];
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  /** Where it came from: `manual`, `api`, `import` or `schedule`. */
  sourceKind: SourceKind;
  /** The import's or schedule's id (or the caller's id for `manual`/`api`), or `null`. */
  sourceId: string | null;
  /** The row of the import it came from, or `null`. */
  sourceRow: number | null;
  /** Who set the category; `null` when uncategorized. */
  categorySource: CategorySource | null;
  /** The rule that set the category, when one did. */
  ruleId: string | null;
  /** The bank's id of the line, unique per (owner, source account) where set. */
  externalId: string | null;
  /** The import source key (bank account) that `externalId` and `fingerprint` belong to. */
  sourceAccount: string | null;
  /** The bank line's fingerprint with its occurrence number, unique per (owner, source account) where set. */
  fingerprint: string | null;
}

/**
 * The bank-line identity of a stored expense, as a duplicate check reads it.
 *
 * @example
 * ```ts
 * import type { ExpenseIdentity } from '@expense-tracker/core/store';
 *
 * const found: ExpenseIdentity[] = await store.expenses.findByIdentity(owner.ownerId, 'checking', { externalIds: ['FIT-1'], fingerprints: [] });
 * ```
 */
export interface ExpenseIdentity {
  id: string;
  externalId: string | null;
  fingerprint: string | null;
}

/**
 * An event as stored in the outbox. It is what a {@link Store}'s `events` repository appends
 * and lists. `owner.changes()` returns the same rows as {@link index!TrackerEvent}s.
 *
 * @example
 * ```ts
 * import type { EventRecord } from '@expense-tracker/core/store';
 *
 * await owner.expenses.create({ amount: '12.50' });
 * const records: EventRecord[] = await store.events.list(owner.ownerId, 0, 10);
 * records.map((r) => `${r.seq}:${r.type}`); // ['1:expense.created'] for a new owner
 * ```
 */
export interface EventRecord {
  seq: number;
  ownerId: string;
  type: string;
  data: unknown;
  at: string;
  /** Who made the change. */
  actor: Actor;
}

/**
 * Filters of an expense query; every given filter must match.
 *
 * @example
 * ```ts
 * import type { ExpenseFilter } from '@expense-tracker/core/store';
 *
 * // Uncategorized USD expenses of November from 10.00 up, straight from the store.
 * const filter: ExpenseFilter = { from: '2026-11-01', to: '2026-11-30', categoryIds: [null], currency: 'USD', minAmountMinor: 1000 };
 * const rows = await store.expenses.list(owner.ownerId, { ...filter, sort: 'date', order: 'desc', limit: 50 });
 * ```
 */
export interface ExpenseFilter {
  /** First date, inclusive. */
  from?: string;
  /** Last date, inclusive. */
  to?: string;
  /** Any of these categories; `null` matches uncategorized expenses. */
  categoryIds?: (string | null)[];
  /** Any of these tags, compared case-insensitively. */
  tags?: string[];
  /** Text found in description, merchant or notes, case-insensitively; no wildcards. */
  text?: string;
  /** Smallest `amountMinor`, inclusive. */
  minAmountMinor?: number;
  /** Largest `amountMinor`, inclusive. */
  maxAmountMinor?: number;
  /** Only this currency. */
  currency?: string;
  /** Only expenses, or only refunds. */
  kind?: ExpenseKind;
}

/**
 * Order and page of an expense query.
 *
 * @example
 * ```ts
 * import type { ExpensePageRequest } from '@expense-tracker/core/store';
 *
 * // Keyset paging, as the SDK does it: the next page starts after the last row's (sort key, id).
 * const request: ExpensePageRequest = { sort: 'date', order: 'asc', limit: 100 };
 * const first = await store.expenses.list(owner.ownerId, request);
 * const last = first.at(-1);
 * const second = last ? await store.expenses.list(owner.ownerId, { ...request, after: { key: last.date, id: last.id } }) : [];
 * ```
 */
export interface ExpensePageRequest extends ExpenseFilter {
  sort: 'date' | 'amount';
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset position: rows strictly after this (sort key, id) in the given order. */
  after?: { key: string | number; id: string };
}

/**
 * A budget as stored; a recurring period always has its anchor. The SDK returns it to you
 * as a {@link index!Budget}.
 *
 * @example
 * ```ts
 * import type { BudgetRecord } from '@expense-tracker/core/store';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const record: BudgetRecord | null = await store.budgets.findById(owner.ownerId, budget.id);
 * record?.amountMinor; // 40000
 * ```
 */
export interface BudgetRecord {
  id: string;
  ownerId: string;
  name: string;
  amountMinor: number;
  currency: string;
  /** Empty: all spending in the currency. */
  categoryIds: string[];
  period: PeriodDefinition;
  rollover: 'none' | 'surplus' | 'full';
  startsOn: string;
  endsOn: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * An alert rule as stored. The SDK returns it to you as an {@link index!AlertRule}.
 *
 * @example
 * ```ts
 * import type { AlertRuleRecord } from '@expense-tracker/core/store';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const rules: AlertRuleRecord[] = await store.alertRules.list(owner.ownerId, [budget.id]);
 * rules.map((rule) => rule.thresholdPercent); // [80, 100]
 * ```
 */
export interface AlertRuleRecord {
  id: string;
  ownerId: string;
  budgetId: string;
  thresholdPercent: number;
  kind: 'spent' | 'forecast';
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * A budget alert as stored: one (rule, period) that fired. The SDK returns it to you as a
 * {@link index!BudgetNotification}, with `period` as a range.
 *
 * @example
 * ```ts
 * import type { BudgetNotificationRecord, NotificationRecord } from '@expense-tracker/core/store';
 *
 * const unread: NotificationRecord[] = await store.notifications.list(owner.ownerId, { unread: true, limit: 20 });
 * const alerts = unread.filter((n): n is BudgetNotificationRecord => n.kind !== 'notice');
 * for (const n of alerts) console.log(n.periodStart, n.periodEnd, n.message);
 * ```
 */
export interface BudgetNotificationRecord {
  id: string;
  ownerId: string;
  budgetId: string;
  ruleId: string;
  kind: 'spent' | 'forecast';
  periodStart: string;
  periodEnd: string;
  thresholdPercent: number;
  currency: string;
  spentMinor: number;
  availableMinor: number;
  projectedSpendMinor: number;
  message: string;
  createdAt: string;
  readAt: string | null;
}

/**
 * A notice as stored: one per owner, `topic` and `subjectId` (a dead webhook message, an
 * expiring API token). The SDK returns it to you as a {@link index!Notice}.
 *
 * @example
 * ```ts
 * import type { NoticeRecord } from '@expense-tracker/core/store';
 *
 * const notice: NoticeRecord = {
 *   id: 'ntf_01JD', ownerId: owner.ownerId, kind: 'notice', topic: 'api-token.expiring', subjectId: 'tok_01JD',
 *   message: 'Your API token "CI" expires on 2027-01-08', data: { expiresAt: '2027-01-08T00:00:00.000Z' },
 *   createdAt: new Date().toISOString(), readAt: null,
 * };
 * await store.notifications.insertNoticeOnce(notice); // true the first time, false after
 * ```
 */
export interface NoticeRecord {
  id: string;
  ownerId: string;
  kind: 'notice';
  topic: string;
  subjectId: string;
  message: string;
  data: Record<string, string | number | boolean | null>;
  createdAt: string;
  readAt: string | null;
}

/**
 * A notification as stored: a budget alert or a notice, told apart by `kind`.
 *
 * @example
 * ```ts
 * import type { NotificationRecord } from '@expense-tracker/core/store';
 *
 * const [latest]: NotificationRecord[] = await store.notifications.list(owner.ownerId, { limit: 1 });
 * console.log(latest?.kind === 'notice' ? latest.topic : latest?.budgetId);
 * ```
 */
export type NotificationRecord = BudgetNotificationRecord | NoticeRecord;

/**
 * A change to one daily total.
 *
 * @example
 * ```ts
 * import type { TotalsDelta } from '@expense-tracker/core/store';
 *
 * // How a custom store's `totals.applyDeltas` adds them up, here in memory.
 * const totals = new Map<string, { amountMinor: number; count: number }>();
 * function applyDeltas(ownerId: string, deltas: readonly TotalsDelta[]): void {
 *   for (const d of deltas) {
 *     const key = [ownerId, d.date, d.currency, d.categoryId ?? ''].join('|');
 *     const total = totals.get(key) ?? { amountMinor: 0, count: 0 };
 *     totals.set(key, { amountMinor: total.amountMinor + d.amountMinor, count: total.count + d.count });
 *   }
 * }
 * // A 12.50 expense created, then deleted: the total is back to 0.
 * applyDeltas('alice', [{ date: '2026-11-03', currency: 'USD', categoryId: null, amountMinor: 1250, count: 1 }]);
 * applyDeltas('alice', [{ date: '2026-11-03', currency: 'USD', categoryId: null, amountMinor: -1250, count: -1 }]);
 * ```
 */
export interface TotalsDelta {
  date: string;
  currency: string;
  categoryId: string | null;
  /** The change of the net total: expenses add, refunds subtract. */
  amountMinor: number;
  /** The change of the number of expenses (refunds not included). */
  count: number;
  /** The change of the refunds' amount (positive when a refund comes in); absent is 0. */
  refundMinor?: number;
  /** The change of the number of refunds; absent is 0. */
  refundCount?: number;
}

/**
 * How totals are grouped: by day, by month (`YYYY-MM`), by currency, by category.
 *
 * @example
 * ```ts
 * import type { TotalsGroup } from '@expense-tracker/core/store';
 *
 * const groupBy: TotalsGroup[] = ['month', 'currency'];
 * await store.totals.query(owner.ownerId, { from: '2026-01-01', to: '2026-12-31', groupBy });
 * // e.g. [{ month: '2026-11', currency: 'USD', amountMinor: 1649, count: 2, refundMinor: 0, refundCount: 0 }]
 * ```
 */
export type TotalsGroup = 'date' | 'month' | 'currency' | 'category';

/**
 * A query over totals: an inclusive date range, optional filters, and the grouping.
 *
 * @example
 * ```ts
 * import type { TotalsQuery } from '@expense-tracker/core/store';
 *
 * // Daily USD spending of November, uncategorized expenses only.
 * const query: TotalsQuery = { from: '2026-11-01', to: '2026-11-30', currency: 'USD', categoryIds: [null], groupBy: ['date'] };
 * const rows = await store.totals.query(owner.ownerId, query);
 * ```
 */
export interface TotalsQuery {
  from: string;
  to: string;
  currency?: string;
  /** Any of these categories; `null` is uncategorized. */
  categoryIds?: (string | null)[];
  groupBy: TotalsGroup[];
}

/**
 * One group of totals; only the grouped keys are set. Rows are ordered by the grouped keys.
 *
 * @example
 * ```ts
 * import type { TotalsRow } from '@expense-tracker/core/store';
 *
 * await owner.expenses.createMany([{ amount: '12.50', date: '2026-11-02' }, { amount: '3.99', date: '2026-11-03' }]);
 * const rows: TotalsRow[] = await store.totals.query(owner.ownerId, { from: '2026-11-01', to: '2026-11-30', groupBy: ['currency'] });
 * // [{ currency: 'USD', amountMinor: 1649, count: 2, refundMinor: 0, refundCount: 0 }] for an owner
 * // with only these two expenses: no `date`, `month` or `categoryId`, as they were not grouped by
 * await owner.expenses.create({ amount: '3.99', date: '2026-11-03', kind: 'refund' });
 * // now [{ currency: 'USD', amountMinor: 1250, count: 2, refundMinor: 399, refundCount: 1 }]: net, refunds apart
 * ```
 */
export interface TotalsRow {
  date?: string;
  month?: string;
  currency?: string;
  categoryId?: string | null;
  /** Net: expenses less refunds, so below 0 where refunds exceed spending. */
  amountMinor: number;
  /** Expenses. */
  count: number;
  /** The refunds' amount, positive. */
  refundMinor: number;
  /** Refunds. */
  refundCount: number;
}

/**
 * Daily totals per (owner, date, currency, category). Every method is scoped to `ownerId` and
 * MUST NOT read or change another owner's totals. It is the `totals` repository of a
 * {@link Store}, which the services keep in step with every expense write.
 *
 * @example
 * ```ts
 * import type { TotalsRepository } from '@expense-tracker/core/store';
 *
 * const totals: TotalsRepository = store.totals;
 * await totals.query(owner.ownerId, { from: '2026-11-01', to: '2026-11-30', groupBy: ['category'] });
 * await totals.rebuild(owner.ownerId); // what owner.rebuildTotals() runs, in a transaction
 * ```
 */
export interface TotalsRepository {
  /**
   * Adds each delta to the owner's total of its (date, currency, category), creating it when
   * missing, and to the owner's all-time total per currency; several deltas of one key add up.
   * Negative deltas subtract: a total whose count and refund count come back to 0 may be kept
   * or removed, as `query` leaves it out either way. In the caller's transaction: a rollback undoes it.
   * Returns the all-time total and count of each currency the deltas touch, after the change,
   * in currency order. The service refuses a write (rolling it back) whose all-time total would
   * pass 2^53−1, so a total it returns MAY be beyond the safe integer range (then only
   * approximately), and MUST NOT be clamped or refused here.
   */
  applyDeltas(ownerId: string, deltas: readonly TotalsDelta[]): Promise<TotalsRow[]>;
  /**
   * Sums of the owner's totals from `from` to `to` inclusive, grouped as asked and ordered by
   * the grouped keys (uncategorized before any category); groups with neither expenses nor
   * refunds (count and refund count both 0) are left out.
   */
  query(ownerId: string, query: TotalsQuery): Promise<TotalsRow[]>;
  /** Moves the owner's totals of one category onto another (adding up where both have a day) or to uncategorized. */
  moveCategory(ownerId: string, fromId: string, toId: string | null): Promise<void>;
  /** Replaces the owner's daily and all-time totals with sums of the owner's expenses, refunds netted; returns how many (date, currency, category) totals there are. */
  rebuild(ownerId: string): Promise<number>;
}

/**
 * Budgets. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows.
 * It is the `budgets` repository of a {@link Store}; use `owner.budgets` in applications.
 *
 * @example
 * ```ts
 * import type { BudgetRepository } from '@expense-tracker/core/store';
 *
 * const budgets: BudgetRepository = store.budgets;
 * const created = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * (await budgets.list(owner.ownerId)).map((b) => b.name); // ['Groceries']
 * await budgets.findById('someone-else', created.id); // null: scoped by owner
 * ```
 */
export interface BudgetRepository {
  /** Inserts a budget; an id the owner already has is a `CONFLICT`. */
  insert(record: BudgetRecord): Promise<void>;
  /** The owner's budget, or `null`. */
  findById(ownerId: string, id: string): Promise<BudgetRecord | null>;
  /** The owner's budgets, oldest first (by `createdAt`, then id). */
  list(ownerId: string): Promise<BudgetRecord[]>;
  /** Replaces the stored fields; `false` when there is none. */
  update(record: BudgetRecord): Promise<boolean>;
  /** Deletes the owner's budget and its rules; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
}

/**
 * Alert rules. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows. It is the `alertRules` repository of a
 * {@link Store}; use `owner.alerts` in applications.
 *
 * @example
 * ```ts
 * import type { AlertRuleRepository } from '@expense-tracker/core/store';
 *
 * const rules: AlertRuleRepository = store.alertRules;
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * (await rules.list(owner.ownerId, [budget.id])).length; // 2: the default rules at 80 % and 100 %
 * ```
 */
export interface AlertRuleRepository {
  insert(records: readonly AlertRuleRecord[]): Promise<void>;
  /** The owner's rule, or `null`. */
  findById(ownerId: string, id: string): Promise<AlertRuleRecord | null>;
  /** The owner's rules, of the given budgets when `budgetIds` is set (none for `[]`), oldest first (by `createdAt`, then id). */
  list(ownerId: string, budgetIds?: readonly string[]): Promise<AlertRuleRecord[]>;
  /** Replaces the stored fields; `false` when there is none. */
  update(record: AlertRuleRecord): Promise<boolean>;
  /** Deletes the owner's rule; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
}

/**
 * Filters of a notification listing.
 *
 * @example
 * ```ts
 * import type { NotificationQuery } from '@expense-tracker/core/store';
 *
 * const budget = await owner.budgets.create({ name: 'Groceries', amount: '400' });
 * const query: NotificationQuery = { unread: true, budgetId: budget.id, limit: 20 };
 * await store.notifications.list(owner.ownerId, query); // newest first
 * ```
 */
export interface NotificationQuery {
  unread?: boolean;
  budgetId?: string;
  limit: number;
  /** Only notifications with an id before this one (ids sort by creation). */
  before?: string;
}

/**
 * Notifications. Every method is scoped to `ownerId` and MUST NOT read or change another
 * owner's rows. It is the `notifications`
 * repository of a {@link Store}; use `owner.notifications` in applications.
 *
 * @example
 * ```ts
 * import type { NotificationRepository } from '@expense-tracker/core/store';
 *
 * const notifications: NotificationRepository = store.notifications;
 * const [latest] = await notifications.list(owner.ownerId, { limit: 1 });
 * if (latest) await notifications.markRead(owner.ownerId, latest.id, new Date().toISOString());
 * ```
 */
export interface NotificationRepository {
  /**
   * Inserts the notification unless the owner's (rule, period start) already has one; `true`
   * when inserted, `false` (never an error) when not. MUST be decided by a unique key (the
   * bundled store's is `(owner_id, rule_id, period_start)`), not by reading first, so that
   * concurrent writers fire once: a writer whose transaction overlaps one that inserted the
   * same key waits for it, then answers `false` if it committed and inserts if it rolled back.
   */
  insertOnce(record: BudgetNotificationRecord): Promise<boolean>;
  /**
   * Inserts the notice unless the owner already has one of the same `topic` and `subjectId`;
   * `true` when inserted, `false` (never an error) when not. MUST be decided by a unique key
   * (the bundled store's is `(owner_id, topic, subject_id)`), as `insertOnce` is, so that two
   * instances posting the same notice at once store it once.
   */
  insertNoticeOnce(record: NoticeRecord): Promise<boolean>;
  /** Ids of the rules of a budget that fired in the period starting on `periodStart`. */
  firedRuleIds(ownerId: string, budgetId: string, periodStart: string): Promise<string[]>;
  /** The owner's notifications, newest first. */
  list(ownerId: string, query: NotificationQuery): Promise<NotificationRecord[]>;
  /** The owner's notification, or `null`. */
  findById(ownerId: string, id: string): Promise<NotificationRecord | null>;
  /** Sets `readAt` if unset; `false` when there is no such notification. */
  markRead(ownerId: string, id: string, at: string): Promise<boolean>;
}

/**
 * What taking an owner's write lock answers.
 *
 * @example
 * ```ts
 * import type { OwnerLock } from '@expense-tracker/core/store';
 *
 * const lock: OwnerLock = await store.transaction((tx) => tx.owners.lock(owner.ownerId, new Date().toISOString()));
 * lock.settings; // { timezone: 'UTC', currency: 'USD', weekStartsOn: 1 } for a new owner
 * ```
 */
export interface OwnerLock {
  settings: OwnerSettings;
  /**
   * Changes whenever the owner's categories, budgets, rules or notifications change; read
   * under the lock, it tells exactly whether copies kept in memory are current.
   */
  configVersion: number;
}

/**
 * Owner settings and the existence of an owner. It is the `owners` repository of a
 * {@link Store}; use `owner.settings` in applications.
 *
 * @example
 * ```ts
 * import type { OwnerRepository } from '@expense-tracker/core/store';
 *
 * const owners: OwnerRepository = store.owners;
 * await owners.getSettings('never-seen'); // null: no row until an owner saves settings or writes
 * await owner.settings.update({ currency: 'EUR' });
 * (await owners.getSettings(owner.ownerId))?.currency; // 'EUR'
 * ```
 */
export interface OwnerRepository {
  /**
   * Takes the owner's write lock until the transaction ends (creating the owner row, with the
   * default settings, when needed) and returns the settings. Writes of one owner are
   * serialised by it, which makes budget sums, alerts and seqs exact under concurrency. MUST
   * be called in a transaction, and MUST make another transaction's `lock` of the same owner
   * wait until this one commits or rolls back, so that the second sees what the first committed.
   */
  lock(ownerId: string, at: string): Promise<OwnerLock>;
  /**
   * Marks the owner's categories, budgets, rules or notifications changed (in the caller's
   * transaction): the config version MUST become a value it never had before (an increment
   * does), or a copy kept in memory could pass for current.
   */
  bumpConfigVersion(ownerId: string): Promise<void>;
  /** The owner's settings, or `null` when the owner has never saved any nor written anything. */
  getSettings(ownerId: string): Promise<OwnerSettings | null>;
  /**
   * The owner's settings and config version without locking (reads check their copies of the
   * owner's categories, budgets and rules against it), or `null` for an owner with no row.
   */
  getState(ownerId: string): Promise<OwnerLock | null>;
  /** Stores the owner's settings, creating the owner row when needed. */
  saveSettings(ownerId: string, settings: OwnerSettings, at: string): Promise<void>;
}

/**
 * Categories. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows.
 * It is the `categories` repository of a {@link Store}; use `owner.categories` in applications.
 *
 * @example
 * ```ts
 * import type { CategoryRepository } from '@expense-tracker/core/store';
 *
 * const categories: CategoryRepository = store.categories;
 * const food = await owner.categories.create({ name: 'Food' });
 * await owner.categories.create({ name: 'Groceries', parentId: food.id });
 * await categories.countChildren(owner.ownerId, food.id); // 1
 * ```
 */
export interface CategoryRepository {
  /** Inserts a category. A name equal (case-insensitively) to another of the owner's is a `CONFLICT`. */
  insert(record: CategoryRecord): Promise<void>;
  /** The owner's category with this id, or `null`. */
  findById(ownerId: string, id: string): Promise<CategoryRecord | null>;
  /** All the owner's categories, by name (case-insensitively), then id. */
  list(ownerId: string): Promise<CategoryRecord[]>;
  /** Replaces the mutable fields of the owner's category; `false` when there is none. Name clashes are a `CONFLICT`. */
  update(record: CategoryRecord): Promise<boolean>;
  /** Deletes the owner's category; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** How many of the owner's categories have this one as parent. */
  countChildren(ownerId: string, id: string): Promise<number>;
}

/**
 * Expenses. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows.
 * It is the `expenses` repository of a {@link Store}; use `owner.expenses` in applications.
 *
 * @example
 * ```ts
 * import type { ExpenseRepository } from '@expense-tracker/core/store';
 *
 * const expenses: ExpenseRepository = store.expenses;
 * const food = await owner.categories.create({ name: 'Food' });
 * await owner.expenses.create({ amount: '12.50', categoryId: food.id });
 * await expenses.countByCategory(owner.ownerId, food.id); // 1
 * // Sums over the expense table itself, to check the daily totals against:
 * await expenses.aggregate(owner.ownerId, { from: '2000-01-01', to: '2100-12-31', groupBy: ['currency'] });
 * ```
 */
export interface ExpenseRepository {
  /** Inserts expenses (all in the caller's transaction); an id the owner already has is a `CONFLICT`. */
  insert(records: ExpenseRecord[]): Promise<void>;
  /** The owner's expense with this id, or `null`. */
  findById(ownerId: string, id: string): Promise<ExpenseRecord | null>;
  /** Replaces the stored fields of the owner's expense; `false` when there is none. */
  update(record: ExpenseRecord): Promise<boolean>;
  /** Deletes the owner's expense; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** One page of the owner's expenses matching the filter, in the requested order, ties broken by id in the same order. */
  list(ownerId: string, request: ExpensePageRequest): Promise<ExpenseRecord[]>;
  /**
   * Optional: the same page as {@link list}, each row as the SDK's public `Expense` JSON text
   * built by the database, for `owner.expenses.listJson` (which serializes {@link list}'s
   * records itself when a store has no such method). Each text MUST equal `JSON.stringify` of
   * the SDK's `Expense` of the row, byte for byte.
   */
  listJson?(ownerId: string, request: ExpensePageRequest): Promise<string[]>;
  /** How many of the owner's expenses use this category. */
  countByCategory(ownerId: string, categoryId: string): Promise<number>;
  /** Moves the owner's expenses from one category to another (or to none); returns how many moved. */
  reassignCategory(ownerId: string, fromId: string, toId: string | null, at: string): Promise<number>;
  /**
   * Sums straight over the expense table, grouped and ordered like `totals.query` (for what
   * totals cannot answer, and to check them).
   */
  aggregate(ownerId: string, query: TotalsQuery): Promise<TotalsRow[]>;
  /**
   * The owner's expenses of `sourceAccount` that carry one of these external ids or
   * fingerprints. The store MUST keep `(owner, sourceAccount, externalId)` and
   * `(owner, sourceAccount, fingerprint)` unique where set, by unique keys: an insert or
   * update that would repeat one is a `CONFLICT` and changes nothing, so a bank line is never
   * stored twice, even by two commits racing.
   */
  findByIdentity(
    ownerId: string,
    sourceAccount: string,
    keys: { externalIds: readonly string[]; fingerprints: readonly string[] },
  ): Promise<ExpenseIdentity[]>;
  /**
   * Expenses that may be a bank line typed by hand: the owner's expenses of this amount and
   * currency dated `from` to `to`, not imported (`sourceKind` other than `import`) and not
   * yet linked to a bank line (no external id nor fingerprint), oldest first, at most `limit`.
   */
  findLinkCandidates(
    ownerId: string,
    query: { amountMinor: number; currency: string; from: string; to: string; limit: number },
  ): Promise<ExpenseRecord[]>;
}

/**
 * The outbox and change feed. Seqs are per owner, and one owner's appends MUST NOT touch
 * another's seqs or events. It is the `events` repository of a {@link Store}; use
 * `owner.changes()` and `tracker.on()` in applications.
 *
 * @example
 * ```ts
 * import type { EventRepository } from '@expense-tracker/core/store';
 *
 * const events: EventRepository = store.events;
 * await owner.expenses.create({ amount: '12.50' });
 * const lastSeq = await events.lastSeq(owner.ownerId); // 1 for a new owner
 * const newest = await events.list(owner.ownerId, lastSeq - 1, 1); // the newest event only
 * ```
 */
export interface EventRepository {
  /**
   * Appends events for one owner, giving them the next seqs. MUST be called inside a
   * transaction, and MUST serialise concurrent appends for the same owner until commit, so
   * that seqs are gapless and become visible in seq order. `actor` (who made the change)
   * is stored with each event and returned by `list`; absent, it is the owner's account.
   */
  append(ownerId: string, events: { type: string; data: unknown }[], at: string, actor?: Actor): Promise<EventRecord[]>;
  /** The owner's events with `seq > after`, oldest first, at most `limit`. */
  list(ownerId: string, after: number, limit: number): Promise<EventRecord[]>;
  /** The owner's newest seq, 0 when there is none. */
  lastSeq(ownerId: string): Promise<number>;
}

/**
 * The repositories, bound to a connection or to a transaction. A {@link Store} is one, and
 * `store.transaction(fn)` hands `fn` another, bound to the transaction.
 *
 * @example
 * ```ts
 * import type { StoreSession } from '@expense-tracker/core/store';
 *
 * // Two reads that see the same snapshot.
 * const counts = await store.transaction(async (tx: StoreSession) => ({
 *   categories: (await tx.categories.list(owner.ownerId)).length,
 *   budgets: (await tx.budgets.list(owner.ownerId)).length,
 * }));
 * ```
 */
export interface StoreSession {
  readonly owners: OwnerRepository;
  readonly categories: CategoryRepository;
  readonly expenses: ExpenseRepository;
  readonly events: EventRepository;
  readonly totals: TotalsRepository;
  readonly budgets: BudgetRepository;
  readonly alertRules: AlertRuleRepository;
  readonly notifications: NotificationRepository;
  readonly idempotency: IdempotencyRepository;
  readonly imports: ImportRepository;
  readonly rules: RuleRepository;
  readonly webhooks: WebhookRepository;
  readonly schedules: ScheduleRepository;
}

/**
 * The storage adapter boundary. One Kysely-backed implementation serves SQLite and
 * PostgreSQL; another engine can implement this interface and prove it with the
 * conformance suite in `@expense-tracker/core/testing`, whose contract layer calls every
 * method directly and checks each MUST under the condition it guards against (concurrent
 * transactions, another owner's ids).
 *
 * Stores only persist and query: validation, ids, the clock and events belong to the
 * services. Failures MUST be `TrackerError`s: `CONFLICT` for unique violations,
 * `STORE_UNAVAILABLE` when the database cannot be reached, `STORE_FAILED` otherwise.
 *
 * The examples on this page call the repositories of `store`, the store a tracker runs on:
 * one of yours, or the bundled one opened with `openKyselyStore` and handed to
 * `Tracker.open({ store })`.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 * import type { Store } from '@expense-tracker/core/store';
 *
 * // Every tracker runs on a store: the bundled one (which Tracker.open({ database }) opens), or yours.
 * const bundled: Store = await openKyselyStore({ database: ':memory:' });
 * await bundled.ping();
 * // A custom store (a class of yours implementing Store) is handed over the same way:
 * const tracker = await Tracker.open({ store: bundled });
 * await tracker.migrate(); // runs store.migrate()
 * ```
 */
export interface Store extends StoreSession {
  /** The engine behind the store. */
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T>;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** Resolves when the database answers; throws `STORE_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  /** Releases what the store opened itself (never a connection the host application passed in). */
  close(): Promise<void>;
}
