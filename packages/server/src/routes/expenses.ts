import { Router } from '@koa/router';
import { bodyOf, ownerOf, queryOf, type AppState } from '../http/context.js';

/** `/expenses`: create, list with filters and cursor, batch create, and one expense by id. */
export function createExpenseRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/expenses' });

  router.post('/', async (ctx) => {
    ctx.status = 201;
    ctx.body = await ownerOf(ctx).expenses.create(bodyOf(ctx) as never);
  });
  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).expenses.list(queryOf(ctx) as never);
  });
  router.post('/batch', async (ctx) => {
    const body = bodyOf(ctx) as { items?: unknown } | unknown[];
    // Either a bare array or `{ items: [...] }`.
    const items = Array.isArray(body) ? body : (body as { items?: unknown }).items;
    ctx.status = 201;
    ctx.body = { items: await ownerOf(ctx).expenses.createMany((items ?? []) as never) };
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).expenses.get(ctx.params.id!);
  });
  router.put('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).expenses.replace(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.patch('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).expenses.update(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.delete('/:id', async (ctx) => {
    await ownerOf(ctx).expenses.delete(ctx.params.id!);
    ctx.status = 204;
  });
  return router;
}
