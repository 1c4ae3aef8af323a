import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Koa from 'koa';
import type { AppState } from '../http/context.js';
import { HttpError, toProblem } from '../http/problem.js';
import { sendStaticFile } from '../http/static-file.js';

/** The files of the built dashboard that `/app/assets/*` serves, with their types; nothing else is. */
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

const ASSET_PATH = /^\/app\/assets\/([^/]+)$/;
const PAGE_PATH = /^\/app\/?$/;

/** Where `npm run build` puts the dashboard: next to the bundled server (dist/), or dist/ seen from src/routes/. */
const CANDIDATE_DIRS = [
  fileURLToPath(new URL('./dashboard/', import.meta.url)),
  fileURLToPath(new URL('../../dist/dashboard/', import.meta.url)),
];

/** What {@link createDashboardRouter} returns: a router's two middleware, without its route table. */
export interface DashboardRouter {
  routes(): Koa.Middleware<AppState>;
  allowedMethods(): Koa.Middleware<AppState>;
}

/**
 * `GET /app`: the dashboard (login, spending by category, the trend, budgets and
 * notifications; expenses, refunds, categories and budgets added, edited and deleted by hand;
 * imports, API tokens and webhooks; live over the notification socket), a static page that uses
 * only the public API. Its files are built by `npm run build` (dashboard/build.mjs, chart.js and
 * core's zod schemas bundled, no CDN)
 * into `dist/dashboard/`; `/app/assets/*` serves an allow-list of them, so no path can reach
 * elsewhere. The page has no inline script, as the CSP (`script-src 'self'`) requires. Before a
 * build (no `index.html` in `dir`, or in the package's build when `dir` is not given) `/app`
 * answers a 503 `SERVICE_UNAVAILABLE` problem.
 *
 * Plain middleware rather than a `@koa/router` table: these are static files of a web page,
 * not API operations, and stay out of the OpenAPI document (as `/docs/assets/*` do).
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { createDashboardRouter } from './dashboard.js';
 *
 * const app = new Koa();
 * const dashboard = createDashboardRouter();
 * app.use(dashboard.routes()).use(dashboard.allowedMethods());
 * ```
 */
export function createDashboardRouter(dir?: string): DashboardRouter {
  const candidates = dir === undefined ? CANDIDATE_DIRS : [dir];
  let found: string | undefined;
  const locate = () => (found ??= candidates.find((candidate) => existsSync(join(candidate, 'index.html'))));

  const serve: Koa.Middleware<AppState> = async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      await next();
      return;
    }
    const asset = ASSET_PATH.exec(ctx.path)?.[1];
    const name = PAGE_PATH.test(ctx.path)
      ? 'index.html'
      : asset !== undefined && Object.hasOwn(ASSETS, asset)
        ? asset
        : undefined;
    if (name === undefined) {
      await next(); // other paths fall through to the app's 404 problem
      return;
    }
    const root = locate();
    if (root === undefined) {
      // A problem like every other error; the router may be mounted without the app's error handler.
      const { problem } = toProblem(
        new HttpError('SERVICE_UNAVAILABLE', 'The dashboard is not built: run `npm run build` in packages/server'),
      );
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problem;
      return;
    }
    sendStaticFile(
      ctx,
      join(root, name),
      name === 'index.html' ? 'text/html; charset=utf-8' : ASSETS[name]!,
      'no-cache',
    );
  };

  const allowedMethods: Koa.Middleware<AppState> = async (ctx, next) => {
    await next();
    const ours = PAGE_PATH.test(ctx.path) || ASSET_PATH.test(ctx.path);
    if (ours && ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 405;
      ctx.set('allow', 'GET, HEAD');
    }
  };

  return { routes: () => serve, allowedMethods: () => allowedMethods };
}
