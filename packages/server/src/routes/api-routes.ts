import type { Route } from '../http/route.js';
import { alertRoutes } from './alerts.js';
import { analyticsRoutes } from './analytics.js';
import { apiTokenRoutes } from './api-tokens.js';
import { authRoutes } from './auth.js';
import { budgetRoutes } from './budgets.js';
import { categoryRoutes } from './categories.js';
import { changesRoutes } from './changes.js';
import { docsRoutes } from './docs.js';
import { expenseRoutes } from './expenses.js';
import { healthRoutes } from './health.js';
import { importProfileRoutes } from './import-profiles.js';
import { importRoutes } from './imports.js';
import { notificationRoutes } from './notifications.js';
import { ruleRoutes } from './rules.js';
import { webhookRoutes } from './webhooks.js';
import { scheduleRoutes } from './schedules.js';
import { websocketRoutes } from './websocket.js';

/**
 * Every route of the API, in the order the OpenAPI document lists them: the one list the app
 * registers (`mountRoutes`) and the document is built from (`buildOpenApiDocument`). A new
 * route is a `defineRoute({...})` in its topic's file, added to that file's list.
 */
export const API_ROUTES: readonly Route[] = [
  ...authRoutes,
  ...apiTokenRoutes,
  ...expenseRoutes,
  ...categoryRoutes,
  ...budgetRoutes,
  ...alertRoutes('/alert'),
  ...alertRoutes('/alerts'),
  ...notificationRoutes,
  ...ruleRoutes,
  ...webhookRoutes,
  ...scheduleRoutes,
  ...importRoutes,
  ...importProfileRoutes,
  ...analyticsRoutes,
  ...changesRoutes,
  ...healthRoutes,
  ...docsRoutes,
  ...websocketRoutes,
];
