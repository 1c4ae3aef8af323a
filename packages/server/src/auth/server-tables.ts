import { defineHostTables } from '@expense-tracker/core/kysely';
import type { Kysely, Migration } from 'kysely';
import { skeletonOf, usernameForms } from './usernames.js';

/**
 * The server's own tables (accounts, sessions, refresh tokens, throttle counters, API tokens), prefixed
 * `srv_`. `Idempotency-Key` records live in core's `et_idempotency`, written in the transaction
 * of the write they answer.
 *
 * @example
 * ```ts
 * import { hostDatabase } from '@expense-tracker/core/kysely';
 * import { SERVER_TABLES } from '@expense-tracker/server';
 *
 * // By default the server's tables live in the tracker's database (see migrateServer).
 * const db = hostDatabase(tracker, SERVER_TABLES); // Kysely<ServerDatabase>
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
    /**
     * The login key: `username` NFKC-normalised and lower-cased (unique). Accounts made before
     * usernames were normalised keep their old key (trimmed, lower-cased) when the new one would
     * have collided with another account's.
     */
    username_key: string;
    /**
     * The UTS #39 skeleton of the key (unique when set): a new username that looks like a taken
     * one (Cyrillic `а` for Latin `a`, `rn` for `m`) is refused. `null` only for an account made
     * before skeletons whose skeleton another, older account already had.
     */
    username_skeleton: string | null;
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
  srv_throttle: {
    /** What is counted, e.g. `login-user:alice`, `login-address:203.0.113.7`. */
    key: string;
    /** Points taken in the current window: attempts in flight and failures kept. */
    hits: number;
    /** When the current window ends (ISO 8601); the next point after it starts a new window. */
    resets_at: string;
  };
  srv_api_token: {
    /** `tok_` + ULID: what lists show and `DELETE /auth/tokens/{id}` takes. */
    id: string;
    account_id: string;
    name: string;
    /** The first 12 characters (`etk_` + 8), to tell tokens apart in a list; not enough to use one. */
    prefix: string;
    /** SHA-256 of the whole token, hex (unique): the token itself is never stored. */
    token_hash: string;
    /** The permissions held, space-separated, expanded from scopes and presets at creation. */
    scopes: string;
    created_at: string;
    /** Required: at most 366 days after creation. */
    expires_at: string;
    /** When the owner was told it expires soon (or it was found too short-lived to tell); null until then. */
    expiry_noticed_at: string | null;
    /** When it last authenticated a request, written at most once a minute per token. */
    last_used_at: string | null;
    revoked_at: string | null;
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

/** Throttle counters, shared by every instance on the database and kept across restarts. */
const throttles: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('srv_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('resets_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('srv_throttle_resets_idx').on('srv_throttle').column('resets_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('srv_throttle').ifExists().execute();
  },
};

/**
 * Usernames compared by their normalised form and their look-alike skeleton. Existing accounts
 * keep logging in with what they typed: each gets the normalised key unless another account
 * already holds it (then it keeps its old key, which logins still match), and a skeleton unless
 * an older account already has it.
 */
const normalisedUsernames: Migration = {
  async up(untyped: Kysely<unknown>) {
    const db = untyped as Kysely<ServerDatabase>;
    await db.schema.alterTable('srv_account').addColumn('username_skeleton', 'text').execute();
    const accounts = await db
      .selectFrom('srv_account')
      .select(['id', 'username', 'username_key'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const keys = new Set(accounts.map((a) => a.username_key));
    const skeletons = new Set<string>();
    for (const account of accounts) {
      const forms = usernameForms(account.username);
      let key = account.username_key;
      if (forms && forms.key !== key && !keys.has(forms.key)) {
        keys.delete(key);
        keys.add(forms.key);
        key = forms.key;
      }
      const skeleton = skeletonOf(key);
      const kept = skeletons.has(skeleton) ? null : skeleton;
      if (kept !== null) skeletons.add(kept);
      await db
        .updateTable('srv_account')
        .set({ username_key: key, username_skeleton: kept })
        .where('id', '=', account.id)
        .execute();
    }
    await db.schema
      .createIndex('srv_account_skeleton_idx')
      .on('srv_account')
      .column('username_skeleton')
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('srv_account_skeleton_idx').ifExists().execute();
    await db.schema.alterTable('srv_account').dropColumn('username_skeleton').execute();
  },
};

/**
 * API tokens (SPEC §7.4), looked up by the hash of the presented token on every request: the
 * unique index on `token_hash` makes that one indexed read, and revocation holds at once on
 * every instance since nothing about a token is remembered between requests.
 */
const apiTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('srv_api_token')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('srv_api_token_account_idx').on('srv_api_token').column('account_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('srv_api_token').ifExists().execute();
  },
};

/**
 * Expiry notices (SPEC §7.0 due work): `expiry_noticed_at` marks a token whose owner has been
 * told it expires soon, so the due work reads only tokens still to tell. The notice itself is
 * stored once by core's unique key on (owner, topic, subject); this column only saves the
 * work of asking again. The index serves the due work's read across accounts.
 */
const apiTokenExpiryNotices: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('srv_api_token').addColumn('expiry_noticed_at', 'text').execute();
    await db.schema
      .createIndex('srv_api_token_expiry_idx')
      .on('srv_api_token')
      .columns(['expiry_noticed_at', 'expires_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('srv_api_token_expiry_idx').execute();
    await db.schema.alterTable('srv_api_token').dropColumn('expiry_noticed_at').execute();
  },
};

/** The server's migrations, by name, in order. */
export const SERVER_MIGRATIONS: Record<string, Migration> = {
  '0001-accounts': initial,
  '0002-drop-idempotency': dropIdempotency,
  '0003-throttles': throttles,
  '0004-normalised-usernames': normalisedUsernames,
  '0005-api-tokens': apiTokens,
  '0006-api-token-expiry-notices': apiTokenExpiryNotices,
};

/**
 * The server's own tables (`srv_`), declared to core as a host's tables: `migrateServer` applies
 * their migrations (bookkept in `srv_migration`), and `hostDatabase(tracker, SERVER_TABLES)` from
 * `@expense-tracker/core/kysely` is a Kysely handle for them on the tracker's connections.
 *
 * @example
 * ```ts
 * import { hostDatabase } from '@expense-tracker/core/kysely';
 * import { AccountService, PasswordHasher, SERVER_TABLES, TokenService } from '@expense-tracker/server';
 *
 * // The server's accounts over the tracker's database, from code of your own (an admin script).
 * const accounts = new AccountService({
 *   db: hostDatabase(tracker, SERVER_TABLES),
 *   tracker,
 *   hasher: new PasswordHasher({ logN: 17, r: 8, p: 1 }),
 *   tokens: new TokenService(process.env.JWT_SECRET!, 900, tracker.clock), // one clock with the tracker
 *   refreshTtl: 30 * 24 * 60 * 60,
 * });
 * ```
 */
export const SERVER_TABLES = defineHostTables<ServerDatabase>({ prefix: 'srv_', migrations: SERVER_MIGRATIONS });
