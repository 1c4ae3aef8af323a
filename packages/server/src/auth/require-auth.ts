import type { Tracker } from '@expense-tracker/core';
import type { AppContext } from '../http/context.js';
import { HttpError } from '../http/problem.js';
import type { AccountService } from './accounts.js';

/** The bearer token of a request (`Authorization: Bearer …`), or `null`. */
export function bearerToken(ctx: { get(name: string): string }): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match ? match[1]! : null;
}

/**
 * Refuses a request without a valid, unrevoked access token (401), and puts the account's
 * claims and owner handle on `ctx.state`: routes cannot forget to scope by owner.
 */
export function createRequireAuth(accounts: AccountService, tracker: Tracker) {
  return async function requireAuth(ctx: AppContext, next: () => Promise<unknown>): Promise<void> {
    const token = bearerToken(ctx);
    const claims = token ? await accounts.authenticate(token) : null;
    if (!claims) {
      throw new HttpError(
        'UNAUTHORIZED',
        token
          ? 'The access token is invalid, expired or revoked'
          : 'An access token is required (Authorization: Bearer …)',
        {
          'www-authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer',
        },
      );
    }
    ctx.state.auth = claims;
    // The account acts for itself; API tokens (SPEC §7.4) will pass { kind: 'token', id } here.
    ctx.state.owner = tracker.forOwner(claims.accountId, { actor: { kind: 'account', id: claims.accountId } });
    await next();
  };
}
