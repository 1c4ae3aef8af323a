import { isTrackerError, ownerSettingsPatchSchema, preparedQuery, storableText, TrackerError, type OwnerSettings, type Tracker } from '@expense-tracker/core';
import type { Kysely } from 'kysely';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ulid } from 'ulid';
import { z } from 'zod';
import { HttpError } from '../http/problem.js';
import type { PasswordHasher } from './passwords.js';
import type { ServerDatabase } from './server-tables.js';
import { hashRefreshToken, newRefreshToken, type AccessClaims, type TokenService } from './tokens.js';

const usernameSchema = z
  .string()
  .trim()
  .min(3, 'A username has 3 to 64 characters')
  .max(64, 'A username has 3 to 64 characters')
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'A username may use letters, digits and . _ @ + -');
// Hashed as UTF-8, where an unpaired surrogate becomes U+FFFD: two different passwords would hash alike.
const passwordSchema = storableText(z.string().min(8, 'A password has at least 8 characters').max(1024, 'A password has at most 1024 characters'));

/**
 * Body of `POST /auth/register`.
 *
 * @example
 * ```ts
 * import { registerSchema } from '@expense-tracker/server';
 *
 * registerSchema.parse({ username: ' alice ', password: 'correct horse battery', currency: 'eur' });
 * // { username: 'alice', password: 'correct horse battery', currency: 'EUR' }
 * registerSchema.safeParse({ username: 'al', password: 'short' }).success; // false: 3 to 64 characters, at least 8
 * registerSchema.safeParse({ username: 'alice', password: 'correct horse battery', admin: true }).success; // false: unknown keys are refused
 * ```
 */
export const registerSchema = z
  .strictObject({
    username: usernameSchema,
    password: passwordSchema,
    email: z.email('Expected an email address').max(254).optional(),
    timezone: ownerSettingsPatchSchema.shape.timezone,
    currency: ownerSettingsPatchSchema.shape.currency,
  })
  .meta({ id: 'RegisterInput' });

/**
 * Body of `POST /auth/login` (JSON) — the form-encoded OAuth2 password grant carries the same fields.
 *
 * @example
 * ```ts
 * import { loginSchema } from '@expense-tracker/server';
 *
 * // What an OAuth2 client's form carries; fields the server does not use (`scope`) are dropped.
 * const form = new URLSearchParams('grant_type=password&username=alice&password=correct+horse+battery&scope=');
 * loginSchema.parse(Object.fromEntries(form)); // { username: 'alice', password: 'correct horse battery', grant_type: 'password' }
 * loginSchema.safeParse({ username: 'alice', password: '' }).success; // false
 * ```
 */
export const loginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024), grant_type: z.literal('password').optional() })
  .meta({ id: 'LoginInput' });

/**
 * Body of `PATCH /auth/me`.
 *
 * @example
 * ```ts
 * import { accountPatchSchema } from '@expense-tracker/server';
 *
 * accountPatchSchema.parse({ timezone: 'Europe/Berlin', weekStartsOn: 1, email: null }); // null removes the email
 * accountPatchSchema.safeParse({ password: 'a new long password' }).success;
 * // false: the issue is at ['currentPassword'], 'Give currentPassword to change the password'
 * ```
 */
export const accountPatchSchema = z
  .strictObject({
    timezone: ownerSettingsPatchSchema.shape.timezone,
    currency: ownerSettingsPatchSchema.shape.currency,
    weekStartsOn: ownerSettingsPatchSchema.shape.weekStartsOn,
    email: z.email('Expected an email address').max(254).nullable().optional(),
    password: passwordSchema.optional(),
    currentPassword: z.string().max(1024).optional(),
  })
  .refine((v) => v.password === undefined || v.currentPassword !== undefined, { path: ['currentPassword'], message: 'Give currentPassword to change the password' })
  .meta({ id: 'AccountPatch' });

/**
 * The OAuth2 token response (RFC 6749 names).
 *
 * @example
 * ```ts
 * import type { TokenPair } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/auth/login', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
 * });
 * const pair = (await res.json()) as TokenPair;
 * const refreshAt = Date.now() + (pair.expires_in - 60) * 1000; // expires_in is in seconds
 * // Send `Authorization: Bearer ${pair.access_token}`; before refreshAt, trade pair.refresh_token
 * // at POST /auth/refresh for a new pair (each refresh token works once).
 * ```
 */
export interface TokenPair {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}

/**
 * An account as the API shows it.
 *
 * @example
 * ```ts
 * import type { AccountView } from '@expense-tracker/server';
 *
 * const res = await fetch('http://localhost:8000/auth/me', { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } });
 * const me = (await res.json()) as AccountView;
 * console.log(`${me.username} (${me.id}) keeps books in ${me.settings.currency}, ${me.settings.timezone}`);
 * ```
 */
export interface AccountView {
  id: string;
  username: string;
  email: string | null;
  createdAt: string;
  settings: OwnerSettings;
}

const LOGIN_FAILURE = 'Wrong username or password';

/** The session check every authenticated request makes, compiled once. */
const liveSession = preparedQuery((db: Kysely<ServerDatabase>, sessionId: string) =>
  db.selectFrom('srv_session as s').innerJoin('srv_account as a', 'a.id', 's.account_id').select(['s.account_id', 's.revoked_at']).where('s.id', '=', sessionId),
);

/**
 * Accounts, sessions and tokens. Passwords are hashed with scrypt off the event loop;
 * refresh tokens are stored as SHA-256 and rotated on every use, and presenting a used one
 * revokes its whole session. Failed logins are throttled per username and per address.
 *
 * @example
 * ```ts
 * import { KyselyStore } from '@expense-tracker/core';
 * import { AccountService, migrateServer, PasswordHasher, TokenService, type ServerDatabase } from '@expense-tracker/server';
 * import type { Kysely } from 'kysely';
 *
 * // createApp makes its own; make one over the same database and secret to manage accounts
 * // from your own code (an admin script, a host app), with tokens the API accepts.
 * await migrateServer({ tracker });
 * const accounts = new AccountService({
 *   db: (tracker.store as KyselyStore).db as unknown as Kysely<ServerDatabase>,
 *   tracker,
 *   hasher: new PasswordHasher({ logN: 17, r: 8, p: 1 }),
 *   tokens: new TokenService(process.env.JWT_SECRET!, 900),
 *   refreshTtl: 30 * 24 * 60 * 60,
 * });
 * const alice = await accounts.register({ username: 'alice', password: 'correct horse battery', currency: 'EUR' });
 * const pair = await accounts.login('alice', 'correct horse battery', '127.0.0.1');
 * (await accounts.authenticate(pair.access_token))?.accountId === alice.id; // true
 * const next = await accounts.refresh(pair.refresh_token); // a new pair; the old refresh token is spent
 * ```
 */
export class AccountService {
  readonly #db: Kysely<ServerDatabase>;
  readonly #tracker: Tracker;
  readonly #hasher: PasswordHasher;
  readonly #tokens: TokenService;
  readonly #refreshTtl: number;
  readonly #perUsername = new RateLimiterMemory({ points: 5, duration: 15 * 60, blockDuration: 15 * 60 });
  readonly #perAddress = new RateLimiterMemory({ points: 20, duration: 15 * 60, blockDuration: 15 * 60 });

  constructor(options: { db: Kysely<ServerDatabase>; tracker: Tracker; hasher: PasswordHasher; tokens: TokenService; refreshTtl: number }) {
    this.#db = options.db;
    this.#tracker = options.tracker;
    this.#hasher = options.hasher;
    this.#tokens = options.tokens;
    this.#refreshTtl = options.refreshTtl;
  }

  /** Creates an account (its id is its owner id in core) with optional settings. */
  async register(input: z.output<typeof registerSchema>): Promise<AccountView> {
    const key = input.username.toLowerCase();
    const existing = await this.#db.selectFrom('srv_account').select('id').where('username_key', '=', key).executeTakeFirst();
    if (existing) throw new TrackerError('CONFLICT', 'That username is taken');
    const now = new Date().toISOString();
    const id = `acc_${ulid()}`;
    const passwordHash = await this.#hasher.hash(input.password);
    try {
      await this.#db
        .insertInto('srv_account')
        .values({ id, username: input.username, username_key: key, email: input.email ?? null, password_hash: passwordHash, created_at: now, updated_at: now })
        .execute();
    } catch (error) {
      // Two registrations of one name at once: the unique index decides.
      if (/unique|duplicate/i.test(String((error as Error).message))) throw new TrackerError('CONFLICT', 'That username is taken');
      throw error;
    }
    if (input.timezone !== undefined || input.currency !== undefined) {
      await this.#tracker.forOwner(id).settings.update({ timezone: input.timezone, currency: input.currency });
    }
    return this.me(id);
  }

  /** Checks the password and opens a session, or throws 401 (the same for an unknown user and a wrong password) or 429. */
  async login(username: string, password: string, address: string): Promise<TokenPair> {
    const key = username.trim().toLowerCase();
    await this.#assertNotThrottled(key, address);
    const account = await this.#db.selectFrom('srv_account').select(['id', 'password_hash']).where('username_key', '=', key).executeTakeFirst();
    const ok = account ? await this.#hasher.verify(password, account.password_hash) : await this.#hasher.verifyDummy(password);
    if (!account || !ok) {
      await Promise.all([this.#perUsername.penalty(key), this.#perAddress.penalty(address)]);
      throw new HttpError('UNAUTHORIZED', LOGIN_FAILURE, { 'www-authenticate': 'Bearer' });
    }
    await this.#perUsername.delete(key);
    const sessionId = `ses_${ulid()}`;
    const now = new Date();
    await this.#db
      .insertInto('srv_session')
      .values({ id: sessionId, account_id: account.id, created_at: now.toISOString(), expires_at: new Date(now.getTime() + this.#refreshTtl * 1000).toISOString(), revoked_at: null, revoked_reason: null })
      .execute();
    return this.#issue(account.id, sessionId);
  }

  async #assertNotThrottled(key: string, address: string): Promise<void> {
    const [byName, byAddress] = await Promise.all([this.#perUsername.get(key), this.#perAddress.get(address)]);
    const blocked = [byName, byAddress].filter((r) => r !== null && r.remainingPoints <= 0 && r.msBeforeNext > 0);
    if (blocked.length > 0) {
      const seconds = Math.ceil(Math.max(...blocked.map((r) => r!.msBeforeNext)) / 1000);
      throw new HttpError('RATE_LIMITED', `Too many failed logins; try again in ${seconds} s`, { 'retry-after': String(seconds) });
    }
  }

  async #issue(accountId: string, sessionId: string): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await this.#db.insertInto('srv_refresh_token').values({ token_hash: hashRefreshToken(refresh), session_id: sessionId, created_at: new Date().toISOString(), used_at: null }).execute();
    return { access_token: await this.#tokens.sign(accountId, sessionId), token_type: 'bearer', expires_in: this.#tokens.accessTtl, refresh_token: refresh };
  }

  /**
   * Exchanges a refresh token for a new pair. A token already used means it was stolen or
   * replayed: the whole session is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const invalid = () => new HttpError('UNAUTHORIZED', 'The refresh token is invalid, expired or revoked', { 'www-authenticate': 'Bearer' });
    const hash = hashRefreshToken(refreshToken);
    const row = await this.#db
      .selectFrom('srv_refresh_token as t')
      .innerJoin('srv_session as s', 's.id', 't.session_id')
      // A deleted account's sessions end with it.
      .innerJoin('srv_account as a', 'a.id', 's.account_id')
      .select(['t.session_id', 't.used_at', 's.account_id', 's.expires_at', 's.revoked_at'])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.expires_at <= new Date().toISOString()) throw invalid();
    const now = new Date().toISOString();
    // Mark it used only if nobody else did first: exactly one of two concurrent uses wins.
    const marked = await this.#db.updateTable('srv_refresh_token').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
    if (row.used_at !== null || marked.numUpdatedRows === 0n) {
      await this.revokeSession(row.session_id, 'refresh token reuse');
      throw invalid();
    }
    return this.#issue(row.account_id, row.session_id);
  }

  /** Revokes a session: its access and refresh tokens stop working at once. */
  async revokeSession(sessionId: string, reason: string): Promise<void> {
    await this.#db.updateTable('srv_session').set({ revoked_at: new Date().toISOString(), revoked_reason: reason }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  }

  /** The claims of an access token whose session is live, or `null`. */
  async authenticate(token: string): Promise<AccessClaims | null> {
    const claims = await this.#tokens.verify(token);
    if (!claims) return null;
    // Joined with the account: a token of a deleted account stops working at once.
    const [session] = (await liveSession.execute(this.#db, claims.sessionId)).rows;
    if (!session || session.revoked_at !== null || session.account_id !== claims.accountId) return null;
    return claims;
  }

  /** The account with its owner settings. */
  async me(accountId: string): Promise<AccountView> {
    const account = await this.#db.selectFrom('srv_account').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!account) throw new HttpError('UNAUTHORIZED', 'The account no longer exists');
    const settings = await this.#tracker.forOwner(accountId).settings.get();
    return { id: account.id, username: account.username, email: account.email, createdAt: account.created_at, settings };
  }

  /** Changes settings, email or password (which needs the current one and revokes other sessions). */
  async update(accountId: string, sessionId: string, patch: z.output<typeof accountPatchSchema>): Promise<AccountView> {
    if (patch.password !== undefined) {
      const account = await this.#db.selectFrom('srv_account').select('password_hash').where('id', '=', accountId).executeTakeFirstOrThrow();
      if (!(await this.#hasher.verify(patch.currentPassword ?? '', account.password_hash))) {
        throw new TrackerError('VALIDATION_FAILED', 'The current password is wrong', { issues: [{ path: ['currentPassword'], code: 'invalid_password', message: 'The current password is wrong' }] });
      }
      const passwordHash = await this.#hasher.hash(patch.password);
      await this.#db.updateTable('srv_account').set({ password_hash: passwordHash, updated_at: new Date().toISOString() }).where('id', '=', accountId).execute();
      await this.#db.updateTable('srv_session').set({ revoked_at: new Date().toISOString(), revoked_reason: 'password changed' }).where('account_id', '=', accountId).where('id', '!=', sessionId).where('revoked_at', 'is', null).execute();
    }
    if (patch.email !== undefined) {
      await this.#db.updateTable('srv_account').set({ email: patch.email, updated_at: new Date().toISOString() }).where('id', '=', accountId).execute();
    }
    const settings = { timezone: patch.timezone, currency: patch.currency, weekStartsOn: patch.weekStartsOn };
    if (Object.values(settings).some((v) => v !== undefined)) await this.#tracker.forOwner(accountId).settings.update(settings);
    return this.me(accountId);
  }
}

/** Whether an error is core's "the database is not there". */
export function isUnavailable(error: unknown): boolean {
  return isTrackerError(error, 'STORE_UNAVAILABLE');
}

