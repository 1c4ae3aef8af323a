import {
  alertRuleCreateSchema,
  alertRulePatchSchema,
  alertRuleSchema,
  budgetHistoryQuerySchema,
  budgetInputSchema,
  budgetPatchSchema,
  budgetSchema,
  budgetStatusQuerySchema,
  budgetStatusSchema,
  categoryDeleteOptionsSchema,
  categoryInputSchema,
  categoryPatchSchema,
  categorySchema,
  changesPageSchema,
  changesQuerySchema,
  expenseInputSchema,
  expenseListQuerySchema,
  expensePageSchema,
  expensePatchSchema,
  expenseSchema,
  exportQuerySchema,
  monthlyQuerySchema,
  monthlySchema,
  notificationListQuerySchema,
  notificationSchema,
  overallBudgetInputSchema,
  summaryQuerySchema,
  summarySchema,
  trendsQuerySchema,
  trendsSchema,
  weeklyQuerySchema,
  weeklySchema,
} from '@expense-tracker/core';
import { z } from 'zod';
import { accountPatchSchema, loginSchema, registerSchema } from '../auth/accounts.js';
import { refreshSchema } from '../routes/auth.js';
import { notificationMessageSchema } from '../ws/notification-message.js';
import { NOTIFICATION_CLOSE_CODES } from '../ws/notifications.js';
import {
  accountSchema,
  alertListQuerySchema,
  csvExportSchema,
  expenseBatchBodySchema,
  expenseBatchResultSchema,
  healthSchema,
  ndjsonExportSchema,
  readinessSchema,
  tokenPairSchema,
} from './openapi-schemas.js';

/** An HTTP method the API documents. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An error status an operation can answer with a problem body. */
export type ProblemStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 426 | 429 | 503;

/** A success status. */
export type SuccessStatus = 200 | 201 | 204;

/** The tags operations are grouped by, with their descriptions. */
export const OPENAPI_TAGS = {
  Auth: 'Accounts, login (JSON or the OAuth2 password grant), token refresh and logout',
  Expenses: 'Expenses: amounts in integer minor units (`amountMinor`) with the exact decimal (`amount`)',
  Categories: 'Categories (one level of nesting); deleting a used one needs `reassignTo` or `uncategorize`',
  Budgets: 'The overall budget (`/budget`) and any number of budgets (`/budgets`), with status and history',
  Alerts: 'Alert rules on budgets (`/alert` is the seed’s path, `/alerts` the plural one)',
  Notifications: 'Notifications stored when an alert rule fires, and the live notification socket (WebSocket)',
  Analytics: 'Summaries, monthly and weekly breakdowns, trends, and the streamed export',
  Changes: 'The change feed: every event after a sequence number, oldest first',
  Ops: 'Health checks, this document and the interactive docs',
} as const;

/** One documented operation: what the route takes and answers, as zod schemas. */
export interface RouteSpec {
  method: HttpMethod;
  /** The OpenAPI path template (`/expenses/{id}`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: keyof typeof OPENAPI_TAGS;
  /** Needs no token (`security: []`). */
  public?: true;
  /** The query string, as an object schema: each property becomes a parameter. */
  query?: z.ZodType;
  /** The JSON body. */
  body?: z.ZodType;
  /** The body may be form-encoded too (`application/x-www-form-urlencoded`). */
  form?: true;
  /** The success status, or several (each with the same body). @default 200 */
  status?: SuccessStatus | readonly SuccessStatus[];
  /** The JSON success body. */
  response?: z.ZodType;
  /** Success bodies in other media types (or several), by content type. */
  content?: Record<string, z.ZodType>;
  /** Problem statuses beyond those every operation of its kind gets (401, 404 on `{id}`, 400/413/415/422 with a body, ...). */
  errors?: ProblemStatus[];
  /** Reads no database, so never answers 503. */
  noDatabase?: true;
}

/** What `POST` and `PUT /budget` say about their body. */
const OVERALL_BODY =
  'A body of just `{ "amount": "100.00" }` or `{ "amount": "100.00", "currency": "USD" }` is a whole budget: `name` defaults to "Overall", the period to calendar months, the currency to the account’s. The overall budget covers all spending, so the body has no `categoryIds` (a non-empty list is a 422; use `/budgets` for category budgets).';

const byId = (noun: string) => `The ${noun} with this id, if it is yours (404 otherwise, never 403)`;

/** The alert rule routes, mounted at the seed's `/alert` and at `/alerts`. */
function alertRoutes(prefix: '/alert' | '/alerts'): RouteSpec[] {
  const seed = prefix === '/alert';
  const [suffix, note] = seed ? ['Seed', ' (the seed’s path)'] : ['', ''];
  // On the seed's path a rule without budgetId goes on the overall budget, as the seed had one budget.
  const createBody = seed ? alertRuleCreateSchema.partial({ budgetId: true }) : alertRuleCreateSchema;
  const createDescription = seed ? 'Without `budgetId` the rule goes on the overall budget (422 when there is none).' : undefined;
  return [
    { method: 'post', path: prefix, operationId: `createAlertRule${suffix}`, tag: 'Alerts', summary: `Create an alert rule on a budget${note}`, ...(createDescription ? { description: createDescription } : {}), body: createBody, status: 201, response: alertRuleSchema, errors: [404] },
    { method: 'get', path: prefix, operationId: `listAlertRules${suffix}`, tag: 'Alerts', summary: `List alert rules, of one budget or all${note}`, query: alertListQuerySchema, response: z.array(alertRuleSchema) },
    { method: 'get', path: `${prefix}/{id}`, operationId: `getAlertRule${suffix}`, tag: 'Alerts', summary: `One alert rule${note}`, description: byId('alert rule'), response: alertRuleSchema },
    { method: 'put', path: `${prefix}/{id}`, operationId: `putAlertRule${suffix}`, tag: 'Alerts', summary: `Change the fields given of an alert rule${note}`, body: alertRulePatchSchema, response: alertRuleSchema },
    { method: 'patch', path: `${prefix}/{id}`, operationId: `updateAlertRule${suffix}`, tag: 'Alerts', summary: `Change the fields given of an alert rule${note}`, body: alertRulePatchSchema, response: alertRuleSchema },
    { method: 'delete', path: `${prefix}/{id}`, operationId: `deleteAlertRule${suffix}`, tag: 'Alerts', summary: `Delete an alert rule${note}`, status: 204 },
  ];
}

/** Every route the server serves, as the OpenAPI document shows it. */
export const ROUTES: readonly RouteSpec[] = [
  // auth
  { method: 'post', path: '/auth/register', operationId: 'register', tag: 'Auth', public: true, summary: 'Create an account', description: 'The username is stored NFKC-normalised; one equal to a taken one case-insensitively, or looking like one (its UTS #39 skeleton), is a 409. Registrations are limited per client address, taken names included (429 with `Retry-After`).', body: registerSchema, status: 201, response: accountSchema, errors: [409, 429] },
  {
    method: 'post', path: '/auth/login', operationId: 'login', tag: 'Auth', public: true, summary: 'Log in: an access and a refresh token',
    description: 'JSON, or the form-encoded OAuth2 password grant (`grant_type=password`). An unknown user and a wrong password get the same 401; wrong passwords are limited per username and failed logins per address, counted before the password is checked (429 with `Retry-After`); password checks wait in a bounded queue shared fairly between addresses (429 when one address has too many in flight, 503 `SERVER_BUSY` when the queue is full).',
    body: loginSchema, form: true, response: tokenPairSchema, errors: [401, 429],
  },
  { method: 'post', path: '/auth/refresh', operationId: 'refresh', tag: 'Auth', public: true, summary: 'Exchange a refresh token for a new pair', description: 'The refresh token is rotated: presenting a used one revokes the whole session. Failed refreshes are limited per client address (429 with `Retry-After`).', body: refreshSchema, form: true, response: tokenPairSchema, errors: [401, 429] },
  { method: 'get', path: '/auth/refresh', operationId: 'refreshWithBearer', tag: 'Auth', public: true, summary: 'Exchange a refresh token (sent as the bearer token) for a new pair', description: 'The seed’s form: `Authorization: Bearer <refresh token>` (not the access token).', response: tokenPairSchema, errors: [401, 429] },
  { method: 'post', path: '/auth/logout', operationId: 'logout', tag: 'Auth', summary: 'Revoke the session: its tokens stop working at once', status: 204 },
  { method: 'get', path: '/auth/me', operationId: 'getAccount', tag: 'Auth', summary: 'The account and its settings', response: accountSchema },
  { method: 'patch', path: '/auth/me', operationId: 'updateAccount', tag: 'Auth', summary: 'Change settings, email or password', description: 'Changing the password needs `currentPassword` and revokes the account’s other sessions. Wrong `currentPassword`s count against the account’s limit of wrong passwords, with its logins (429 with `Retry-After`).', body: accountPatchSchema, response: accountSchema, errors: [429] },

  // expenses
  { method: 'post', path: '/expenses', operationId: 'createExpense', tag: 'Expenses', summary: 'Record an expense', body: expenseInputSchema, status: 201, response: expenseSchema },
  { method: 'get', path: '/expenses', operationId: 'listExpenses', tag: 'Expenses', summary: 'List expenses: filters and a keyset cursor', query: expenseListQuerySchema, response: expensePageSchema },
  { method: 'post', path: '/expenses/batch', operationId: 'createExpenses', tag: 'Expenses', summary: 'Record up to 1,000 expenses, all or none', description: 'The body is an array of expenses or `{ items: [...] }`; up to 5 MiB.', body: expenseBatchBodySchema, status: 201, response: expenseBatchResultSchema },
  { method: 'get', path: '/expenses/{id}', operationId: 'getExpense', tag: 'Expenses', summary: 'One expense', description: byId('expense'), response: expenseSchema },
  { method: 'put', path: '/expenses/{id}', operationId: 'replaceExpense', tag: 'Expenses', summary: 'Replace an expense', body: expenseInputSchema, response: expenseSchema },
  { method: 'patch', path: '/expenses/{id}', operationId: 'updateExpense', tag: 'Expenses', summary: 'Change some fields of an expense (`null` clears one)', body: expensePatchSchema, response: expenseSchema },
  { method: 'delete', path: '/expenses/{id}', operationId: 'deleteExpense', tag: 'Expenses', summary: 'Delete an expense', status: 204 },

  // categories
  { method: 'post', path: '/categories', operationId: 'createCategory', tag: 'Categories', summary: 'Create a category', body: categoryInputSchema, status: 201, response: categorySchema, errors: [409] },
  { method: 'get', path: '/categories', operationId: 'listCategories', tag: 'Categories', summary: 'List categories', response: z.array(categorySchema) },
  { method: 'get', path: '/categories/{id}', operationId: 'getCategory', tag: 'Categories', summary: 'One category', description: byId('category'), response: categorySchema },
  { method: 'put', path: '/categories/{id}', operationId: 'replaceCategory', tag: 'Categories', summary: 'Replace a category', body: categoryInputSchema, response: categorySchema, errors: [409] },
  { method: 'patch', path: '/categories/{id}', operationId: 'updateCategory', tag: 'Categories', summary: 'Change some fields of a category', body: categoryPatchSchema, response: categorySchema, errors: [409] },
  { method: 'delete', path: '/categories/{id}', operationId: 'deleteCategory', tag: 'Categories', summary: 'Delete a category', description: 'A category that expenses use is a 409 naming the count, unless `reassignTo` (the expenses move) or `uncategorize=true` is given. Expenses are never deleted.', query: categoryDeleteOptionsSchema, status: 204, errors: [409] },

  // the overall budget
  {
    method: 'post', path: '/budget', operationId: 'setOverallBudget', tag: 'Budgets', summary: 'Set or replace the overall budget (no category filter)',
    description: `201 when it creates the overall budget, 200 when it replaces it. ${OVERALL_BODY}`,
    body: overallBudgetInputSchema, status: [200, 201], response: budgetSchema,
  },
  { method: 'get', path: '/budget', operationId: 'getOverallBudget', tag: 'Budgets', summary: 'The overall budget', description: '404 when none is set.', response: budgetSchema, errors: [404] },
  { method: 'put', path: '/budget', operationId: 'replaceOverallBudget', tag: 'Budgets', summary: 'Replace the overall budget', description: `404 when none is set. ${OVERALL_BODY}`, body: overallBudgetInputSchema, response: budgetSchema, errors: [404] },
  { method: 'get', path: '/budget/status', operationId: 'getOverallBudgetStatus', tag: 'Budgets', summary: 'The overall budget’s figures for the period containing `date` (default today)', query: budgetStatusQuerySchema, response: budgetStatusSchema, errors: [404] },
  { method: 'get', path: '/budget/history', operationId: 'getOverallBudgetHistory', tag: 'Budgets', summary: 'The overall budget’s figures for its last closed periods', query: budgetHistoryQuerySchema, response: z.array(budgetStatusSchema), errors: [404] },

  // budgets
  { method: 'post', path: '/budgets', operationId: 'createBudget', tag: 'Budgets', summary: 'Create a budget', description: 'Gets `spent` alert rules at 80 % and 100 % unless `alertRules` says otherwise.', body: budgetInputSchema, status: 201, response: budgetSchema },
  { method: 'get', path: '/budgets', operationId: 'listBudgets', tag: 'Budgets', summary: 'List budgets', response: z.array(budgetSchema) },
  { method: 'get', path: '/budgets/{id}', operationId: 'getBudget', tag: 'Budgets', summary: 'One budget', description: byId('budget'), response: budgetSchema },
  { method: 'put', path: '/budgets/{id}', operationId: 'replaceBudget', tag: 'Budgets', summary: 'Replace a budget', body: budgetInputSchema, response: budgetSchema },
  { method: 'patch', path: '/budgets/{id}', operationId: 'updateBudget', tag: 'Budgets', summary: 'Change some fields of a budget', body: budgetPatchSchema, response: budgetSchema },
  { method: 'delete', path: '/budgets/{id}', operationId: 'deleteBudget', tag: 'Budgets', summary: 'Delete a budget and its alert rules', status: 204 },
  { method: 'get', path: '/budgets/{id}/status', operationId: 'getBudgetStatus', tag: 'Budgets', summary: 'A budget’s figures for the period containing `date` (default today)', query: budgetStatusQuerySchema, response: budgetStatusSchema },
  { method: 'get', path: '/budgets/{id}/history', operationId: 'getBudgetHistory', tag: 'Budgets', summary: 'A budget’s figures for its last closed periods', query: budgetHistoryQuerySchema, response: z.array(budgetStatusSchema) },

  // alert rules: the seed's singular paths, and the plural ones
  ...alertRoutes('/alert'),
  ...alertRoutes('/alerts'),

  // notifications
  { method: 'get', path: '/notifications', operationId: 'listNotifications', tag: 'Notifications', summary: 'List notifications, newest first', query: notificationListQuerySchema, response: z.array(notificationSchema) },
  { method: 'post', path: '/notifications/{id}/read', operationId: 'markNotificationRead', tag: 'Notifications', summary: 'Mark a notification read', response: notificationSchema },

  // analytics
  { method: 'get', path: '/analytics/summary', operationId: 'getSummary', tag: 'Analytics', summary: 'Totals per currency, by category, against the previous range, with budget status', query: summaryQuerySchema, response: summarySchema },
  { method: 'get', path: '/analytics/monthly', operationId: 'getMonthly', tag: 'Analytics', summary: 'Spending per month, per category and currency', query: monthlyQuerySchema, response: monthlySchema },
  { method: 'get', path: '/analytics/weekly', operationId: 'getWeekly', tag: 'Analytics', summary: 'Spending per week (weeks start on the owner’s `weekStartsOn`)', query: weeklyQuerySchema, response: weeklySchema },
  { method: 'get', path: '/analytics/trends', operationId: 'getTrends', tag: 'Analytics', summary: 'A zero-filled series with a moving average and change per point', query: trendsQuerySchema, response: trendsSchema },
  {
    method: 'get', path: '/analytics/export', operationId: 'exportExpenses', tag: 'Analytics', summary: 'Export expenses as CSV, JSON or NDJSON, streamed',
    description: 'Takes the listing filters; rows oldest first. A user may run 2 exports at once (429 `TOO_MANY_EXPORTS` with `Retry-After` for a third); a download whose client reads nothing for 30 s is cut off.', query: exportQuerySchema, errors: [429],
    content: { 'text/csv': csvExportSchema, 'application/json': z.array(expenseSchema), 'application/x-ndjson': ndjsonExportSchema },
  },

  // change feed
  { method: 'get', path: '/changes', operationId: 'listChanges', tag: 'Changes', summary: 'Events with `seq` after `after`, oldest first', query: changesQuerySchema, response: changesPageSchema },

  // ops
  { method: 'get', path: '/health', operationId: 'health', tag: 'Ops', public: true, noDatabase: true, summary: 'The process answers', response: healthSchema },
  { method: 'get', path: '/health/ready', operationId: 'ready', tag: 'Ops', public: true, summary: 'The database answers too (503 when it does not)', response: readinessSchema },
  { method: 'get', path: '/openapi.json', operationId: 'openApiDocument', tag: 'Ops', public: true, noDatabase: true, summary: 'This OpenAPI 3.1 document', response: z.record(z.string(), z.unknown()) },
  { method: 'get', path: '/docs', operationId: 'interactiveDocs', tag: 'Ops', public: true, noDatabase: true, summary: 'Interactive docs (Swagger UI, served from this server)', content: { 'text/html': z.string() } },
];

/**
 * A WebSocket endpoint, documented as the GET that opens it: OpenAPI has no construct for a
 * socket, so the operation says how to connect and `message` is the schema of what it sends.
 */
export interface SocketSpec {
  /** The OpenAPI path template (`/ws/notifications/{userId}`). */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  /** Path parameters by name, each with its own schema. */
  pathParams?: Record<string, z.ZodType>;
  /** The query string, as an object schema. */
  query: z.ZodType;
  /** Every message the socket sends. */
  message: z.ZodType;
  /** What each close code means. */
  closeCodes: Record<number, string>;
}

/** The query of the notification socket. */
const socketQuerySchema = z.object({
  token: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'The access token, for clients that cannot set an `Authorization` header on a WebSocket (browsers). Log it nowhere: it is a credential in a URL.' }),
  after: z
    .int()
    .min(0)
    .max(999_999_999_999_999)
    .optional()
    .meta({ description: 'The last `seq` the client saw: what came after it in the change feed is sent first, then the live messages, with nothing lost or repeated' }),
});

/** What each close code of the notification socket means to a client. */
const SOCKET_CLOSE_CODES: Record<number, string> = {
  [NOTIFICATION_CLOSE_CODES.POLICY_VIOLATION]: 'refused: no token, a bad, expired or revoked token, a `userId` that is not the token’s subject, a bad `after`, or an unknown path',
  [NOTIFICATION_CLOSE_CODES.TOKEN_EXPIRED]: 'the access token expired: reconnect with a fresh one and `after=<last seq>`',
  [NOTIFICATION_CLOSE_CODES.GOING_AWAY]: 'the server is shutting down: reconnect with `after=<last seq>`',
  [NOTIFICATION_CLOSE_CODES.SERVER_ERROR]: 'the database did not answer: reconnect later with `after=<last seq>`',
};

const SOCKET_DESCRIPTION = [
  'Live notifications over a WebSocket: connect with `Upgrade: websocket` and an access token, as `Authorization: Bearer <access token>` or `?token=` (browsers). The upgrade is always accepted; a refusal is a close. Every message is a JSON text frame, a `NotificationMessage` (`#/components/schemas/NotificationMessage`, also under `x-websocket.message`): `{ type, seq, at, data }` for `alert.triggered` and the `expense.*` and `budget.*` changes of the token’s user only, `data` typed by `type`. The server pings (every 30 s by default) and drops a client that does not answer or cannot keep up.',
  '',
  'Close codes:',
  ...Object.entries(SOCKET_CLOSE_CODES).map(([code, meaning]) => `- \`${code}\`: ${meaning}`),
  '',
  'A plain HTTP request (no upgrade) is a 426 problem.',
].join('\n');

/** The WebSocket endpoints, as the OpenAPI document shows them. */
export const SOCKET_ROUTES: readonly SocketSpec[] = [
  {
    path: '/ws/notifications', operationId: 'openNotificationSocket', summary: 'Live notifications of the token’s user (WebSocket)',
    description: SOCKET_DESCRIPTION, query: socketQuerySchema, message: notificationMessageSchema, closeCodes: SOCKET_CLOSE_CODES,
  },
  {
    path: '/ws/notifications/{userId}', operationId: 'openNotificationSocketForUser', summary: 'Live notifications of a user (WebSocket; the seed’s path)',
    description: `The seed’s path: \`userId\` must be the token’s subject. ${SOCKET_DESCRIPTION}`,
    pathParams: { userId: z.string().min(1).meta({ description: 'The account id (`id` of `GET /auth/me`): the token’s subject' }) },
    query: socketQuerySchema, message: notificationMessageSchema, closeCodes: SOCKET_CLOSE_CODES,
  },
];
