import { Router } from '@koa/router';
import { bodyOf, ownerOf, type AppState } from '../http/context.js';
import { addResourceRoutes } from './resource-routes.js';

/** `/categories`: create, list, and one category by id (delete takes `reassignTo` or `uncategorize`). */
export function createCategoryRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/categories' });

  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).categories.list();
  });
  addResourceRoutes(router, '/', (owner) => owner.categories, (ctx) => {
    // Options in the query (`?reassignTo=cat_…` or `?uncategorize=true`) or in a JSON body.
    const q = ctx.query;
    const fromQuery: Record<string, unknown> = {};
    if (typeof q.reassignTo === 'string') fromQuery.reassignTo = q.reassignTo;
    if (q.uncategorize === 'true') fromQuery.uncategorize = true;
    else if (q.uncategorize === 'false') fromQuery.uncategorize = false;
    return Object.keys(fromQuery).length > 0 ? fromQuery : bodyOf(ctx);
  });
  return router;
}
