import { Router } from '@koa/router';
import { isTrackerError, type Tracker } from '@expense-tracker/core';
import type { AppState } from '../http/context.js';

/** `/health` (the process answers) and `/health/ready` (the database answers too). */
export function createHealthRouter(tracker: Tracker): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/health' });
  router.get('/', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/ready', async (ctx) => {
    try {
      await tracker.ping();
      ctx.body = { status: 'ready', database: 'ok' };
    } catch (error) {
      if (!isTrackerError(error)) throw error;
      ctx.status = 503;
      ctx.type = 'application/problem+json';
      ctx.set('retry-after', '5');
      ctx.body = { type: 'https://expense-tracker.dev/problems/store-unavailable', title: 'Service Unavailable', status: 503, code: 'STORE_UNAVAILABLE', detail: 'The database does not answer' };
    }
  });
  return router;
}
