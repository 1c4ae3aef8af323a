import { Router } from '@koa/router';
import { ownerOf, queryOf, type AppState } from '../http/context.js';

/**
 * `/notifications`: what alert rules raised, newest first (`?unread=true|false`, `budgetId`,
 * `limit`, and `before` = the last id seen, for the next page), and marking one read.
 */
export function createNotificationRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/notifications' });

  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).notifications.list(queryOf(ctx) as never);
  });
  router.post('/:id/read', async (ctx) => {
    ctx.body = await ownerOf(ctx).notifications.markRead(ctx.params.id!);
  });
  return router;
}
