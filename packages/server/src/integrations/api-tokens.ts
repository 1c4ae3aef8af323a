import { storableText, TrackerError, type Clock, type Tracker } from '@expense-tracker/core';
import { preparedQuery } from '@expense-tracker/core/kysely';
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { ulid } from 'ulid';
import { z } from 'zod';
import type { ServerDatabase } from '../auth/server-tables.js';
import { mintApiToken, parseApiToken } from './api-token.js';
import { scopePresetSchema, SCOPE_PRESETS, TOKEN_PERMISSIONS, tokenScopesSchema, type Permission } from './scopes.js';

/**
 * The longest a token may live, in days (SPEC §7.4): a forgotten token stops working within a year.
 *
 * @example
 * ```ts
 * import { createApiTokenSchema, MAX_API_TOKEN_DAYS } from '@expense-tracker/server';
 *
 * createApiTokenSchema.safeParse({ name: 'Yearly', preset: 'read-only', expiresInDays: MAX_API_TOKEN_DAYS }).success; // true
 * ```
 */
export const MAX_API_TOKEN_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Live (unrevoked, unexpired) tokens one account may hold: enough for every script and
 * integration a person runs, few enough that a leaked session cannot mint an unbounded pile
 * of long-lived credentials. Creating one more is a 409 `CONFLICT` that says to revoke one.
 *
 * @example
 * ```ts
 * import { MAX_LIVE_API_TOKENS, type ApiTokenView } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/auth/tokens', { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } });
 * const live = ((await res.json()) as ApiTokenView[]).filter((t) => t.expiresAt > new Date().toISOString());
 * console.log(`${MAX_LIVE_API_TOKENS - live.length} more tokens can be created`);
 * ```
 */
export const MAX_LIVE_API_TOKENS = 50;

/**
 * How many days before a token expires its owner is told (a `api-token.expiring` notice in
 * `GET /notifications` and on the WebSocket), once per token, by the server's due work.
 *
 * @example
 * ```ts
 * import { TOKEN_EXPIRY_NOTICE_DAYS } from '@expense-tracker/server';
 *
 * // A token made for 30 days is announced on day 23; one made for 7 days or fewer never is.
 * console.log(`Owners hear of an expiring token ${TOKEN_EXPIRY_NOTICE_DAYS} days ahead`);
 * ```
 */
export const TOKEN_EXPIRY_NOTICE_DAYS = 7;
/** The notice's topic in core's notifications: one per (account, token). */
const EXPIRY_TOPIC = 'api-token.expiring';
/** Tokens told per account batch in one due-work pass; the next pass takes the rest. */
const EXPIRY_BATCH = 100;
/**
 * How often `last_used_at` is written per token: at most once a minute, so a script polling
 * `/expenses` ten times a second costs one write a minute, not ten a second.
 */
const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Body of `POST /auth/tokens`: a name, `scopes` (permissions, `resource:*` wildcards or
 * preset names) and/or a `preset`, and the expiry, as `expiresAt` or `expiresInDays` (one of
 * them, required; at most 366 days away).
 *
 * @example
 * ```ts
 * import { createApiTokenSchema } from '@expense-tracker/server';
 *
 * createApiTokenSchema.parse({ name: 'Bank sync', preset: 'ingest', expiresInDays: 90 });
 * createApiTokenSchema.safeParse({ name: 'Bank sync', preset: 'ingest' }).success; // false: an expiry is required
 * ```
 */
export const createApiTokenSchema = z
  .strictObject({
    name: storableText(z.string().trim().min(1, 'A token needs a name').max(100)).meta({
      description: 'What the token is for, shown in lists ("Bank sync")',
    }),
    scopes: tokenScopesSchema.optional().meta({
      description: 'Permissions (`expenses:read`), wildcards (`rules:*`) or preset names; stored expanded',
    }),
    preset: scopePresetSchema.optional().meta({ description: 'A named set of permissions, added to `scopes`' }),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({
      description: 'When the token stops working: in the future, at most 366 days away',
    }),
    expiresInDays: z.int().min(1).max(MAX_API_TOKEN_DAYS).optional().meta({
      description: 'Or the expiry in days from now',
    }),
  })
  .refine((v) => v.scopes !== undefined || v.preset !== undefined, {
    path: ['scopes'],
    message: 'Give scopes or a preset: a token with no permission would be useless',
  })
  .refine((v) => (v.expiresAt === undefined) !== (v.expiresInDays === undefined), {
    path: ['expiresAt'],
    message: 'Give exactly one of expiresAt and expiresInDays: every token expires',
  })
  .meta({ id: 'ApiTokenInput' });

/**
 * An API token as lists show it: never the secret, only its first characters.
 *
 * @example
 * ```ts
 * import type { ApiTokenView } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/auth/tokens', { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } });
 * for (const token of (await res.json()) as ApiTokenView[]) console.log(`${token.prefix}… ${token.name}, used ${token.lastUsedAt ?? 'never'}`);
 * ```
 */
export interface ApiTokenView {
  id: string;
  name: string;
  /** `etk_` and the next 8 characters. */
  prefix: string;
  scopes: Permission[];
  createdAt: string;
  expiresAt: string;
  /** To the minute: written at most once a minute. */
  lastUsedAt: string | null;
}

/**
 * A token just created: its view and, this once, the token itself.
 *
 * @example
 * ```ts
 * import type { CreatedApiToken } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/auth/tokens', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.ACCESS_TOKEN}` },
 *   body: JSON.stringify({ name: 'Reports', preset: 'read-only', expiresInDays: 30 }),
 * });
 * const { token } = (await res.json()) as CreatedApiToken; // store it now: it is never shown again
 * ```
 */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}

/**
 * Who an API token speaks for, and what it may do: what `ctx.state.auth` holds for a request
 * that presented one.
 *
 * @example
 * ```ts
 * import type { ApiTokenClaims } from '@expense-tracker/server';
 *
 * const claims: ApiTokenClaims = { kind: 'api-token', accountId: 'acc_1', tokenId: 'tok_1', name: 'CI', scopes: ['expenses:read'], expiresAt: 1_800_000_000 };
 * claims.scopes.includes('expenses:write'); // false
 * ```
 */
export interface ApiTokenClaims {
  kind: 'api-token';
  accountId: string;
  tokenId: string;
  name: string;
  /** The permissions it holds. */
  scopes: readonly Permission[];
  /** When it expires, in seconds since the epoch (as an access token's `exp`). */
  expiresAt: number;
}

/** The lookup every request with an API token makes: one read by the unique hash, with the account. */
const byHash = preparedQuery((db: Kysely<ServerDatabase>, hash: string) =>
  db
    .selectFrom('srv_api_token as t')
    // A deleted account's tokens end with it.
    .innerJoin('srv_account as a', 'a.id', 't.account_id')
    .select(['t.id', 't.account_id', 't.name', 't.scopes', 't.expires_at', 't.last_used_at', 't.revoked_at'])
    .where('t.token_hash', '=', hash),
);

/** Stored scopes as permissions: anything not in today's vocabulary grants nothing. */
function scopesOf(stored: string): Permission[] {
  const held = new Set(stored.split(' '));
  return TOKEN_PERMISSIONS.filter((permission) => held.has(permission));
}

function invalidExpiry(message: string): TrackerError {
  return new TrackerError('VALIDATION_FAILED', message, {
    issues: [{ path: ['expiresAt'], code: 'invalid_expiry', message }],
  });
}

/**
 * Refuses a token past {@link MAX_LIVE_API_TOKENS}, in the transaction that then inserts it: one
 * creation per account at a time counts and inserts, so creations racing at the cap (on one
 * instance or several) take exactly the places that are free. On PostgreSQL the account's row is
 * locked until the transaction ends; on SQLite the transaction holds the write lock from its start
 * (`begin immediate`).
 */
async function assertBelowCap(trx: Transaction<ServerDatabase>, accountId: string, now: Date): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await trx.selectFrom('srv_account').select('id').where('id', '=', accountId).forUpdate().execute();
  }
  const { live } = await trx
    .selectFrom('srv_api_token')
    .select((eb) => eb.fn.countAll<number | string>().as('live'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirstOrThrow();
  if (Number(live) < MAX_LIVE_API_TOKENS) return;
  throw new TrackerError(
    'CONFLICT',
    `This account already has ${MAX_LIVE_API_TOKENS} live API tokens, the most it may hold; revoke one it no longer needs (DELETE /auth/tokens/{id}) and create this one again`,
  );
}

/**
 * Personal API tokens (SPEC §7.4): created with scopes and an expiry, stored as a SHA-256
 * hash, listed without the secret, revoked at once. {@link ApiTokenService.authenticate}
 * reads the token's row on every request (one indexed read), so a revocation on any instance
 * holds for the next request on every other: no verdict about a token is remembered.
 *
 * @example
 * ```ts
 * import { hostDatabase } from '@expense-tracker/core/kysely';
 * import { ApiTokenService, SERVER_TABLES } from '@expense-tracker/server';
 *
 * const tokens = new ApiTokenService({ db: hostDatabase(tracker, SERVER_TABLES), clock: tracker.clock });
 * const created = await tokens.create('acc_1', { name: 'Nightly report', preset: 'read-only', expiresInDays: 30 });
 * (await tokens.authenticate(created.token))?.scopes.includes('expenses:read'); // true
 * await tokens.revoke('acc_1', created.id);
 * await tokens.authenticate(created.token); // null
 * ```
 */
export class ApiTokenService {
  readonly #db: Kysely<ServerDatabase>;
  readonly #clock: Clock;
  /** When this instance last wrote each token's `last_used_at`, so a burst of requests writes it once. */
  readonly #touched = new LRUCache<string, number>({ max: 10_000 });

  /** @param options - `db`: the server's tables; `clock`: where "now" is read (expiry, `lastUsedAt`) */
  constructor(options: { db: Kysely<ServerDatabase>; clock: Clock }) {
    this.#db = options.db;
    this.#clock = options.clock;
  }

  /**
   * Creates a token for an account and returns it, the only time it is shown.
   *
   * @param body - as {@link createApiTokenSchema} outputs it (scopes expanded)
   *
   * @throws TrackerError `VALIDATION_FAILED` when the expiry is past or more than 366 days away;
   * `CONFLICT` when the account already holds {@link MAX_LIVE_API_TOKENS} live tokens
   */
  async create(accountId: string, body: z.output<typeof createApiTokenSchema>): Promise<CreatedApiToken> {
    const now = this.#clock.now();
    const expiresAt = this.#expiryOf(body, now);
    const scopes = [...new Set([...(body.scopes ?? []), ...(body.preset ? SCOPE_PRESETS[body.preset] : [])])];
    const minted = mintApiToken();
    const row = {
      id: `tok_${ulid()}`,
      account_id: accountId,
      name: body.name,
      prefix: minted.prefix,
      token_hash: minted.hash,
      scopes: TOKEN_PERMISSIONS.filter((p) => scopes.includes(p)).join(' '),
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      last_used_at: null,
      revoked_at: null,
      expiry_noticed_at: null,
    };
    await this.#db.transaction().execute(async (trx) => {
      await assertBelowCap(trx, accountId, now);
      await trx.insertInto('srv_api_token').values(row).execute();
    });
    return { ...viewOf(row), token: minted.token };
  }

  /**
   * Tells owners of tokens that expire within {@link TOKEN_EXPIRY_NOTICE_DAYS} days (or
   * expired within that many days, when the server was down when it should have told them),
   * once per token: a notice `api-token.expiring` in the owner's notifications, posted by
   * the system. A step of the server's due work, safe on several instances at once: core's
   * unique key on (owner, topic, token) stores the notice once, and `expiry_noticed_at` only
   * keeps the next pass from asking again. A token whose whole life was that short is not
   * announced: its owner chose it days ago.
   *
   * @returns how many notices this call stored
   *
   * @example
   * ```ts
   * import { hostDatabase } from '@expense-tracker/core/kysely';
   * import { ApiTokenService, SERVER_TABLES } from '@expense-tracker/server';
   *
   * // What the server's due work runs on every tick; a host that runs due work itself calls it too.
   * const tokens = new ApiTokenService({ db: hostDatabase(tracker, SERVER_TABLES), clock: tracker.clock });
   * const told = await tokens.noticeExpiring(tracker);
   * console.log(`${told} owners told of a token expiring soon`);
   * ```
   */
  async noticeExpiring(tracker: Tracker): Promise<number> {
    const now = this.#clock.now();
    const window = TOKEN_EXPIRY_NOTICE_DAYS * DAY_MS;
    const rows = await this.#db
      .selectFrom('srv_api_token as t')
      .innerJoin('srv_account as a', 'a.id', 't.account_id')
      .select(['t.id', 't.account_id', 't.name', 't.prefix', 't.created_at', 't.expires_at'])
      .where('t.expiry_noticed_at', 'is', null)
      .where('t.revoked_at', 'is', null)
      .where('t.expires_at', '<=', new Date(now.getTime() + window).toISOString())
      .orderBy('t.expires_at')
      .limit(sql.lit(EXPIRY_BATCH)) // a literal: SQLite prepares a statement with a bound LIMIT again on every run
      .execute();
    let told = 0;
    for (const row of rows) {
      const expiresAt = Date.parse(row.expires_at);
      const worthTelling = expiresAt - Date.parse(row.created_at) > window && expiresAt > now.getTime() - window;
      if (worthTelling) {
        const posted = await tracker.forOwner(row.account_id, { actor: { kind: 'system' } }).notifications.post({
          topic: EXPIRY_TOPIC,
          subjectId: row.id,
          message: `Your API token "${row.name}" (${row.prefix}…) ${expiresAt > now.getTime() ? 'expires' : 'expired'} on ${row.expires_at}: create a new one and revoke this one`,
          data: { tokenId: row.id, name: row.name, prefix: row.prefix, expiresAt: row.expires_at },
        });
        if (posted) told++;
      }
      await this.#db
        .updateTable('srv_api_token')
        .set({ expiry_noticed_at: now.toISOString() })
        .where('id', '=', row.id)
        .where('expiry_noticed_at', 'is', null)
        .execute();
    }
    return told;
  }

  #expiryOf(body: z.output<typeof createApiTokenSchema>, now: Date): Date {
    if (body.expiresInDays !== undefined) return new Date(now.getTime() + body.expiresInDays * DAY_MS);
    const at = new Date(body.expiresAt ?? '');
    if (at.getTime() <= now.getTime()) throw invalidExpiry('expiresAt must be in the future');
    if (at.getTime() > now.getTime() + MAX_API_TOKEN_DAYS * DAY_MS)
      throw invalidExpiry(`expiresAt must be at most ${MAX_API_TOKEN_DAYS} days away`);
    return at;
  }

  /** The account's tokens that are not revoked (expired ones included, to be seen and removed), newest first. */
  async list(accountId: string): Promise<ApiTokenView[]> {
    const rows = await this.#db
      .selectFrom('srv_api_token')
      .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'expires_at', 'last_used_at'])
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(viewOf);
  }

  /**
   * Revokes a token of the account: the next request with it fails, on every instance.
   *
   * @throws TrackerError `NOT_FOUND` for a token that is not the account's, or already revoked
   */
  async revoke(accountId: string, tokenId: string): Promise<void> {
    const result = await this.#db
      .updateTable('srv_api_token')
      .set({ revoked_at: this.#clock.now().toISOString() })
      .where('id', '=', tokenId)
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new TrackerError('NOT_FOUND', `API token "${tokenId}" was not found`);
  }

  /**
   * The claims of a presented token that is known, live and unexpired, or `null`. A text that
   * is not a well-formed token (prefix, length, checksum) is refused without a database read.
   */
  async authenticate(token: string): Promise<ApiTokenClaims | null> {
    const parsed = parseApiToken(token);
    if (!parsed.ok) return null;
    const [row] = (await byHash.execute(this.#db, parsed.hash)).rows;
    const now = this.#clock.now();
    if (row?.revoked_at !== null || row.expires_at <= now.toISOString()) return null;
    await this.#touch(row.id, row.last_used_at, now);
    return {
      kind: 'api-token',
      accountId: row.account_id,
      tokenId: row.id,
      name: row.name,
      scopes: scopesOf(row.scopes),
      expiresAt: Date.parse(row.expires_at) / 1000,
    };
  }

  /** Records the use, unless it was recorded less than a minute ago (by this instance, or by any per the row). */
  async #touch(id: string, lastUsedAt: string | null, now: Date): Promise<void> {
    const last = Math.max(this.#touched.get(id) ?? 0, lastUsedAt === null ? 0 : Date.parse(lastUsedAt));
    if (now.getTime() - last < LAST_USED_INTERVAL_MS) return;
    this.#touched.set(id, now.getTime());
    const stale = new Date(now.getTime() - LAST_USED_INTERVAL_MS).toISOString();
    await this.#db
      .updateTable('srv_api_token')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', stale)]))
      .execute();
  }
}

function viewOf(row: {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}
