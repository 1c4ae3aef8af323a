import {
  budgetHistoryQuerySchema,
  budgetInputSchema,
  budgetPatchSchema,
  budgetSchema,
  budgetStatusQuerySchema,
  budgetStatusSchema,
  overallBudgetInputSchema,
  TrackerError,
  type Budget,
  type BudgetInput,
  type OwnerHandle,
} from '@expense-tracker/core';
import { z } from 'zod';
import { parseWith, queryOf } from '../http/context.js';
import { defineRoute, reply, type Route } from '../http/route.js';
import { check } from '../http/route-input.js';
import { byId } from './descriptions.js';

/**
 * The overall budget covers all spending, so a body naming categories is refused (with a
 * message that points to `/budgets`) rather than turning it into a category budget. An empty
 * list, which says the same as leaving it out, is tolerated for clients that always send one.
 */
const categoryIdsCheck = z.looseObject({
  categoryIds: z
    .array(z.unknown())
    .max(0, 'The overall budget covers all spending: leave out categoryIds, or use /budgets')
    .optional(),
});

/** The body of `POST`/`PUT /budget` as core's overall-budget input: `name` defaults, no `categoryIds`. */
function overallInput(body: unknown): BudgetInput {
  const { categoryIds: _empty, ...rest } = parseWith(categoryIdsCheck, body);
  return parseWith(overallBudgetInputSchema, rest);
}

const NO_OVERALL_BUDGET = 'There is no overall budget yet: set one with POST /budget';

/** The owner's overall budget, or `NOT_FOUND`. */
async function overallOf(owner: OwnerHandle): Promise<Budget> {
  const budget = await owner.budgets.overall();
  if (!budget) throw new TrackerError('NOT_FOUND', NO_OVERALL_BUDGET);
  return budget;
}

/** What `POST` and `PUT /budget` say about their body. */
const OVERALL_BODY =
  'A body of just `{ "amount": "100.00" }` or `{ "amount": "100.00", "currency": "USD" }` is a whole budget: `name` defaults to "Overall", the period to calendar months, the currency to the account’s. The overall budget covers all spending, so the body has no `categoryIds` (a non-empty list is a 422; use `/budgets` for category budgets).';

/**
 * `/budget`: the seed's singular endpoints, acting on the owner's overall budget (the oldest
 * budget with no category filter), with its status for a period and its closed periods.
 * Their bodies and the history's query are checked in the handler, after the overall budget
 * is found, as the seed's API did.
 */
const overallBudgetRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/budget',
    operationId: 'setOverallBudget',
    tag: 'Budgets',
    summary: 'Set or replace the overall budget (no category filter)',
    permission: 'budgets:write',
    description: `201 when it creates the overall budget, 200 when it replaces it. ${OVERALL_BODY}`,
    unchecked: { body: overallBudgetInputSchema },
    status: [200, 201],
    response: budgetSchema,
    handler: async ({ owner, body }) => {
      // Create or replace is decided in core's write, so a replayed retry (Idempotency-Key)
      // answers the status of the first attempt, and two concurrent calls never create two.
      const { budget, created } = await owner.budgets.setOverall(overallInput(body));
      return reply(created ? 201 : 200, budget);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/budget',
    operationId: 'getOverallBudget',
    tag: 'Budgets',
    summary: 'The overall budget',
    description: '404 when none is set.',
    permission: 'budgets:read',
    response: budgetSchema,
    errors: [404],
    handler: ({ owner }) => overallOf(owner),
  }),
  defineRoute({
    method: 'put',
    path: '/budget',
    operationId: 'replaceOverallBudget',
    tag: 'Budgets',
    summary: 'Replace the overall budget',
    description: `404 when none is set. ${OVERALL_BODY}`,
    permission: 'budgets:write',
    unchecked: { body: overallBudgetInputSchema },
    response: budgetSchema,
    errors: [404],
    handler: async ({ owner, body }) => {
      const input = overallInput(body);
      return owner.budgets.replace((await overallOf(owner)).id, input);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/budget/status',
    operationId: 'getOverallBudgetStatus',
    tag: 'Budgets',
    summary: 'The overall budget’s figures for the period containing `date` (default today)',
    permission: 'budgets:read',
    query: budgetStatusQuerySchema,
    response: budgetStatusSchema,
    errors: [404],
    handler: async ({ owner, query }) => {
      const status = await owner.budgets.overallStatus(query);
      if (!status) throw new TrackerError('NOT_FOUND', NO_OVERALL_BUDGET);
      return status;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/budget/history',
    operationId: 'getOverallBudgetHistory',
    tag: 'Budgets',
    summary: 'The overall budget’s figures for its last closed periods',
    permission: 'budgets:read',
    unchecked: { query: budgetHistoryQuerySchema },
    response: z.array(budgetStatusSchema),
    errors: [404],
    handler: async ({ owner, ctx }) => {
      const { id } = await overallOf(owner);
      // Core's `history` takes the parsed query (`periods` a number): handed the output.
      return owner.budgets.history(id, check(budgetHistoryQuerySchema, queryOf(ctx)).output);
    },
  }),
];

/** `/budgets`: any number of budgets, by id, each with its status and history. */
const budgetByIdRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/budgets',
    operationId: 'createBudget',
    tag: 'Budgets',
    summary: 'Create a budget',
    permission: 'budgets:write',
    description: 'Gets `spent` alert rules at 80 % and 100 % unless `alertRules` says otherwise.',
    body: budgetInputSchema,
    status: 201,
    response: budgetSchema,
    handler: ({ owner, body }) => owner.budgets.create(body),
  }),
  defineRoute({
    method: 'get',
    path: '/budgets',
    operationId: 'listBudgets',
    tag: 'Budgets',
    summary: 'List budgets',
    permission: 'budgets:read',
    response: z.array(budgetSchema),
    handler: ({ owner }) => owner.budgets.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/budgets/{id}',
    operationId: 'getBudget',
    tag: 'Budgets',
    summary: 'One budget',
    description: byId('budget'),
    permission: 'budgets:read',
    response: budgetSchema,
    handler: ({ owner, params }) => owner.budgets.get(params.id),
  }),
  defineRoute({
    method: 'put',
    path: '/budgets/{id}',
    operationId: 'replaceBudget',
    tag: 'Budgets',
    summary: 'Replace a budget',
    permission: 'budgets:write',
    body: budgetInputSchema,
    response: budgetSchema,
    handler: ({ owner, params, body }) => owner.budgets.replace(params.id, body),
  }),
  defineRoute({
    method: 'patch',
    path: '/budgets/{id}',
    operationId: 'updateBudget',
    tag: 'Budgets',
    summary: 'Change some fields of a budget',
    permission: 'budgets:write',
    body: budgetPatchSchema,
    response: budgetSchema,
    handler: ({ owner, params, body }) => owner.budgets.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/budgets/{id}',
    operationId: 'deleteBudget',
    tag: 'Budgets',
    summary: 'Delete a budget and its alert rules',
    permission: 'budgets:write',
    status: 204,
    handler: ({ owner, params }) => owner.budgets.delete(params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/budgets/{id}/status',
    operationId: 'getBudgetStatus',
    tag: 'Budgets',
    summary: 'A budget’s figures for the period containing `date` (default today)',
    permission: 'budgets:read',
    query: budgetStatusQuerySchema,
    response: budgetStatusSchema,
    handler: ({ owner, params, query }) => owner.budgets.status(params.id, query),
  }),
  defineRoute({
    method: 'get',
    path: '/budgets/{id}/history',
    operationId: 'getBudgetHistory',
    tag: 'Budgets',
    summary: 'A budget’s figures for its last closed periods',
    permission: 'budgets:read',
    query: budgetHistoryQuerySchema,
    response: z.array(budgetStatusSchema),
    handler: ({ owner, params, parsed }) => owner.budgets.history(params.id, parsed.query),
  }),
];

/** The budget routes: `/budget` (the overall budget) and `/budgets`. */
export const budgetRoutes: readonly Route[] = [...overallBudgetRoutes, ...budgetByIdRoutes];
