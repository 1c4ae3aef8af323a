import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * The server's own tables (accounts, sessions, refresh tokens), prefixed `srv_`. `Idempotency-Key`
 * records live in core's `et_idempotency`, written in the transaction of the write they answer.
 *
 * @example
 * ```ts
 * import { KyselyStore } from '@expense-tracker/core';
 * import type { ServerDatabase } from '@expense-tracker/server';
 * import type { Kysely } from 'kysely';
 *
 * // By default the server's tables live in the tracker's database (see migrateServer).
 * const db = (tracker.store as KyselyStore).db as unknown as Kysely<ServerDatabase>;
 * const openSessions = await db
 *   .selectFrom('srv_session as s')
 *   .innerJoin('srv_account as a', 'a.id', 's.account_id')
 *   .select(['a.username', 's.created_at', 's.expires_at'])
 *   .where('s.revoked_at', 'is', null)
 *   .where('s.expires_at', '>', new Date().toISOString())
 *   .execute();
 * ```
 */
export interface ServerDatabase {
  srv_account: {
    id: string;
    username: string;
    /** `username` lower-cased: usernames are unique case-insensitively. */
    username_key: string;
    email: string | null;
    password_hash: string;
    created_at: string;
    updated_at: string;
  };
  srv_session: {
    id: string;
    account_id: string;
    created_at: string;
    expires_at: string;
    revoked_at: string | null;
    revoked_reason: string | null;
  };
  srv_refresh_token: {
    /** SHA-256 of the token: the token itself is never stored. */
    token_hash: string;
    session_id: string;
    created_at: string;
    used_at: string | null;
  };
}

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('srv_account')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('username_key', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('srv_session')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('srv_session_account_idx').on('srv_session').column('account_id').execute();
    await db.schema
      .createTable('srv_refresh_token')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('srv_refresh_token_session_idx').on('srv_refresh_token').column('session_id').execute();
    await db.schema
      .createTable('srv_idempotency')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('body', 'text')
      .addColumn('content_type', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('srv_idempotency_pk', ['account_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('srv_idempotency_created_idx').on('srv_idempotency').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['srv_idempotency', 'srv_refresh_token', 'srv_session', 'srv_account']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/**
 * `srv_idempotency` held the answer of each `Idempotency-Key` request, stored after the write
 * had committed, outside its transaction: a process that died in between left a committed
 * write without its answer, and the write ran again on retry (issue #11). Core now records a
 * keyed write's result in the write's own transaction (`et_idempotency`).
 */
const dropIdempotency: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropTable('srv_idempotency').ifExists().execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema
      .createTable('srv_idempotency')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('body', 'text')
      .addColumn('content_type', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('srv_idempotency_pk', ['account_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('srv_idempotency_created_idx').on('srv_idempotency').column('created_at').execute();
  },
};

/** Applies the server's migrations (its own bookkeeping table, `srv_migration`). */
export async function migrateServerTables(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ '0001-accounts': initial, '0002-drop-idempotency': dropIdempotency }) },
    migrationTableName: 'srv_migration',
    migrationLockTableName: 'srv_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
