import type { ApiTokenClaims, ApiTokenService } from '../integrations/api-tokens.js';
import { API_TOKEN_PREFIX } from '../integrations/api-token.js';
import type { AccountService } from './accounts.js';
import type { AccessClaims } from './tokens.js';

/**
 * Who a request speaks for: a person's session (a JWT access token, every permission but
 * bounded by its session) or an API token (only its scopes). What `ctx.state.auth` holds.
 *
 * @example
 * ```ts
 * import { isApiTokenClaims, type Credentials } from '@expense-tracker/server';
 *
 * function describe(auth: Credentials): string {
 *   return isApiTokenClaims(auth) ? `API token ${auth.name} (${auth.scopes.join(' ')})` : `session ${auth.sessionId}`;
 * }
 * ```
 */
export type Credentials = AccessClaims | ApiTokenClaims;

/**
 * Whether credentials are an API token's (rather than a session's).
 *
 * @example
 * ```ts
 * import { isApiTokenClaims } from '@expense-tracker/server';
 *
 * isApiTokenClaims({ accountId: 'acc_1', sessionId: 'ses_1', tokenId: 'jti', expiresAt: 1_800_000_000 }); // false
 * ```
 */
export function isApiTokenClaims(credentials: Credentials): credentials is ApiTokenClaims {
  return 'kind' in credentials && credentials.kind === 'api-token';
}

/** Checks a bearer token of either kind: the credentials it stands for, or `null`. */
export type Authenticate = (token: string) => Promise<Credentials | null>;

/**
 * The one check of a presented bearer token, wherever one is accepted (REST and the
 * WebSocket): `etk_…` is an API token, anything else an access token (JWT). Neither kind
 * can pass for the other: a JWT never starts with `etk_`.
 */
export function createAuthenticate(
  accounts: Pick<AccountService, 'authenticate'>,
  apiTokens: Pick<ApiTokenService, 'authenticate'>,
): Authenticate {
  return (token) => (token.startsWith(API_TOKEN_PREFIX) ? apiTokens.authenticate(token) : accounts.authenticate(token));
}
