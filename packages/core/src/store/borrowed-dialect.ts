import {
  CompiledQuery,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect as KyselyDialect,
  type Driver,
  type QueryExecutor,
  type TransactionSettings,
} from 'kysely';
import { TrackerError } from '../errors.js';
import type { Dialect } from './store.js';

/** A savepoint name as a quoted identifier (the same syntax on SQLite and PostgreSQL). */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A Kysely driver that opens no connection of its own: it borrows one from another Kysely
 * instance's executor for as long as Kysely holds it, and gives it back on release.
 *
 * Borrowing through the executor, rather than opening a second driver over the same
 * better-sqlite3 handle or pool, keeps the lender's rules: on SQLite, its one connection and the
 * mutex that serialises it, so a query of the borrower never runs inside a transaction of the
 * lender (or the other way round); on PostgreSQL, its pool and its size.
 */
class BorrowedDriver implements Driver {
  readonly #lender: QueryExecutor;
  readonly #dialect: Dialect;
  readonly #isClosed: () => boolean;
  /** Each borrowed connection → the function that gives it back to the lender. */
  readonly #giveBack = new Map<DatabaseConnection, () => void>();

  constructor(lender: QueryExecutor, dialect: Dialect, isClosed: () => boolean) {
    this.#lender = lender;
    this.#dialect = dialect;
    this.#isClosed = isClosed;
  }

  async init(): Promise<void> {
    // Nothing to open: the connections are the lender's.
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (this.#isClosed()) return Promise.reject(new TrackerError('TRACKER_CLOSED', 'The tracker was closed'));
    return new Promise((resolve, reject) => {
      // The lender holds the connection until the promise its consumer returns settles.
      this.#lender
        .provideConnection(
          (connection) =>
            new Promise<void>((giveBack) => {
              this.#giveBack.set(connection, giveBack);
              resolve(connection);
            }),
        )
        .catch(reject);
    });
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const giveBack = this.#giveBack.get(connection);
    this.#giveBack.delete(connection);
    giveBack?.();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (this.#dialect === 'sqlite') {
      // As core's own: BEGIN IMMEDIATE takes the write lock up front, where a deferred
      // transaction that reads and then writes can fail with SQLITE_BUSY beside another process.
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      return;
    }
    // Kysely has checked the settings against its closed lists before they get here.
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    const access = settings.accessMode ? ` ${settings.accessMode}` : '';
    await connection.executeQuery(
      CompiledQuery.raw(isolation || access ? `start transaction${isolation}${access}` : 'begin'),
    );
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${identifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${identifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${identifier(name)}`));
  }

  /** The connections are the lender's: it closes them. */
  async destroy(): Promise<void> {
    // Nothing to close.
  }
}

/**
 * A Kysely dialect whose instances run on the connections of `lender` (a Kysely instance's
 * executor), with the lender's adapter. Queries are compiled for `dialect` and carry none of
 * the lender's plugins. Once `isClosed()` says so, acquiring a connection fails with `TRACKER_CLOSED`.
 */
export function borrowedDialect(lender: QueryExecutor, dialect: Dialect, isClosed: () => boolean): KyselyDialect {
  const driver = new BorrowedDriver(lender, dialect, isClosed);
  return {
    createDriver: () => driver,
    createAdapter: () => lender.adapter,
    createQueryCompiler: () => (dialect === 'postgres' ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    createIntrospector: (db) => (dialect === 'postgres' ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
  };
}
