import {
  categoryDeleteOptionsSchema,
  categoryInputSchema,
  categoryPatchSchema,
  categorySchema,
} from '@expense-tracker/core';
import { z } from 'zod';
import type { AppContext } from '../http/context.js';
import { bodyOf } from '../http/context.js';
import { defineRoute, type Route } from '../http/route.js';
import { inputOf } from '../http/route-input.js';
import { byId } from './descriptions.js';

/** A delete's options: from the query (`?reassignTo=cat_…` or `?uncategorize=true`), else the JSON body. */
function deleteOptions(ctx: AppContext): unknown {
  const q = ctx.query;
  const fromQuery: Record<string, unknown> = {};
  if (typeof q.reassignTo === 'string') fromQuery.reassignTo = q.reassignTo;
  if (q.uncategorize === 'true') fromQuery.uncategorize = true;
  else if (q.uncategorize === 'false') fromQuery.uncategorize = false;
  return Object.keys(fromQuery).length > 0 ? fromQuery : bodyOf(ctx);
}

/** `/categories`: create, list, and one category by id (delete takes `reassignTo` or `uncategorize`). */
export const categoryRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/categories',
    operationId: 'createCategory',
    tag: 'Categories',
    summary: 'Create a category',
    permission: 'categories:write',
    body: categoryInputSchema,
    status: 201,
    response: categorySchema,
    errors: [409],
    handler: ({ owner, body }) => owner.categories.create(body),
  }),
  defineRoute({
    method: 'get',
    path: '/categories',
    operationId: 'listCategories',
    tag: 'Categories',
    summary: 'List categories',
    permission: 'categories:read',
    response: z.array(categorySchema),
    handler: ({ owner }) => owner.categories.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/categories/{id}',
    operationId: 'getCategory',
    tag: 'Categories',
    summary: 'One category',
    description: byId('category'),
    permission: 'categories:read',
    response: categorySchema,
    handler: ({ owner, params }) => owner.categories.get(params.id),
  }),
  defineRoute({
    method: 'put',
    path: '/categories/{id}',
    operationId: 'replaceCategory',
    tag: 'Categories',
    summary: 'Replace a category',
    permission: 'categories:write',
    body: categoryInputSchema,
    response: categorySchema,
    errors: [409],
    handler: ({ owner, params, body }) => owner.categories.replace(params.id, body),
  }),
  defineRoute({
    method: 'patch',
    path: '/categories/{id}',
    operationId: 'updateCategory',
    tag: 'Categories',
    summary: 'Change some fields of a category',
    permission: 'categories:write',
    body: categoryPatchSchema,
    response: categorySchema,
    errors: [409],
    handler: ({ owner, params, body }) => owner.categories.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/categories/{id}',
    operationId: 'deleteCategory',
    tag: 'Categories',
    summary: 'Delete a category',
    permission: 'categories:write',
    description:
      'A category that expenses use is a 409 naming the count, unless `reassignTo` (the expenses move) or `uncategorize=true` is given. Expenses are never deleted.',
    // Documented as the query; read from the query or a JSON body (a query of other keys is
    // not refused, as before), and checked with core's schema.
    unchecked: { query: categoryDeleteOptionsSchema },
    status: 204,
    errors: [409],
    handler: ({ owner, params, ctx }) =>
      owner.categories.delete(params.id, inputOf(categoryDeleteOptionsSchema, deleteOptions(ctx))),
  }),
];
