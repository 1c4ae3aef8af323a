import { Router } from '@koa/router';
import { z } from 'zod';
import { accountPatchSchema, loginSchema, registerSchema, type AccountService } from '../auth/accounts.js';
import { bearerToken } from '../auth/require-auth.js';
import { bodyOf, parseWith, type AppContext, type AppState } from '../http/context.js';
import { HttpError } from '../http/problem.js';

/** Body of `POST /auth/refresh` (JSON, or form-encoded as OAuth2 clients send it). */
export const refreshSchema = z.object({ refresh_token: z.string().min(1).max(200) }).meta({ id: 'RefreshInput' });

type Middleware = (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>;

/**
 * `/auth`: register, login (JSON, or the form-encoded OAuth2 password grant the interactive
 * docs' "Authorize" button sends), refresh (POST with the token in the body, or GET with it
 * as the bearer token, as the seed lists it), logout and the account itself. `body.json` and
 * `body.form` parse bodies (JSON; JSON or a form); on the routes that need a token they run
 * after `requireAuth`. `noStore` marks every answer `Cache-Control: no-store`.
 */
export function createAuthRouter(accounts: AccountService, requireAuth: Middleware, body: { json: Middleware; form: Middleware }, noStore: Middleware): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/auth' });
  // Accounts and tokens: never cached (a 401 or 422 included).
  router.use(noStore);

  router.post('/register', body.json, async (ctx) => {
    const account = await accounts.register(parseWith(registerSchema, bodyOf(ctx)), ctx.ip);
    ctx.status = 201;
    ctx.body = account;
  });

  router.post('/login', body.form, async (ctx) => {
    const { username, password } = parseWith(loginSchema, bodyOf(ctx));
    ctx.body = await accounts.login(username, password, ctx.ip);
  });

  const refresh = async (ctx: AppContext, token: string | null) => {
    if (!token) throw new HttpError('UNAUTHORIZED', 'A refresh token is required', { 'www-authenticate': 'Bearer' });
    ctx.body = await accounts.refresh(token, ctx.ip);
  };
  router.post('/refresh', body.form, async (ctx) => refresh(ctx, parseWith(refreshSchema, bodyOf(ctx)).refresh_token));
  router.get('/refresh', body.json, async (ctx) => refresh(ctx, bearerToken(ctx)));

  router.post('/logout', requireAuth, body.json, async (ctx) => {
    await accounts.revokeSession(ctx.state.auth!.sessionId, 'logout');
    ctx.status = 204;
  });

  router.get('/me', requireAuth, body.json, async (ctx) => {
    ctx.body = await accounts.me(ctx.state.auth!.accountId);
  });

  router.patch('/me', requireAuth, body.json, async (ctx) => {
    ctx.body = await accounts.update(ctx.state.auth!.accountId, ctx.state.auth!.sessionId, parseWith(accountPatchSchema, bodyOf(ctx)), ctx.ip);
  });

  return router;
}
