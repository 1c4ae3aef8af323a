import type { ColumnType } from 'kysely';

/**
 * The tables core owns, as Kysely sees them. Every name carries the `et_` prefix so core can
 * share a host application's database. Dates are `YYYY-MM-DD` text and instants ISO 8601
 * text on both dialects, so both sort and compare them the same way.
 */
export interface Database {
  et_owner: OwnerTable;
  et_category: CategoryTable;
  et_expense: ExpenseTable;
  et_expense_tag: ExpenseTagTable;
  et_event: EventTable;
}

/** PostgreSQL returns `bigint` and aggregates as strings, SQLite as numbers. */
export type Int8 = ColumnType<number | string, number, number>;

/** `et_owner`: one row per owner that has written anything: settings and the change-feed counter. */
export interface OwnerTable {
  id: string;
  timezone: ColumnType<string, string | undefined, string>;
  currency: ColumnType<string, string | undefined, string>;
  week_starts_on: ColumnType<number, number | undefined, number>;
  /** The owner's newest event seq; bumped under the row lock, in the writing transaction. */
  last_seq: Int8;
  created_at: string;
  updated_at: string;
}

/** `et_category`: an owner's categories. */
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

/** `et_expense`: an owner's expenses. */
export interface ExpenseTable {
  id: string;
  owner_id: string;
  amount_minor: Int8;
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
}

/** `et_expense_tag`: one row per (expense, tag), so the `tag` filter can use an index. */
export interface ExpenseTagTable {
  owner_id: string;
  expense_id: string;
  /** The tag lower-cased: tag filters are case-insensitive. */
  tag: string;
}

/** `et_event`, the outbox: every change's event, written in the change's transaction. */
export interface EventTable {
  owner_id: string;
  seq: Int8;
  type: string;
  /** The event's `data`, as JSON text. */
  data: string;
  at: string;
}
