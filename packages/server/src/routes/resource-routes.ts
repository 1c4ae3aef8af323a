import type { OwnerHandle } from '@expense-tracker/core';
import type { Router } from '@koa/router';
import { bodyOf, ownerOf, type AppContext, type AppState } from '../http/context.js';

/** The part of an owner API that the standard routes of one resource call. */
export interface ResourceApi {
  create(input: never): Promise<unknown>;
  get(id: string): Promise<unknown>;
  replace(id: string, input: never): Promise<unknown>;
  update(id: string, patch: never): Promise<unknown>;
  delete(id: string, options?: never): Promise<void>;
}

/**
 * The standard routes of a resource at `path`: `POST path` (201 with the resource), and
 * `GET`, `PUT` (replace), `PATCH` (partial update) and `DELETE` (204) on `path/:id`. Bodies
 * go to core unparsed: core's schemas validate them. `deleteOptions` reads what a delete
 * takes (e.g. a category's `reassignTo`).
 */
export function addResourceRoutes(
  router: Router<AppState>,
  path: string,
  api: (owner: OwnerHandle) => ResourceApi,
  deleteOptions?: (ctx: AppContext) => unknown,
): void {
  const item = `${path === '/' ? '' : path}/:id`;
  router.post(path, async (ctx) => {
    ctx.status = 201;
    ctx.body = await api(ownerOf(ctx)).create(bodyOf(ctx) as never);
  });
  router.get(item, async (ctx) => {
    ctx.body = await api(ownerOf(ctx)).get(ctx.params.id!);
  });
  router.put(item, async (ctx) => {
    ctx.body = await api(ownerOf(ctx)).replace(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.patch(item, async (ctx) => {
    ctx.body = await api(ownerOf(ctx)).update(ctx.params.id!, bodyOf(ctx) as never);
  });
  router.delete(item, async (ctx) => {
    await api(ownerOf(ctx)).delete(ctx.params.id!, deleteOptions?.(ctx) as never);
    ctx.status = 204;
  });
}
