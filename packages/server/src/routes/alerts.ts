import {
  alertRuleCreateSchema,
  alertRulePatchSchema,
  alertRuleSchema,
  TrackerError,
  type OwnerHandle,
} from '@expense-tracker/core';
import { z } from 'zod';
import { alertListQuerySchema } from '../http/openapi-schemas.js';
import { defineRoute, type Route } from '../http/route.js';
import { inputOf } from '../http/route-input.js';
import { byId } from './descriptions.js';

/** Where the alert rule routes are mounted: the seed's singular path, or the plural one. */
export type AlertRoutePrefix = '/alert' | '/alerts';

/**
 * The create body for `/alert`: a rule without `budgetId` goes on the overall budget, as
 * the seed had a single budget. A body that is not an object is left for core's schema to refuse.
 */
async function withOverallBudget(owner: OwnerHandle, body: unknown): Promise<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'budgetId' in body) return body;
  const overall = await owner.budgets.overall();
  if (!overall) {
    throw new TrackerError(
      'VALIDATION_FAILED',
      'Invalid input: budgetId: there is no overall budget; give budgetId or set one with POST /budget',
      {
        issues: [
          {
            path: ['budgetId'],
            code: 'no_overall_budget',
            message: 'There is no overall budget: give budgetId, or set one with POST /budget',
          },
        ],
      },
    );
  }
  return { ...body, budgetId: overall.id };
}

/** The create route: on the seed's path a rule without `budgetId` goes on the overall budget. */
function createRoute(prefix: AlertRoutePrefix, suffix: string, note: string): Route {
  const common = {
    method: 'post',
    path: prefix,
    operationId: `createAlertRule${suffix}`,
    tag: 'Alerts',
    summary: `Create an alert rule on a budget${note}`,
    permission: 'budgets:write',
    status: 201,
    response: alertRuleSchema,
    errors: [404],
  } as const;
  if (prefix === '/alerts')
    return defineRoute({
      ...common,
      body: alertRuleCreateSchema,
      handler: ({ owner, body }) => owner.alerts.create(body),
    });
  return defineRoute({
    ...common,
    description: 'Without `budgetId` the rule goes on the overall budget (422 when there is none).',
    unchecked: { body: alertRuleCreateSchema.partial({ budgetId: true }) },
    handler: async ({ owner, body }) =>
      owner.alerts.create(inputOf(alertRuleCreateSchema, await withOverallBudget(owner, body))),
  });
}

/**
 * Alert rules on budgets: create, list (`?budgetId=`), and one rule by id; `PUT` and `PATCH`
 * both change the fields given. Mounted at `/alert` (the seed's paths, where a rule created
 * without `budgetId` goes on the overall budget) and at `/alerts` (where `budgetId` is
 * required). Rules belong to budgets, so they need `budgets:*` (see `permissions.ts`).
 */
export function alertRoutes(prefix: AlertRoutePrefix): Route[] {
  const [suffix, note] = prefix === '/alert' ? ['Seed', ' (the seed’s path)'] : ['', ''];
  const item = `${prefix}/{id}` as const;
  return [
    createRoute(prefix, suffix, note),
    defineRoute({
      method: 'get',
      path: prefix,
      operationId: `listAlertRules${suffix}`,
      tag: 'Alerts',
      summary: `List alert rules, of one budget or all${note}`,
      permission: 'budgets:read',
      query: alertListQuerySchema,
      response: z.array(alertRuleSchema),
      handler: ({ owner, query }) => owner.alerts.list(query),
    }),
    defineRoute({
      method: 'get',
      path: item,
      operationId: `getAlertRule${suffix}`,
      tag: 'Alerts',
      summary: `One alert rule${note}`,
      description: byId('alert rule'),
      permission: 'budgets:read',
      response: alertRuleSchema,
      handler: ({ owner, params }) => owner.alerts.get(params.id),
    }),
    ...(['put', 'patch'] as const).map((method) =>
      defineRoute({
        method,
        path: item,
        operationId: `${method === 'put' ? 'putAlertRule' : 'updateAlertRule'}${suffix}`,
        tag: 'Alerts',
        summary: `Change the fields given of an alert rule${note}`,
        permission: 'budgets:write',
        body: alertRulePatchSchema,
        response: alertRuleSchema,
        handler: ({ owner, params, body }) => owner.alerts.update(params.id, body),
      }),
    ),
    defineRoute({
      method: 'delete',
      path: item,
      operationId: `deleteAlertRule${suffix}`,
      tag: 'Alerts',
      summary: `Delete an alert rule${note}`,
      permission: 'budgets:write',
      status: 204,
      handler: ({ owner, params }) => owner.alerts.delete(params.id),
    }),
  ];
}
