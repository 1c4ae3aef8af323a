import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely } from 'kysely';
import { TrackerError } from '../errors.js';
import type { Database } from './database.js';
import { toStoreError, withStoreErrors } from './driver-errors.js';
import { createCategoryRepository } from '../categories/kysely-repository.js';
import { createEventRepository } from '../changes/kysely-repository.js';
import { createExpenseRepository } from '../expenses/kysely-repository.js';
import { createIdempotencyRepository } from '../idempotency/kysely-repository.js';
import { createAlertRuleRepository, createBudgetRepository } from '../budgets/kysely-repository.js';
import { createNotificationRepository } from '../notifications/kysely-repository.js';
import { createOwnerRepository } from '../owners/kysely-repository.js';
import { createImportRepository } from '../imports/kysely-repository.js';
import { createRuleRepository } from '../rules/kysely-repository.js';
import { createScheduleRepository } from '../schedules/kysely-repository.js';
import { createTotalsRepository, SumsQueries } from '../expenses/kysely-totals.js';
import { createWebhookRepository } from '../webhooks/kysely-webhooks.js';
import { coreMigrations } from './migrations/core-migrations.js';
import type { Dialect, Store, StoreSession } from './store.js';

/**
 * Options of {@link KyselyStore}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { Kysely, PostgresDialect } from 'kysely';
 * import { Tracker } from '@expense-tracker/core';
 * import { KyselyStore, type Database, type KyselyStoreOptions } from '@expense-tracker/core/kysely';
 *
 * // What Tracker.open({ database: 'postgres://…' }) sets up, by hand:
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * const options: KyselyStoreOptions = { db, dialect: 'postgres', onClose: () => db.destroy() };
 * const tracker = await Tracker.open({ store: new KyselyStore(options) });
 * ```
 */
export interface KyselyStoreOptions {
  /** The Kysely instance to run on. */
  db: Kysely<Database>;
  /** The engine behind `db`. */
  dialect: Dialect;
  /** Releases what the store opened itself; not called for a host application's connection. */
  onClose?: () => Promise<void>;
  /**
   * Identifies this store in the PostgreSQL event notifications it sends, so a listener of
   * the same process can tell its own writes apart. @default a random id
   */
  instanceId?: string;
}

function createSession(db: Kysely<Database>, dialect: Dialect, instanceId: string, sums: SumsQueries): StoreSession {
  return {
    owners: withStoreErrors(createOwnerRepository(db)),
    categories: withStoreErrors(createCategoryRepository(db)),
    expenses: withStoreErrors(createExpenseRepository(db, dialect, sums)),
    events: withStoreErrors(createEventRepository(db, dialect === 'postgres' ? { notify: { instanceId } } : {})),
    totals: withStoreErrors(createTotalsRepository(db, sums)),
    budgets: withStoreErrors(createBudgetRepository(db)),
    alertRules: withStoreErrors(createAlertRuleRepository(db)),
    notifications: withStoreErrors(createNotificationRepository(db)),
    idempotency: withStoreErrors(createIdempotencyRepository(db)),
    imports: withStoreErrors(createImportRepository(db)),
    rules: withStoreErrors(createRuleRepository(db)),
    webhooks: withStoreErrors(createWebhookRepository(db, dialect)),
    schedules: withStoreErrors(createScheduleRepository(db)),
  };
}

/**
 * The name of core's migration bookkeeping table; the lock table adds `_lock`.
 *
 * @example
 * ```ts
 * import { sql } from 'kysely';
 * import { MIGRATION_TABLE } from '@expense-tracker/core/kysely';
 *
 * MIGRATION_TABLE; // 'et_migration'
 * const { db } = store; // the KyselyStore from openKyselyStore() that the tracker runs on
 * const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
 * rows.map((row) => row.name); // ['0001-initial', '0002-budgets', ...]
 * ```
 */
export const MIGRATION_TABLE = 'et_migration';

/**
 * The bundled {@link Store}: one Kysely implementation for SQLite and PostgreSQL. The
 * only dialect difference it needs is how a write transaction starts.
 *
 * `Tracker.open({ database })` builds one and keeps it to itself. To reach its `db` (raw SQL
 * over core's tables in tests and maintenance), open it yourself with {@link openKyselyStore},
 * or build it over a Kysely instance of yours, and hand it over as `Tracker.open({ store })`.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';
 *
 * const store: KyselyStore = await openKyselyStore({ database: ':memory:' });
 * const tracker = await Tracker.open({ store });
 * await tracker.migrate();
 * const owners = await store.db.selectFrom('et_owner').select(['id', 'currency']).execute();
 * ```
 */
export class KyselyStore implements Store {
  readonly dialect: Dialect;
  readonly owners: StoreSession['owners'];
  readonly categories: StoreSession['categories'];
  readonly expenses: StoreSession['expenses'];
  readonly events: StoreSession['events'];
  readonly totals: StoreSession['totals'];
  readonly budgets: StoreSession['budgets'];
  readonly alertRules: StoreSession['alertRules'];
  readonly notifications: StoreSession['notifications'];
  readonly idempotency: StoreSession['idempotency'];
  readonly imports: StoreSession['imports'];
  readonly rules: StoreSession['rules'];
  readonly webhooks: StoreSession['webhooks'];
  readonly schedules: StoreSession['schedules'];
  /** The Kysely instance, for raw SQL in tests and maintenance. */
  readonly db: Kysely<Database>;
  /** The id this store's PostgreSQL event notifications carry (see {@link KyselyStoreOptions.instanceId}). */
  readonly instanceId: string;
  readonly #onClose: (() => Promise<void>) | undefined;
  /** Prepared grouped sums, this store's own (shared by its transactions, never by another store). */
  readonly #sums = new SumsQueries();
  #closed = false;

  /** @param options - the Kysely instance, its dialect, and what to do on close */
  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.#onClose = options.onClose;
    this.instanceId = options.instanceId ?? randomUUID();
    const session = createSession(options.db, this.dialect, this.instanceId, this.#sums);
    this.owners = session.owners;
    this.categories = session.categories;
    this.expenses = session.expenses;
    this.events = session.events;
    this.totals = session.totals;
    this.budgets = session.budgets;
    this.alertRules = session.alertRules;
    this.notifications = session.notifications;
    this.idempotency = session.idempotency;
    this.imports = session.imports;
    this.rules = session.rules;
    this.webhooks = session.webhooks;
    this.schedules = session.schedules;
  }

  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws
   * (`BEGIN IMMEDIATE` on SQLite). What `fn` throws passes through; failures to begin or
   * commit are `TrackerError`s.
   */
  async transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    this.#assertOpen();
    // What `fn` throws is the caller's and passes through untouched (driver errors inside it
    // were already wrapped by the repositories); only BEGIN/COMMIT failures are wrapped here.
    let thrown: { error: unknown } | undefined;
    const run = async (session: StoreSession) => {
      try {
        return await fn(session);
      } catch (error) {
        thrown = { error };
        throw error;
      }
    };
    try {
      if (this.dialect === 'sqlite') {
        // BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads
        // and then writes can fail with SQLITE_BUSY when another process holds the file.
        return await this.db.connection().execute(async (connection) => {
          await sql`begin immediate`.execute(connection);
          try {
            const result = await run(createSession(connection, this.dialect, this.instanceId, this.#sums));
            await sql`commit`.execute(connection);
            return result;
          } catch (error) {
            await sql`rollback`.execute(connection).catch(() => undefined);
            throw error;
          }
        });
      }
      return await this.db
        .transaction()
        .execute((trx) => run(createSession(trx, this.dialect, this.instanceId, this.#sums)));
    } catch (error) {
      if (thrown && thrown.error === error) throw error;
      throw toStoreError(error);
    }
  }

  /** Applies core's migrations that have not run yet, bookkept in {@link MIGRATION_TABLE}. */
  async migrate(): Promise<void> {
    this.#assertOpen();
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: () => Promise.resolve(coreMigrations(this.dialect)) },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw toStoreError(error);
  }

  /** Resolves when the database answers; throws `STORE_UNAVAILABLE` otherwise. */
  async ping(): Promise<void> {
    this.#assertOpen();
    try {
      await sql`select 1`.execute(this.db);
    } catch (error) {
      const wrapped = toStoreError(error);
      throw wrapped.code === 'STORE_FAILED'
        ? new TrackerError('STORE_UNAVAILABLE', 'The database does not answer', { cause: error })
        : wrapped;
    }
  }

  /** Releases what the store opened itself (never a connection the host application passed in). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#onClose?.();
  }

  #assertOpen(): void {
    if (this.#closed) throw new TrackerError('TRACKER_CLOSED', 'The tracker was closed');
  }
}
