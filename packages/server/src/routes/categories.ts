import { Router } from '@koa/router';
import { bodyOf, ownerOf, type AppState } from '../http/context.js';

/** `/categories`: create, list, and one category by id (delete takes `reassignTo` or `uncategorize`). */
export function createCategoryRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/categories' });

  router.post('/', async (ctx) => {
    ctx.status = 201;
    ctx.body = await ownerOf(ctx).categories.create(bodyOf(ctx) as never);
  });
  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).categories.list();
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).categories.get(ctx.params.id!);
  });
  router.put('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).categories.replace(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.patch('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).categories.update(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.delete('/:id', async (ctx) => {
    // Options in the query (`?reassignTo=cat_…` or `?uncategorize=true`) or in a JSON body.
    const q = ctx.query;
    const fromQuery: Record<string, unknown> = {};
    if (typeof q.reassignTo === 'string') fromQuery.reassignTo = q.reassignTo;
    if (q.uncategorize === 'true') fromQuery.uncategorize = true;
    else if (q.uncategorize === 'false') fromQuery.uncategorize = false;
    const body = bodyOf(ctx);
    const options = Object.keys(fromQuery).length > 0 ? fromQuery : body;
    await ownerOf(ctx).categories.delete(ctx.params.id!, options as never);
    ctx.status = 204;
  });
  return router;
}
