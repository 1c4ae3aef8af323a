import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '@expense-tracker/core';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { ulid } from 'ulid';

/**
 * Issuer and audience of access tokens: a token minted for anything else is refused.
 *
 * @example
 * ```ts
 * import { jwtVerify } from 'jose';
 * import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '@expense-tracker/server';
 *
 * // Another service sharing the secret checks the API's access tokens the way the API does.
 * const { payload } = await jwtVerify(process.env.ACCESS_TOKEN!, new TextEncoder().encode(process.env.JWT_SECRET!), {
 *   algorithms: ['HS256'],
 *   issuer: TOKEN_ISSUER, // 'expense-tracker'
 *   audience: TOKEN_AUDIENCE,
 * });
 * payload.sub; // the account id (the owner id in core)
 * ```
 */
export const TOKEN_ISSUER = 'expense-tracker';
/**
 * The audience (`aud`) of access tokens; see {@link TOKEN_ISSUER}.
 *
 * @example
 * ```ts
 * import { decodeJwt } from 'jose';
 * import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from '@expense-tracker/server';
 *
 * const jwt = await new TokenService(process.env.JWT_SECRET!, 900).sign('acc_1', 'ses_1');
 * const { iss, aud } = decodeJwt(jwt); // read without verifying: for display, never for trust
 * iss === TOKEN_ISSUER; // true
 * aud === TOKEN_AUDIENCE; // true: 'expense-tracker-api'
 * ```
 */
export const TOKEN_AUDIENCE = 'expense-tracker-api';
/** The only algorithm accepted: `alg: none` or any other algorithm fails verification. */
const ALGORITHMS = ['HS256'];

/**
 * What a verified access token says.
 *
 * @example
 * ```ts
 * import { TokenService, type AccessClaims } from '@expense-tracker/server';
 *
 * const tokens = new TokenService(process.env.JWT_SECRET!, 900);
 * const claims: AccessClaims | null = await tokens.verify(process.env.ACCESS_TOKEN!);
 * if (claims) {
 *   const owner = tracker.forOwner(claims.accountId); // the account id is the owner id in core
 *   console.log(await owner.settings.get());
 *   if (claims.expiresAt * 1000 - Date.now() < 60_000) console.log('refresh soon'); // expiresAt is in seconds
 * }
 * ```
 */
export interface AccessClaims {
  accountId: string;
  sessionId: string;
  tokenId: string;
  expiresAt: number;
}

/** How far in the future a token's `iat` may be (clock skew between instances), in seconds. */
const MAX_IAT_SKEW_SECONDS = 60;

/** How many verified tokens {@link TokenService.verify} remembers. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs and verifies access tokens (JWT, HS256) and makes opaque refresh tokens.
 *
 * Verifying through jose costs ~70 µs of CPU here (WebCrypto HMAC, asynchronous) and every
 * authenticated request does it, so the claims of tokens that verified are remembered, keyed
 * by the whole token string (the least recently used dropped past 10,000): the same bytes verify
 * the same way, so only the time checks are made again (`exp`, on every use). Tokens that fail
 * are never remembered. Revocation is not decided here (see `AccountService.authenticate`).
 *
 * @example
 * ```ts
 * import { TokenService } from '@expense-tracker/server';
 *
 * const tokens = new TokenService(process.env.JWT_SECRET!, 900); // access tokens live 15 minutes
 * const jwt = await tokens.sign('acc_01JD0000000000000000000000', 'ses_01JD0000000000000000000000');
 * await tokens.verify(jwt); // { accountId: 'acc_01JD…', sessionId: 'ses_01JD…', tokenId: '01JD…', expiresAt: <now + 900, in seconds> }
 * await tokens.verify(`${jwt}x`); // null: the signature no longer matches
 * tokens.accessTtl; // 900
 * ```
 */
export class TokenService {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #clock: Clock;
  readonly #verified = new LRUCache<string, AccessClaims>({ max: VERIFIED_CACHE_SIZE });

  /**
   * @param secret - the signing secret (≥ 32 characters)
   * @param accessTtl - lifetime in seconds
   * @param clock - where `iat`, `exp` and every expiry check read "now": the tracker's clock in
   * `createApp`, so that tests move token time instead of sleeping. @default the system clock
   */
  constructor(secret: string, accessTtl: number, clock: Clock = systemClock) {
    this.#key = new TextEncoder().encode(secret);
    this.#ttl = accessTtl;
    this.#clock = clock;
  }

  /** The access token lifetime, in seconds. */
  get accessTtl(): number {
    return this.#ttl;
  }

  /** A signed access token for a session: `sub`, `sid`, `jti`, `iat`, `exp`, `iss`, `aud`. */
  sign(accountId: string, sessionId: string): Promise<string> {
    const now = this.#nowSeconds();
    return new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(accountId)
      .setJti(ulid())
      .setIssuedAt(now)
      .setExpirationTime(now + this.#ttl)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .sign(this.#key);
  }

  /** The claims of a valid token, or `null` for anything else (bad signature, algorithm, issuer, expiry, …). */
  async verify(token: string): Promise<AccessClaims | null> {
    const known = this.#verified.get(token);
    if (known) {
      if (known.expiresAt > this.#clock.now().getTime() / 1000) return known;
      this.#verified.delete(token);
      return null;
    }
    const claims = await this.#verify(token);
    if (claims) this.#verified.set(token, Object.freeze(claims));
    return claims;
  }

  async #verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ALGORITHMS,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'sid', 'jti', 'exp', 'iat'],
        currentDate: this.#clock.now(),
      });
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string' ||
        typeof payload.jti !== 'string' ||
        typeof payload.exp !== 'number'
      )
        return null;
      // Not issued in the future (jose checks iat only with maxTokenAge); a minute allows for clock skew between instances.
      if (typeof payload.iat !== 'number' || payload.iat > this.#nowSeconds() + MAX_IAT_SKEW_SECONDS) return null;
      return { accountId: payload.sub, sessionId: payload.sid, tokenId: payload.jti, expiresAt: payload.exp };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }

  /** The clock's "now" in whole seconds, as JWT times are. */
  #nowSeconds(): number {
    return Math.floor(this.#clock.now().getTime() / 1000);
  }
}

/** A new opaque refresh token (256 random bits). */
export function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

/** How refresh tokens are stored: their SHA-256 (they are random, so a fast hash is enough). */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
