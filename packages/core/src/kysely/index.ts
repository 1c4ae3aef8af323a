/**
 * `@expense-tracker/core/kysely`: the bundled store, one Kysely implementation of the `Store`
 * interface for SQLite and PostgreSQL. Here are the store itself ({@link KyselyStore},
 * {@link openKyselyStore}), the types of core's `et_` tables ({@link Database}), the way a host
 * keeps tables of its own in the tracker's database ({@link defineHostTables},
 * {@link hostDatabase}), and {@link preparedQuery} for hot queries.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { defineHostTables, hostDatabase } from '@expense-tracker/core/kysely';
 *
 * interface AppTables { app_note: { id: string; text: string } }
 * const appTables = defineHostTables<AppTables>({ prefix: 'app_', migrations: {} }); // by name: see defineHostTables
 * const tracker = await Tracker.open({ database: './data/app.db' });
 * await tracker.migrate();
 * const db = hostDatabase(tracker, appTables); // Kysely<AppTables>, on the tracker's connections
 * await appTables.migrate(db);
 * ```
 *
 * @packageDocumentation
 */
export { KyselyStore, MIGRATION_TABLE, type KyselyStoreOptions } from '../store/kysely-store.js';
export { openKyselyStore, type OpenKyselyStoreOptions } from '../store/open-database.js';
export { defineHostTables, hostDatabase, type HostTables, type HostTablesOptions } from '../store/host-tables.js';
export { preparedQuery, type PreparedQuery } from '../store/prepared-query.js';
export { EVENTS_CHANNEL, type EventsNotification } from '../changes/kysely-repository.js';
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
  ImportProfileTable,
  ImportRowTable,
  ImportTable,
  Int8,
  NotificationTable,
  OwnerTable,
  RuleRunChangeTable,
  RuleRunTable,
  RuleTable,
  ScheduleOccurrenceTable,
  ScheduleTable,
} from '../store/database.js';
export type { WebhookEndpointTable, WebhookMessageTable } from '../webhooks/webhook-tables.js';
