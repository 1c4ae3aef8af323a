import {
  isTrackerError,
  ownerSettingsPatchSchema,
  storableText,
  TrackerError,
  type Clock,
  type OwnerSettings,
  type Tracker,
} from '@expense-tracker/core';
import { preparedQuery } from '@expense-tracker/core/kysely';
import type { Kysely } from 'kysely';
import { ulid } from 'ulid';
import { z } from 'zod';
import { HttpError } from '../http/problem.js';
import type { PasswordHasher } from './passwords.js';
import type { ServerDatabase } from './server-tables.js';
import { addressKey, Throttle, type ThrottleRule } from './throttle.js';
import { hashRefreshToken, newRefreshToken, type AccessClaims, type TokenService } from './tokens.js';
import { loginKeys, usernameForms } from './usernames.js';

const usernameSchema = z
  .string()
  .trim()
  .min(3, 'A username has 3 to 64 characters')
  .max(64, 'A username has 3 to 64 characters')
  .regex(/^[\p{L}\p{N}._@+-]+$/u, 'A username may use letters, digits and . _ @ + -');
// Hashed as UTF-8, where an unpaired surrogate becomes U+FFFD: two different passwords would hash alike.
const passwordSchema = storableText(
  z.string().min(8, 'A password has at least 8 characters').max(1024, 'A password has at most 1024 characters'),
);

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
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
    grant_type: z.literal('password').optional(),
  })
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
  .refine((v) => v.password === undefined || v.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'Give currentPassword to change the password',
  })
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

/**
 * The limits of the auth routes, each a {@link ThrottleRule} counted in the database, so that
 * every instance on it shares them and a restart keeps them.
 *
 * @example
 * ```ts
 * import { createApp, type AuthLimits } from '@expense-tracker/server';
 *
 * // An office behind one NAT address: more registrations and failed logins per address.
 * const limits: Partial<AuthLimits> = {
 *   registerPerAddress: { points: 100, windowSeconds: 3600 },
 *   loginPerAddress: { points: 100, windowSeconds: 900 },
 * };
 * createApp({ tracker, jwtSecret: process.env.JWT_SECRET!, auth: { limits } });
 * ```
 */
export interface AuthLimits {
  /** Wrong passwords per account (login and `PATCH /auth/me`'s `currentPassword` together). @default 5 per 15 min */
  passwordPerUsername: ThrottleRule;
  /** Failed logins per client address (an IPv6 address counts by its /64). @default 20 per 15 min */
  loginPerAddress: ThrottleRule;
  /** Registrations (made or refused as taken) per client address. @default 20 per hour */
  registerPerAddress: ThrottleRule;
  /** Failed refreshes (unknown, used, expired or revoked tokens) per client address. @default 30 per 15 min */
  refreshPerAddress: ThrottleRule;
}

const DEFAULT_LIMITS: AuthLimits = {
  passwordPerUsername: { points: 5, windowSeconds: 15 * 60 },
  loginPerAddress: { points: 20, windowSeconds: 15 * 60 },
  registerPerAddress: { points: 20, windowSeconds: 60 * 60 },
  refreshPerAddress: { points: 30, windowSeconds: 15 * 60 },
};

/** Who calls from the host's own code (an admin script) rather than over HTTP. */
const LOCAL = 'local';

/**
 * Added to the hashing priority of a login from an address with no successful login in the last
 * 30 days: an address someone has logged in from goes ahead of fresh ones (a flood from many new
 * addresses), and within each group the address's own count of failures orders the queue.
 */
const UNPROVEN_ADDRESS = 1_000_000;
/** How long a successful login vouches for its address. */
const PROVEN_ADDRESS: ThrottleRule = { points: Number.MAX_SAFE_INTEGER, windowSeconds: 30 * 24 * 60 * 60 };

/** The session check every authenticated request makes, compiled once. */
const liveSession = preparedQuery((db: Kysely<ServerDatabase>, sessionId: string) =>
  db
    .selectFrom('srv_session as s')
    .innerJoin('srv_account as a', 'a.id', 's.account_id')
    .select(['s.account_id', 's.revoked_at'])
    .where('s.id', '=', sessionId),
);

/** A 429 for a reservation over its limit. */
function throttled(what: string, seconds: number): HttpError {
  return new HttpError('RATE_LIMITED', `${what}; try again in ${seconds} s`, { 'retry-after': String(seconds) });
}

/**
 * Accounts, sessions and tokens. Passwords are hashed with scrypt off the event loop, through a
 * bounded, fair queue ({@link PasswordHasher}); refresh tokens are stored as SHA-256 and rotated
 * on every use, and presenting a used one revokes its whole session. Wrong passwords are limited
 * per username, and failed logins, registrations and failed refreshes per client address
 * ({@link AuthLimits}), with counters in the database that a request reserves before any work.
 *
 * @example
 * ```ts
 * import { hostDatabase } from '@expense-tracker/core/kysely';
 * import { AccountService, migrateServer, PasswordHasher, SERVER_TABLES, TokenService } from '@expense-tracker/server';
 *
 * // createApp makes its own; make one over the same database and secret to manage accounts
 * // from your own code (an admin script, a host app), with tokens the API accepts.
 * await migrateServer({ tracker });
 * const accounts = new AccountService({
 *   db: hostDatabase(tracker, SERVER_TABLES), // the srv_ tables, on the tracker's connections
 *   tracker,
 *   hasher: new PasswordHasher({ logN: 17, r: 8, p: 1 }),
 *   tokens: new TokenService(process.env.JWT_SECRET!, 900, tracker.clock), // one clock with the tracker
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
  readonly #clock: Clock;
  readonly #limits: AuthLimits;
  readonly #throttle: Throttle;

  /**
   * @param options - `clock`: where throttle windows and session times read "now" (default: the
   * tracker's, so one clock decides every time; give `tokens` the same one); `limits`:
   * overrides of {@link AuthLimits}
   */
  constructor(options: {
    db: Kysely<ServerDatabase>;
    tracker: Tracker;
    hasher: PasswordHasher;
    tokens: TokenService;
    refreshTtl: number;
    clock?: Clock;
    limits?: Partial<AuthLimits>;
  }) {
    this.#db = options.db;
    this.#tracker = options.tracker;
    this.#hasher = options.hasher;
    this.#tokens = options.tokens;
    this.#refreshTtl = options.refreshTtl;
    this.#clock = options.clock ?? options.tracker.clock;
    // A limit given as undefined keeps its default.
    this.#limits = {
      ...DEFAULT_LIMITS,
      ...Object.fromEntries(Object.entries(options.limits ?? {}).filter(([, rule]) => rule !== undefined)),
    };
    this.#throttle = new Throttle(options.db, this.#clock);
  }

  /**
   * Creates an account (its id is its owner id in core) with optional settings. The username is
   * stored NFKC-normalised; one that equals a taken one case-insensitively, or looks like one
   * (its UTS #39 skeleton is taken), is a 409. Registrations are limited per client address,
   * taken names included, so probing which names exist is as slow as registering.
   *
   * @param address - the client's address (`'local'` for calls from your own code)
   */
  async register(input: z.output<typeof registerSchema>, address: string = LOCAL): Promise<AccountView> {
    const forms = usernameForms(input.username);
    if (!forms) {
      const message = 'A username has 3 to 64 letters, digits or . _ @ + - once normalised (NFKC)';
      throw new TrackerError('VALIDATION_FAILED', message, {
        issues: [{ path: ['username'], code: 'invalid_username', message }],
      });
    }
    const client = addressKey(address);
    const addressCounter = `register-address:${client}`;
    const reservation = await this.#throttle.reserve([{ key: addressCounter, rule: this.#limits.registerPerAddress }]);
    if (reservation.retryAfterSeconds !== null) {
      await reservation.refund();
      throw throttled('Too many registrations from your address', reservation.retryAfterSeconds);
    }
    const taken = await this.#db
      .selectFrom('srv_account')
      .select('id')
      .where((eb) => eb.or([eb('username_key', '=', forms.key), eb('username_skeleton', '=', forms.skeleton)]))
      .executeTakeFirst();
    if (taken) throw new TrackerError('CONFLICT', 'That username is taken, or looks too much like one that is');
    const now = this.#clock.now().toISOString();
    const id = `acc_${ulid()}`;
    let passwordHash: string;
    try {
      passwordHash = await this.#hasher.hash(input.password, { client, priority: reservation.hits(addressCounter) });
    } catch (error) {
      await reservation.refund(); // refused by the hashing queue: nothing was registered
      throw error;
    }
    try {
      await this.#db
        .insertInto('srv_account')
        .values({
          id,
          username: forms.display,
          username_key: forms.key,
          username_skeleton: forms.skeleton,
          email: input.email ?? null,
          password_hash: passwordHash,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      // Two registrations of one name (or two look-alikes) at once: the unique indexes decide.
      if (/unique|duplicate/i.test(String((error as Error).message)))
        throw new TrackerError('CONFLICT', 'That username is taken, or looks too much like one that is');
      throw error;
    }
    if (input.timezone !== undefined || input.currency !== undefined) {
      await this.#tracker.forOwner(id).settings.update({ timezone: input.timezone, currency: input.currency });
    }
    return this.me(id);
  }

  /**
   * Checks the password and opens a session, or throws 401 (the same for an unknown user and a
   * wrong password), 429 (a limit reached, or too many checks of this address in flight) or 503
   * (the hashing queue is full). A point of the username's and of the address's limit is
   * reserved before the password is checked, so concurrent guesses cannot all pass the check;
   * points not spent on a wrong password are given back, and a right password clears the
   * username's count.
   */
  async login(username: string, password: string, address: string): Promise<TokenPair> {
    const { key, legacy } = loginKeys(username);
    const client = addressKey(address);
    const userCounter = `password-user:${key}`;
    const addressCounter = `login-address:${client}`;
    const reservation = await this.#throttle.reserve([
      { key: userCounter, rule: this.#limits.passwordPerUsername },
      { key: addressCounter, rule: this.#limits.loginPerAddress },
    ]);
    if (reservation.retryAfterSeconds !== null) {
      await reservation.refund();
      throw throttled('Too many failed logins', reservation.retryAfterSeconds);
    }
    const provenCounter = `login-ok-address:${client}`;
    const [candidates, proven] = await Promise.all([
      // An account made before usernames were normalised may still be found by its old key (see SERVER_MIGRATIONS).
      this.#db
        .selectFrom('srv_account')
        .select(['id', 'password_hash', 'username_key'])
        .where('username_key', 'in', [...new Set([key, legacy])])
        .execute(),
      this.#throttle.peek(provenCounter),
    ]);
    const account = candidates.find((a) => a.username_key === legacy) ?? candidates[0];
    // The priority depends on the address alone, never on whether the username exists (that would be a timing oracle).
    const ticket = { client, priority: reservation.hits(addressCounter) + (proven > 0 ? 0 : UNPROVEN_ADDRESS) };
    let ok: boolean;
    try {
      ok = account
        ? await this.#hasher.verify(password, account.password_hash, ticket)
        : await this.#hasher.verifyDummy(password, ticket);
    } catch (error) {
      await reservation.refund(); // refused by the hashing queue: no guess was checked
      throw error;
    }
    if (!account || !ok) throw new HttpError('UNAUTHORIZED', LOGIN_FAILURE, { 'www-authenticate': 'Bearer' });
    await Promise.all([
      this.#throttle.reset(userCounter),
      reservation.refund([addressCounter]),
      this.#throttle.reserve([{ key: provenCounter, rule: PROVEN_ADDRESS }]),
    ]);
    const sessionId = `ses_${ulid()}`;
    const now = this.#clock.now();
    await this.#db
      .insertInto('srv_session')
      .values({
        id: sessionId,
        account_id: account.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.#refreshTtl * 1000).toISOString(),
        revoked_at: null,
        revoked_reason: null,
      })
      .execute();
    return this.#issue(account.id, sessionId);
  }

  async #issue(accountId: string, sessionId: string): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await this.#db
      .insertInto('srv_refresh_token')
      .values({
        token_hash: hashRefreshToken(refresh),
        session_id: sessionId,
        created_at: this.#clock.now().toISOString(),
        used_at: null,
      })
      .execute();
    return {
      access_token: await this.#tokens.sign(accountId, sessionId),
      token_type: 'bearer',
      expires_in: this.#tokens.accessTtl,
      refresh_token: refresh,
    };
  }

  /**
   * Exchanges a refresh token for a new pair. A token already used means it was stolen or
   * replayed: the whole session is revoked. Failures are limited per client address.
   *
   * @param address - the client's address (`'local'` for calls from your own code)
   */
  async refresh(refreshToken: string, address: string = LOCAL): Promise<TokenPair> {
    const addressCounter = `refresh-address:${addressKey(address)}`;
    const reservation = await this.#throttle.reserve([{ key: addressCounter, rule: this.#limits.refreshPerAddress }]);
    if (reservation.retryAfterSeconds !== null) {
      await reservation.refund();
      throw throttled('Too many failed refreshes', reservation.retryAfterSeconds);
    }
    const pair = await this.#refresh(refreshToken);
    await reservation.refund(); // only failures count
    return pair;
  }

  async #refresh(refreshToken: string): Promise<TokenPair> {
    const invalid = () =>
      new HttpError('UNAUTHORIZED', 'The refresh token is invalid, expired or revoked', {
        'www-authenticate': 'Bearer',
      });
    const hash = hashRefreshToken(refreshToken);
    const row = await this.#db
      .selectFrom('srv_refresh_token as t')
      .innerJoin('srv_session as s', 's.id', 't.session_id')
      // A deleted account's sessions end with it.
      .innerJoin('srv_account as a', 'a.id', 's.account_id')
      .select(['t.session_id', 't.used_at', 's.account_id', 's.expires_at', 's.revoked_at'])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
    const now = this.#clock.now().toISOString();
    if (!row) throw invalid();
    if (row.revoked_at !== null || row.expires_at <= now) throw invalid();
    // Mark it used only if nobody else did first: exactly one of two concurrent uses wins.
    const marked = await this.#db
      .updateTable('srv_refresh_token')
      .set({ used_at: now })
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (row.used_at !== null || marked.numUpdatedRows === 0n) {
      await this.revokeSession(row.session_id, 'refresh token reuse');
      throw invalid();
    }
    return this.#issue(row.account_id, row.session_id);
  }

  /** Revokes a session: its access and refresh tokens stop working at once. */
  async revokeSession(sessionId: string, reason: string): Promise<void> {
    await this.#db
      .updateTable('srv_session')
      .set({ revoked_at: this.#clock.now().toISOString(), revoked_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** The claims of an access token whose session is live, or `null`. */
  async authenticate(token: string): Promise<AccessClaims | null> {
    const claims = await this.#tokens.verify(token);
    if (!claims) return null;
    // Joined with the account: a token of a deleted account stops working at once.
    const [session] = (await liveSession.execute(this.#db, claims.sessionId)).rows;
    if (!session) return null;
    if (session.revoked_at !== null || session.account_id !== claims.accountId) return null;
    return claims;
  }

  /** The account with its owner settings. */
  async me(accountId: string): Promise<AccountView> {
    const account = await this.#db.selectFrom('srv_account').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!account) throw new HttpError('UNAUTHORIZED', 'The account no longer exists');
    const settings = await this.#tracker.forOwner(accountId).settings.get();
    return {
      id: account.id,
      username: account.username,
      email: account.email,
      createdAt: account.created_at,
      settings,
    };
  }

  /**
   * Changes settings, email or password. A password change needs the current one, which is
   * checked against the same per-username limit as logins (a stolen access token is no password
   * oracle), and revokes the account's other sessions.
   *
   * @param address - the client's address (`'local'` for calls from your own code)
   */
  async update(
    accountId: string,
    sessionId: string,
    patch: z.output<typeof accountPatchSchema>,
    address: string = LOCAL,
  ): Promise<AccountView> {
    if (patch.password !== undefined)
      await this.#changePassword(
        accountId,
        sessionId,
        patch.currentPassword ?? '',
        patch.password,
        addressKey(address),
      );
    if (patch.email !== undefined) {
      await this.#db
        .updateTable('srv_account')
        .set({ email: patch.email, updated_at: this.#clock.now().toISOString() })
        .where('id', '=', accountId)
        .execute();
    }
    const settings = { timezone: patch.timezone, currency: patch.currency, weekStartsOn: patch.weekStartsOn };
    if (Object.values(settings).some((v) => v !== undefined))
      await this.#tracker.forOwner(accountId).settings.update(settings);
    return this.me(accountId);
  }

  async #changePassword(
    accountId: string,
    sessionId: string,
    current: string,
    next: string,
    client: string,
  ): Promise<void> {
    const account = await this.#db
      .selectFrom('srv_account')
      .select(['password_hash', 'username_key'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    const userCounter = `password-user:${account.username_key}`;
    const reservation = await this.#throttle.reserve([{ key: userCounter, rule: this.#limits.passwordPerUsername }]);
    if (reservation.retryAfterSeconds !== null) {
      await reservation.refund();
      throw throttled('Too many wrong passwords', reservation.retryAfterSeconds);
    }
    const ticket = { client, priority: reservation.hits(userCounter) };
    let ok: boolean;
    try {
      ok = await this.#hasher.verify(current, account.password_hash, ticket);
    } catch (error) {
      await reservation.refund();
      throw error;
    }
    if (!ok) {
      throw new TrackerError('VALIDATION_FAILED', 'The current password is wrong', {
        issues: [{ path: ['currentPassword'], code: 'invalid_password', message: 'The current password is wrong' }],
      });
    }
    await this.#throttle.reset(userCounter);
    const passwordHash = await this.#hasher.hash(next, ticket);
    const now = this.#clock.now().toISOString();
    await this.#db
      .updateTable('srv_account')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', accountId)
      .execute();
    await this.#db
      .updateTable('srv_session')
      .set({ revoked_at: now, revoked_reason: 'password changed' })
      .where('account_id', '=', accountId)
      .where('id', '!=', sessionId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

/** Whether an error is core's "the database is not there". */
export function isUnavailable(error: unknown): boolean {
  return isTrackerError(error, 'STORE_UNAVAILABLE');
}
