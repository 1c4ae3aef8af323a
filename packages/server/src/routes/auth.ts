import { z } from 'zod';
import { accountPatchSchema, loginSchema, registerSchema } from '../auth/accounts.js';
import { bearerToken } from '../auth/require-auth.js';
import { accountSchema, tokenPairSchema } from '../http/openapi-schemas.js';
import { HttpError } from '../http/problem.js';
import { defineRoute, type Route, type RouteServices } from '../http/route.js';
import type { AppContext } from '../http/context.js';

/** Body of `POST /auth/refresh` (JSON, or form-encoded as OAuth2 clients send it). */
export const refreshSchema = z.object({ refresh_token: z.string().min(1).max(200) }).meta({ id: 'RefreshInput' });

/** A new token pair for a refresh token, or a 401 without one. */
function refresh(services: RouteServices, ctx: AppContext, token: string | null) {
  if (!token) throw new HttpError('UNAUTHORIZED', 'A refresh token is required', { 'www-authenticate': 'Bearer' });
  return services.accounts.refresh(token, ctx.ip);
}

/**
 * `/auth`: register, login (JSON, or the form-encoded OAuth2 password grant the interactive
 * docs' "Authorize" button sends), refresh (POST with the token in the body, or GET with it
 * as the bearer token, as the seed lists it), logout and the account itself. Every answer is
 * `Cache-Control: no-store` (`noStore` on the public ones; the others need a token). The
 * account routes need `account:manage`, which no API token will carry (SPEC §7.4).
 */
export const authRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/auth/register',
    operationId: 'register',
    tag: 'Auth',
    permission: 'public',
    noStore: true,
    summary: 'Create an account',
    description:
      'The username is stored NFKC-normalised; one equal to a taken one case-insensitively, or looking like one (its UTS #39 skeleton), is a 409. Registrations are limited per client address, taken names included (429 with `Retry-After`).',
    body: registerSchema,
    status: 201,
    response: accountSchema,
    errors: [409, 429],
    handler: ({ parsed, ctx, services }) => services.accounts.register(parsed.body, ctx.ip),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    tag: 'Auth',
    permission: 'public',
    noStore: true,
    summary: 'Log in: an access and a refresh token',
    description:
      'JSON, or the form-encoded OAuth2 password grant (`grant_type=password`). An unknown user and a wrong password get the same 401; wrong passwords are limited per username and failed logins per address, counted before the password is checked (429 with `Retry-After`); password checks wait in a bounded queue shared fairly between addresses (429 when one address has too many in flight, 503 `SERVER_BUSY` when the queue is full).',
    body: loginSchema,
    form: true,
    response: tokenPairSchema,
    errors: [401, 429],
    handler: ({ parsed, ctx, services }) => services.accounts.login(parsed.body.username, parsed.body.password, ctx.ip),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refresh',
    tag: 'Auth',
    permission: 'public',
    noStore: true,
    summary: 'Exchange a refresh token for a new pair',
    description:
      'The refresh token is rotated: presenting a used one revokes the whole session. Failed refreshes are limited per client address (429 with `Retry-After`).',
    body: refreshSchema,
    form: true,
    response: tokenPairSchema,
    errors: [401, 429],
    handler: ({ parsed, ctx, services }) => refresh(services, ctx, parsed.body.refresh_token),
  }),
  defineRoute({
    method: 'get',
    path: '/auth/refresh',
    operationId: 'refreshWithBearer',
    tag: 'Auth',
    permission: 'public',
    noStore: true,
    summary: 'Exchange a refresh token (sent as the bearer token) for a new pair',
    description: 'The seed’s form: `Authorization: Bearer <refresh token>` (not the access token).',
    response: tokenPairSchema,
    errors: [401, 429],
    handler: ({ ctx, services }) => refresh(services, ctx, bearerToken(ctx)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'Revoke the session: its tokens stop working at once',
    status: 204,
    handler: ({ auth, services }) => services.accounts.revokeSession(auth.sessionId, 'logout'),
  }),
  defineRoute({
    method: 'get',
    path: '/auth/me',
    operationId: 'getAccount',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'The account and its settings',
    response: accountSchema,
    handler: ({ auth, services }) => services.accounts.me(auth.accountId),
  }),
  defineRoute({
    method: 'patch',
    path: '/auth/me',
    operationId: 'updateAccount',
    tag: 'Auth',
    permission: 'account:manage',
    summary: 'Change settings, email or password',
    description:
      'Changing the password needs `currentPassword` and revokes the account’s other sessions. Wrong `currentPassword`s count against the account’s limit of wrong passwords, with its logins (429 with `Retry-After`).',
    body: accountPatchSchema,
    response: accountSchema,
    errors: [429],
    handler: ({ auth, parsed, ctx, services }) =>
      services.accounts.update(auth.accountId, auth.sessionId, parsed.body, ctx.ip),
  }),
];
