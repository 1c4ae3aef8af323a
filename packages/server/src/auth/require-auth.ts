import type { Actor, OwnerHandle, Tracker } from '@expense-tracker/core';
import { LRUCache } from 'lru-cache';
import type { AppContext } from '../http/context.js';
import type { Permission } from '../http/permissions.js';
import { HttpError } from '../http/problem.js';
import { API_TOKEN_PREFIX } from '../integrations/api-token.js';
import { isApiTokenClaims, type Authenticate } from './credentials.js';

/** The bearer token of a request (`Authorization: Bearer …`), or `null`. */
export function bearerToken(ctx: { get(name: string): string }): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match ? match[1]! : null;
}

/** What a route asks of its caller beyond a valid token: a permission, or any credentials at all. */
export type Access = Permission | 'authenticated';

/** How many owner handles {@link createRequireAuth} keeps: one per account and credential seen lately. */
const HANDLE_CACHE_SIZE = 1_000;

/**
 * Refuses a request without a valid, unrevoked access token or API token (401), and puts the
 * credentials and the account's owner handle on `ctx.state`: routes cannot forget to scope by owner.
 *
 * An owner handle holds only its owner, its actor and the tracker's services, so the handle of
 * an account and credential is made once and reused (the least recently used dropped past
 * 1,000): making one checks the actor with zod and builds its hundred methods, ~3 µs a request.
 */
export function createRequireAuth(authenticate: Authenticate, tracker: Tracker) {
  const handles = new LRUCache<string, OwnerHandle>({ max: HANDLE_CACHE_SIZE });
  const handleOf = (accountId: string, actor: Extract<Actor, { id: string }>): OwnerHandle => {
    const key = `${accountId} ${actor.kind} ${actor.id}`;
    let handle = handles.get(key);
    if (!handle) handles.set(key, (handle = tracker.forOwner(accountId, { actor })));
    return handle;
  };
  return async function requireAuth(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
    const token = bearerToken(ctx);
    const claims = token ? await authenticate(token) : null;
    if (!claims) {
      const kind = token?.startsWith(API_TOKEN_PREFIX) ? 'API token' : 'access token';
      throw new HttpError(
        'UNAUTHORIZED',
        token ? `The ${kind} is invalid, expired or revoked` : 'An access token is required (Authorization: Bearer …)',
        {
          'www-authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer',
        },
      );
    }
    ctx.state.auth = claims;
    // Who the owner's events name (SPEC §7.0): the API token when one was presented, else the account.
    const actor = isApiTokenClaims(claims)
      ? ({ kind: 'token', id: claims.tokenId } as const)
      : ({ kind: 'account', id: claims.accountId } as const);
    ctx.state.owner = handleOf(claims.accountId, actor);
    await next();
  };
}

/**
 * Refuses an API token that does not hold the route's permission: a 403 `MISSING_SCOPE`
 * problem whose `scope` names it. `account:manage` is never held by a token (it is not in
 * the tokens' vocabulary), so a token cannot mint tokens or change the password. A session
 * (JWT) has every permission; `'authenticated'` lets any valid credentials through.
 */
export function createRequireScope(access: Access) {
  return async function requireScope(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
    const { auth } = ctx.state;
    if (access !== 'authenticated' && auth && isApiTokenClaims(auth) && !auth.scopes.some((s) => s === access)) {
      throw new HttpError(
        'MISSING_SCOPE',
        `This API token lacks the scope ${access}, which ${ctx.method} ${ctx.path} needs`,
        { 'www-authenticate': `Bearer error="insufficient_scope", scope="${access}"` },
        { scope: access },
      );
    }
    await next();
  };
}
