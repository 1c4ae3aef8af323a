import { Router, type RouterMiddleware } from '@koa/router';
import compose from 'koa-compose';
import type { OwnerHandle } from '@expense-tracker/core';
import type { Access } from '../auth/require-auth.js';
import type { Credentials } from '../auth/credentials.js';
import { bodyOf, queryOf, type AppContext, type AppState } from './context.js';
import { HttpError } from './problem.js';
import { JsonText, Reply, type CheckedInput, type Route, type RouteServices } from './route.js';
import { check } from './route-input.js';

type Middleware = (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>;

/** The middleware a route's place in the chain calls for, built once by the app. */
export interface RouteMiddleware {
  /** Refuses a request without a valid access or API token (401); sets `ctx.state.owner`. */
  requireAuth: Middleware;
  /** Refuses an API token without the route's permission (403 `MISSING_SCOPE`). */
  requireScope(access: Access): Middleware;
  /** Parses a JSON body (after the token check, where there is one). */
  json: Middleware;
  /** Parses a JSON or form-encoded body. */
  form: Middleware;
  /** `Idempotency-Key` on authenticated POSTs. */
  idempotency: Middleware;
}

/**
 * `Cache-Control: no-store` on every answer of the routes that serve someone's data (their
 * problems included): no shared cache or browser history keeps a copy of personal data.
 * Set before the token check, so a 401 carries it too.
 */
function noStore(ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> {
  ctx.set('cache-control', 'no-store');
  return next();
}

/** The Koa path of an OpenAPI path template: `/expenses/{id}` → `/expenses/:id`. */
function koaPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Whether the route's HTTP requests need a token. A WebSocket's plain GET does not: it is
 * answered 426 whoever sends it, and the upgrade checks the token (`ws/notifications.ts`).
 */
function authenticates(route: Route): boolean {
  return route.permission !== 'public' && !route.socket;
}

/** What a route without a query schema makes of the query: nothing. */
const NO_QUERY = Object.freeze({ input: Object.freeze({}), output: undefined });

/**
 * The input a handler receives: the request checked against the route's schemas. One object
 * literal of one shape for every route (no spread of a partial one): it is built on every request.
 */
function inputFor(route: Route, ctx: AppContext, services: RouteServices): CheckedInput {
  if (route.params) check(route.params, ctx.params);
  const query = route.query ? check(route.query, queryOf(ctx)) : NO_QUERY;
  const body = route.body ? check(route.body, bodyOf(ctx)) : undefined;
  let owner: OwnerHandle | undefined;
  let auth: Credentials | undefined;
  if (authenticates(route)) {
    ({ owner, auth } = ctx.state);
    if (!owner || !auth) throw new HttpError('UNAUTHORIZED', 'Authentication required');
  }
  return {
    params: ctx.params,
    query: query.input,
    body: body ? body.input : bodyOf(ctx),
    parsed: { query: query.output, body: body?.output },
    ctx,
    services,
    owner,
    auth,
  };
}

/** `instanceof Reply` narrows to `Reply<any>`: this narrows to a `Reply` of some success status. */
function isReply(value: unknown): value is Reply {
  return value instanceof Reply;
}

/**
 * The last middleware of a route: checks the input, calls the handler and shapes its answer
 * (the route's status and the returned body, or a {@link Reply}'s; `undefined` leaves the
 * answer to the handler, or to the app's 404 when it set none).
 */
function handlerOf(route: Route, services: RouteServices): Middleware {
  const [status = 200] = [route.status ?? 200].flat();
  return async function handleRoute(ctx: AppContext): Promise<void> {
    const result = await route.handler(inputFor(route, ctx, services));
    if (isReply(result)) {
      ctx.status = result.status;
      ctx.body = result.body;
    } else if (result instanceof JsonText) {
      ctx.status = status;
      ctx.type = 'application/json'; // before the body: Koa would call a string text/plain
      ctx.body = result.text;
    } else if (result !== undefined) {
      ctx.status = status;
      ctx.body = result;
    } else if (status === 204) ctx.status = 204;
  };
}

/**
 * What runs before a route's handler, from what it declares: `no-store` on personal answers,
 * the token check and the API token's scope check (before any body is read), the body parser after it (so an anonymous body is never read), and
 * idempotency keys. Public routes that are not personal (health, docs) parse no body.
 */
function chainOf(route: Route, middleware: RouteMiddleware, services: RouteServices): Middleware[] {
  if (route.socket) return [handlerOf(route, services)]; // a plain GET to a socket: the 426, token or not
  const authenticated = authenticates(route);
  const personal = authenticated || route.noStore === true;
  const chain: Middleware[] = [];
  if (personal) chain.push(noStore);
  if (authenticated && route.permission !== 'public')
    chain.push(middleware.requireAuth, middleware.requireScope(route.permission));
  if (route.form) chain.push(middleware.form);
  else if (personal && !route.upload) chain.push(middleware.json);
  // Only a POST can carry an Idempotency-Key that means something (the middleware ignores it elsewhere).
  if (authenticated && !route.upload && route.method === 'post') chain.push(middleware.idempotency);
  chain.push(handlerOf(route, services));
  return chain;
}

/** The first path segment, lower-cased (routes match case-insensitively): `/Budget/status` → `budget`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/** The key of a fixed path in the map of {@link mountRoutes}: method and lower-cased path. */
function fixedKey(method: string, path: string): string {
  return `${method} ${path.toLowerCase()}`;
}

/**
 * The routes as one Koa middleware. A request for a fixed path (no `{param}`: `/health`,
 * `/expenses`, `/budget/status`, ...) is found in a map by method and path and runs its
 * route's chain, composed once: no pattern is tested and nothing is built per request. Any
 * other request goes to `@koa/router`, one router per first path segment, so it pays for its
 * own segment's few patterns; the router also makes the 405 with `Allow` for a known path
 * with another method (before any token check), and an unknown path falls through (the app's
 * 404 problem). A fixed path takes the map only where the router would have chosen the same
 * route for it (routes match case-insensitively, and `HEAD` runs a `GET` route); its other
 * spellings (a trailing slash) go to the router as before.
 */
export function mountRoutes(
  routes: readonly Route[],
  middleware: RouteMiddleware,
  services: RouteServices,
): RouterMiddleware<AppState> {
  const routers = new Map<string, Router<AppState>>();
  const chains = new Map<Route, Middleware[]>();
  for (const route of routes) {
    const segment = firstSegment(route.path);
    if (/[:(*?+{]/.test(segment))
      throw new Error(`${route.operationId}: a route's first path segment must be fixed text`);
    let router = routers.get(segment);
    if (!router) routers.set(segment, (router = new Router<AppState>()));
    const chain = chainOf(route, middleware, services);
    chains.set(route, chain);
    router.register(koaPath(route.path), [route.method], chain, { name: route.operationId });
  }
  const fixed = new Map<string, (ctx: AppContext, next: () => Promise<unknown>) => Promise<unknown>>();
  for (const [route, chain] of chains) {
    if (route.path.includes('{')) continue;
    const router = routers.get(firstSegment(route.path))!;
    const methods = route.method === 'get' ? ['GET', 'HEAD'] : [route.method.toUpperCase()];
    for (const method of methods) {
      const chosen = router.match(route.path, method).pathAndMethod.find((layer) => layer.methods.length > 0);
      if (chosen?.name !== route.operationId) continue;
      const composed = compose(chain);
      fixed.set(fixedKey(method, route.path), (ctx, next) => {
        ctx.params = {};
        return composed(ctx, next);
      });
    }
  }
  const bySegment = new Map(
    [...routers].map(([segment, router]) => [segment, { dispatch: router.routes(), allowed: router.allowedMethods() }]),
  );
  return async function routeRequest(ctx, next): Promise<void> {
    const own = fixed.get(fixedKey(ctx.method, ctx.path));
    if (own) {
      await own(ctx, next);
      return;
    }
    const routed = bySegment.get(firstSegment(ctx.path));
    if (!routed) {
      await next();
      return;
    }
    const allowed = async (): Promise<void> => {
      await routed.allowed(ctx, next);
    };
    await routed.dispatch(ctx, allowed);
  };
}
