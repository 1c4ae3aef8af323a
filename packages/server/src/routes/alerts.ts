import { Router } from '@koa/router';
import { idSchema, TrackerError } from '@expense-tracker/core';
import { z } from 'zod';
import { bodyOf, ownerOf, parseWith, queryOf, type AppContext, type AppState } from '../http/context.js';

/** Where the alerts router is mounted: the seed's singular path, or the plural one. */
export type AlertRoutePrefix = '/alert' | '/alerts';

const alertListQuerySchema = z.strictObject({ budgetId: idSchema.optional() });

/**
 * The create body for `/alert`: a rule without `budgetId` goes on the overall budget, as
 * the seed had a single budget. A body that is not an object is left for core to refuse.
 */
async function withOverallBudget(ctx: AppContext, body: unknown): Promise<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'budgetId' in body) return body;
  const overall = await ownerOf(ctx).budgets.overall();
  if (!overall) {
    throw new TrackerError('VALIDATION_FAILED', 'Invalid input: budgetId: there is no overall budget; give budgetId or set one with POST /budget', {
      issues: [{ path: ['budgetId'], code: 'no_overall_budget', message: 'There is no overall budget: give budgetId, or set one with POST /budget' }],
    });
  }
  return { ...body, budgetId: overall.id };
}

/**
 * Alert rules on budgets: create, list (`?budgetId=`), and one rule by id; `PUT` and `PATCH`
 * both change the fields given. Mounted at `/alert` (the seed's paths, where a rule created
 * without `budgetId` goes on the overall budget) and at `/alerts` (where `budgetId` is required).
 */
export function createAlertRouter(prefix: AlertRoutePrefix = '/alerts'): Router<AppState> {
  const router = new Router<AppState>({ prefix });

  router.post('/', async (ctx) => {
    const body = prefix === '/alert' ? await withOverallBudget(ctx, bodyOf(ctx)) : bodyOf(ctx);
    const rule = await ownerOf(ctx).alerts.create(body as never);
    ctx.status = 201;
    ctx.body = rule;
  });
  router.get('/', async (ctx) => {
    ctx.body = await ownerOf(ctx).alerts.list(parseWith(alertListQuerySchema, queryOf(ctx)));
  });
  router.get('/:id', async (ctx) => {
    ctx.body = await ownerOf(ctx).alerts.get(ctx.params.id!);
  });
  const update = async (ctx: AppContext) => {
    ctx.body = await ownerOf(ctx).alerts.update(ctx.params.id!, bodyOf(ctx) as never);
  };
  router.put('/:id', update);
  router.patch('/:id', update);
  router.delete('/:id', async (ctx) => {
    await ownerOf(ctx).alerts.delete(ctx.params.id!);
    ctx.status = 204;
  });
  return router;
}
