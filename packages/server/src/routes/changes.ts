import { Router } from '@koa/router';
import { ownerOf, queryOf, type AppState } from '../http/context.js';

/**
 * `/changes?after=<seq>&limit=`: the owner's change feed, oldest first, with `lastSeq` so a
 * client that was away can page until it has caught up.
 */
export function createChangesRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/changes' });

  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).changes(queryOf(ctx) as never);
  });
  return router;
}
