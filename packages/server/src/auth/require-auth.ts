import type { Tracker } from '@expense-tracker/core';
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

/**
 * Refuses a request without a valid, unrevoked access token or API token (401), and puts the
 * credentials and the account's owner handle on `ctx.state`: routes cannot forget to scope by owner.
 */
export function createRequireAuth(authenticate: Authenticate, tracker: Tracker) {
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
    ctx.state.owner = tracker.forOwner(claims.accountId, { actor });
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
