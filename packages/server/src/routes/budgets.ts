import { Router } from '@koa/router';
import { overallBudgetInputSchema, TrackerError, type Budget, type BudgetInput } from '@expense-tracker/core';
import { z } from 'zod';
import { bodyOf, ownerOf, parseWith, queryOf, type AppContext, type AppState } from '../http/context.js';
import { addResourceRoutes } from './resource-routes.js';

/**
 * The overall budget covers all spending, so a body naming categories is refused (with a
 * message that points to `/budgets`) rather than turning it into a category budget. An empty
 * list, which says the same as leaving it out, is tolerated for clients that always send one.
 */
const categoryIdsCheck = z.looseObject({
  categoryIds: z.array(z.unknown()).max(0, 'The overall budget covers all spending: leave out categoryIds, or use /budgets').optional(),
});

/** The body of `POST`/`PUT /budget` as core's overall-budget input: `name` defaults, no `categoryIds`. */
function overallInput(ctx: AppContext): BudgetInput {
  const { categoryIds: _empty, ...rest } = parseWith(categoryIdsCheck, bodyOf(ctx));
  return parseWith(overallBudgetInputSchema, rest);
}

const NO_OVERALL_BUDGET = 'There is no overall budget yet: set one with POST /budget';

/** The owner's overall budget, or `NOT_FOUND`. */
async function overallOf(ctx: AppContext): Promise<Budget> {
  const budget = await ownerOf(ctx).budgets.overall();
  if (!budget) throw new TrackerError('NOT_FOUND', NO_OVERALL_BUDGET);
  return budget;
}

/**
 * `/budget` (the seed's singular endpoints, acting on the owner's overall budget: the oldest
 * budget with no category filter) and `/budgets` (any number of budgets, by id), each with
 * its status for a period and the history of its closed periods.
 */
export function createBudgetRouter(): Router<AppState> {
  const router = new Router<AppState>();

  // POST sets the overall budget: creates it when there is none (201), else replaces it (200).
  router.post('/budget', async (ctx) => {
    // Create or replace is decided in core's write, so a replayed retry (Idempotency-Key)
    // answers the status of the first attempt, and two concurrent calls never create two.
    const { budget, created } = await ownerOf(ctx).budgets.setOverall(overallInput(ctx));
    ctx.status = created ? 201 : 200;
    ctx.body = budget;
  });
  router.get('/budget', async (ctx) => {
    ctx.body = await overallOf(ctx);
  });
  router.put('/budget', async (ctx) => {
    const input = overallInput(ctx);
    ctx.body = await ownerOf(ctx).budgets.replace((await overallOf(ctx)).id, input);
  });
  router.get('/budget/status', async (ctx) => {
    const status = await ownerOf(ctx).budgets.overallStatus(queryOf(ctx) as never);
    if (!status) throw new TrackerError('NOT_FOUND', NO_OVERALL_BUDGET);
    ctx.body = status;
  });
  router.get('/budget/history', async (ctx) => {
    ctx.body = await ownerOf(ctx).budgets.history((await overallOf(ctx)).id, queryOf(ctx) as never);
  });

  addResourceRoutes(router, '/budgets', (owner) => owner.budgets);
  router.get('/budgets', async (ctx) => {
    ctx.body = await ownerOf(ctx).budgets.list();
  });
  router.get('/budgets/:id/status', async (ctx) => {
    ctx.body = await ownerOf(ctx).budgets.status(ctx.params.id!, queryOf(ctx) as never);
  });
  router.get('/budgets/:id/history', async (ctx) => {
    ctx.body = await ownerOf(ctx).budgets.history(ctx.params.id!, queryOf(ctx) as never);
  });
  return router;
}
