import { Router } from '@koa/router';
import { bodyOf, ownerOf, queryOf, type AppState } from '../http/context.js';
import { addResourceRoutes } from './resource-routes.js';

/** `/expenses`: create, list with filters and cursor, batch create, and one expense by id. */
export function createExpenseRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/expenses' });

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
  addResourceRoutes(router, '/', (owner) => owner.expenses);
  return router;
}
