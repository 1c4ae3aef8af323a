import { importProfileInputSchema, importProfileSchema } from '@expense-tracker/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';
import { byId } from './descriptions.js';

/** `/import-profiles` (SPEC §7.1): saved CSV mappings, used by id as `POST /imports?profile=`. */
export const importProfileRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/import-profiles',
    operationId: 'createImportProfile',
    tag: 'Imports',
    summary: 'Save a CSV mapping',
    permission: 'imports:write',
    body: importProfileInputSchema,
    status: 201,
    response: importProfileSchema,
    handler: ({ owner, body }) => owner.imports.profiles.create(body),
  }),
  defineRoute({
    method: 'get',
    path: '/import-profiles',
    operationId: 'listImportProfiles',
    tag: 'Imports',
    summary: 'The saved CSV mappings',
    permission: 'imports:read',
    response: z.array(importProfileSchema),
    handler: ({ owner }) => owner.imports.profiles.list(),
  }),
  defineRoute({
    method: 'get',
    path: '/import-profiles/{id}',
    operationId: 'getImportProfile',
    tag: 'Imports',
    summary: 'One saved CSV mapping',
    description: byId('import profile'),
    permission: 'imports:read',
    response: importProfileSchema,
    handler: ({ owner, params }) => owner.imports.profiles.get(params.id),
  }),
  defineRoute({
    method: 'put',
    path: '/import-profiles/{id}',
    operationId: 'updateImportProfile',
    tag: 'Imports',
    summary: 'Replace a saved CSV mapping',
    permission: 'imports:write',
    body: importProfileInputSchema,
    response: importProfileSchema,
    handler: ({ owner, params, body }) => owner.imports.profiles.update(params.id, body),
  }),
  defineRoute({
    method: 'delete',
    path: '/import-profiles/{id}',
    operationId: 'deleteImportProfile',
    tag: 'Imports',
    summary: 'Delete a saved CSV mapping (imports made with it stay)',
    permission: 'imports:write',
    status: 204,
    handler: ({ owner, params }) => owner.imports.profiles.delete(params.id),
  }),
];
