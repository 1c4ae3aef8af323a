import { Router, type RouterMiddleware } from '@koa/router';
import type { Access } from '../auth/require-auth.js';
import { bodyOf, queryOf, type AppContext, type AppState } from './context.js';
import { HttpError } from './problem.js';
import { Reply, type Route, type RouteServices } from './route.js';
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

/** The input a handler receives: the request checked against the route's schemas. */
function inputFor(route: Route, ctx: AppContext, services: RouteServices) {
  if (route.params) check(route.params, ctx.params);
  const { params } = ctx;
  const query = route.query ? check(route.query, queryOf(ctx)) : { input: {}, output: undefined };
  const body = route.body ? check(route.body, bodyOf(ctx)) : { input: bodyOf(ctx), output: undefined };
  const base = {
    params,
    query: query.input,
    body: body.input,
    parsed: { query: query.output, body: body.output },
    ctx,
    services,
  };
  if (!authenticates(route)) return { ...base, owner: undefined, auth: undefined };
  const { owner, auth } = ctx.state;
  if (!owner || !auth) throw new HttpError('UNAUTHORIZED', 'Authentication required');
  return { ...base, owner, auth };
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
  if (authenticated && !route.upload) chain.push(middleware.idempotency);
  chain.push(handlerOf(route, services));
  return chain;
}

/** The first path segment, lower-cased (routes match case-insensitively): `/Budget/status` → `budget`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/**
 * The routes as one Koa middleware: one `@koa/router` per first path segment, and a request
 * is handed to its own segment's router only. One router for every route would test ~60
 * patterns against every request; this way a request pays for its own segment's few, and
 * one map lookup instead of a pass through a middleware per router (which cost `/health`
 * ~10 µs of CPU, a quarter of its work). An unknown path falls through (the app's 404
 * problem); a known path with another method is a 405 with `Allow`, before any token check.
 */
export function mountRoutes(
  routes: readonly Route[],
  middleware: RouteMiddleware,
  services: RouteServices,
): RouterMiddleware<AppState> {
  const routers = new Map<string, Router<AppState>>();
  for (const route of routes) {
    const segment = firstSegment(route.path);
    if (/[:(*?+{]/.test(segment))
      throw new Error(`${route.operationId}: a route's first path segment must be fixed text`);
    let router = routers.get(segment);
    if (!router) routers.set(segment, (router = new Router<AppState>()));
    router.register(koaPath(route.path), [route.method], chainOf(route, middleware, services), {
      name: route.operationId,
    });
  }
  const bySegment = new Map(
    [...routers].map(([segment, router]) => [segment, { dispatch: router.routes(), allowed: router.allowedMethods() }]),
  );
  return async function routeRequest(ctx, next): Promise<void> {
    const own = bySegment.get(firstSegment(ctx.path));
    if (!own) {
      await next();
      return;
    }
    const allowed = async (): Promise<void> => {
      await own.allowed(ctx, next);
    };
    await own.dispatch(ctx, allowed);
  };
}
