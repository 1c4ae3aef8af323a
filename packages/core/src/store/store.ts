import type { PeriodDefinition } from '../domain/periods.js';
import type { OwnerSettings } from '../schemas/owner.js';

/** The SQL engines the bundled store speaks. */
export type Dialect = 'sqlite' | 'postgres';

/** A category as stored. */
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

/** An expense as stored. */
export interface ExpenseRecord {
  id: string;
  ownerId: string;
  amountMinor: number;
  currency: string;
  date: string;
  categoryId: string | null;
  description: string | null;
  merchant: string | null;
  tags: string[];
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

/** An event as stored in the outbox. */
export interface EventRecord {
  seq: number;
  ownerId: string;
  type: string;
  data: unknown;
  at: string;
}

/** Filters of an expense query; every given filter must match. */
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
}

/** Order and page of an expense query. */
export interface ExpensePageRequest extends ExpenseFilter {
  sort: 'date' | 'amount';
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset position: rows strictly after this (sort key, id) in the given order. */
  after?: { key: string | number; id: string };
}

/** A budget as stored; a recurring period always has its anchor. */
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

/** An alert rule as stored. */
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

/** A notification as stored: one (rule, period) that fired. */
export interface NotificationRecord {
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

/** A change to one daily total. */
export interface TotalsDelta {
  date: string;
  currency: string;
  categoryId: string | null;
  amountMinor: number;
  count: number;
}

/** How totals are grouped: by day, by month (`YYYY-MM`), by currency, by category. */
export type TotalsGroup = 'date' | 'month' | 'currency' | 'category';

/** A query over totals: an inclusive date range, optional filters, and the grouping. */
export interface TotalsQuery {
  from: string;
  to: string;
  currency?: string;
  /** Any of these categories; `null` is uncategorized. */
  categoryIds?: (string | null)[];
  groupBy: TotalsGroup[];
}

/** One group of totals; only the grouped keys are set. Rows are ordered by the grouped keys. */
export interface TotalsRow {
  date?: string;
  month?: string;
  currency?: string;
  categoryId?: string | null;
  amountMinor: number;
  count: number;
}

/** Daily totals per (owner, date, currency, category). */
export interface TotalsRepository {
  /** Adds the deltas to the owner's daily totals (in the caller's transaction). */
  applyDeltas(ownerId: string, deltas: readonly TotalsDelta[]): Promise<void>;
  /** Sums of the owner's totals, grouped as asked; groups whose count is 0 are left out. */
  query(ownerId: string, query: TotalsQuery): Promise<TotalsRow[]>;
  /** Moves the owner's totals of one category to another (or to uncategorized). */
  moveCategory(ownerId: string, fromId: string, toId: string | null): Promise<void>;
  /** Recomputes the owner's totals from the expenses; returns how many total rows there are. */
  rebuild(ownerId: string): Promise<number>;
}

/** Budgets. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows. */
export interface BudgetRepository {
  insert(record: BudgetRecord): Promise<void>;
  /** The owner's budget, or `null`. */
  findById(ownerId: string, id: string): Promise<BudgetRecord | null>;
  /** The owner's budgets, oldest first. */
  list(ownerId: string): Promise<BudgetRecord[]>;
  /** Replaces the stored fields; `false` when there is none. */
  update(record: BudgetRecord): Promise<boolean>;
  /** Deletes the owner's budget and its rules; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
}

/** Alert rules. Every method is scoped to `ownerId`. */
export interface AlertRuleRepository {
  insert(records: readonly AlertRuleRecord[]): Promise<void>;
  /** The owner's rule, or `null`. */
  findById(ownerId: string, id: string): Promise<AlertRuleRecord | null>;
  /** The owner's rules, of the given budgets when `budgetIds` is set, oldest first. */
  list(ownerId: string, budgetIds?: readonly string[]): Promise<AlertRuleRecord[]>;
  /** Replaces the stored fields; `false` when there is none. */
  update(record: AlertRuleRecord): Promise<boolean>;
  /** Deletes the owner's rule; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
}

/** Filters of a notification listing. */
export interface NotificationQuery {
  unread?: boolean;
  budgetId?: string;
  limit: number;
  /** Only notifications with an id before this one (ids sort by creation). */
  before?: string;
}

/** Notifications. Every method is scoped to `ownerId`. */
export interface NotificationRepository {
  /**
   * Inserts the notification unless its (rule, period start) already has one; `true` when
   * inserted. MUST be decided by a unique key, so that concurrent writers fire once.
   */
  insertOnce(record: NotificationRecord): Promise<boolean>;
  /** Ids of the rules of a budget that fired in the period starting on `periodStart`. */
  firedRuleIds(ownerId: string, budgetId: string, periodStart: string): Promise<string[]>;
  /** The owner's notifications, newest first. */
  list(ownerId: string, query: NotificationQuery): Promise<NotificationRecord[]>;
  /** The owner's notification, or `null`. */
  findById(ownerId: string, id: string): Promise<NotificationRecord | null>;
  /** Sets `readAt` if unset; `false` when there is no such notification. */
  markRead(ownerId: string, id: string, at: string): Promise<boolean>;
}

/** What taking an owner's write lock answers. */
export interface OwnerLock {
  settings: OwnerSettings;
  /**
   * Changes whenever the owner's categories, budgets, rules or notifications change; read
   * under the lock, it tells exactly whether copies kept in memory are current.
   */
  configVersion: number;
}

/** Owner settings and the existence of an owner. */
export interface OwnerRepository {
  /**
   * Takes the owner's write lock until the transaction ends (creating the owner row when
   * needed) and returns the settings. Writes of one owner are serialised by it, which makes
   * budget sums, alerts and seqs exact under concurrency. MUST be called in a transaction.
   */
  lock(ownerId: string, at: string): Promise<OwnerLock>;
  /** Marks the owner's categories, budgets, rules or notifications changed (in the caller's transaction). */
  bumpConfigVersion(ownerId: string): Promise<void>;
  /** The owner's settings, or `null` when the owner has never saved any nor written anything. */
  getSettings(ownerId: string): Promise<OwnerSettings | null>;
  /** Stores the owner's settings, creating the owner row when needed. */
  saveSettings(ownerId: string, settings: OwnerSettings, at: string): Promise<void>;
}

/** Categories. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows. */
export interface CategoryRepository {
  /** Inserts a category. A name equal (case-insensitively) to another of the owner's is a `CONFLICT`. */
  insert(record: CategoryRecord): Promise<void>;
  /** The owner's category with this id, or `null`. */
  findById(ownerId: string, id: string): Promise<CategoryRecord | null>;
  /** All the owner's categories, by name. */
  list(ownerId: string): Promise<CategoryRecord[]>;
  /** Replaces the mutable fields of the owner's category; `false` when there is none. Name clashes are a `CONFLICT`. */
  update(record: CategoryRecord): Promise<boolean>;
  /** Deletes the owner's category; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** How many of the owner's categories have this one as parent. */
  countChildren(ownerId: string, id: string): Promise<number>;
}

/** Expenses. Every method is scoped to `ownerId` and MUST NOT read or change another owner's rows. */
export interface ExpenseRepository {
  /** Inserts expenses (all in the caller's transaction). */
  insert(records: ExpenseRecord[]): Promise<void>;
  /** The owner's expense with this id, or `null`. */
  findById(ownerId: string, id: string): Promise<ExpenseRecord | null>;
  /** Replaces the stored fields of the owner's expense; `false` when there is none. */
  update(record: ExpenseRecord): Promise<boolean>;
  /** Deletes the owner's expense; `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** One page of the owner's expenses matching the filter, in the requested order. */
  list(ownerId: string, request: ExpensePageRequest): Promise<ExpenseRecord[]>;
  /** How many of the owner's expenses use this category. */
  countByCategory(ownerId: string, categoryId: string): Promise<number>;
  /** Moves the owner's expenses from one category to another (or to none); returns how many moved. */
  reassignCategory(ownerId: string, fromId: string, toId: string | null, at: string): Promise<number>;
  /**
   * Sums straight over the expense table, grouped like totals (for what totals cannot
   * answer, and to check them). Groups are ordered by the grouped keys.
   */
  aggregate(ownerId: string, query: TotalsQuery): Promise<TotalsRow[]>;
}

/** The outbox and change feed. */
export interface EventRepository {
  /**
   * Appends events for one owner, giving them the next seqs. MUST be called inside a
   * transaction, and MUST serialise concurrent appends for the same owner until commit, so
   * that seqs are gapless and become visible in seq order.
   */
  append(ownerId: string, events: { type: string; data: unknown }[], at: string): Promise<EventRecord[]>;
  /** The owner's events with `seq > after`, oldest first, at most `limit`. */
  list(ownerId: string, after: number, limit: number): Promise<EventRecord[]>;
  /** The owner's newest seq, 0 when there is none. */
  lastSeq(ownerId: string): Promise<number>;
}

/** The repositories, bound to a connection or to a transaction. */
export interface StoreSession {
  readonly owners: OwnerRepository;
  readonly categories: CategoryRepository;
  readonly expenses: ExpenseRepository;
  readonly events: EventRepository;
  readonly totals: TotalsRepository;
  readonly budgets: BudgetRepository;
  readonly alertRules: AlertRuleRepository;
  readonly notifications: NotificationRepository;
}

/**
 * The storage adapter boundary. One Kysely-backed implementation serves SQLite and
 * PostgreSQL; another engine can implement this interface and prove it with the
 * conformance suite in `@expense-tracker/core/testing`.
 *
 * Stores only persist and query: validation, ids, the clock and events belong to the
 * services. Failures MUST be `TrackerError`s: `CONFLICT` for unique violations,
 * `STORE_UNAVAILABLE` when the database cannot be reached, `STORE_FAILED` otherwise.
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
