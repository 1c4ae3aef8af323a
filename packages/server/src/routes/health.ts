import { isTrackerError } from '@expense-tracker/core';
import { healthSchema, readinessSchema } from '../http/openapi-schemas.js';
import { defineRoute, type Route } from '../http/route.js';

/** `/health` (the process answers) and `/health/ready` (the database answers too). */
export const healthRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    tag: 'Ops',
    permission: 'public',
    noDatabase: true,
    summary: 'The process answers',
    response: healthSchema,
    handler: () => ({ status: 'ok' }),
  }),
  defineRoute({
    method: 'get',
    path: '/health/ready',
    operationId: 'ready',
    tag: 'Ops',
    permission: 'public',
    summary: 'The database answers too (503 when it does not)',
    response: readinessSchema,
    handler: async ({ ctx, services }) => {
      try {
        await services.tracker.ping();
        return { status: 'ready', database: 'ok' };
      } catch (error) {
        if (!isTrackerError(error)) throw error;
        ctx.status = 503;
        ctx.type = 'application/problem+json';
        ctx.set('retry-after', '5');
        ctx.body = {
          type: 'https://expense-tracker.dev/problems/store-unavailable',
          title: 'Service Unavailable',
          status: 503,
          code: 'STORE_UNAVAILABLE',
          detail: 'The database does not answer',
        };
        return undefined;
      }
    },
  }),
];
