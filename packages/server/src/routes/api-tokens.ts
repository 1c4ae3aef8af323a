import { isApiTokenClaims, type Credentials } from '../auth/credentials.js';
import { PERMISSIONS } from '../http/permissions.js';
import { apiTokenSchema, createdApiTokenSchema, tokenIntrospectionSchema } from '../http/openapi-schemas.js';
import { defineRoute, type Route } from '../http/route.js';
import { createApiTokenSchema } from '../integrations/api-tokens.js';

/** What `GET /auth/token` says of the presented credentials. */
function introspect(auth: Credentials) {
  const expiresAt = new Date(auth.expiresAt * 1000).toISOString();
  if (isApiTokenClaims(auth))
    return {
      kind: 'api-token',
      accountId: auth.accountId,
      id: auth.tokenId,
      name: auth.name,
      scopes: auth.scopes,
      expiresAt,
    };
  return { kind: 'session', accountId: auth.accountId, sessionId: auth.sessionId, expiresAt, scopes: PERMISSIONS };
}

/**
 * `/auth/tokens`: personal API tokens (SPEC §7.4). Creating, listing and revoking them needs
 * `account:manage`, which no API token holds: a token cannot mint tokens, or keep itself alive.
 * `GET /auth/token` tells any valid credentials what they are.
 */
export const apiTokenRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/auth/tokens',
    operationId: 'listApiTokens',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'The account’s API tokens (never their secrets)',
    description:
      'Tokens not revoked, newest first; expired ones are listed until revoked. `lastUsedAt` is recorded at most once a minute.',
    response: apiTokenSchema.array(),
    handler: ({ auth, services }) => services.apiTokens.list(auth.accountId),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/tokens',
    operationId: 'createApiToken',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'Create an API token: the answer shows it, this once',
    description:
      'Give `scopes` (permissions such as `expenses:read`, wildcards such as `rules:*`, or preset names) and/or a `preset` (`read-only`, `ingest`, `full`), and the expiry as `expiresAt` or `expiresInDays` (required, at most 366 days). Only the token’s SHA-256 is stored.',
    body: createApiTokenSchema,
    status: 201,
    response: createdApiTokenSchema,
    handler: ({ auth, parsed, services }) => services.apiTokens.create(auth.accountId, parsed.body),
  }),
  defineRoute({
    method: 'delete',
    path: '/auth/tokens/{id}',
    operationId: 'revokeApiToken',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'Revoke an API token: it stops working at once, on every instance',
    status: 204,
    handler: ({ auth, params, services }) => services.apiTokens.revoke(auth.accountId, params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/auth/token',
    operationId: 'introspectToken',
    tag: 'Auth',
    permission: 'authenticated',
    summary: 'What the presented token is: an API token (name, scopes, expiry) or a session',
    description: 'Any valid token may ask, whatever its scopes.',
    response: tokenIntrospectionSchema,
    handler: ({ auth }) => introspect(auth),
  }),
];
