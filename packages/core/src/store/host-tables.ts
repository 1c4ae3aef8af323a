import { Kysely, Migrator, type Migration } from 'kysely';
import { TrackerError } from '../errors.js';
import { internalsOf, type Tracker } from '../tracker.js';
import { borrowedDialect } from './borrowed-dialect.js';
import { toStoreError } from './driver-errors.js';
import { KyselyStore } from './kysely-store.js';

/** A host's prefix: lower-case letters, digits and underscores, ending in `_`. */
const PREFIX = /^[a-z][a-z0-9_]{0,29}_$/;

/**
 * What {@link defineHostTables} takes.
 *
 * @example
 * ```ts
 * import type { HostTablesOptions } from '@expense-tracker/core/kysely';
 *
 * const options: HostTablesOptions = {
 *   prefix: 'app_',
 *   migrations: {
 *     '0001-invoices': {
 *       up: (db) => db.schema.createTable('app_invoice').addColumn('id', 'text', (c) => c.primaryKey()).execute(),
 *     },
 *   },
 * };
 * ```
 */
export interface HostTablesOptions {
  /**
   * The prefix of every table of yours, e.g. `'app_'` (lower-case letters, digits and `_`,
   * ending in `_`, at most 31 characters). Core's own tables are `et_`, which a host may not
   * take; the migration bookkeeping of your tables is `<prefix>migration` and `<prefix>migration_lock`.
   */
  prefix: string;
  /** Kysely migrations by name, applied in name order. */
  migrations: Readonly<Record<string, Migration>>;
}

/**
 * A host application's own tables, kept in the tracker's database beside core's `et_` tables:
 * their prefix, their migrations and, as its type parameter, their Kysely table types. Made by
 * {@link defineHostTables}; {@link hostDatabase} gives a Kysely handle typed for them.
 *
 * @typeParam DB - the tables, as Kysely's database interface (`{ app_invoice: {...} }`)
 * @example
 * ```ts
 * import { defineHostTables, hostDatabase, type HostTables } from '@expense-tracker/core/kysely';
 *
 * interface AppTables { app_invoice: { id: string; owner_id: string; total_minor: number } }
 * const appTables: HostTables<AppTables> = defineHostTables<AppTables>({ prefix: 'app_', migrations: {} }); // by name: see defineHostTables
 * await appTables.migrate(hostDatabase(tracker, appTables));
 * ```
 */
export interface HostTables<DB> {
  /** The prefix every table of these starts with. */
  readonly prefix: string;
  /** The migrations, by name. */
  readonly migrations: Readonly<Record<string, Migration>>;
  /**
   * Applies the migrations that have not run yet on `db`, recording them in
   * `<prefix>migration`. Safe to call on every start, and from several processes at once.
   *
   * @param db - {@link hostDatabase}'s handle, or a Kysely instance of yours when the tracker
   * runs on a store of your own
   * @throws a `TrackerError` (`STORE_UNAVAILABLE`, `STORE_FAILED`) with the failure as `cause`
   */
  migrate(db: Kysely<DB>): Promise<void>;
}

/**
 * Declares a host application's own tables, to keep in the tracker's database: a prefix that
 * is not core's, the migrations that create and change them, and their Kysely types (the
 * type parameter). Pass the result to {@link hostDatabase} for a handle typed for these tables
 * only, on the tracker's connections.
 *
 * @typeParam DB - the tables, as Kysely's database interface
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { defineHostTables, hostDatabase } from '@expense-tracker/core/kysely';
 *
 * interface AppTables {
 *   app_invoice: { id: string; owner_id: string; total_minor: number };
 * }
 * const appTables = defineHostTables<AppTables>({
 *   prefix: 'app_',
 *   migrations: {
 *     '0001-invoices': {
 *       async up(db) {
 *         await db.schema
 *           .createTable('app_invoice')
 *           .addColumn('id', 'text', (c) => c.primaryKey())
 *           .addColumn('owner_id', 'text', (c) => c.notNull())
 *           .addColumn('total_minor', 'integer', (c) => c.notNull())
 *           .execute();
 *       },
 *     },
 *   },
 * });
 *
 * const tracker = await Tracker.open({ database: './data/app.db' });
 * await tracker.migrate(); // core's et_ tables
 * const db = hostDatabase(tracker, appTables); // Kysely<AppTables>
 * await appTables.migrate(db); // yours, recorded in app_migration
 * await db.insertInto('app_invoice').values({ id: 'inv_1', owner_id: 'alice', total_minor: 1250 }).execute();
 * ```
 * @throws `VALIDATION_FAILED` for a prefix that is malformed or core's (`et_`)
 */
export function defineHostTables<DB>(options: HostTablesOptions): HostTables<DB> {
  const { prefix } = options;
  if (!PREFIX.test(prefix) || prefix.startsWith('et_')) {
    const message = prefix.startsWith('et_')
      ? 'et_ is the prefix of core’s own tables: choose another'
      : 'Use lower-case letters, digits and _, ending in _ (e.g. app_), at most 31 characters';
    throw new TrackerError(
      'VALIDATION_FAILED',
      `The host tables' prefix ${JSON.stringify(prefix)} is not allowed: ${message}`,
      {
        issues: [{ path: ['prefix'], code: 'invalid_prefix', message }],
      },
    );
  }
  const migrations = Object.freeze({ ...options.migrations });
  return Object.freeze({
    prefix,
    migrations,
    async migrate(db: Kysely<DB>): Promise<void> {
      const migrator = new Migrator({
        db,
        provider: { getMigrations: () => Promise.resolve(migrations) },
        migrationTableName: `${prefix}migration`,
        migrationLockTableName: `${prefix}migration_lock`,
      });
      const { error } = await migrator.migrateToLatest();
      if (error) throw toStoreError(error);
    },
  });
}

/**
 * A Kysely handle for a host application's own tables in the tracker's database, typed for
 * those tables only: the documented way for a host (the server included) to keep tables of
 * its own beside core's, without reaching core's.
 *
 * It runs on the tracker's connections: on SQLite the one connection, so its queries and
 * transactions take turns with the tracker's (never inside one of them); on PostgreSQL the
 * tracker's pool. Transactions are Kysely's (`db.transaction().execute(...)`); on SQLite they
 * begin `IMMEDIATE`, as core's do. It opens and closes nothing: after `tracker.close()` its
 * queries fail with `TRACKER_CLOSED`, and its `destroy()` releases nothing. Core's tables
 * are not in its type, and its own migrations are kept apart from core's.
 *
 * On SQLite, do not call the tracker from inside one of its transactions: the tracker's write
 * would wait for the one connection that transaction holds. A tracker on a store of your own
 * has no connections to share: keep your tables on a Kysely instance of yours, and run
 * {@link HostTables.migrate} on it.
 *
 * @typeParam DB - the tables, as declared by {@link defineHostTables}
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { hostDatabase, type HostTables } from '@expense-tracker/core/kysely';
 *
 * declare const appTables: HostTables<{ app_invoice: { id: string; owner_id: string; total_minor: number } }>; // see defineHostTables
 * const tracker = await Tracker.open({ database: process.env.DATABASE_URL ?? './data/app.db' });
 * const db = hostDatabase(tracker, appTables);
 * await appTables.migrate(db);
 * await db.transaction().execute(async (trx) => {
 *   await trx.insertInto('app_invoice').values({ id: 'inv_2', owner_id: 'alice', total_minor: 990 }).execute();
 *   await trx.deleteFrom('app_invoice').where('id', '=', 'inv_1').execute();
 * });
 * ```
 * @throws `VALIDATION_FAILED` when the tracker runs on a store of your own (no connections to share)
 */
export function hostDatabase<DB>(tracker: Tracker, tables: HostTables<DB>): Kysely<DB> {
  const { store, isClosed } = internalsOf(tracker);
  if (!(store instanceof KyselyStore)) {
    const message = `The tracker runs on a store of your own: keep the ${tables.prefix} tables on a Kysely instance of yours and run their migrate() on it`;
    throw new TrackerError('VALIDATION_FAILED', `hostDatabase() needs a tracker on the bundled store. ${message}`, {
      issues: [{ path: ['tracker'], code: 'unsupported_store', message }],
    });
  }
  return new Kysely<DB>({ dialect: borrowedDialect(store.db.getExecutor(), store.dialect, isClosed) });
}
