import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { ClientConfig, Pool } from 'pg';
import { TrackerError } from '../errors.js';
import type { Database } from './database.js';
import { toStoreError } from './driver-errors.js';
import { KyselyStore } from './kysely-store.js';
import { withNamedStatements } from './named-statements.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Dialect } from './store.js';

/**
 * What `Tracker.open` accepts as `database`:
 * - `':memory:'`, a file path, or `sqlite:<path>` — SQLite, opened (and closed) by the tracker;
 * - `postgres://…` / `postgresql://…` — PostgreSQL, with a pool the tracker opens and closes;
 * - a better-sqlite3 `Database`, a `pg.Pool` or a `Kysely` instance the host app already
 *   has — used as is, and left open by `tracker.close()`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { Tracker, type DatabaseInput } from '@expense-tracker/core';
 *
 * // Share the pool your app already has: core's tables are prefixed `et_`.
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const database: DatabaseInput = pool; // or ':memory:', './data/expenses.db', 'postgres://…'
 * const tracker = await Tracker.open({ database });
 * await tracker.close(); // the pool stays open: it is yours
 * await pool.end();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a host's Kysely<HostTables> of any shape must fit
export type DatabaseInput = string | BetterSqlite3.Database | Pool | Kysely<any>;

/**
 * Options of {@link openKyselyStore}: what `Tracker.open` passes for its `database`,
 * `dialect` and `poolSize` options.
 *
 * @example
 * ```ts
 * import { openKyselyStore, type OpenKyselyStoreOptions } from '@expense-tracker/core/kysely';
 *
 * const options: OpenKyselyStoreOptions = {
 *   database: process.env.DATABASE_URL ?? './data/expenses.db',
 *   poolSize: 20, // PostgreSQL only
 *   onError: (error) => console.error('an idle database connection failed', error),
 * };
 * const store = await openKyselyStore(options);
 * ```
 */
export interface OpenKyselyStoreOptions {
  /** The database; see {@link DatabaseInput}. */
  database: DatabaseInput;
  /** The engine behind a host's `Kysely` instance, when it cannot be told from its adapter. */
  dialect?: Dialect;
  /** Most PostgreSQL connections of a pool the store opens. @default 10 */
  poolSize?: number;
  /**
   * Receives errors of idle pool connections, which must not crash the process.
   * @default writes to `console.error`
   */
  onError?: (error: unknown) => void;
  /** Identifies the store in the event notifications it sends on PostgreSQL. @default a random id */
  instanceId?: string;
}

/**
 * Whether `database` is a PostgreSQL URL (`postgres://` or `postgresql://`, any case): what
 * `Tracker.open({ database })` opens on PostgreSQL. The one test of it, for core and the
 * server alike (whether to LISTEN, which URLs `DATABASE_URL` takes).
 *
 * @example
 * ```ts
 * import { isPostgresUrl, Tracker } from '@expense-tracker/core';
 *
 * const database = process.env.DATABASE_URL ?? ':memory:';
 * isPostgresUrl('postgresql://app@db/expenses'); // true
 * isPostgresUrl('sqlite:./data/expenses.db'); // false
 * // Other processes' events matter only where several can share the database.
 * const tracker = await Tracker.open({ database, listen: isPostgresUrl(database) });
 * ```
 */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * How to open a connection of its own to the PostgreSQL database `database` designates:
 * its URL, or a pool's settings. `undefined` for SQLite and for a `Kysely` instance.
 */
export function postgresClientConfig(database: DatabaseInput): ClientConfig | undefined {
  if (typeof database === 'string') return isPostgresUrl(database) ? { connectionString: database } : undefined;
  if (typeof database === 'object' && database !== null && !isKysely(database) && isPgPool(database)) {
    // pg.Pool keeps the options it was created with; its pool-only keys are ignored by pg.Client.
    return { ...(database as Pool & { options: ClientConfig }).options };
  }
  return undefined;
}

function isKysely(value: object): value is Kysely<unknown> {
  return (
    typeof (value as Kysely<unknown>).selectFrom === 'function' &&
    typeof (value as Kysely<unknown>).getExecutor === 'function'
  );
}

function isPgPool(value: object): value is Pool {
  return typeof (value as Pool).connect === 'function' && typeof (value as Pool).totalCount === 'number';
}

function isSqliteDatabase(value: object): value is BetterSqlite3.Database {
  return (
    typeof (value as BetterSqlite3.Database).prepare === 'function' &&
    typeof (value as BetterSqlite3.Database).pragma === 'function'
  );
}

function kyselyDialect(db: Kysely<unknown>, explicit: Dialect | undefined): Dialect {
  if (explicit) return explicit;
  const adapter = db.getExecutor().adapter.constructor.name;
  if (/postgres/i.test(adapter)) return 'postgres';
  if (/sqlite/i.test(adapter)) return 'sqlite';
  throw new TrackerError(
    'VALIDATION_FAILED',
    `Cannot tell the dialect of this Kysely instance (${adapter}); pass dialect: 'sqlite' or 'postgres'`,
    {
      issues: [{ path: ['dialect'], code: 'required', message: "Pass dialect: 'sqlite' or 'postgres'" }],
    },
  );
}

/**
 * Loads an engine's driver, which is an optional peer dependency: a host installs only the
 * one for the engine it uses. A missing one is named, with the command that installs it.
 */
async function importDriver<T>(name: 'better-sqlite3' | 'pg', engine: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String(error).includes(`'${name}'`)) {
      throw new TrackerError(
        'STORE_UNAVAILABLE',
        `${engine} needs the ${name} package, which is not installed: run \`npm install ${name}\``,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

async function openSqliteFile(path: string): Promise<BetterSqlite3.Database> {
  const { default: Sqlite } = await importDriver('better-sqlite3', 'SQLite', () => import('better-sqlite3'));
  if (path !== ':memory:') {
    // Expenses are personal: the file is the owner's alone (0600; SQLite gives the -wal and
    // -shm files it creates beside it the same mode), and so are directories made for it
    // (0700). A file that exists already keeps its mode: 'a' creates, never truncates.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Sqlite(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

async function openPgPool(url: string, options: OpenKyselyStoreOptions): Promise<Pool> {
  const { default: pg } = await importDriver('pg', 'PostgreSQL', () => import('pg'));
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
  // An idle connection that dies emits 'error' on the pool; unhandled, that crashes the process.
  // eslint-disable-next-line no-console -- the documented default when the host passes no onError
  pool.on('error', options.onError ?? ((error) => console.error('[expense-tracker] database error:', error)));
  // A connection that dies while checked out (mid-query or mid-transaction) emits 'error' on
  // the client itself, where pg-pool listens only while it is idle; unhandled, that crashes the
  // process too. The caller already gets the failure from its query (STORE_UNAVAILABLE), and the
  // pool drops the dead connection when it is released, so there is nothing more to report.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Opens the bundled store over a database, as `Tracker.open({ database })` does; hand it to
 * `Tracker.open({ store })`. Open it yourself when you need the store's own handle: raw SQL over
 * core's tables in tests and maintenance (its `db`), or the {@link KyselyStore} for the
 * conformance suite. The SQLite (`better-sqlite3`) or PostgreSQL (`pg`) driver is loaded only
 * when that engine is opened, so a host installs only the one it uses.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { openKyselyStore } from '@expense-tracker/core/kysely';
 *
 * const store = await openKyselyStore({ database: './data/expenses.db' });
 * const tracker = await Tracker.open({ store });
 * await tracker.migrate();
 * const owners = await store.db.selectFrom('et_owner').select(['id', 'currency']).execute();
 * await tracker.close(); // closes the store too
 * ```
 * @throws `VALIDATION_FAILED` for an unsupported `database`; `STORE_UNAVAILABLE` when it cannot be
 * opened, or its engine's driver is not installed
 */
export async function openKyselyStore(options: OpenKyselyStoreOptions): Promise<KyselyStore> {
  const { database } = options;
  try {
    if (typeof database === 'string') {
      if (isPostgresUrl(database)) {
        const pool = await openPgPool(database, options);
        const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(pool) }) });
        return new KyselyStore({
          db,
          dialect: 'postgres',
          onClose: () => db.destroy(),
          instanceId: options.instanceId,
        });
      }
      const path = database.replace(/^sqlite:(\/\/)?/i, '');
      if (path === '') throw new TrackerError('VALIDATION_FAILED', 'The database path is empty');
      const sqlite = await openSqliteFile(path);
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
      return new KyselyStore({ db, dialect: 'sqlite', onClose: () => db.destroy(), instanceId: options.instanceId });
    }
    if (typeof database === 'object' && database !== null) {
      // A host's connection: used as is, never closed by us.
      if (isKysely(database)) {
        return new KyselyStore({
          db: database as Kysely<Database>,
          dialect: kyselyDialect(database, options.dialect),
          instanceId: options.instanceId,
        });
      }
      if (isPgPool(database)) {
        return new KyselyStore({
          db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: withNamedStatements(database) }) }),
          dialect: 'postgres',
          instanceId: options.instanceId,
        });
      }
      if (isSqliteDatabase(database)) {
        return new KyselyStore({
          db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
          dialect: 'sqlite',
          instanceId: options.instanceId,
        });
      }
    }
  } catch (error) {
    throw toStoreError(error);
  }
  throw new TrackerError(
    'VALIDATION_FAILED',
    'database must be a SQLite path, ":memory:", a postgres:// URL, or a better-sqlite3 Database, pg.Pool or Kysely instance',
    { issues: [{ path: ['database'], code: 'invalid_type', message: 'Unsupported database' }] },
  );
}
