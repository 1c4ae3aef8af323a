import {
  expenseBatchSchema,
  expenseInputSchema,
  expenseListQuerySchema,
  expensePageSchema,
  expensePatchSchema,
  expenseSchema,
} from '@expense-tracker/core';
import { expenseBatchBodySchema, expenseBatchResultSchema } from '../http/openapi-schemas.js';
import { defineRoute, JsonText, type Route } from '../http/route.js';
import { inputOf } from '../http/route-input.js';
import { byId } from './descriptions.js';

/**
 * The expenses of a batch body, a bare array or `{ items: [...] }`; anything else is an
 * empty batch, which core refuses ("A batch needs at least one expense").
 */
function batchItems(body: unknown): unknown {
  if (Array.isArray(body)) return body;
  return typeof body === 'object' && body !== null && 'items' in body ? (body.items ?? []) : [];
}

/** `/expenses`: create, list with filters and cursor, batch create, and one expense by id. */
export const expenseRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/expenses',
    operationId: 'createExpense',
    tag: 'Expenses',
    summary: 'Record an expense',
    permission: 'expenses:write',
    body: expenseInputSchema,
    status: 201,
    response: expenseSchema,
    handler: ({ owner, body }) => owner.expenses.create(body),
  }),
  defineRoute({
    method: 'get',
    path: '/expenses',
    operationId: 'listExpenses',
    tag: 'Expenses',
    summary: 'List expenses: filters and a keyset cursor',
    permission: 'expenses:read',
    query: expenseListQuerySchema,
    response: expensePageSchema,
    // The page's JSON text (on SQLite, as the database writes it): what `list` would serialize to.
    handler: async ({ owner, query }) => new JsonText(await owner.expenses.listJson(query)),
  }),
  defineRoute({
    method: 'post',
    path: '/expenses/batch',
    operationId: 'createExpenses',
    tag: 'Expenses',
    summary: 'Record up to 1,000 expenses, all or none',
    permission: 'expenses:write',
    description: 'The body is an array of expenses or `{ items: [...] }`; up to 5 MiB.',
    // Checked on its items, so a bad expense is reported at its index (`0.amount`) in both shapes.
    unchecked: { body: expenseBatchBodySchema },
    status: 201,
    response: expenseBatchResultSchema,
    handler: async ({ owner, body }) => ({
      items: await owner.expenses.createMany(inputOf(expenseBatchSchema, batchItems(body))),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/expenses/{id}',
    operationId: 'getExpense',
    tag: 'Expenses',
    summary: 'One expense',
    description: byId('expense'),
    permission: 'expenses:read',
    response: expenseSchema,
    handler: ({ owner, params }) => owner.expenses.get(params.id),
  }),
  defineRoute({
    method: 'put',
    path: '/expenses/{id}',
    operationId: 'replaceExpense',
    tag: 'Expenses',
    summary: 'Replace an expense',
    permission: 'expenses:write',
    body: expenseInputSchema,
    response: expenseSchema,
    handler: ({ owner, params, body }) => owner.expenses.replace(params.id, body),
  }),
  defineRoute({
    method: 'patch',
    path: '/expenses/{id}',
    operationId: 'updateExpense',
    tag: 'Expenses',
    summary: 'Change some fields of an expense (`null` clears one)',
    permission: 'expenses:write',
    body: expensePatchSchema,
    response: expenseSchema,
    handler: ({ owner, params, body }) => owner.expenses.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/expenses/{id}',
    operationId: 'deleteExpense',
    tag: 'Expenses',
    summary: 'Delete an expense',
    permission: 'expenses:write',
    status: 204,
    handler: ({ owner, params }) => owner.expenses.delete(params.id),
  }),
];
