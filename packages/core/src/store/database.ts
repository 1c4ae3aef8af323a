import type { ColumnType } from 'kysely';
import type { ExpenseKind } from './store.js';
import type { WebhookEndpointTable, WebhookMessageTable } from '../webhooks/webhook-tables.js';

/**
 * The tables core owns, as Kysely sees them. Every name carries the `et_` prefix so core can
 * share a host application's database. Dates are `YYYY-MM-DD` text and instants ISO 8601
 * text on both dialects, so both sort and compare them the same way.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * import { openKyselyStore, type Database } from '@expense-tracker/core/kysely';
 *
 * const store = await openKyselyStore({ database: './data/expenses.db' }); // then Tracker.open({ store })
 * const db: Kysely<Database> = store.db; // typed queries over core's tables
 * const largest = await db.selectFrom('et_expense').select(['id', 'amount_minor', 'currency'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('amount_minor', 'desc').limit(5).execute();
 * ```
 */
export interface Database {
  et_owner: OwnerTable;
  et_category: CategoryTable;
  et_expense: ExpenseTable;
  et_expense_tag: ExpenseTagTable;
  et_event: EventTable;
  et_daily_total: DailyTotalTable;
  et_currency_total: CurrencyTotalTable;
  et_budget: BudgetTable;
  et_alert_rule: AlertRuleTable;
  et_notification: NotificationTable;
  et_idempotency: IdempotencyTable;
  et_import: ImportTable;
  et_import_row: ImportRowTable;
  et_import_profile: ImportProfileTable;
  et_rule: RuleTable;
  et_rule_run: RuleRunTable;
  et_rule_run_change: RuleRunChangeTable;
  et_webhook_endpoint: WebhookEndpointTable;
  et_webhook_message: WebhookMessageTable;
  et_schedule: ScheduleTable;
  et_schedule_occurrence: ScheduleOccurrenceTable;
}

/**
 * PostgreSQL returns `bigint` and aggregates as strings, SQLite as numbers.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const row = await db.selectFrom('et_owner').select('last_seq').where('id', '=', owner.ownerId).executeTakeFirst();
 * const lastSeq = Number(row?.last_seq ?? 0); // an Int8 column: '12' on PostgreSQL, 12 on SQLite
 * ```
 */
export type Int8 = ColumnType<number | string, number, number>;

/**
 * `et_owner`: one row per owner that has written anything: settings and the change-feed counter.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const owners = await db.selectFrom('et_owner').select(['id', 'timezone', 'currency']).orderBy('created_at').execute();
 * ```
 */
export interface OwnerTable {
  id: string;
  timezone: ColumnType<string, string | undefined, string>;
  currency: ColumnType<string, string | undefined, string>;
  week_starts_on: ColumnType<number, number | undefined, number>;
  /** The owner's newest event seq; bumped under the row lock, in the writing transaction. */
  last_seq: Int8;
  /** Bumped by every change to the owner's categories, budgets, rules or notifications. */
  config_version: ColumnType<number | string, number | undefined, number>;
  created_at: string;
  updated_at: string;
}

/**
 * `et_category`: an owner's categories.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * // Top-level categories of an owner, as stored.
 * const roots = await db.selectFrom('et_category').select(['id', 'name', 'color'])
 *   .where('owner_id', '=', owner.ownerId).where('parent_id', 'is', null).orderBy('name_key').execute();
 * ```
 */
export interface CategoryTable {
  id: string;
  owner_id: string;
  name: string;
  /** `name` lower-cased, for the per-owner case-insensitive unique index. */
  name_key: string;
  color: string | null;
  icon: string | null;
  parent_id: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `et_expense`: an owner's expenses.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const row = await db.selectFrom('et_expense').select(['amount_minor', 'currency', 'tags'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('created_at', 'desc').executeTakeFirst();
 * const tags = row ? (JSON.parse(row.tags) as string[]) : []; // stored as JSON text
 * ```
 */
export interface ExpenseTable {
  id: string;
  owner_id: string;
  amount_minor: Int8;
  /** `'expense'` or `'refund'`; a refund's positive amount subtracts from spending (migration 0007). */
  kind: ColumnType<ExpenseKind, ExpenseKind | undefined, ExpenseKind>;
  currency: string;
  date: string;
  category_id: string | null;
  description: string | null;
  merchant: string | null;
  notes: string | null;
  /** JSON array of the tags as written. */
  tags: string;
  /** description, merchant and notes lower-cased, for `q` searches that behave alike on both dialects. */
  search_text: string;
  created_at: string;
  updated_at: string;
  /** `manual`, `api`, `import` or `schedule` (migration 0007). */
  source_kind: ColumnType<string, string | undefined, string>;
  source_id: string | null;
  source_row: number | null;
  category_source: string | null;
  rule_id: string | null;
  /** Unique per (owner_id, source_account) where set. */
  external_id: string | null;
  source_account: string | null;
  /** Unique per (owner_id, source_account) where set. */
  fingerprint: string | null;
}

/**
 * `et_expense_tag`: one row per (expense, tag), so the `tag` filter can use an index.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * // How often each tag is used by an owner.
 * const usage = await db.selectFrom('et_expense_tag').select(['tag', db.fn.countAll<number>().as('uses')])
 *   .where('owner_id', '=', owner.ownerId).groupBy('tag').execute();
 * ```
 */
export interface ExpenseTagTable {
  owner_id: string;
  expense_id: string;
  /** The tag lower-cased: tag filters are case-insensitive. */
  tag: string;
}

/**
 * `et_event`, the outbox: every change's event, written in the change's transaction.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_event').select(['seq', 'type', 'data'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('seq').execute();
 * const events = rows.map((row) => ({ seq: Number(row.seq), type: row.type, data: JSON.parse(row.data) as unknown }));
 * ```
 */
export interface EventTable {
  owner_id: string;
  seq: Int8;
  type: string;
  /** The event's `data`, as JSON text. */
  data: string;
  /** Who made the change: `account`, `token` or `system` (migration 0007). */
  actor_kind: ColumnType<string, string | undefined, string>;
  /** The account's or token's id; `null` for `system`. */
  actor_id: string | null;
  at: string;
}

/**
 * `et_daily_total`: running totals per (owner, date, currency, category), kept in the same
 * transaction as every expense write, so status, alerts and analytics cost what the period
 * asked about costs, whatever the size of the history. `category_key` is `''` for
 * uncategorized (a key column cannot be null on PostgreSQL).
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * // Uncategorized spending per day, as stored.
 * const days = await db.selectFrom('et_daily_total').select(['date', 'currency', 'amount_minor', 'count'])
 *   .where('owner_id', '=', owner.ownerId).where('category_key', '=', '').orderBy('date').execute();
 * ```
 */
export interface DailyTotalTable {
  owner_id: string;
  date: string;
  currency: string;
  category_key: string;
  /** Net: the expenses' amounts less the refunds'; below 0 when refunds exceed spending. */
  amount_minor: Int8;
  /** Expenses (not refunds). */
  count: Int8;
  /** The refunds' amounts, positive. */
  refund_minor: ColumnType<number | string, number | undefined, number>;
  refund_count: ColumnType<number | string, number | undefined, number>;
}

/**
 * `et_currency_total`: each owner's all-time total and count per currency, kept in the same
 * transaction as every expense write. Every sum the SDK computes is a part of it, so keeping
 * it within 2^53−1 minor units keeps every sum exact.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 *
 * const store = await openKyselyStore({ database: './data/expenses.db' });
 * const tracker = await Tracker.open({ store });
 * const { db } = store;
 * const totals = await db.selectFrom('et_currency_total').select(['currency', 'amount_minor', 'count'])
 *   .where('owner_id', '=', 'alice').orderBy('currency').execute();
 * ```
 */
export interface CurrencyTotalTable {
  owner_id: string;
  currency: string;
  /** Net, as in `et_daily_total`. */
  amount_minor: Int8;
  /** Expenses (not refunds). */
  count: Int8;
  /** The refunds' amounts: with `amount_minor` it bounds every sum (−refunds ≤ sum ≤ expenses). */
  refund_minor: ColumnType<number | string, number | undefined, number>;
  refund_count: ColumnType<number | string, number | undefined, number>;
}

/**
 * `et_budget`: an owner's budgets.
 *
 * @example
 * ```ts
 * import type { PeriodDefinition } from '@expense-tracker/core/store';
 *
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const row = await db.selectFrom('et_budget').select(['name', 'period', 'category_ids'])
 *   .where('owner_id', '=', owner.ownerId).executeTakeFirst();
 * const period = row ? (JSON.parse(row.period) as PeriodDefinition) : undefined; // JSON text columns
 * ```
 */
export interface BudgetTable {
  id: string;
  owner_id: string;
  name: string;
  amount_minor: Int8;
  currency: string;
  /** JSON array of category ids; empty for all spending. */
  category_ids: string;
  /** JSON of the period definition. */
  period: string;
  rollover: string;
  starts_on: string;
  ends_on: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `et_alert_rule`: thresholds on budgets.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const active = await db.selectFrom('et_alert_rule').select(['budget_id', 'threshold_percent', 'kind'])
 *   .where('owner_id', '=', owner.ownerId).where('active', '=', 1).execute(); // 1/0, not a boolean
 * ```
 */
export interface AlertRuleTable {
  id: string;
  owner_id: string;
  budget_id: string;
  threshold_percent: number;
  kind: string;
  /** 1 or 0: SQLite has no boolean. */
  active: number;
  created_at: string;
  updated_at: string;
}

/**
 * `et_notification`: budget alerts, one row per (rule, period) that fired, and notices
 * (`kind = 'notice'`), one row per (topic, subject); each unique key makes its kind fire once.
 * A notice has no budget columns; an alert has no `topic`, `subject_id` or `data`.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const unread = await db.selectFrom('et_notification').select(['kind', 'message', 'created_at'])
 *   .where('owner_id', '=', owner.ownerId).where('read_at', 'is', null).orderBy('id', 'desc').execute();
 * ```
 */
export interface NotificationTable {
  id: string;
  owner_id: string;
  budget_id: string | null;
  rule_id: string | null;
  kind: string;
  period_start: string | null;
  period_end: string | null;
  threshold_percent: number | null;
  currency: string | null;
  spent_minor: Int8 | null;
  available_minor: Int8 | null;
  projected_spend_minor: Int8 | null;
  /** A notice's topic (`webhook.message.dead`); null for an alert. */
  topic: string | null;
  /** The record a notice is about (a message id, a token id); null for an alert. */
  subject_id: string | null;
  /** A notice's details as a JSON object; null for an alert. */
  data: string | null;
  message: string;
  created_at: string;
  read_at: string | null;
}

/**
 * `et_idempotency`: the result of each write made under an idempotency key
 * (`owner.withIdempotencyKey`), written in the write's own transaction, so a committed write
 * and its recorded result are one fact. Kept 24 hours.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const keys = await db.selectFrom('et_idempotency').select(['idempotency_key', 'created_at'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('created_at', 'desc').execute();
 * ```
 */
export interface IdempotencyTable {
  owner_id: string;
  idempotency_key: string;
  /** Identifies the write the key was first used for (a hash of its operation and request). */
  fingerprint: string;
  /** The write's result as JSON text; `null` for a write that returns nothing. */
  result: string | null;
  created_at: string;
}

/**
 * `et_import`: one per uploaded bank file or `expenses.import()` call (migration 0009).
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_import').select(['id', 'format', 'state', 'row_count'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('created_at', 'desc').execute();
 * ```
 */
export interface ImportTable {
  owner_id: string;
  id: string;
  source_key: string;
  format: string;
  file_name: string | null;
  state: string;
  row_count: number;
  created_at: string;
  updated_at: string;
  committed_at: string | null;
  reverted_at: string | null;
}

/**
 * `et_import_row`: the rows of an import, with state, decision and outcome (migration 0009).
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_import_row').select(['n', 'state', 'decision', 'expense_id'])
 *   .where('owner_id', '=', owner.ownerId).where('state', '=', 'possible_duplicate').execute();
 * ```
 */
export interface ImportRowTable {
  owner_id: string;
  import_id: string;
  n: number;
  line: number;
  state: string;
  reason_code: string | null;
  reason: string | null;
  date: string | null;
  amount_minor: Int8 | null;
  currency: string | null;
  description: string | null;
  merchant: string | null;
  original_text: string;
  external_id: string | null;
  fingerprint: string | null;
  occurrence: number | null;
  /** JSON array of expense ids. */
  candidate_ids: string;
  decision: string | null;
  link_expense_id: string | null;
  expense_id: string | null;
  applied_at: string | null;
  /** JSON `{scheduleId, name, nominal, due}`: the bill the row would settle (migration 0013). */
  bill: string | null;
}

/**
 * `et_import_profile`: an owner's saved CSV mappings (migration 0009).
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_import_profile').select(['id', 'name'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('name').execute();
 * ```
 */
export interface ImportProfileTable {
  owner_id: string;
  id: string;
  name: string;
  /** The CSV profile as JSON text. */
  profile: string;
  created_at: string;
  updated_at: string;
}

/**
 * `et_rule`: an auto-categorisation rule (SPEC §7.2); conditions and actions as JSON.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_rule').select(['id', 'position', 'enabled'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('position').execute();
 * ```
 */
export interface RuleTable {
  owner_id: string;
  id: string;
  position: number;
  /** 1 or 0: SQLite has no boolean. */
  enabled: number;
  match: string;
  conditions: string;
  actions: string;
  stop: number;
  created_at: string;
  updated_at: string;
}

/**
 * `et_rule_run`: one `apply` of a rule to existing expenses.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_rule_run').select(['id', 'rule_id', 'started_at', 'reverted_at'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('started_at', 'desc').execute();
 * ```
 */
export interface RuleRunTable {
  owner_id: string;
  id: string;
  rule_id: string;
  range_from: string | null;
  range_to: string | null;
  started_at: string;
  reverted_at: string | null;
}

/**
 * `et_rule_run_change`: one expense a run changed, its record before and after as JSON.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_rule_run_change').select(['run_id', 'expense_id', 'category_before', 'category_after'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('run_id').execute();
 * ```
 */
export interface RuleRunChangeTable {
  owner_id: string;
  run_id: string;
  expense_id: string;
  category_before: string | null;
  category_after: string | null;
  before: string;
  after: string;
  expense_updated_at: string;
}

/**
 * `et_schedule`: a recurring expense or bill (SPEC §7.3); recurrence and template as JSON.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_schedule').select(['id', 'name', 'mode', 'next_due'])
 *   .where('owner_id', '=', owner.ownerId).orderBy('next_due').execute();
 * ```
 */
export interface ScheduleTable {
  owner_id: string;
  id: string;
  name: string;
  recurrence: string;
  template: string;
  mode: string;
  window_days: number;
  /** Basis points of the amount: 100 is 1 %. */
  tolerance_bp: number;
  /** 1 or 0: SQLite has no boolean. */
  enabled: number;
  /** The nominal date of the first occurrence not yet settled; `null` when the series ended. */
  next_nominal: string | null;
  /** Its due date: what the due work compares with today. */
  next_due: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * `et_schedule_occurrence`: one occurrence of a schedule that something happened to, keyed by its nominal date.
 *
 * @example
 * ```ts
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const rows = await db.selectFrom('et_schedule_occurrence').select(['schedule_id', 'nominal_date', 'state', 'expense_id'])
 *   .where('owner_id', '=', owner.ownerId).where('state', '=', 'missed').execute();
 * ```
 */
export interface ScheduleOccurrenceTable {
  owner_id: string;
  schedule_id: string;
  nominal_date: string;
  due_date: string;
  state: string;
  expense_id: string | null;
  created_at: string;
  updated_at: string;
}
